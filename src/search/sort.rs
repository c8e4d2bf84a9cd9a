//! `--sort date` and `--sort -date`: matching passages in order of their
//! document's date (oldest or newest first), the better score first within
//! a day; undated passages come last, and are counted so that the output
//! can say how many.

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::Result;
use crate::index::schema::name;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best score first (the default).
    #[default]
    Score,
    /// Oldest first (`--sort date`).
    Date,
    /// Newest first (`--sort -date`).
    DateDesc,
}

/// A page of passages in date order.
#[derive(Debug, Clone)]
pub struct ByDate {
    /// (score, address) of the page.
    pub page: Vec<(f32, DocAddress)>,
    /// Matching passages without a date (all sorted last).
    pub undated: u64,
}

/// The matches of `query` in `order`, `offset..offset + limit`, one
/// passage per story when `collapse` gives the stories.
pub fn by_date(
    searcher: &Searcher,
    query: &dyn Query,
    newest_first: bool,
    offset: usize,
    limit: usize,
    collapse: Option<&super::collapse::Stories>,
) -> Result<ByDate> {
    let mut all = searcher.search(query, &DateCollector)?;
    let undated = all.iter().filter(|(d, _, _)| d.is_none()).count() as u64;
    all.sort_by(|a, b| {
        let dates = match (a.0, b.0) {
            (Some(x), Some(y)) if newest_first => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        dates
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    // One passage of a story: its first in this order.
    let mut seen = std::collections::HashSet::new();
    let page = all
        .into_iter()
        .filter(|(_, _, a)| {
            collapse
                .and_then(|s| s.key(*a, super::collapse::By::Passage))
                .is_none_or(|k| seen.insert(k))
        })
        .skip(offset)
        .take(limit)
        .map(|(_, s, a)| (s, a))
        .collect();
    Ok(ByDate { page, undated })
}

type Dated = (Option<i64>, f32, DocAddress);

struct DateCollector;

struct SegmentDates {
    ord: SegmentOrdinal,
    date: Column<DateTime>,
    out: Vec<Dated>,
}

impl Collector for DateCollector {
    type Fruit = Vec<Dated>;
    type Child = SegmentDates;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        seg: &SegmentReader,
    ) -> tantivy::Result<SegmentDates> {
        Ok(SegmentDates {
            ord,
            date: seg.fast_fields().date(name::DATE)?,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Dated>>) -> tantivy::Result<Vec<Dated>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentDates {
    type Fruit = Vec<Dated>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let date = self.date.first(doc).map(|d| d.into_timestamp_secs());
        self.out.push((date, score, DocAddress::new(self.ord, doc)));
    }

    fn harvest(self) -> Vec<Dated> {
        self.out
    }
}
