//! Scripts other than Hangul: splitting into words and normalising each
//! word by its script (English stemming and stop words, Russian stemming,
//! numbers kept, Hanja one character a token).

use frostem::{Algorithm, Stemmer};

pub use crate::script::{is_han, is_hangul, script_of, Script};

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// Lucene's English stop words (EnglishAnalyzer's default set).
const ENGLISH_STOP: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// What became of one word.
pub enum WordOutcome {
    Keep(String),
    Stop,
}

/// Words whose normal form is remembered per thread: news repeats a few
/// thousand words endlessly, and lower-casing plus Snowball stemming cost
/// more than a hash lookup (about a tenth of English ingest).
const MAX_REMEMBERED_WORDS: usize = 100_000;

type Remembered = rustc_hash::FxHashMap<Box<str>, Option<Box<str>>>;

thread_local! {
    /// Latin words, then Cyrillic ones.
    static REMEMBERED: std::cell::RefCell<[Remembered; 2]> = Default::default();
}

/// Normalises one word written in `script` (already NFKC).
pub fn normalize_word(word: &str, script: Script) -> WordOutcome {
    with_normal_form(word, script, |form| match form {
        Some(t) => WordOutcome::Keep(t.to_string()),
        None => WordOutcome::Stop,
    })
}

/// Calls `f` with the normal form of `word` (`None` for a stop word),
/// without allocating when the word was seen before on this thread.
pub fn with_normal_form<R>(word: &str, script: Script, f: impl FnOnce(Option<&str>) -> R) -> R {
    let which = match script {
        Script::Latin => 0,
        Script::Cyrillic => 1,
        _ => usize::MAX,
    };
    if which == usize::MAX || word.len() > 64 {
        return match normalize_word_uncached(word, script) {
            WordOutcome::Keep(t) => f(Some(&t)),
            WordOutcome::Stop => f(None),
        };
    }
    REMEMBERED.with(|cell| {
        let map = &mut cell.borrow_mut()[which];
        if let Some(v) = map.get(word) {
            return f(v.as_deref());
        }
        if map.len() >= MAX_REMEMBERED_WORDS {
            map.clear();
        }
        let value = match normalize_word_uncached(word, script) {
            WordOutcome::Keep(t) => Some(t.into_boxed_str()),
            WordOutcome::Stop => None,
        };
        let out = f(value.as_deref());
        map.insert(word.into(), value);
        out
    })
}

fn normalize_word_uncached(word: &str, script: Script) -> WordOutcome {
    match script {
        Script::Latin => {
            let lower = word.to_lowercase();
            if ENGLISH_STOP.contains(&lower.as_str()) {
                return WordOutcome::Stop;
            }
            let stemmer = Stemmer::new(Algorithm::English);
            WordOutcome::Keep(stemmer.stem(&lower).into_owned())
        }
        Script::Cyrillic => {
            let lower = word.to_lowercase().replace('ё', "е");
            let stemmer = Stemmer::new(Algorithm::Russian);
            WordOutcome::Keep(stemmer.stem(&lower).into_owned())
        }
        _ => WordOutcome::Keep(word.to_lowercase()),
    }
}

/// Splits `text` (no Hangul handling: the caller routes Hangul to the
/// morphological analyser) into words: runs of letters and digits of one
/// script, digits joining the letters they touch (G20, 2024년 is Korean's
/// business), each Han character alone. Calls `emit(start, end, script)`
/// with byte offsets relative to `text`. An English possessive `'s` is
/// skipped.
pub fn words(text: &str, mut emit: impl FnMut(usize, usize, Script)) {
    let mut iter = text.char_indices().peekable();
    while let Some((start, c)) = iter.next() {
        if !is_word_char(c) {
            continue;
        }
        let first = script_of(c);
        if first == Script::Han {
            emit(start, start + c.len_utf8(), Script::Han);
            continue;
        }
        let mut script = first;
        let mut end = start + c.len_utf8();
        while let Some(&(i, n)) = iter.peek() {
            if !is_word_char(n) {
                break;
            }
            let s = script_of(n);
            let joins = s == script
                || s == Script::Number
                || script == Script::Number && s != Script::Han
                || unicode_normalization::char::is_combining_mark(n);
            if !joins || s == Script::Han {
                break;
            }
            if script == Script::Number && s != Script::Number {
                script = s;
            }
            end = i + n.len_utf8();
            iter.next();
        }
        emit(start, end, script);
        // Possessive: skip "'s" / "’s" right after a Latin word.
        if script == Script::Latin {
            let rest = &text[end..];
            for apos in ["'s", "’s"] {
                if let Some(after) = rest.strip_prefix(apos) {
                    if !after.starts_with(is_word_char) {
                        while iter.peek().is_some_and(|&(i, _)| i < end + apos.len()) {
                            iter.next();
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<(&str, Script)> {
        let mut v = Vec::new();
        words(text, |s, e, sc| v.push((&text[s..e], sc)));
        v
    }

    #[test]
    fn splits_by_script_and_skips_possessive() {
        assert_eq!(
            split("Russia’s G20 talks, Путин 2024 露"),
            vec![
                ("Russia", Script::Latin),
                ("G20", Script::Latin),
                ("talks", Script::Latin),
                ("Путин", Script::Cyrillic),
                ("2024", Script::Number),
                ("露", Script::Han),
            ]
        );
    }

    #[test]
    fn english_stems_and_stops() {
        assert!(matches!(
            normalize_word("The", Script::Latin),
            WordOutcome::Stop
        ));
        match normalize_word("Tankers", Script::Latin) {
            WordOutcome::Keep(s) => assert_eq!(s, "tanker"),
            WordOutcome::Stop => panic!("tankers is not a stop word"),
        }
    }

    #[test]
    fn russian_stems() {
        let a = match normalize_word("Путина", Script::Cyrillic) {
            WordOutcome::Keep(s) => s,
            WordOutcome::Stop => unreachable!(),
        };
        let b = match normalize_word("Путин", Script::Cyrillic) {
            WordOutcome::Keep(s) => s,
            WordOutcome::Stop => unreachable!(),
        };
        assert_eq!(a, b);
    }
}
