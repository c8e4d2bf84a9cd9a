//! Stories: a document and its copies share a story key, which every
//! passage carries (`story`), so that `kors search` shows a story once.
//!
//! A document is an exact copy of an earlier one when its cleaned text is
//! the same (the same text hash), and a near-copy when their sketches
//! estimate a Jaccard similarity of at least [`NEAR_COPY`] (see
//! `corpus::sketch`). Its story is then the earlier one's; otherwise its
//! own text hash. Stories are assigned in input order, the documents of
//! the index first, so a rebuild and a series of adds of the same input
//! agree. Every document is kept: a story is a label, never a deletion.

use rustc_hash::FxHashMap as HashMap;

use serde::Serialize;

use super::doc_ids::Terms;
use super::KorsIndex;
use crate::corpus::sketch::{Sketch, NEAR_COPY};
use crate::error::Result;

/// What a document was found to be.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// The first of its story.
    Original,
    /// The same cleaned text as an earlier document.
    Exact,
    /// A near-copy of an earlier document.
    Near(NearCopy),
}

/// A near-copy and the document it was found to copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearCopy {
    /// The near-copy's id.
    pub id: String,
    /// The id of the most similar earlier document.
    pub of: String,
    /// Their estimated similarity (see `corpus::sketch`).
    pub similarity: f32,
}

/// Copies found by a load.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CopyCounts {
    /// Documents whose text is the same as an earlier document's.
    pub exact: u64,
    /// Documents that are near-copies of an earlier one.
    pub near: u64,
    /// The first [`CopyCounts::MAX_LISTED`] near-copies, to check by eye.
    pub near_copies: Vec<NearCopy>,
}

impl CopyCounts {
    /// Near-copies listed in a load's summary (all are counted).
    pub const MAX_LISTED: usize = 100;

    /// Counts one more document of `kind`.
    pub fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Original => {}
            Kind::Exact => self.exact += 1,
            Kind::Near(n) => {
                self.near += 1;
                if self.near_copies.len() < Self::MAX_LISTED {
                    self.near_copies.push(n);
                }
            }
        }
    }
}

struct Entry {
    id: String,
    sketch: Sketch,
    story: u64,
    alive: bool,
}

/// The documents seen so far, by text hash and by sketch band.
#[derive(Default)]
pub struct Copies {
    by_text: HashMap<u64, u64>,
    /// The first document of each band key, and the rest (most keys have
    /// one: a `Vec` each cost a tenth of an English ingest's allocations).
    by_band: HashMap<u64, u32>,
    more_by_band: HashMap<u64, Vec<u32>>,
    by_id: HashMap<String, u32>,
    entries: Vec<Entry>,
}

impl Copies {
    /// The documents of `idx` (read from fast fields).
    pub fn of_index(idx: &KorsIndex) -> Result<Copies> {
        use super::schema::name;
        let mut copies = Copies::default();
        let searcher = idx.reader()?.searcher();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let (Some(ids), Some(sketches)) = (ff.str(name::DOC)?, ff.bytes(name::SKETCH)?) else {
                continue;
            };
            let stories = ff.u64(name::STORY)?;
            // Only a document's first passage carries its sketch.
            let rows: Vec<(u64, u64, u64)> = seg
                .doc_ids_alive()
                .filter_map(|d| {
                    let sketch = sketches.term_ords(d).next()?;
                    Some((sketch, ids.term_ords(d).next()?, stories.first(d)?))
                })
                .collect();
            // Sketches and ids read by ordinal, each block once.
            let sketch_of = Terms::read(sketches.dictionary(), rows.iter().map(|r| r.0))?;
            let id_of = Terms::read(ids.dictionary(), rows.iter().map(|r| r.1))?;
            for (sketch, id, story) in rows {
                let (Some(sketch), Some(id)) = (sketch_of.get(sketch), id_of.get(id)) else {
                    continue;
                };
                if let Some(sketch) = Sketch::from_bytes(sketch) {
                    copies.insert(&String::from_utf8_lossy(id), sketch, story);
                }
            }
        }
        Ok(copies)
    }

    /// Forgets the document `id` (it is being replaced).
    pub fn forget(&mut self, id: &str) {
        if let Some(i) = self.by_id.remove(id) {
            self.entries[i as usize].alive = false;
        }
    }

    /// The story of document `id` with `sketch`, which is remembered.
    pub fn assign(&mut self, id: &str, sketch: &Sketch) -> (u64, Kind) {
        self.forget(id);
        let (story, kind) = match self.by_text.get(&sketch.text_hash) {
            Some(&story) => (story, Kind::Exact),
            None => match self.nearest(sketch) {
                Some((similarity, i)) => (
                    self.entries[i].story,
                    Kind::Near(NearCopy {
                        id: id.to_string(),
                        of: self.entries[i].id.clone(),
                        similarity,
                    }),
                ),
                None => (sketch.text_hash, Kind::Original),
            },
        };
        self.insert(id, sketch.clone(), story);
        (story, kind)
    }

    /// The most similar earlier document at [`NEAR_COPY`] or above, with
    /// its similarity (ties: the least story key, then id, so that the order
    /// in which the index lists its documents does not matter).
    fn nearest(&self, sketch: &Sketch) -> Option<(f32, usize)> {
        let mut best: Option<(f32, usize)> = None;
        for band in sketch.bands() {
            let first = self.by_band.get(&band);
            let more = self.more_by_band.get(&band).into_iter().flatten();
            for &i in first.into_iter().chain(more) {
                let e = &self.entries[i as usize];
                if !e.alive {
                    continue;
                }
                let s = sketch.similarity(&e.sketch);
                if s < NEAR_COPY {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bs, b)) => {
                        let b = &self.entries[b];
                        s > bs || (s == bs && (e.story, &e.id) < (b.story, &b.id))
                    }
                };
                if better {
                    best = Some((s, i as usize));
                }
            }
        }
        best
    }

    fn insert(&mut self, id: &str, sketch: Sketch, story: u64) {
        let i = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
        self.by_text.entry(sketch.text_hash).or_insert(story);
        for band in sketch.bands() {
            if let std::collections::hash_map::Entry::Vacant(first) = self.by_band.entry(band) {
                first.insert(i);
            } else {
                let list = self.more_by_band.entry(band).or_default();
                // A band shared by thousands (boilerplate) finds nothing useful.
                if list.len() < MAX_BAND_LIST {
                    list.push(i);
                }
            }
        }
        self.by_id.insert(id.to_string(), i);
        self.entries.push(Entry {
            id: id.to_string(),
            sketch,
            story,
            alive: true,
        });
    }
}

/// The collapse key of passage `ordinal` of `story` (`schema::name::COPY_KEY`).
pub fn copy_key(story: u64, ordinal: u64) -> u64 {
    // A multiply by an odd constant spreads the ordinal over every bit, so
    // that two passages of different stories meet only by a 2^-64 chance.
    story ^ (ordinal.wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Most documents a band remembers: bounds the work per document.
const MAX_BAND_LIST: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = crate::corpus::sketch::TEST_STORY;

    #[test]
    fn copies_join_the_first_story_and_others_start_their_own() {
        let mut c = Copies::default();
        let a = Sketch::of(A);
        assert_eq!(c.assign("a", &a), (a.text_hash, Kind::Original));
        assert_eq!(c.assign("b", &a), (a.text_hash, Kind::Exact));
        let near = Sketch::of(&A.replace("June 19", "June 20"));
        let (story, kind) = c.assign("c", &near);
        assert_eq!(story, a.text_hash);
        let Kind::Near(n) = kind else {
            panic!("{kind:?}")
        };
        assert_eq!((n.id.as_str(), n.of.as_str()), ("c", "a"));
        assert!(n.similarity >= NEAR_COPY && n.similarity < 1.0);
        let other = Sketch::of("A Russian delegation arrived in Pyongyang by plane on Monday.");
        assert_eq!(c.assign("d", &other), (other.text_hash, Kind::Original));
    }

    #[test]
    fn a_replaced_document_is_forgotten() {
        let mut c = Copies::default();
        let a = Sketch::of(A);
        c.assign("a", &a);
        // "a" is replaced by other text: its old text starts a new story.
        let other = Sketch::of("A Russian delegation arrived in Pyongyang by plane on Monday.");
        c.assign("a", &other);
        let near = Sketch::of(&A.replace("June 19", "June 20"));
        assert_eq!(c.assign("c", &near), (near.text_hash, Kind::Original));
    }
}
