//! Facets (`--facet source|year|month|lang`): matching documents counted by
//! a field, as Elasticsearch's terms and date-histogram aggregations. They
//! count documents, not passages: a document counts once per value (once per
//! language among its matching passages).

use std::collections::BTreeMap;

use serde::Serialize;

use super::tally::Scan;

/// A field to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetKind {
    /// The document's source.
    Source,
    /// The year of its date.
    Year,
    /// The month of its date (`YYYY-MM`).
    Month,
    /// The languages of its matching passages.
    Lang,
}

impl FacetKind {
    /// Its name, as `--facet` takes it.
    pub fn name(self) -> &'static str {
        match self {
            FacetKind::Source => "source",
            FacetKind::Year => "year",
            FacetKind::Month => "month",
            FacetKind::Lang => "lang",
        }
    }
}

/// One value and how many matching documents carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The value.
    pub key: String,
    /// Matching documents with it.
    pub count: u64,
}

/// The counts of one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    /// The field.
    pub field: FacetKind,
    /// Values: by count (most first) for source and lang, in order of time
    /// for year and month.
    pub buckets: Vec<Bucket>,
    /// Matching documents without a value (undated, no source).
    pub missing: u64,
}

/// The facets of `scan`, one per kind asked for.
pub fn compute(scan: &Scan, kinds: &[FacetKind]) -> Vec<Facet> {
    kinds.iter().map(|&k| one(scan, k)).collect()
}

fn one(scan: &Scan, kind: FacetKind) -> Facet {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut missing = 0;
    for info in scan.docs.values() {
        let keys: Vec<String> = match kind {
            FacetKind::Source => info.source.iter().cloned().collect(),
            FacetKind::Lang => info.langs.clone(),
            FacetKind::Year | FacetKind::Month => info
                .date
                .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
                .map(|d| match kind {
                    FacetKind::Year => format!("{:04}", d.year()),
                    _ => format!("{:04}-{:02}", d.year(), u8::from(d.month())),
                })
                .into_iter()
                .collect(),
        };
        if keys.is_empty() {
            missing += 1;
        }
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let mut buckets: Vec<Bucket> = counts
        .into_iter()
        .map(|(key, count)| Bucket { key, count })
        .collect();
    if matches!(kind, FacetKind::Source | FacetKind::Lang) {
        buckets.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    }
    Facet {
        field: kind,
        buckets,
        missing,
    }
}
