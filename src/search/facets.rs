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
    // Counted by a cheap key (the value's text shared, a year or month as a
    // number), named at the end.
    let mut by_name: rustc_hash::FxHashMap<&str, u64> = Default::default();
    let mut by_time: BTreeMap<i64, u64> = BTreeMap::new();
    let mut missing = 0;
    for info in scan.docs.values() {
        match kind {
            FacetKind::Source => match &info.source {
                Some(s) => *by_name.entry(s).or_default() += 1,
                None => missing += 1,
            },
            FacetKind::Lang => {
                if info.langs.is_empty() {
                    missing += 1;
                }
                for l in &info.langs {
                    *by_name.entry(l).or_default() += 1;
                }
            }
            FacetKind::Year | FacetKind::Month => {
                match info
                    .date
                    .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
                {
                    Some(d) => {
                        let y = i64::from(d.year());
                        let key = if kind == FacetKind::Year {
                            y
                        } else {
                            y * 100 + i64::from(u8::from(d.month()))
                        };
                        *by_time.entry(key).or_default() += 1;
                    }
                    None => missing += 1,
                }
            }
        }
    }
    let counts: BTreeMap<String, u64> = by_name
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .chain(by_time.into_iter().map(|(k, n)| {
            let key = if kind == FacetKind::Year {
                format!("{k:04}")
            } else {
                format!("{:04}-{:02}", k / 100, k % 100)
            };
            (key, n)
        }))
        .collect();
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
