//! The best `k` passages of distinct stories, collected in one pruned pass
//! (the weight's `for_each_pruning`: MaxScore or block-max WAND), as
//! tantivy's `TopDocs` collects the best `k` passages.
//!
//! Collapsing after `TopDocs` had to read deeper wherever copies share the
//! top (their scores are equal, so each copy fills a slot and the pruning
//! threshold stays low): on KCNA 2024 that cost 1.6× the p50 of a plain
//! search. Here a copy of a story already held replaces nothing and does
//! not raise the threshold, so the threshold is the `k`-th best *story*'s
//! score, as high as a search without copies would have it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap as HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use super::collapse::{By, Stories};

/// The best `k` passages, one per key (see [`By`]).
pub struct DistinctTop<'a> {
    pub stories: &'a Stories,
    pub by: By,
    pub k: usize,
}

/// What [`DistinctTop`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// (score, address), best first (equal scores: the lower address).
    pub hits: Vec<(Score, DocAddress)>,
    /// Matching passages visited: all of them when `all`.
    pub visited: u64,
    /// Whether every match was visited (fewer than `k` keys in each
    /// segment, so nothing was pruned).
    pub all: bool,
    /// Every match, when `all` (to count their documents).
    pub matches: Vec<DocAddress>,
}

type Key = u64;

/// A segment's best passage per key, as the pass goes.
struct SegmentTop {
    ord: SegmentOrdinal,
    best: HashMap<Key, (Score, DocId)>,
    /// Min-heap by (score, then the later doc): entries whose score is no
    /// longer their key's best are stale and skipped.
    heap: BinaryHeap<Entry>,
    /// Entries of `heap` a better passage of their key has replaced (rare:
    /// copies score alike), so that the others need no check.
    stale: usize,
    visited: u64,
    full: bool,
    matches: Vec<DocId>,
}

#[derive(PartialEq)]
struct Entry(Score, DocId, Key);
impl Eq for Entry {}
impl Ord for Entry {
    // Reversed: `BinaryHeap` is a max-heap and the least must come first;
    // of equal scores the later document is the lesser (evicted first).
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| self.1.cmp(&other.1))
    }
}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl SegmentTop {
    /// Takes a match; returns the score a match must now beat.
    fn push(&mut self, k: usize, doc: DocId, score: Score, key: Key) -> Score {
        self.visited += 1;
        if !self.full {
            self.matches.push(doc);
        }
        match self.best.get_mut(&key) {
            Some(held) if held.0 >= score => return self.threshold(k),
            Some(held) => {
                *held = (score, doc);
                self.stale += 1;
            }
            None => {
                self.best.insert(key, (score, doc));
            }
        }
        self.heap.push(Entry(score, doc, key));
        while self.best.len() > k {
            let Entry(s, d, key) = self.heap.pop().expect("more keys than entries");
            if self.stale == 0 || self.best.get(&key) == Some(&(s, d)) {
                self.best.remove(&key);
            } else {
                self.stale -= 1;
            }
        }
        self.threshold(k)
    }

    fn threshold(&mut self, k: usize) -> Score {
        if self.best.len() < k {
            return Score::MIN;
        }
        if !self.full {
            self.full = true;
            self.matches = Vec::new();
        }
        while let Some(Entry(s, d, key)) = self.heap.peek() {
            if self.stale == 0 || self.best.get(key) == Some(&(*s, *d)) {
                return *s;
            }
            self.heap.pop();
            self.stale -= 1;
        }
        Score::MIN
    }
}

impl DistinctTop<'_> {
    fn key(&self, addr: DocAddress) -> Key {
        // No story (never collapsed): a key of its own.
        self.stories
            .key(addr, self.by)
            .unwrap_or(u64::MAX - (u64::from(addr.segment_ord) << 32 | u64::from(addr.doc_id)))
    }
}

impl Collector for DistinctTop<'_> {
    type Fruit = Found;
    type Child = Unpruned;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Unpruned> {
        // Only for callers that bypass `collect_segment` (none in kors).
        Ok(Unpruned(ord, Vec::new()))
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Found> {
        let mut top = SegmentTop {
            ord,
            best: HashMap::default(),
            heap: BinaryHeap::new(),
            stale: 0,
            visited: 0,
            full: false,
            matches: Vec::new(),
        };
        let k = self.k.max(1);
        let alive = reader.alive_bitset();
        let mut threshold = Score::MIN;
        weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                return threshold;
            }
            threshold = top.push(k, doc, score, self.key(DocAddress::new(ord, doc)));
            threshold
        })?;
        Ok(top.into_found())
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut best: HashMap<Key, (Score, DocAddress)> = HashMap::default();
        let mut out = Found {
            all: true,
            ..Found::default()
        };
        for f in fruits {
            out.visited += f.visited;
            out.all &= f.all;
            out.matches.extend(f.matches);
            for (score, addr) in f.hits {
                let key = self.key(addr);
                let better = |held: &(Score, DocAddress)| {
                    score > held.0 || (score == held.0 && addr < held.1)
                };
                if best.get(&key).is_none_or(better) {
                    best.insert(key, (score, addr));
                }
            }
        }
        let mut hits: Vec<(Score, DocAddress)> = best.into_values().collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        hits.truncate(self.k);
        if !out.all {
            out.matches = Vec::new();
        }
        out.hits = hits;
        Ok(out)
    }
}

impl SegmentTop {
    fn into_found(self) -> Found {
        let ord = self.ord;
        Found {
            hits: self
                .best
                .into_values()
                .map(|(s, d)| (s, DocAddress::new(ord, d)))
                .collect(),
            visited: self.visited,
            all: !self.full,
            matches: self
                .matches
                .into_iter()
                .map(|d| DocAddress::new(ord, d))
                .collect(),
        }
    }
}

/// A plain segment collector, for the trait's sake: every match, unpruned.
pub struct Unpruned(SegmentOrdinal, Vec<(Score, DocAddress)>);

impl SegmentCollector for Unpruned {
    type Fruit = Found;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.1.push((score, DocAddress::new(self.0, doc)));
    }

    fn harvest(self) -> Found {
        Found {
            visited: self.1.len() as u64,
            all: false,
            hits: self.1,
            matches: Vec::new(),
        }
    }
}
