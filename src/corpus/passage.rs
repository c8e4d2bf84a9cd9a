//! Splitting cleaned text into passages of about [`TARGET_WORDS`] to
//! [`MAX_WORDS`] words, none under [`MIN_WORDS`] where it can be avoided.
//!
//! "Words" are whitespace-separated tokens in every language: for Korean
//! that is the eojeol (어절), which carries roughly one content word plus its
//! particles, so the same bounds give passages of similar substance. Text
//! with few spaces (long URLs, unspaced CJK, a megabyte without a space) is
//! held in check by [`MAX_CHARS`] as well.
//!
//! Each line of the text is a paragraph. A paragraph within the limits is
//! one unit; a longer one is split at sentence ends (`.`, `!`, `?`, `…`,
//! `。` and full-width forms, followed by optional closing quotes and then
//! whitespace; not after initials, common abbreviations or bare numbers
//! such as the "2015. 9. 1." of Korean dates) into balanced pieces. A
//! sentence still too long is cut at whitespace, preferably after a word
//! ending a Korean clause (`다`, `요`) or a comma, and at a char boundary
//! when there is no whitespace. Then short units are merged with their
//! neighbours while the result stays within the limits; a short heading
//! (a line without sentence punctuation) joins the paragraph after it
//! rather than the one before. Paragraphs are gathered until a passage
//! has [`TARGET_WORDS`]: news paragraphs run 40 to 100 words, and a passage
//! per paragraph made three index documents per story, each posting list
//! that much longer to search.

use std::ops::Range;

/// Passages shorter than this are merged with a neighbour when possible.
pub const MIN_WORDS: usize = 40;
/// Paragraphs join the passage before them while it is shorter than this
/// (and the result within the limits); a heading starts a new one once the
/// passage before it has [`MIN_WORDS`].
pub const TARGET_WORDS: usize = 80;
/// No passage has more words than this.
pub const MAX_WORDS: usize = 200;
/// No passage has more characters than this (bounds text without spaces).
pub const MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    words: usize,
    chars: usize,
    heading: bool,
}

fn count(s: &str) -> (usize, usize) {
    (s.split_whitespace().count(), s.chars().count())
}

impl Unit {
    fn new(text: &str, start: usize, end: usize) -> Unit {
        let (words, chars) = count(&text[start..end]);
        Unit {
            start,
            end,
            words,
            chars,
            heading: false,
        }
    }

    /// `self` followed by `next`, including the gap between them.
    fn join(&self, text: &str, next: &Unit) -> Unit {
        let gap = text[self.end..next.start].chars().count();
        Unit {
            start: self.start,
            end: next.end,
            words: self.words + next.words,
            chars: self.chars + gap + next.chars,
            heading: self.heading,
        }
    }

    fn fits(&self) -> bool {
        self.words <= MAX_WORDS && self.chars <= MAX_CHARS
    }
}

/// Split `text` into passage byte ranges, in order, on char boundaries.
pub fn split(text: &str) -> Vec<Range<usize>> {
    // Units are merged as they come, so memory follows the passages, not
    // the lines (a document can be millions of short lines).
    let mut out: Vec<Unit> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let line_start = pos;
        pos += line.len();
        let trimmed_start = line.len() - line.trim_start().len();
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        let start = line_start + trimmed_start;
        let end = start + body.len();
        let mut unit = Unit::new(text, start, end);
        if unit.fits() {
            unit.heading = body.starts_with('#')
                || body.starts_with('【')
                || (unit.words <= 8 && !super::clean::ends_punctuated(body));
            push_merged(text, &mut out, unit);
        } else {
            for piece in split_long(text, start, end) {
                push_merged(text, &mut out, piece);
            }
        }
    }
    // A short tail goes back into the passage before it if there is room.
    if out.len() >= 2 && out[out.len() - 1].words < MIN_WORDS {
        let joined = out[out.len() - 2].join(text, &out[out.len() - 1]);
        if joined.fits() {
            out.pop();
            if let Some(last) = out.last_mut() {
                *last = joined;
            }
        }
    }
    out.into_iter().map(|u| u.start..u.end).collect()
}

/// Add `u` to the passages, merging short ones (see the module doc).
fn push_merged(text: &str, out: &mut Vec<Unit>, u: Unit) {
    if let Some(last) = out.last_mut() {
        // Passages grow forward: a short paragraph opens a new passage
        // (which takes in what follows) rather than joining a complete
        // one, and a heading leads the text after it.
        if last.words < MIN_WORDS || (last.words < TARGET_WORDS && !u.heading) {
            let joined = last.join(text, &u);
            if joined.fits() {
                *last = joined;
                return;
            }
        }
    }
    out.push(u);
}

/// Split one over-long paragraph into balanced pieces within the limits.
fn split_long(text: &str, start: usize, end: usize) -> Vec<Unit> {
    let mut pieces = Vec::new();
    for (s, e) in sentence_spans(text, start, end) {
        let u = Unit::new(text, s, e);
        if u.fits() {
            pieces.push(u);
        } else {
            let mut p = s;
            while p < e {
                let cut = find_cut(text, p, e);
                pieces.push(Unit::new(text, p, cut));
                p = skip_ws(text, cut, e);
            }
        }
    }
    let total = Unit::new(text, start, end);
    let k = total
        .words
        .div_ceil(MAX_WORDS)
        .max(total.chars.div_ceil(MAX_CHARS))
        .max(1);
    let (target_w, target_c) = (total.words.div_ceil(k), total.chars.div_ceil(k));
    let mut out: Vec<Unit> = Vec::new();
    for piece in pieces {
        if let Some(last) = out.last_mut() {
            let joined = last.join(text, &piece);
            if last.words < target_w && last.chars < target_c && joined.fits() {
                *last = joined;
                continue;
            }
        }
        out.push(piece);
    }
    out
}

fn skip_ws(text: &str, mut p: usize, end: usize) -> usize {
    while p < end {
        match text[p..end].chars().next() {
            Some(c) if c.is_whitespace() => p += c.len_utf8(),
            _ => break,
        }
    }
    p
}

/// Sentence-final punctuation.
fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '？' | '！' | '．')
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "maj", "capt", "sgt",
    "gov", "sen", "rep", "rev", "hon", "no", "vol", "vs", "etc", "e.g", "i.e", "u.s", "u.n", "u.k",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc",
    "ltd", "co", "corp", "dept", "approx", "fig", "p", "pp", "art", "para",
];

/// Whether a `.` after `token` does not end a sentence.
fn is_abbreviation(token: &str) -> bool {
    let t = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    if t.is_empty() {
        return false;
    }
    // Initials ("J.") and bare numbers ("1.", the "2015. 9. 1." of Korean dates).
    if t.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return true;
        }
    }
    let lower = t.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Sentences of `text[start..end]` as trimmed byte spans, in order.
fn sentence_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let s = &text[start..end];
    let mut spans = Vec::new();
    let mut sent_start = 0;
    let mut token_start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c.is_whitespace() {
            token_start = i + c.len_utf8();
            continue;
        }
        if !is_terminal(c) {
            continue;
        }
        // Runs like "?!" or "..." end together.
        let mut j = i + c.len_utf8();
        while let Some(&(k, n)) = iter.peek() {
            if is_terminal(n) || super::clean::is_closer(n) {
                j = k + n.len_utf8();
                iter.next();
            } else {
                break;
            }
        }
        let at_break = s[j..].chars().next().is_none_or(char::is_whitespace);
        if !at_break || (c == '.' && j == i + 1 && is_abbreviation(&s[token_start..i])) {
            continue;
        }
        if j > sent_start {
            spans.push((start + sent_start, start + j));
        }
        sent_start = j + (s[j..].len() - s[j..].trim_start().len());
        token_start = sent_start;
    }
    if sent_start < s.len() {
        let rest = s[sent_start..].trim_end();
        if !rest.is_empty() {
            spans.push((start + sent_start, start + sent_start + rest.len()));
        }
    }
    spans
}

/// End of the first piece of `text[p..end]` within the limits: at whitespace,
/// preferably after a clause end, else at a char boundary.
fn find_cut(text: &str, p: usize, end: usize) -> usize {
    let (mut words, mut chars) = (0, 0);
    let mut in_word = false;
    let mut prev = ' ';
    // (byte position, words before it)
    let mut last_ws: Option<usize> = None;
    let mut last_good: Option<(usize, usize)> = None;
    for (off, c) in text[p..end].char_indices() {
        let i = p + off;
        let mut limit = chars == MAX_CHARS;
        if c.is_whitespace() {
            if in_word {
                in_word = false;
                last_ws = Some(i);
                if matches!(prev, '다' | '요' | ',' | ';' | '，' | '、') {
                    last_good = Some((i, words));
                }
            }
        } else if !in_word {
            limit |= words == MAX_WORDS;
            in_word = true;
            words += 1;
        }
        if limit {
            return match (last_good, last_ws) {
                (Some((g, w)), _) if w * 2 >= MAX_WORDS.min(words) => g,
                (_, Some(ws)) => ws,
                _ => i,
            };
        }
        chars += 1;
        prev = c;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::corpus::test_data as shared;

    /// Ranges are in order, disjoint, on char boundaries, trimmed, within the
    /// limits, and cover every non-whitespace character of the text.
    fn check(text: &str, ranges: &[Range<usize>]) {
        let mut covered = 0;
        let mut prev_end = 0;
        for r in ranges {
            assert!(
                r.start >= prev_end && r.start < r.end,
                "{r:?} after {prev_end}"
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            let p = &text[r.clone()];
            assert_eq!(p, p.trim(), "passage not trimmed");
            let (w, c) = count(p);
            assert!(w <= MAX_WORDS && c <= MAX_CHARS, "{w} words, {c} chars");
            assert!(
                text[prev_end..r.start].trim().is_empty(),
                "text skipped before {r:?}"
            );
            covered += p.split_whitespace().map(str::len).sum::<usize>();
            prev_end = r.end;
        }
        assert!(
            text[prev_end..].trim().is_empty(),
            "text skipped at the end"
        );
        assert_eq!(
            covered,
            text.split_whitespace().map(str::len).sum::<usize>()
        );
    }

    /// Passages under MIN_WORDS in documents long enough to avoid them.
    fn short_share(docs: &[String]) -> (usize, usize) {
        let (mut short, mut all) = (0, 0);
        for d in docs {
            let ranges = split(d);
            check(d, &ranges);
            all += ranges.len();
            if count(d).0 >= MIN_WORDS * 2 {
                short += ranges
                    .iter()
                    .filter(|r| count(&d[(*r).clone()]).0 < MIN_WORDS)
                    .count();
            }
        }
        (short, all)
    }

    #[test]
    fn short_text_is_one_passage() {
        let t = "One sentence.\nAnother line.";
        assert_eq!(split(t), vec![0..t.len()]);
        assert!(split("").is_empty());
        assert!(split(" \n\n\t").is_empty());
    }

    #[test]
    fn long_paragraph_splits_at_sentences() {
        let sentence =
            "Russia and North Korea signed a treaty on mutual assistance in Pyongyang today. ";
        let text = sentence.repeat(60); // 13 words × 60 = 780 words
        let text = text.trim();
        let ranges = split(text);
        check(text, &ranges);
        assert!(ranges.len() >= 4, "{}", ranges.len());
        for r in &ranges {
            assert!(text[r.clone()].ends_with("today."), "cut mid-sentence");
            assert!(count(&text[r.clone()]).0 >= MIN_WORDS);
        }
    }

    #[test]
    fn abbreviations_and_korean_dates_do_not_end_sentences() {
        let t = "Mr. Kim met U.S. officials on Jan. 5. They talked. 원고는 2015. 9. 1.경 피고를 만났다. 끝";
        let spans: Vec<&str> = sentence_spans(t, 0, t.len())
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(
            spans,
            [
                "Mr. Kim met U.S. officials on Jan. 5. They talked.",
                "원고는 2015. 9. 1.경 피고를 만났다.",
                "끝"
            ]
        );
        let t = "“Is it over?” he asked. 정말요?! 네.";
        let spans: Vec<&str> = sentence_spans(t, 0, t.len())
            .into_iter()
            .map(|(s, e)| &t[s..e])
            .collect();
        assert_eq!(spans, ["“Is it over?”", "he asked.", "정말요?!", "네."]);
    }

    #[test]
    fn no_spaces_megabyte_is_cut_at_char_boundaries() {
        let text = "가나다라마바사".repeat(50_000); // ~1 MB, no whitespace
        let ranges = split(&text);
        check(&text, &ranges);
        assert!(ranges.len() >= 350_000 / MAX_CHARS);
    }

    #[test]
    fn unpunctuated_long_paragraph_is_cut_at_whitespace() {
        let text = "word ".repeat(1000);
        let text = text.trim();
        let ranges = split(text);
        check(text, &ranges);
        assert_eq!(ranges.len(), 5);
        // Korean clause ends are preferred cut points.
        let text = "우리는 새해를 맞이하였다 그리고 ".repeat(120);
        let text = text.trim();
        let ranges = split(text);
        check(text, &ranges);
        for r in &ranges[..ranges.len() - 1] {
            assert!(
                text[r.clone()].ends_with("맞이하였다"),
                "{:?}",
                &text[r.clone()]
            );
        }
    }

    #[test]
    fn short_paragraphs_merge_and_headings_lead() {
        let para = "This paragraph has exactly ten words in it, you see. ".repeat(5);
        let para = para.trim();
        let text = format!("{para}\n\n## Heading\n\n{para}\n\nTiny.\n");
        let ranges = split(&text);
        check(&text, &ranges);
        let texts: Vec<&str> = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(texts.len(), 2, "{texts:#?}");
        assert!(texts[1].starts_with("## Heading"), "{texts:#?}");
        assert!(texts[1].ends_with("Tiny."), "{texts:#?}");
    }

    #[test]
    fn korean_speeches_make_bounded_passages() {
        let dir = shared("corpora/nk-newyear-speeches-ko");
        let mut docs = Vec::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                let raw = std::fs::read_to_string(&p).unwrap();
                docs.push(crate::corpus::clean::clean(&raw, None).text);
            }
        }
        assert!(
            docs.len() > 50,
            "expected the New Year speeches in {}",
            dir.display()
        );
        let (short, all) = short_share(&docs);
        assert!(all > docs.len() * 5, "{all} passages");
        assert!(short * 20 <= all, "{short} of {all} passages are short");
    }

    #[test]
    fn kcna_and_court_texts_make_bounded_passages() {
        for (rel, n) in [
            (
                "corpora/kcna-en-2011-2012/kcna_stories_2011_2012.jsonl",
                2000,
            ),
            (
                "corpora/ko-court-precedents-sample/precedents_sample.jsonl",
                300,
            ),
        ] {
            let file = std::io::BufReader::new(std::fs::File::open(shared(rel)).unwrap());
            let docs: Vec<String> = std::io::BufRead::lines(file)
                .take(n)
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(&l.unwrap()).unwrap();
                    crate::corpus::clean::clean(
                        v["text"].as_str().unwrap_or(""),
                        v["title"].as_str(),
                    )
                    .text
                })
                .collect();
            let (short, all) = short_share(&docs);
            assert!(
                short * 20 <= all,
                "{rel}: {short} of {all} passages are short"
            );
        }
    }
}
