//! Unicode normalisation (NFKC) with a map back to the original text, so
//! that decomposed Hangul matches precomposed text and full-width Latin
//! folds to ASCII while token offsets still point into what the user wrote.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// `text` in NFKC, plus where each normalised chunk came from.
pub struct Normalized<'a> {
    pub text: Cow<'a, str>,
    /// `(normalised start, original start)` of each chunk, in order; empty
    /// when the text was already normalised (offsets are then the identity).
    chunks: Vec<(usize, usize)>,
    original_len: usize,
}

impl<'a> Normalized<'a> {
    pub fn new(original: &'a str) -> Self {
        if is_nfkc_quick(original.chars()) == IsNormalized::Yes {
            return Normalized {
                text: Cow::Borrowed(original),
                chunks: Vec::new(),
                original_len: original.len(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut chunks = Vec::new();
        let mut start = 0;
        let mut iter = original.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            // A chunk runs from a starter to the next one, so composition
            // (jamo into syllables, base + combining mark) stays inside it.
            let next_is_starter = iter.peek().is_none_or(|&(_, n)| is_chunk_start(n));
            if next_is_starter {
                let end = i + c.len_utf8();
                let piece = &original[start..end];
                chunks.push((text.len(), start));
                if is_compat_jamo(piece) {
                    // Keep ㅋㅋ-style compatibility jamo as written: the
                    // dictionary knows them, and NFKC would recompose them.
                    text.push_str(piece);
                } else {
                    text.extend(piece.nfkc());
                }
                start = end;
            }
        }
        Normalized {
            text: Cow::Owned(text),
            chunks,
            original_len: original.len(),
        }
    }

    /// Maps a byte range of the normalised text to the original text. The
    /// result covers whole chunks, so it always lies on char boundaries.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        if self.chunks.is_empty() {
            return (start, end);
        }
        let chunk_of = |pos: usize| match self.chunks.binary_search_by(|&(n, _)| n.cmp(&pos)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let s = self.chunks[chunk_of(start)].1;
        let last = chunk_of(end.saturating_sub(1).max(start));
        let e = self
            .chunks
            .get(last + 1)
            .map_or(self.original_len, |&(_, o)| o);
        (s, e.max(s))
    }
}

fn is_chunk_start(c: char) -> bool {
    // Hangul medial vowels and final consonants compose with what precedes.
    unicode_normalization::char::canonical_combining_class(c) == 0
        && !('\u{1160}'..='\u{11FF}').contains(&c)
}

fn is_compat_jamo(s: &str) -> bool {
    s.chars().all(|c| ('\u{3131}'..='\u{318E}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_hangul_composes_and_maps_back() {
        let decomposed: String = "러시아".nfd().collect();
        assert_ne!(decomposed, "러시아");
        let text = format!("a {decomposed} b");
        let n = Normalized::new(&text);
        assert_eq!(n.text, "a 러시아 b");
        let s = n.text.find("러시아").unwrap();
        let (os, oe) = n.original_range(s, s + "러시아".len());
        assert_eq!(&text[os..oe], decomposed);
    }

    #[test]
    fn full_width_latin_folds_to_ascii() {
        let text = "ＮＡＴＯ와 러시아";
        let n = Normalized::new(text);
        assert_eq!(n.text, "NATO와 러시아");
        let (os, oe) = n.original_range(0, 4);
        assert_eq!(&text[os..oe], "ＮＡＴＯ");
    }

    #[test]
    fn normalised_text_is_borrowed() {
        let n = Normalized::new("Путин met 푸틴");
        assert!(matches!(n.text, Cow::Borrowed(_)));
        assert_eq!(n.original_range(3, 7), (3, 7));
    }
}
