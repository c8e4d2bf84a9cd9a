//! Fuzzy (`term~`, `term~1`, `term~2`) and prefix (`term*`) words: the
//! indexed terms they stand for, and "did you mean" suggestions.
//!
//! A word is compared with the field's indexed terms and with every
//! spelling of the name table (a name is indexed as its identity, so
//! `Shoygu~1` reaches 쇼이구 through the spelling Shoigu). The word is only
//! normalised (NFKC, lower case, ё → е), not stemmed: a stem of a prefix is
//! not a prefix. Hangul is compared by syllable for a prefix (`러시*` finds
//! 러시아) and by jamo for edits (`쇼이그~1` finds 쇼이구: ㅡ → ㅜ is one
//! edit), as a Korean reader counts a typo. An expansion past
//! [`MAX_EXPANSIONS`] terms is refused with a message, as Lucene's
//! `maxExpansions` bounds it.

use std::collections::{BTreeMap, BTreeSet};

use tantivy::schema::Field;
use tantivy::Searcher;
use unicode_normalization::UnicodeNormalization;

use crate::analysis::lexicon::identities;

/// Most terms one fuzzy or prefix word may stand for.
pub const MAX_EXPANSIONS: usize = 512;
/// Most edits of a fuzzy word (Lucene's too).
pub const MAX_EDITS: u8 = 2;

/// `word` as terms and spellings are compared: NFKC, lower case, ё → е.
pub fn normal(word: &str) -> String {
    word.nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// Every identity of the name table with its spellings normalised, once.
fn spellings() -> &'static [(String, Vec<String>)] {
    static ALL: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        identities()
            .iter()
            .map(|id| {
                (
                    id.id.clone(),
                    id.spellings.iter().map(|s| normal(s)).collect(),
                )
            })
            .collect()
    })
}

/// Every distinct indexed term of `field`, in order.
fn terms(searcher: &Searcher, field: Field, from: &str, mut keep: impl FnMut(&str) -> Walk) {
    let mut seen = BTreeSet::new();
    for seg in searcher.segment_readers() {
        let Ok(inverted) = seg.inverted_index(field) else {
            continue;
        };
        let dict = inverted.terms();
        let Ok(mut stream) = dict.range().ge(from.as_bytes()).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(t) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if seen.contains(t) {
                continue;
            }
            match keep(t) {
                Walk::Stop => break,
                Walk::Next => {}
            }
            seen.insert(t.to_string());
        }
    }
}

enum Walk {
    Next,
    Stop,
}

/// Whether `term` is indexed in `field`.
fn indexed(searcher: &Searcher, field: Field, term: &str) -> bool {
    let t = tantivy::Term::from_field_text(field, term);
    searcher.doc_freq(&t).is_ok_and(|n| n > 0)
}

/// The terms a prefix word stands for (`word` without its `*`), or why
/// they cannot be searched.
pub fn prefix(searcher: &Searcher, field: Field, word: &str) -> Result<Vec<String>, String> {
    let p = normal(word);
    if p.is_empty() {
        return Err(format!("`{word}*` has no letters before the `*`"));
    }
    let mut out = BTreeSet::new();
    let mut over = false;
    terms(searcher, field, &p, |t| {
        if !t.starts_with(&p) {
            return Walk::Stop;
        }
        out.insert(t.to_string());
        if out.len() > MAX_EXPANSIONS {
            over = true;
            return Walk::Stop;
        }
        Walk::Next
    });
    for (id, spelt) in spellings() {
        if spelt.iter().any(|s| s.starts_with(&p)) && indexed(searcher, field, id) {
            out.insert(id.clone());
        }
    }
    if over || out.len() > MAX_EXPANSIONS {
        return Err(format!(
            "`{word}*` matches more than {MAX_EXPANSIONS} terms; give more letters"
        ));
    }
    Ok(out.into_iter().collect())
}

/// The terms within `edits` of `word`, nearest first, or why they cannot
/// be searched.
pub fn fuzzy(
    searcher: &Searcher,
    field: Field,
    word: &str,
    edits: u8,
) -> Result<Vec<(String, u8)>, String> {
    if edits > MAX_EDITS {
        return Err(format!(
            "`{word}~{edits}`: a fuzzy word allows at most {MAX_EDITS} edits"
        ));
    }
    let found = near(searcher, field, &normal(word), edits, MAX_EXPANSIONS + 1);
    if found.len() > MAX_EXPANSIONS {
        return Err(format!(
            "`{word}~{edits}` matches more than {MAX_EXPANSIONS} terms; allow fewer edits"
        ));
    }
    Ok(found)
}

/// Indexed terms within `edits` of `w` (normalised), and identities whose
/// spellings are: (term, edits), nearest first, at most `most`.
fn near(searcher: &Searcher, field: Field, w: &str, edits: u8, most: usize) -> Vec<(String, u8)> {
    let units = jamo(w);
    let mut best: BTreeMap<String, u8> = BTreeMap::new();
    let mut consider = |term: &str, cand: &str| {
        let c = jamo(cand);
        if c.len().abs_diff(units.len()) > edits as usize {
            return;
        }
        if let Some(d) = distance(&units, &c, edits) {
            let e = best.entry(term.to_string()).or_insert(d);
            *e = (*e).min(d);
        }
    };
    // Candidates from the term dictionary through tantivy's Levenshtein
    // automaton (over chars, at most 2 edits), checked in jamo: one jamo edit
    // changes at most two syllables (감아 → 가마), so a Hangul word is
    // searched at twice its edits, up to 2.
    let hangul = w.chars().any(crate::analysis::script::is_hangul);
    let chars = if hangul {
        (edits * 2).min(MAX_EDITS)
    } else {
        edits
    };
    let probe =
        tantivy::query::FuzzyTermQuery::new(tantivy::Term::from_field_text(field, w), chars, true);
    if let Ok(automaton) = probe.automaton() {
        for seg in searcher.segment_readers() {
            let Ok(inverted) = seg.inverted_index(field) else {
                continue;
            };
            let dict = inverted.terms();
            let Ok(mut stream) = dict.search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                if let Ok(t) = std::str::from_utf8(stream.key()) {
                    consider(t, t);
                }
            }
        }
    }
    for (id, spelt) in spellings() {
        for s in spelt {
            consider(id, s);
        }
    }
    let mut out: Vec<(String, u8)> = best
        .into_iter()
        .filter(|(t, _)| indexed(searcher, field, t))
        .collect();
    out.sort_by_key(|(_, d)| *d);
    out.truncate(most);
    out
}

/// "Did you mean": for a word that finds nothing, the nearest indexed words
/// (within two edits), written as the word was (a name in the query's
/// script), most frequent first among the nearest.
pub fn suggest(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let w = normal(word);
    if w.chars().count() < 3 {
        return None;
    }
    let found = near(searcher, field, &w, MAX_EDITS, 64);
    let d0 = found.iter().map(|(_, d)| *d).find(|&d| d > 0)?;
    let freq = |t: &str| {
        searcher
            .doc_freq(&tantivy::Term::from_field_text(field, t))
            .unwrap_or(0)
    };
    let (term, _) = found
        .iter()
        .filter(|(_, d)| *d == d0)
        .max_by_key(|(t, _)| freq(t))?;
    // A name: its spelling nearest to what was typed.
    let spelling = identities()
        .iter()
        .find(|id| &id.id == term)
        .and_then(|id| {
            id.spellings
                .iter()
                .filter_map(|s| Some((distance(&jamo(&w), &jamo(&normal(s)), MAX_EDITS)?, s)))
                .min_by_key(|(d, _)| *d)
                .map(|(_, s)| s.clone())
        });
    Some(spelling.unwrap_or_else(|| term.clone()))
}

/// `input` with each fuzzy word (`word~`, `word~N`, outside quotes) written
/// as tantivy's grammar can carry it: a one-word phrase with a slop
/// (`"word"~N`), which [`is_fuzzy`] recognises (a slop means nothing to a
/// phrase of one word). `~` alone is `~2`, as in Lucene; more than two
/// edits, or Lucene's old similarity (`~0.8`), are refused.
pub fn fuzzy_syntax(input: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    if !input.contains('~') {
        return Ok(input.into());
    }
    let mut out = String::with_capacity(input.len() + 8);
    let mut quoted = false;
    let mut word_start = 0;
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c == '"' {
            quoted = !quoted;
        }
        let boundary = c.is_whitespace() || matches!(c, '(' | ')' | '+' | '-' | '"');
        if boundary {
            out.push_str(&input[word_start..at]);
            out.push(c);
            word_start = at + c.len_utf8();
            i += 1;
            continue;
        }
        if c == '~' && !quoted && at > word_start {
            let word = &input[word_start..at];
            let mut j = i + 1;
            while j < chars.len() && (chars[j].1.is_ascii_digit() || chars[j].1 == '.') {
                j += 1;
            }
            let end = chars.get(j).map_or(input.len(), |&(p, _)| p);
            let edits = &input[at + 1..end];
            let n: u8 = match edits {
                "" => 2,
                e => match e.parse::<u8>() {
                    Ok(n) if n <= MAX_EDITS => n,
                    _ => {
                        return Err(format!(
                            "`{word}~{e}`: a fuzzy word takes 0, 1 or 2 edits (`{word}~1`)"
                        ))
                    }
                },
            };
            // `title:word~1` → `title:"word"~1`.
            let (field, w) = match word.rfind(':') {
                Some(k) => word.split_at(k + 1),
                None => ("", word),
            };
            if n == 0 {
                // ~0 is the word itself.
                out.push_str(word);
            } else {
                out.push_str(&format!("{field}\"{w}\"~{n}"));
            }
            word_start = end;
            i = j;
            continue;
        }
        i += 1;
    }
    out.push_str(&input[word_start..]);
    Ok(out.into())
}

/// The edits of a fuzzy word as [`fuzzy_syntax`] wrote it: a one-word
/// phrase with a slop.
pub fn is_fuzzy(phrase: &str, slop: u32) -> Option<u8> {
    (slop > 0 && slop <= u32::from(MAX_EDITS) && !phrase.contains(char::is_whitespace))
        .then_some(slop as u8)
}

/// `s` as units of comparison: Hangul syllables as their jamo.
fn jamo(s: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = c as u32;
        if (0xAC00..=0xD7A3).contains(&u) {
            let i = u - 0xAC00;
            let (l, v, t) = (i / 588, (i % 588) / 28, i % 28);
            out.extend(char::from_u32(0x1100 + l));
            out.extend(char::from_u32(0x1161 + v));
            if t > 0 {
                out.extend(char::from_u32(0x11A7 + t));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Edits (insertions, deletions, substitutions, transpositions of two
/// neighbours) from `a` to `b`, if at most `max`.
fn distance(a: &[char], b: &[char], max: u8) -> Option<u8> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max as usize {
        return None;
    }
    let mut rows = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        let mut low = usize::MAX;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
            low = low.min(d);
        }
        if low > max as usize {
            return None;
        }
    }
    let d = rows[n][m];
    (d <= max as usize).then_some(d as u8)
}

/// "Did you mean": `query` with each of its words that finds nothing
/// replaced by its [`suggest`]ion; `None` when no word could be.
pub fn did_you_mean(
    searcher: &Searcher,
    field: Field,
    kind: crate::analysis::AnalyzerKind,
    query: &str,
) -> Option<String> {
    let mut changed = false;
    // Inside `field:"…"` (another field's phrase) nothing is suggested.
    let mut in_field_phrase = false;
    let words: Vec<String> = query
        .split_whitespace()
        .map(|token| {
            let skip = in_field_phrase;
            let quotes = token.matches('"').count();
            if in_field_phrase {
                in_field_phrase = quotes % 2 == 0;
            } else if token.contains(':') && quotes % 2 == 1 {
                in_field_phrase = true;
            }
            let word = token
                .trim_start_matches(['+', '-', '!', '(', '"', '\''])
                .trim_end_matches([')', '"', '\'', ',', '.']);
            let syntax = skip
                || word.is_empty()
                || matches!(word, "AND" | "OR" | "NOT")
                || word.contains([':', '*', '~', '^', '[', ']', '{', '}', '\\', '/']);
            if syntax || finds_something(searcher, field, kind, word) {
                return token.to_string();
            }
            match suggest(searcher, field, word) {
                Some(s) => {
                    changed = true;
                    token.replacen(word, &s, 1)
                }
                None => token.to_string(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}

/// Whether any term `word` analyses to is indexed.
fn finds_something(
    searcher: &Searcher,
    field: Field,
    kind: crate::analysis::AnalyzerKind,
    word: &str,
) -> bool {
    let mut terms = Vec::new();
    crate::analysis::with_kept(kind, false, |analyzer| {
        let mut stream = analyzer.token_stream(word);
        while stream.advance() {
            terms.push(stream.token().text.clone());
        }
    });
    // Only stop words: nothing to suggest.
    terms.is_empty() || terms.iter().any(|t| indexed(searcher, field, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<u8> {
        distance(&jamo(a), &jamo(b), 2)
    }

    #[test]
    fn fuzzy_words_become_one_word_phrases_with_a_slop() {
        let f = |s: &str| fuzzy_syntax(s).unwrap().into_owned();
        assert_eq!(f("Shoigu~1 visit"), "\"Shoigu\"~1 visit");
        assert_eq!(f("+쇼이그~ -x"), "+\"쇼이그\"~2 -x");
        assert_eq!(f("title:moscow~1"), "title:\"moscow\"~1");
        assert_eq!(f("\"big wolf\"~1"), "\"big wolf\"~1");
        assert_eq!(f("a~0"), "a");
        assert!(fuzzy_syntax("a~3").is_err());
        assert!(fuzzy_syntax("a~0.8").is_err());
    }

    #[test]
    fn edits_count_jamo_in_hangul() {
        assert_eq!(d("쇼이그", "쇼이구"), Some(1));
        assert_eq!(d("쇼이그", "쇼이다"), Some(2), "ㄱ → ㄷ, ㅡ → ㅏ");
        assert_eq!(distance(&jamo("쇼이그"), &jamo("쇼이다"), 1), None);
        assert_eq!(d("shoygu", "shoigu"), Some(1));
        assert_eq!(d("shoig", "shoigu"), Some(1));
        assert_eq!(d("шойгу", "шойгу"), Some(0));
        assert_eq!(d("abcd", "abdc"), Some(1), "a transposition");
    }
}
