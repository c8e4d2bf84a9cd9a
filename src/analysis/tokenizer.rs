//! The tantivy adapter (tantivy-tokenizer-api 0.7): lindera-tantivy pins an
//! older tantivy, so kors carries its own.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{Analyzer, Term};

/// kors's analyzer as a tantivy tokenizer. Each clone has its own buffers
/// (and, for the memoised variant, its own eojeol cache).
#[derive(Default)]
pub struct KorsTokenizer {
    analyzer: Analyzer,
    terms: Vec<Term>,
    eojeol_cache: bool,
}

impl KorsTokenizer {
    /// The `morph-fast` variant: Korean analyses memoised by eojeol.
    pub fn with_eojeol_cache() -> Self {
        KorsTokenizer {
            analyzer: Analyzer::with_eojeol_cache(),
            terms: Vec::new(),
            eojeol_cache: true,
        }
    }
}

impl Clone for KorsTokenizer {
    fn clone(&self) -> Self {
        if self.eojeol_cache {
            Self::with_eojeol_cache()
        } else {
            Self::default()
        }
    }
}

pub struct KorsTokenStream<'a> {
    terms: std::slice::Iter<'a, Term>,
    token: Token,
}

impl Tokenizer for KorsTokenizer {
    type TokenStream<'a> = KorsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KorsTokenStream<'a> {
        self.terms.clear();
        self.analyzer.terms(text, &mut self.terms);
        KorsTokenStream {
            terms: self.terms.iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for KorsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.terms.next() {
            Some(t) => {
                self.token.text.clear();
                self.token.text.push_str(&t.text);
                self.token.offset_from = t.start;
                self.token.offset_to = t.end;
                self.token.position = t.position;
                self.token.position_length = 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}
