//! Highlights and snippets, from the analyzer's token offsets.
//!
//! The passage text is run through the same analyzer as at indexing time;
//! every token whose analyzed form is one of the query's terms, and every
//! run of tokens that spells one of the query's phrases, is a highlight,
//! given as a byte range into the passage text (token offsets
//! point into the original text, so this is right for multi-byte Korean
//! text too). Snippets are windows of the passage around the densest
//! cluster of highlights, cut at whitespace.

use std::collections::HashMap;
use std::ops::Range;

use tantivy::tokenizer::TextAnalyzer;

use super::query::HighlightSpec;
use crate::analysis;

/// Byte ranges in `text` to highlight for `spec`: every token whose
/// analyzed form is one of its terms, and every run of tokens at
/// consecutive positions that spells one of its phrases (highlighted from
/// the first token's start to the last one's end). Sorted, overlaps merged.
pub fn highlights(text: &str, spec: &HighlightSpec) -> Vec<Range<usize>> {
    if spec.is_empty() {
        return Vec::new();
    }
    highlights_with(&mut analysis::analyzer(), text, spec)
}

/// [`highlights`] with a given analyzer.
pub fn highlights_with(
    analyzer: &mut TextAnalyzer,
    text: &str,
    spec: &HighlightSpec,
) -> Vec<Range<usize>> {
    let valid = |from: usize, to: usize| {
        from < to && to <= text.len() && text.is_char_boundary(from) && text.is_char_boundary(to)
    };
    // (position, term, byte range) of every token.
    let mut tokens: Vec<(usize, String, Range<usize>)> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if valid(t.offset_from, t.offset_to) {
            tokens.push((t.position, t.text.clone(), t.offset_from..t.offset_to));
        }
    }
    let mut out: Vec<Range<usize>> = tokens
        .iter()
        .filter(|(_, term, _)| spec.terms.contains(term))
        .map(|(_, _, r)| r.clone())
        .collect();
    if !spec.phrases.is_empty() {
        let mut at: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, (pos, _, _)) in tokens.iter().enumerate() {
            at.entry(*pos).or_default().push(i);
        }
        for (p, phrase) in spec.phrases.iter().enumerate() {
            for (pos, term, first) in &tokens {
                if *term != phrase[0] {
                    continue;
                }
                let mut span = first.clone();
                let whole = phrase.iter().enumerate().skip(1).all(|(k, want)| {
                    let hit = at
                        .get(&(pos + spec.offset(p, k)))
                        .and_then(|ix| ix.iter().map(|&i| &tokens[i]).find(|(_, t, _)| t == want));
                    if let Some((_, _, r)) = hit {
                        span.start = span.start.min(r.start);
                        span.end = span.end.max(r.end);
                    }
                    hit.is_some()
                });
                if whole {
                    out.push(span);
                }
            }
        }
    }
    out.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Runs `f` with this thread's highlighting analyzer for `kind` (see
/// [`analysis::AnalyzerKind::highlighter`]), kept between searches so
/// that its memoised Korean analyses (bounded) serve every later snippet in
/// a long-running process: court decisions and news repeat the same words.
pub fn with_highlighter<R>(
    kind: analysis::AnalyzerKind,
    f: impl FnOnce(&mut TextAnalyzer) -> R,
) -> R {
    analysis::with_kept(kind, true, f)
}

/// Passages up to this many bytes are analysed whole for their highlights.
pub const ANALYZE_WHOLE_BYTES: usize = 1024;
/// Characters analysed on each side of the snippet window in a longer one.
const MARGIN_CHARS: usize = 30;

/// The highlights a snippet of about `window_chars` characters needs: all
/// of them in a short passage; in a longer one, those in the region around
/// the densest cluster of the query terms' literal occurrences (a stem such
/// as `cooper` or `손해배상` is written out in the text), the snippet window
/// plus a margin, or the start of the text when nothing is found literally.
/// Korean analysis is the cost of a snippet, so a long passage is not
/// analysed whole just to show 240 characters of it.
pub fn highlights_for_snippet(
    analyzer: &mut TextAnalyzer,
    text: &str,
    spec: &HighlightSpec,
    window_chars: usize,
) -> Vec<Range<usize>> {
    if spec.is_empty() {
        return Vec::new();
    }
    if text.len() <= ANALYZE_WHOLE_BYTES {
        return highlights_with(analyzer, text, spec);
    }
    let region = region(text, spec, window_chars);
    let mut marks = highlights_with(analyzer, &text[region.clone()], spec);
    for m in &mut marks {
        m.start += region.start;
        m.end += region.start;
    }
    marks
}

/// The byte range of `text` to analyse for a snippet (see
/// [`highlights_for_snippet`]), whole words.
fn region(text: &str, spec: &HighlightSpec, window_chars: usize) -> Range<usize> {
    // ASCII lower-casing keeps byte offsets; terms are lower-cased.
    let lower = text.to_ascii_lowercase();
    let (mut long, mut short) = (Vec::new(), Vec::new());
    let lexicon = crate::analysis::lexicon::lexicon();
    for term in spec.terms.iter().chain(spec.phrases.iter().flatten()) {
        // One-syllable terms (이, 하, 것) are everywhere: used only when
        // nothing longer is found.
        let found = if term.chars().nth(1).is_some() {
            &mut long
        } else {
            &mut short
        };
        // A term may be written otherwise (로동 for 노동, Shoigu for 쇼이구).
        for form in lexicon.written_forms(term) {
            found.extend(
                lower
                    .match_indices(form.as_str())
                    .map(|(i, m)| i..i + m.len())
                    .take(256),
            );
        }
    }
    let mut at = if long.is_empty() { short } else { long };
    at.sort_unstable_by_key(|r| (r.start, r.end));
    at.dedup();
    let bounds = char_bounds(text);
    let n_chars = bounds.len() - 1;
    // The window `snippet` will choose, once these are highlights.
    let first = densest_window(&bounds, &at, window_chars);
    let from = bounds[first.saturating_sub(MARGIN_CHARS)];
    let to = bounds[(first + window_chars + MARGIN_CHARS).min(n_chars)];
    // Whole words: back to the start of the word at `from`, on to the end
    // of the word at `to`.
    let from = text[..from].rfind(char::is_whitespace).map_or(0, |i| {
        i + text[i..].chars().next().map_or(1, char::len_utf8)
    });
    let to = text[to..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| to + i);
    from..to
}

/// Byte offset of every char boundary of `text`, its end included.
fn char_bounds(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// The first char of the `window`-char window that holds the most of
/// `marks` whole, trying each window that starts a fifth of its width before
/// a mark.
fn densest_window(bounds: &[usize], marks: &[Range<usize>], window: usize) -> usize {
    let n_chars = bounds.len() - 1;
    let char_at = |byte: usize| bounds.partition_point(|&b| b < byte);
    let mut best = (0usize, 0usize); // (count, first char)
    for m in marks {
        let first = char_at(m.start)
            .saturating_sub(window / 5)
            .min(n_chars.saturating_sub(window));
        let (from, to) = (bounds[first], bounds[(first + window).min(n_chars)]);
        let count = marks
            .iter()
            .filter(|r| r.start >= from && r.end <= to)
            .count();
        if count > best.0 {
            best = (count, first);
        }
    }
    best.1
}

/// A window of a passage, with highlight ranges relative to `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The window, with "…" where it was cut.
    pub text: String,
    /// Highlighted byte ranges in `text`.
    pub marks: Vec<Range<usize>>,
}

const ELLIPSIS: &str = "…";

/// A snippet of at most about `max_chars` characters of `text` around the
/// densest cluster of `highlights` (the start of the text if none).
pub fn snippet(text: &str, highlights: &[Range<usize>], max_chars: usize) -> Snippet {
    let n_chars = text.chars().count();
    if n_chars <= max_chars {
        return Snippet {
            text: text.to_string(),
            marks: highlights.to_vec(),
        };
    }
    let bounds = char_bounds(text);
    let context = max_chars / 5;
    let first = densest_window(&bounds, highlights, max_chars);
    let mut start = bounds[first];
    let mut end = bounds[(first + max_chars).min(n_chars)];
    // Snap to whitespace: forward for the start, backward for the end, but
    // not across a highlight nor more than `context` bytes.
    if start > 0 {
        if let Some(ws) = text[start..end].find(char::is_whitespace) {
            let first_mark = highlights
                .iter()
                .find(|r| r.start >= start)
                .map_or(end, |r| r.start);
            if start + ws < first_mark && ws <= context * 4 {
                start += ws;
                start += text[start..]
                    .char_indices()
                    .find(|(_, c)| !c.is_whitespace())
                    .map_or(0, |(i, _)| i);
            }
        }
    }
    if end < text.len() {
        if let Some(ws) = text[start..end].rfind(char::is_whitespace) {
            let last_mark_end = highlights
                .iter()
                .filter(|r| r.end <= end)
                .map(|r| r.end)
                .max()
                .unwrap_or(start);
            if start + ws >= last_mark_end && end - (start + ws) <= context * 4 {
                end = start + ws;
            }
        }
    }
    let prefix = if start > 0 { ELLIPSIS } else { "" };
    let suffix = if end < text.len() { ELLIPSIS } else { "" };
    let body = text[start..end].trim_end();
    let shift = prefix.len();
    let marks = highlights
        .iter()
        .filter(|r| r.start >= start && r.end <= start + body.len())
        .map(|r| (r.start - start + shift)..(r.end - start + shift))
        .collect();
    Snippet {
        text: format!("{prefix}{body}{suffix}"),
        marks,
    }
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn simple() -> TextAnalyzer {
        TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(tantivy::tokenizer::LowerCaser)
            .build()
    }

    #[test]
    fn phrases_highlight_only_whole_runs() {
        let spec = HighlightSpec {
            terms: vec!["gas".into()],
            phrases: vec![vec!["bolshoi".into(), "ballet".into()]],
            offsets: vec![],
        };
        let text = "Ballet; the Bolshoi Ballet, gas, bolshoi theatre";
        let marks = highlights_with(&mut simple(), text, &spec);
        let words: Vec<&str> = marks.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(words, ["Bolshoi Ballet", "gas"]);
    }

    #[test]
    fn short_text_is_whole() {
        let marks = vec![2..3];
        let s = snippet("a b c", &marks, 100);
        assert_eq!(s.text, "a b c");
        assert_eq!(s.marks, vec![2..3]);
    }

    #[test]
    fn window_centres_on_marks_and_keeps_char_boundaries() {
        let text = "가나다 ".repeat(100) + "로씨야 " + &"라마바 ".repeat(100);
        let at = text.find("로씨야").unwrap();
        let marks = vec![at..at + "로씨야".len()];
        let s = snippet(&text, &marks, 40);
        assert_eq!(s.marks.len(), 1);
        assert_eq!(&s.text[s.marks[0].clone()], "로씨야");
        assert!(s.text.starts_with(ELLIPSIS) && s.text.ends_with(ELLIPSIS));
        assert!(s.text.chars().count() <= 44);
    }

    #[test]
    fn long_passages_are_analysed_only_around_the_literal_matches() {
        let spec = HighlightSpec {
            terms: vec!["tanker".into(), "samsung".into()],
            phrases: vec![],
            offsets: vec![],
        };
        let filler = "Delegations met in Moscow on other matters entirely. ".repeat(40);
        let text = format!("{filler}Samsung suspended work on the tanker hulls. {filler}tanker");
        assert!(text.len() > ANALYZE_WHOLE_BYTES);
        let marks = highlights_for_snippet(&mut simple(), &text, &spec, 240);
        let words: Vec<&str> = marks.iter().map(|r| &text[r.clone()]).collect();
        // The cluster's two words, not the lone one at the end.
        assert_eq!(words, ["Samsung", "tanker"]);
        let s = snippet(&text, &marks, 240);
        assert!(
            s.text.contains("Samsung suspended work on the tanker"),
            "{}",
            s.text
        );
        // A short passage is analysed whole.
        let short = "tanker talks; Samsung";
        assert_eq!(
            highlights_for_snippet(&mut simple(), short, &spec, 240).len(),
            2
        );
        // Nothing found literally (only ASCII is lower-cased for the search):
        // the start of the text is analysed, so a match elsewhere is missed.
        let spec = HighlightSpec {
            terms: vec!["delegations".into(), "москва".into()],
            phrases: vec![],
            offsets: vec![],
        };
        let text = format!("{filler}МОСКВА");
        let marks = highlights_for_snippet(&mut simple(), &text, &spec, 240);
        assert_eq!(marks.first().map(|r| r.start), Some(0));
        assert!(marks.iter().all(|r| r.end < 400), "{marks:?}");
    }
}
