//! Unicode normalisation (NFKC) with a map back to the original text, so
//! that decomposed Hangul matches precomposed text and full-width Latin
//! folds to ASCII while token offsets still point into what the user wrote.

use std::borrow::Cow;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// `text` in NFKC, plus where each normalised chunk came from.
pub struct Normalized<'a> {
    pub text: Cow<'a, str>,
    /// The chunks that normalisation changed, in order, as
    /// `(normalised start, normalised len, original start, original len)`;
    /// text between them is unchanged, so offsets there shift by a constant.
    edits: Vec<(usize, usize, usize, usize)>,
}

impl<'a> Normalized<'a> {
    pub fn new(original: &'a str) -> Self {
        if !original.chars().any(needs_check) {
            return Normalized {
                text: Cow::Borrowed(original),
                edits: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut edits = Vec::new();
        let mut start = 0;
        let mut iter = original.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            // A chunk runs from a starter to the next one, so composition
            // (jamo into syllables, base + combining mark) stays inside it.
            let next_is_starter = iter.peek().is_none_or(|&(_, n)| is_chunk_start(n));
            if !next_is_starter {
                continue;
            }
            let end = i + c.len_utf8();
            let piece = &original[start..end];
            // Keep ㅋㅋ-style compatibility jamo as written (the dictionary
            // knows them; NFKC would recompose them into syllables).
            if is_compat_jamo(piece)
                || !piece.chars().any(needs_check)
                || is_nfkc_quick(piece.chars()) == IsNormalized::Yes
            {
                text.push_str(piece);
            } else {
                let norm_start = text.len();
                text.extend(piece.nfkc());
                let norm_len = text.len() - norm_start;
                if text[norm_start..] != *piece {
                    edits.push((norm_start, norm_len, start, piece.len()));
                }
            }
            start = end;
        }
        Normalized {
            text: Cow::Owned(text),
            edits,
        }
    }

    /// Maps a byte range of the normalised text to the original text. A
    /// boundary inside a changed chunk widens to the whole chunk, so the
    /// result always lies on char boundaries of the original.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        (
            self.map(start, false),
            self.map(end, true).max(self.map(start, false)),
        )
    }

    fn map(&self, pos: usize, is_end: bool) -> usize {
        // Last edit starting at or before `pos` (for an end, strictly before).
        let idx = self
            .edits
            .partition_point(|&(ns, _, _, _)| if is_end { ns < pos } else { ns <= pos });
        if idx == 0 {
            return pos;
        }
        let (ns, nl, os, ol) = self.edits[idx - 1];
        if pos < ns + nl || (is_end && pos == ns + nl) {
            // Inside the changed chunk (an end exactly at its end included).
            return if is_end && pos > ns { os + ol } else { os };
        }
        pos - (ns + nl) + (os + ol)
    }
}

/// Whether NFKC might change `c`: ASCII and precomposed Hangul syllables,
/// most of kors's text, never change, and the table look-up is the cost.
#[inline]
fn needs_check(c: char) -> bool {
    !(c.is_ascii() || ('\u{AC00}'..='\u{D7A3}').contains(&c))
        && is_nfkc_quick(std::iter::once(c)) != IsNormalized::Yes
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
