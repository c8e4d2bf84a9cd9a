//! Character bigrams for CJK text, as Lucene's `CJKAnalyzer` indexes
//! Korean: a baseline for `kors index --analyzer bigram`.
//!
//! Text is split into runs of word characters (letters, digits, marks).
//! Runs of Hangul, Han and kana become overlapping character bigrams (a
//! single CJK character stays a unigram, as in Lucene); other runs become
//! one lower-cased word, and Lucene's English stop words are dropped. No
//! stemming and no NFKC (Lucene's width folding is left out). Offsets are
//! byte ranges of the original text; every token takes the next position,
//! so phrase queries match consecutive bigrams.

use tantivy::tokenizer::{Token, Tokenizer};

use super::script::{is_han, is_hangul};
use super::whitespace::VecTokenStream;

/// Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, which `CJKAnalyzer`
/// uses by default.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

fn is_cjk(c: char) -> bool {
    is_hangul(c) || is_han(c) || matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// The bigram tokenizer. Each clone has its own buffer.
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    tokens: Vec<Token>,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        self.tokens.clear();
        bigrams(text, &mut self.tokens);
        VecTokenStream::new(&mut self.tokens)
    }
}

/// Appends the tokens of `text` to `out`.
pub fn bigrams(text: &str, out: &mut Vec<Token>) {
    let mut position = 0;
    let mut push = |out: &mut Vec<Token>, text: String, from: usize, to: usize| {
        out.push(Token {
            offset_from: from,
            offset_to: to,
            position,
            text,
            position_length: 1,
        });
        position += 1;
    };
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if !is_word(c) {
            chars.next();
            continue;
        }
        if is_cjk(c) {
            // Byte offsets of the run's characters, and the run's end.
            let mut starts = Vec::new();
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !is_cjk(c) {
                    break;
                }
                starts.push(i);
                end = i + c.len_utf8();
                chars.next();
            }
            if starts.len() == 1 {
                push(out, text[start..end].to_string(), start, end);
            } else {
                for w in 0..starts.len() - 1 {
                    let to = starts.get(w + 2).copied().unwrap_or(end);
                    push(out, text[starts[w]..to].to_string(), starts[w], to);
                }
            }
        } else {
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !is_word(c) || is_cjk(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            let word = text[start..end].to_lowercase();
            if !STOP_WORDS.contains(&word.as_str()) {
                push(out, word, start, end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        bigrams(text, &mut out);
        out.into_iter()
            .map(|t| (t.text, t.offset_from, t.offset_to, t.position))
            .collect()
    }

    #[test]
    fn hangul_runs_become_bigrams_with_original_offsets() {
        let t = terms("러시아와 the Kremlin, 한");
        let words: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(words, ["러시", "시아", "아와", "kremlin", "한"]);
        let text = "러시아와 the Kremlin, 한";
        for (w, from, to, _) in &t {
            assert_eq!(text[*from..*to].to_lowercase(), *w);
        }
        let positions: Vec<usize> = t.iter().map(|t| t.3).collect();
        assert_eq!(positions, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn mixed_runs_split_at_script_change() {
        let words: Vec<String> = terms("G20정상회의").into_iter().map(|t| t.0).collect();
        assert_eq!(words, ["g20", "정상", "상회", "회의"]);
    }
}
