//! One hit per story. Copies of a document (the same text, or a near-copy:
//! see `index::copies`) share a story, and a search shows each matching
//! passage of a story once, at its best rank; `--no-collapse` shows them
//! all. A passage is keyed by its story and its ordinal, so the different
//! passages of one story stay apart (as those of one document do), and a
//! `--group` search keys documents by story alone. Each hit then names the
//! other documents of its story ([`copies_of`]).

use std::collections::HashSet;

use serde::Serialize;
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Searcher, TantivyDocument, Term};

use crate::error::{Context, Result};
use crate::index::doc_ids::DocIds;
use crate::index::schema::name;
use crate::index::KorsIndex;

/// Most copies a hit names (all are counted).
pub const MAX_LISTED: usize = 10;

/// What one hit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// A passage of a story: (story, ordinal).
    Passage,
    /// A story: `--group`.
    Story,
}

/// The `story` and `passage` columns of every segment, opened once.
pub struct Stories {
    story: Vec<Column<u64>>,
    ordinal: Vec<Column<u64>>,
}

impl Stories {
    /// The columns of `searcher`'s segments.
    pub fn of(searcher: &Searcher) -> Result<Stories> {
        let mut story = Vec::new();
        let mut ordinal = Vec::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            story.push(ff.u64(name::STORY)?);
            ordinal.push(ff.u64(name::ORDINAL)?);
        }
        Ok(Stories { story, ordinal })
    }

    /// The key of the passage at `addr` (`None`: no story, never collapsed).
    pub fn key(&self, addr: DocAddress, by: By) -> Option<(u64, u64)> {
        let seg = addr.segment_ord as usize;
        let story = self.story[seg].first(addr.doc_id)?;
        Some(match by {
            By::Story => (story, 0),
            By::Passage => (story, self.ordinal[seg].first(addr.doc_id).unwrap_or(0)),
        })
    }

    /// The story of the passage at `addr`.
    pub fn story(&self, addr: DocAddress) -> Option<u64> {
        self.story[addr.segment_ord as usize].first(addr.doc_id)
    }
}

/// What [`first_distinct`] returns.
#[derive(Debug, Default)]
pub struct Distinct {
    /// The hits, one per key, in rank order.
    pub hits: Vec<(f32, DocAddress)>,
    /// Passages of the ranking read to find them.
    pub fetched: usize,
    /// Whether those were all the matches.
    pub all: bool,
    /// Every match, when those were all (for counting documents).
    pub matches: Vec<DocAddress>,
}

/// The first `want` hits of a ranking, one per key, in rank order.
/// `fetch(n)` returns the ranking's first `n` hits; it is called again with
/// a larger `n` while copies leave fewer than `want` keys, until the
/// matches run out (at most `total`).
pub fn first_distinct(
    stories: &Stories,
    by: By,
    want: usize,
    total: usize,
    mut fetch: impl FnMut(usize) -> Result<Vec<(f32, DocAddress)>>,
) -> Result<Distinct> {
    if want == 0 {
        return Ok(Distinct::default());
    }
    // Room for a few copies in the first fetch: most pages need no second.
    let mut n = want.saturating_add(want / 2).clamp(1, total.max(1));
    loop {
        let top = fetch(n)?;
        let fetched = top.len();
        let all = fetched < n || n >= total;
        let mut seen = HashSet::with_capacity(fetched);
        let mut hits = Vec::with_capacity(want);
        for &(score, addr) in &top {
            if stories.key(addr, by).is_none_or(|k| seen.insert(k)) {
                hits.push((score, addr));
                if hits.len() == want {
                    break;
                }
            }
        }
        if hits.len() == want || all {
            let matches = if all {
                top.iter().map(|&(_, a)| a).collect()
            } else {
                Vec::new()
            };
            return Ok(Distinct {
                hits,
                fetched,
                all,
                matches,
            });
        }
        n = n.saturating_mul(4).min(total);
    }
}

/// Another document of a hit's story.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CopyRef {
    /// Its corpus id.
    pub doc_id: String,
    /// Its title, source, date and URL, where it has them.
    pub title: Option<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// The documents of `story` other than `own`: how many, and the first
/// [`MAX_LISTED`] by id.
pub fn copies_of(
    idx: &KorsIndex,
    searcher: &Searcher,
    ids: &DocIds,
    story: u64,
    own: &str,
) -> Result<(u64, Vec<CopyRef>)> {
    let term = Term::from_field_u64(idx.fields.story, story);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let found = searcher
        .search(&query, &tantivy::collector::DocSetCollector)
        .context("finding a story's copies")?;
    let mut first: std::collections::BTreeMap<String, DocAddress> = Default::default();
    let mut id = String::new();
    for addr in found {
        ids.get(addr, &mut id)?;
        if id != own {
            first.entry(id.clone()).or_insert(addr);
        }
    }
    let count = first.len() as u64;
    let mut listed = Vec::new();
    for (doc_id, addr) in first.into_iter().take(MAX_LISTED) {
        let doc: TantivyDocument = searcher.doc(addr).context("reading a copy")?;
        let f = &idx.fields;
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        listed.push(CopyRef {
            doc_id,
            title: s(f.stored_title),
            source: s(f.source),
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .map(|d| d.into_utc().date().to_string()),
            url: s(f.url),
        });
    }
    Ok((count, listed))
}
