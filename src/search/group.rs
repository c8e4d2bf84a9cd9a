//! The best passage of each document (or of each story: see
//! [`super::collapse`]): what `kors search --group` shows and what `kors
//! eval` ranks documents by.

use std::collections::HashSet;

use crate::error::Result;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{DocAddress, Searcher};

use super::collapse::{By, Stories};
use crate::index::doc_ids::DocIds;

/// A document at its best passage.
#[derive(Debug, Clone)]
pub struct Best {
    /// The passage's score, the document's.
    pub score: f32,
    /// The passage.
    pub addr: DocAddress,
    /// The document's corpus id.
    pub doc_id: String,
}

/// The documents matching `query`, each at its best passage, best first,
/// at most `depth`. Documents of equal score are ordered by id, so that the
/// order does not depend on the order in which a parallel load happened to
/// add passages.
pub fn best_per_document(
    searcher: &Searcher,
    query: &dyn Query,
    depth: usize,
    collapse: Option<&Stories>,
) -> Result<Vec<Best>> {
    let total = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    // No more documents than passages: a huge depth allocates nothing.
    let depth = depth.min(total);
    if depth == 0 {
        return Ok(Vec::new());
    }
    let ids = DocIds::of(searcher)?;
    // Fetch passages until `depth` distinct documents are found or the
    // matches run out: most documents have few passages.
    let mut fetch = depth.saturating_mul(4).clamp(64, total.max(64));
    loop {
        let top = searcher.search(query, &TopDocs::with_limit(fetch).order_by_score())?;
        let exhausted = top.len() < fetch || fetch >= total;
        let lowest = top.last().map(|(s, _)| *s);
        let mut seen = HashSet::new();
        let mut docs: Vec<Best> = Vec::new();
        let addrs: Vec<DocAddress> = top.iter().map(|&(_, a)| a).collect();
        // Best first: a document's first passage here is its best.
        for ((score, addr), id) in top.into_iter().zip(ids.ids(&addrs)?) {
            if seen.insert(id.clone()) {
                docs.push(Best {
                    score,
                    addr,
                    doc_id: id,
                });
            }
        }
        docs.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.doc_id.cmp(&b.doc_id))
        });
        if let Some(stories) = collapse {
            // A story at its best document (equal scores: the least id).
            let mut stories_seen = HashSet::new();
            docs.retain(|d| {
                stories
                    .key(d.addr, By::Story)
                    .is_none_or(|k| stories_seen.insert(k))
            });
        }
        // Done when the depth-th document scores above everything not yet
        // fetched (a tie there could hide a document with a smaller id).
        let settled = docs.len() >= depth && lowest.is_some_and(|l| docs[depth - 1].score > l);
        if settled || exhausted {
            docs.truncate(depth);
            return Ok(docs);
        }
        fetch = fetch.saturating_mul(4).min(total.max(1));
    }
}
