//! What the filters left out, said on stderr: a `--lang` or `--source` that
//! names nothing in the index (with what it holds), and the documents a
//! date filter cannot match because they have no date.

use std::collections::BTreeSet;

use tantivy::schema::Field;
use tantivy::Searcher;

use super::query::{self, Filters, Parsed};
use crate::error::Result;
use crate::index::KorsIndex;

/// Most values a note lists.
const LISTED: usize = 12;

/// Notes for a search that matched nothing.
pub fn left_out(
    idx: &KorsIndex,
    searcher: &Searcher,
    parsed: &Parsed,
    filters: &Filters,
) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    if let Some(l) = &filters.lang {
        let held = values(searcher, idx.fields.lang)?;
        if !held.iter().any(|v| query::lang_matches(v, l)) {
            notes.push(format!(
                "--lang {} matches no passage; the index holds {}",
                query::shown(l),
                list(&held)
            ));
        }
    }
    if let Some(s) = &filters.source {
        let held = values(searcher, idx.fields.source)?;
        if !held.iter().any(|v| query::source_matches(v, s)) {
            notes.push(format!(
                "--source {} matches no document; the index holds {}",
                query::shown(s),
                list(&held)
            ));
        }
    }
    notes.extend(undated_left_out(searcher, parsed, filters)?);
    Ok(notes)
}

/// With `--since` or `--until`: how many documents the query matches but
/// the dates cannot, having none.
pub fn undated_left_out(
    searcher: &Searcher,
    parsed: &Parsed,
    filters: &Filters,
) -> Result<Vec<String>> {
    let Some(q) = &parsed.without_dates else {
        return Ok(Vec::new());
    };
    let scan = super::tally::scan(searcher, q.as_ref())?;
    let undated = scan.docs.values().filter(|d| d.date.is_none()).count();
    if undated == 0 {
        return Ok(Vec::new());
    }
    let flag = match (filters.since.is_some(), filters.until.is_some()) {
        (true, true) => "--since/--until",
        (true, false) => "--since",
        _ => "--until",
    };
    let n = if undated == 1 {
        "1 matching document is".to_string()
    } else {
        format!("{undated} matching documents are")
    };
    Ok(vec![format!("{n} undated and not matched by {flag}")])
}

/// The indexed values of a keyword field (lowercased).
fn values(searcher: &Searcher, field: Field) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for seg in searcher.segment_readers() {
        let inverted = seg.inverted_index(field)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            out.insert(String::from_utf8_lossy(terms.key()).into_owned());
        }
    }
    Ok(out)
}

fn list(values: &BTreeSet<String>) -> String {
    if values.is_empty() {
        return "none".into();
    }
    let mut s: Vec<&str> = values.iter().take(LISTED).map(String::as_str).collect();
    if values.len() > LISTED {
        s.push("…");
    }
    s.join(", ")
}
