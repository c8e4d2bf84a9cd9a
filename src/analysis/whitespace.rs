//! Whitespace-separated words, lower-cased: the simplest baseline for
//! `kors index --analyzer whitespace` (punctuation and Korean particles stay
//! attached to their word). Offsets are byte ranges of the original text.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The whitespace tokenizer. Each clone has its own buffer.
#[derive(Clone, Default)]
pub struct WhitespaceTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for WhitespaceTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        let mut position = 0;
        let mut start = None;
        // A sentinel space closes the last word.
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    self.tokens.push(Token {
                        offset_from: s,
                        offset_to: i,
                        position,
                        text: text[s..i].to_lowercase(),
                        position_length: 1,
                    });
                    position += 1;
                    start = None;
                }
                _ => {}
            }
        }
        VecTokenStream::new(&mut self.tokens)
    }
}

/// A token stream over tokens computed up front.
pub struct VecTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl<'a> VecTokenStream<'a> {
    /// A stream over `tokens`, positioned before the first.
    pub fn new(tokens: &'a mut [Token]) -> Self {
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_punctuation_and_offsets() {
        let text = "  러시아와의 Relations,\t푸틴 ";
        let mut tok = WhitespaceTokenizer::default();
        let mut s = tok.token_stream(text);
        let mut got = Vec::new();
        while s.advance() {
            let t = s.token();
            got.push((t.text.clone(), text[t.offset_from..t.offset_to].to_string()));
        }
        assert_eq!(
            got,
            [
                ("러시아와의".into(), "러시아와의".into()),
                ("relations,".into(), "Relations,".into()),
                ("푸틴".into(), "푸틴".into())
            ]
        );
    }
}
