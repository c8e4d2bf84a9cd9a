//! Queries, ranking and snippets.
//!
//! [`search`] runs a [`SearchRequest`] against an index and returns
//! [`Results`]: ranked [`Hit`]s (BM25 over passage text and title, see
//! [`query`]) and the query's warning; [`output`] prints them for a
//! terminal, as plain text or as JSON Lines.

pub mod group;
pub mod output;
pub mod query;
pub mod snippet;

use crate::error::{Context, Result};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::index::KorsIndex;
pub use query::Filters;

/// Approximate length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// A search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Query in tantivy's query language.
    pub query: String,
    /// Restrictions.
    pub filters: Filters,
    /// Maximum number of hits.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Keep only the best passage of each document.
    pub group: bool,
    /// Attach a score explanation to each hit.
    pub explain: bool,
}

/// One ranked passage. Serialized as one JSON Lines object by `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank (after `--offset`).
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// Corpus document id.
    pub doc_id: String,
    /// Passage ordinal within the document.
    pub passage: u64,
    /// Document title.
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Date (YYYY-MM-DD).
    pub date: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Passage language.
    pub lang: Option<String>,
    /// Source file, relative to the ingested root.
    pub path: Option<String>,
    /// Byte range of the passage in the cleaned document text.
    pub range: [u64; 2],
    /// Passage text.
    pub text: String,
    /// A window of the text around the matches.
    pub snippet: String,
    /// Matched words: byte ranges `[start, end)` into `text` (in a passage
    /// over 1 KiB, those around the snippet: see
    /// [`snippet::highlights_for_snippet`]).
    pub highlights: Vec<[usize; 2]>,
    /// Score explanation (`--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<serde_json::Value>,
    /// Highlight ranges into `snippet` (for terminal output).
    #[serde(skip)]
    pub snippet_marks: Vec<std::ops::Range<usize>>,
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Set when the query's syntax could not be used and its words were
    /// searched instead.
    pub warning: Option<String>,
}

impl SearchRequest {
    /// Most hits one search returns (`-n`), as Elasticsearch's result window.
    pub const MAX_LIMIT: usize = 10_000;
    /// Most hits one search skips (`--offset`).
    pub const MAX_OFFSET: usize = 1_000_000;
}

/// Runs `req` on `idx`.
pub fn search(idx: &KorsIndex, req: &SearchRequest) -> Result<Results> {
    let reader = idx.reader()?;
    search_in(idx, &reader.searcher(), req)
}

/// [`search`] with a searcher the caller keeps (`kors bench` opens the
/// index once and runs many queries through this).
pub fn search_in(idx: &KorsIndex, searcher: &Searcher, req: &SearchRequest) -> Result<Results> {
    let parsed = query::build(idx, &req.query, &req.filters)?;
    let ranked = rank(searcher, &parsed, req)?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (i, (score, addr)) in ranked.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(addr).context("reading a stored passage")?;
        let mut hit = to_hit(idx, &doc, req.offset + i + 1, score);
        let marks = snippet::with_highlighter(idx.analyzer, |analyzer| {
            snippet::highlights_for_snippet(analyzer, &hit.text, &parsed.highlight, SNIPPET_CHARS)
        });
        let snip = snippet::snippet(&hit.text, &marks, SNIPPET_CHARS);
        hit.highlights = marks.iter().map(|r| [r.start, r.end]).collect();
        hit.snippet = snip.text;
        hit.snippet_marks = snip.marks;
        if req.explain {
            let e = parsed
                .query
                .explain(searcher, addr)
                .context("explaining a score")?;
            hit.explain = Some(explanation_json(idx, &e)?);
        }
        hits.push(hit);
    }
    Ok(Results {
        hits,
        warning: parsed.warning,
    })
}

/// The ranked passages of a parsed request (score, address), after
/// `offset`, at most `limit`: [`search_in`] without reading stored text.
/// Collectors are sized by what the index can return, never by the
/// requested count alone (a heap of `-n 1500000000` would abort).
pub fn rank(
    searcher: &Searcher,
    parsed: &query::Parsed,
    req: &SearchRequest,
) -> Result<Vec<(f32, DocAddress)>> {
    let total = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let limit = req.limit.min(total.saturating_sub(req.offset));
    if limit == 0 {
        return Ok(Vec::new());
    }
    if req.group {
        let want = req.offset + limit;
        return Ok(group::best_per_document(searcher, &*parsed.query, want)?
            .into_iter()
            .skip(req.offset)
            .map(|b| (b.score, b.addr))
            .collect());
    }
    searcher
        .search(
            &*parsed.query,
            &TopDocs::with_limit(limit)
                .and_offset(req.offset)
                .order_by_score(),
        )
        .context("searching")
}

/// The explanation as JSON, with field numbers replaced by field names.
fn explanation_json(idx: &KorsIndex, e: &tantivy::query::Explanation) -> Result<serde_json::Value> {
    let mut json = serde_json::to_string(e)?;
    let schema = idx.index.schema();
    for (field, entry) in schema.fields() {
        json = json.replace(
            &format!("field={},", field.field_id()),
            &format!("field={},", entry.name()),
        );
    }
    Ok(serde_json::from_str(&json)?)
}

fn to_hit(idx: &KorsIndex, doc: &TantivyDocument, rank: usize, score: f32) -> Hit {
    let f = &idx.fields;
    let s = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let u = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    Hit {
        rank,
        score,
        doc_id: s(f.doc).unwrap_or_default(),
        passage: u(f.ordinal),
        title: s(f.stored_title),
        author: s(f.author),
        source: s(f.source),
        date: doc
            .get_first(f.date)
            .and_then(|v| v.as_datetime())
            .map(|d| d.into_utc().date().to_string()),
        url: s(f.url),
        lang: s(f.lang),
        path: s(f.path),
        range: [u(f.start), u(f.end)],
        text: s(f.stored_text).unwrap_or_default(),
        snippet: String::new(),
        highlights: Vec::new(),
        explain: None,
        snippet_marks: Vec::new(),
    }
}
