//! One hit per story. Copies of a document (the same text, or a near-copy:
//! see `index::copies`) share a story, and a search shows each matching
//! passage of a story once, at its best rank; `--no-collapse` shows them
//! all. A passage is keyed by its story and its ordinal, so the different
//! passages of one story stay apart (as those of one document do), and a
//! `--group` search keys documents by story alone. The ranking collects
//! one passage per key as it goes (`super::distinct`); each hit then names
//! the other documents of its story ([`copies_of`]).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Opstamp, Searcher, TantivyDocument, Term};

use super::{stored_day, stored_str};
use crate::error::{Context, Result};
use crate::index::doc_ids::DocIds;
use crate::index::schema::name;
use crate::index::KorsIndex;

/// Most copies a hit names (all are counted).
pub const MAX_LISTED: usize = 10;

/// What one hit stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// A passage of a story: its story and ordinal (`copy_key`).
    Passage,
    /// A story: `--group`.
    Story,
}

/// The `story` and `copy_key` columns of every segment, opened once.
pub struct Stories {
    story: Vec<Column<u64>>,
    copy_key: Vec<Column<u64>>,
    /// How often the plain top hits held copies lately, in 1/256 (a moving
    /// average): see [`Stories::plain_first`].
    copies_in_top: AtomicU32,
}

/// The last searcher's columns: opening them (a block table to read) was
/// a tenth of a short query's time, and `kors bench` (or any long-lived
/// caller) asks again and again of the same segments.
type Kept = (Vec<(SegmentId, Option<Opstamp>)>, Arc<Stories>);
static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

impl Stories {
    /// The columns of `searcher`'s segments, opened once per set of
    /// segments.
    pub fn of(searcher: &Searcher) -> Result<Arc<Stories>> {
        // In segment order: the columns are found by segment ordinal.
        let key: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|seg| (seg.segment_id(), seg.delete_opstamp()))
            .collect();
        let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, stories)) = kept.as_ref() {
            if *k == key {
                return Ok(stories.clone());
            }
        }
        let stories = Arc::new(Stories::open(searcher)?);
        *kept = Some((key, stories.clone()));
        Ok(stories)
    }

    fn open(searcher: &Searcher) -> Result<Stories> {
        let mut story = Vec::new();
        let mut copy_key = Vec::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            story.push(ff.u64(name::STORY)?);
            copy_key.push(ff.u64(name::COPY_KEY)?);
        }
        Ok(Stories {
            story,
            copy_key,
            copies_in_top: AtomicU32::new(0),
        })
    }

    /// The key of the passage at `addr` (`None`: no story, never collapsed).
    pub fn key(&self, addr: DocAddress, by: By) -> Option<u64> {
        let seg = addr.segment_ord as usize;
        match by {
            By::Story => self.story[seg].first(addr.doc_id),
            By::Passage => self.copy_key[seg].first(addr.doc_id),
        }
    }

    /// Whether to rank as without collapsing first, and collapse only if
    /// the top holds a copy: that costs nothing where copies are rare (the
    /// court decisions, KCNA 2011–12), but twice where they are common
    /// (KCNA 2024), so once a third of recent searches met copies, the
    /// ranking collapses as it goes (`super::distinct`).
    pub fn plain_first(&self) -> bool {
        self.copies_in_top.load(Ordering::Relaxed) < 256 / 3
    }

    /// Records whether the plain top held copies.
    pub fn met_copies(&self, met: bool) {
        let old = self.copies_in_top.load(Ordering::Relaxed);
        let new = old - old / 8 + if met { 32 } else { 0 };
        self.copies_in_top.store(new, Ordering::Relaxed);
    }

    /// Whether `hits` hold two passages of one key.
    pub fn repeats(&self, hits: &[(f32, DocAddress)], by: By) -> bool {
        let mut seen = std::collections::HashSet::with_capacity(hits.len());
        hits.iter()
            .any(|&(_, a)| self.key(a, by).is_some_and(|k| !seen.insert(k)))
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

/// The documents of `story` other than `own` (the hit's, at `own_addr`):
/// how many, and the first [`MAX_LISTED`] by id.
pub fn copies_of(
    idx: &KorsIndex,
    searcher: &Searcher,
    ids: &DocIds,
    story: u64,
    own: &str,
    own_addr: DocAddress,
) -> Result<(u64, Vec<CopyRef>)> {
    let term = Term::from_field_u64(idx.fields.story, story);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let found = searcher
        .search(&query, &tantivy::collector::DocSetCollector)
        .context("finding a story's copies")?;
    // A story is mostly the passages of the hit's own document: they are
    // told apart by their id's ordinal in the segment, and each other
    // document's id is read once, not once per passage.
    let own_ord = ids.ord(own_addr);
    let mut docs: std::collections::BTreeMap<(u32, Option<u64>), DocAddress> = Default::default();
    for addr in found {
        let ord = ids.ord(addr);
        if addr.segment_ord == own_addr.segment_ord && ord.is_some() && ord == own_ord {
            continue;
        }
        let first = docs.entry((addr.segment_ord, ord)).or_insert(addr);
        *first = (*first).min(addr);
    }
    let addrs: Vec<DocAddress> = docs.into_values().collect();
    let mut first: std::collections::BTreeMap<String, DocAddress> = Default::default();
    for (&addr, id) in addrs.iter().zip(ids.ids(&addrs)?) {
        if id != own {
            let at = first.entry(id).or_insert(addr);
            *at = (*at).min(addr);
        }
    }
    let count = first.len() as u64;
    let mut listed = Vec::new();
    for (doc_id, addr) in first.into_iter().take(MAX_LISTED) {
        let doc: TantivyDocument = searcher.doc(addr).context("reading a copy")?;
        let f = &idx.fields;
        listed.push(CopyRef {
            doc_id,
            title: stored_str(&doc, f.stored_title),
            source: stored_str(&doc, f.source),
            date: stored_day(&doc, f.date),
            url: stored_str(&doc, f.url),
        });
    }
    Ok((count, listed))
}
