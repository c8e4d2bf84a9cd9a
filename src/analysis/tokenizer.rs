//! The tantivy adapter (tantivy-tokenizer-api 0.7): lindera-tantivy pins an
//! older tantivy, so kors carries its own.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::{Analyzer, TermBuf};

/// kors's analyzer as a tantivy tokenizer. Each clone has its own buffers
/// (and, for the memoised variant, its own eojeol cache).
#[derive(Default)]
pub struct KorsTokenizer {
    analyzer: Analyzer,
    terms: TermBuf,
    eojeol_cache: bool,
}

impl KorsTokenizer {
    /// The `morph-fast` variant: Korean analyses memoised by eojeol.
    pub fn with_eojeol_cache() -> Self {
        KorsTokenizer {
            analyzer: Analyzer::with_eojeol_cache(),
            terms: TermBuf::default(),
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
    terms: &'a TermBuf,
    next: usize,
    token: Token,
}

impl Tokenizer for KorsTokenizer {
    type TokenStream<'a> = KorsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KorsTokenStream<'a> {
        self.terms.clear();
        self.analyzer.terms_into(text, &mut self.terms);
        KorsTokenStream {
            terms: &self.terms,
            next: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for KorsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.terms.get(self.next) {
            Some((text, t)) => {
                self.next += 1;
                self.token.text.clear();
                self.token.text.push_str(text);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_the_analyzers_terms() {
        let text = "북러 관계와 로씨야와의 친선을 발전시켰다. Putin's visit (Путина) 朝露 2024년\n핵전쟁 위협";
        let mut expected = Vec::new();
        Analyzer::new().terms(text, &mut expected);
        assert!(expected.len() > 10, "{expected:?}");
        let mut tokenizer = KorsTokenizer::default();
        // Twice: the buffer is reused between texts.
        for _ in 0..2 {
            let mut stream = tokenizer.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
            let want: Vec<_> = expected
                .iter()
                .map(|t| (t.text.clone(), t.start, t.end, t.position))
                .collect();
            assert_eq!(got, want);
        }
    }
}
