//! How many passages and documents matched.
//!
//! Counting every match costs a second pass over the postings that
//! block-max WAND lets the ranking skip (a `Count` beside `TopDocs` made
//! searches 2.6–3.2× slower). So the total is exact when it costs nothing
//! (the ranking saw every match: fewer hits than asked for), or when the
//! query is one term (its document frequency), and otherwise a lower bound
//! (the passages seen), stated as such, as Elasticsearch's `hits.total`
//! (`relation: "gte"`). A full [`scan`] (`--count`, `-n 0`, `--facet`,
//! `--sort date`, `--group`) counts exactly and gathers each matching
//! document's metadata for facets.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{Query, TermQuery};
use tantivy::{DateTime, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::Result;
use crate::index::doc_ids::Terms;
use crate::index::schema::name;

/// Whether a count is exact or a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// Exact.
    Eq,
    /// At least this many.
    Gte,
}

/// A count, as Elasticsearch's `hits.total`: `{"value": 297, "relation": "eq"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The number.
    pub value: u64,
    /// `eq` or `gte`.
    pub relation: Relation,
}

impl Count {
    /// An exact count.
    pub fn exact(value: u64) -> Count {
        Count {
            value,
            relation: Relation::Eq,
        }
    }
    /// A lower bound.
    pub fn at_least(value: u64) -> Count {
        Count {
            value,
            relation: Relation::Gte,
        }
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.relation {
            Relation::Eq => write!(f, "{}", self.value),
            Relation::Gte => write!(f, "at least {}", self.value),
        }
    }
}

/// Matching passages and documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    /// Matching passages.
    pub passages: Count,
    /// Documents with a matching passage.
    pub documents: Count,
}

/// The passages a ranking saw, when that is all of them: `seen` hits for a
/// request of `offset + limit`. `None` when the ranking may have stopped
/// before the last match.
pub fn seen_all(seen: usize, offset: usize, limit: usize) -> Option<u64> {
    (seen < limit && (seen > 0 || offset == 0)).then_some((offset + seen) as u64)
}

/// The exact number of passages a one-term query matches (its document
/// frequency; segments with deletions are counted through their postings).
pub fn one_term(searcher: &Searcher, query: &dyn Query) -> Result<Option<u64>> {
    let Some(t) = query.downcast_ref::<TermQuery>() else {
        return Ok(None);
    };
    let mut n = 0u64;
    for seg in searcher.segment_readers() {
        if seg.has_deletes() {
            let inverted = seg.inverted_index(t.term().field())?;
            let Some(mut postings) =
                inverted.read_postings(t.term(), tantivy::schema::IndexRecordOption::Basic)?
            else {
                continue;
            };
            use tantivy::DocSet;
            let alive = seg.alive_bitset();
            while postings.doc() != tantivy::TERMINATED {
                if alive.is_none_or(|a| a.is_alive(postings.doc())) {
                    n += 1;
                }
                postings.advance();
            }
        } else {
            n += u64::from(seg.inverted_index(t.term().field())?.doc_freq(t.term())?);
        }
    }
    Ok(Some(n))
}

/// What a matching document carries, for facets and notes.
#[derive(Debug, Clone, Default)]
pub struct DocInfo {
    /// Source.
    pub source: Option<Arc<str>>,
    /// Date, seconds since the epoch (UTC).
    pub date: Option<i64>,
    /// Languages of its matching passages.
    pub langs: Vec<Arc<str>>,
}

/// Every match of a query, counted: passages, and each document with its
/// metadata.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Matching passages.
    pub passages: u64,
    /// Documents with a matching passage, by id.
    pub docs: FxHashMap<String, DocInfo>,
}

impl Scan {
    /// The exact total.
    pub fn total(&self) -> Total {
        Total {
            passages: Count::exact(self.passages),
            documents: Count::exact(self.docs.len() as u64),
        }
    }
}

/// How many documents the passages at `addrs` are in. By the ords of each
/// segment's id column: ids are read only when several segments match (a
/// document's passages may lie in two until they are merged).
pub fn documents_of(searcher: &Searcher, addrs: &[tantivy::DocAddress]) -> Result<u64> {
    let mut by_segment: FxHashMap<u32, Vec<DocId>> = FxHashMap::default();
    for a in addrs {
        by_segment.entry(a.segment_ord).or_default().push(a.doc_id);
    }
    let several = by_segment.len() > 1;
    let (mut count, mut ids) = (0u64, std::collections::HashSet::new());
    for (seg, docs) in by_segment {
        let Some(col) = searcher.segment_reader(seg).fast_fields().str(name::DOC)? else {
            continue;
        };
        let mut ords: Vec<u64> = docs
            .iter()
            .filter_map(|&d| col.term_ords(d).next())
            .collect();
        ords.sort_unstable();
        ords.dedup();
        if several {
            col.dictionary().sorted_ords_to_term_cb(&ords, |b| {
                ids.insert(b.to_vec());
            })?;
        } else {
            count = ords.len() as u64;
        }
    }
    Ok(if several { ids.len() as u64 } else { count })
}

/// Runs `query` through every match (no scores: no ranking cost).
pub fn scan(searcher: &Searcher, query: &dyn Query) -> Result<Scan> {
    Ok(searcher.search(query, &ScanCollector)?)
}

struct ScanCollector;

struct SegmentScan {
    doc: Option<StrColumn>,
    source: Option<StrColumn>,
    lang: Option<StrColumn>,
    date: Column<DateTime>,
    passages: u64,
    /// By doc ord (dense: a segment's documents are its column's terms).
    docs: Vec<Option<SegmentDoc>>,
}

/// A matching document in a segment, by ords: (source, date, languages).
type SegmentDoc = (Option<u64>, Option<i64>, Vec<u64>);

impl Collector for ScanCollector {
    type Fruit = Scan;
    type Child = SegmentScan;

    fn for_segment(&self, _: SegmentOrdinal, seg: &SegmentReader) -> tantivy::Result<SegmentScan> {
        let ff = seg.fast_fields();
        Ok(SegmentScan {
            doc: ff.str(name::DOC)?,
            source: ff.str(name::SOURCE)?,
            lang: ff.str(name::LANG)?,
            date: ff.date(name::DATE)?,
            passages: 0,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, mut fruits: Vec<Scan>) -> tantivy::Result<Scan> {
        if fruits.len() == 1 {
            return Ok(fruits.pop().expect("one"));
        }
        let mut all = Scan::default();
        for f in fruits {
            all.passages += f.passages;
            for (id, info) in f.docs {
                let e = all.docs.entry(id).or_default();
                e.source = e.source.take().or(info.source);
                e.date = e.date.or(info.date);
                for l in info.langs {
                    if !e.langs.contains(&l) {
                        e.langs.push(l);
                    }
                }
            }
        }
        Ok(all)
    }
}

fn first_ord(col: &Option<StrColumn>, doc: DocId) -> Option<u64> {
    col.as_ref().and_then(|c| c.term_ords(doc).next())
}

fn ord_str(col: &Option<StrColumn>, ord: Option<u64>) -> tantivy::Result<Option<String>> {
    let (Some(col), Some(ord)) = (col, ord) else {
        return Ok(None);
    };
    let mut s = String::new();
    Ok(col.ord_to_str(ord, &mut s)?.then_some(s))
}

impl SegmentCollector for SegmentScan {
    type Fruit = Scan;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.passages += 1;
        let Some(ord) = first_ord(&self.doc, doc) else {
            return;
        };
        let lang = first_ord(&self.lang, doc);
        let i = ord as usize;
        if i >= self.docs.len() {
            let n = self.doc.as_ref().map_or(0, |c| c.dictionary().num_terms());
            self.docs.resize(n.max(i + 1), None);
        }
        let e = self.docs[i].get_or_insert_with(|| {
            let source = first_ord(&self.source, doc);
            let date = self.date.first(doc).map(|d| d.into_timestamp_secs());
            (source, date, Vec::new())
        });
        if let Some(l) = lang {
            if !e.2.contains(&l) {
                e.2.push(l);
            }
        }
    }

    fn harvest(self) -> Scan {
        // Ords resolved in one sorted pass over each dictionary (one lookup
        // each cost 90 ms for 3,000 documents), sources and languages once
        // per distinct value.
        let ords: Vec<u64> = (0..self.docs.len() as u64)
            .filter(|&o| self.docs[o as usize].is_some())
            .collect();
        let terms = (self.doc.as_ref())
            .and_then(|col| Terms::read(col.dictionary(), ords.iter().copied()).ok());
        let ids: Vec<String> = match terms.filter(Terms::complete) {
            Some(t) => (ords.iter())
                .map(|&o| String::from_utf8_lossy(t.get(o).unwrap_or_default()).into_owned())
                .collect(),
            // A damaged column: ids one at a time, the missing left out.
            None => (ords.iter())
                .map(|&o| (ord_str(&self.doc, Some(o)).ok().flatten()).unwrap_or_default())
                .collect(),
        };
        let mut names: FxHashMap<(bool, u64), Option<Arc<str>>> = FxHashMap::default();
        let mut name = |lang: bool, ord: u64| -> Option<Arc<str>> {
            names
                .entry((lang, ord))
                .or_insert_with(|| {
                    let col = if lang { &self.lang } else { &self.source };
                    ord_str(col, Some(ord)).ok().flatten().map(Arc::from)
                })
                .clone()
        };
        let mut docs = FxHashMap::default();
        docs.reserve(ords.len());
        for (ord, id) in ords.iter().zip(ids) {
            if id.is_empty() {
                continue;
            }
            let Some((source, date, langs)) = &self.docs[*ord as usize] else {
                continue;
            };
            let langs = langs.iter().filter_map(|&l| name(true, l)).collect();
            docs.insert(
                id,
                DocInfo {
                    source: source.and_then(|s| name(false, s)),
                    date: *date,
                    langs,
                },
            );
        }
        Scan {
            passages: self.passages,
            docs,
        }
    }
}
