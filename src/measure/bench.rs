//! `kors bench`: warm query latency and throughput on an open index.
//!
//! The index is opened once and one searcher kept; every query goes through
//! `kors search`'s own functions: [`search::query::build`] and
//! [`search::rank`] (top `limit` passages, no stored text), or, with
//! snippets, [`search::search_in`] (stored passages read, highlights and
//! snippets made, everything but printing). After `warmup` untimed rounds
//! over the query set, `iterations` timed rounds; every query run is one
//! latency sample. With `threads` > 1 each thread runs the timed rounds
//! over the whole set (starting at different queries) and QPS is all
//! samples over the wall-clock time.

use std::io::{self, Write};
use std::time::Instant;

use crate::error::Result;
use serde::Serialize;

use tantivy::collector::TopDocs;

use super::eval::{self, QueryMode};
use super::queries::QuerySet;
use crate::index::KorsIndex;
use crate::report::Report;
use crate::search::{self, query, Filters, SearchRequest};

/// How to run a benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchOptions {
    /// Untimed rounds over the set first.
    pub warmup: usize,
    /// Timed rounds over the set.
    pub iterations: usize,
    /// Hits per query (`kors search -n`).
    pub limit: usize,
    /// Read stored passages and make snippets, as `kors search` prints them.
    pub snippets: bool,
    /// Concurrent threads.
    pub threads: usize,
    /// How queries become tantivy queries: `syntax` is `kors search`'s
    /// path; `terms` ORs the analyzed terms as `kors eval --mode terms`
    /// does (a diagnostic: what the ranking costs without phrases).
    pub mode: QueryMode,
    /// Also count the matching documents by these fields (`kors search
    /// --facet`).
    pub facets: Vec<search::FacetKind>,
    /// Every query under these filters (`kors search --lang`, `--since` …).
    #[serde(skip_serializing_if = "Filters::none")]
    pub filters: Filters,
}

impl BenchOptions {
    /// The defaults (`kors bench`'s flags take theirs from here).
    pub const DEFAULT: BenchOptions = BenchOptions {
        warmup: 3,
        iterations: 10,
        limit: 10,
        snippets: false,
        threads: 1,
        mode: QueryMode::Syntax,
        facets: Vec::new(),
        filters: Filters::NONE,
    };
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Latencies of one query set.
#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    /// Set name.
    pub name: String,
    /// Queries run (and timed): the set's queries less the skipped ones.
    pub queries: usize,
    /// Timed query runs.
    pub samples: usize,
    /// Queries that could not be run (a bad query); left out, not timed.
    pub skipped: usize,
    /// Why the first skipped query could not be run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_skip: Option<String>,
    /// Median latency, µs.
    pub p50_us: f64,
    /// 90th percentile, µs.
    pub p90_us: f64,
    /// 95th percentile, µs.
    pub p95_us: f64,
    /// 99th percentile, µs.
    pub p99_us: f64,
    /// Slowest run, µs.
    pub max_us: f64,
    /// Mean, µs.
    pub mean_us: f64,
    /// Query runs per second of wall-clock time (all threads).
    pub qps: f64,
    /// Mean number of hits returned.
    pub mean_hits: f64,
    /// The [`SLOWEST`] queries with the highest median latency, slowest
    /// first: where the tail comes from.
    pub slowest: Vec<SlowQuery>,
}

/// How many of each set's slowest queries a report names.
pub const SLOWEST: usize = 10;

/// One query's latency over its timed runs.
#[derive(Debug, Clone, Serialize)]
pub struct SlowQuery {
    pub query: String,
    /// Median of its runs, µs.
    pub median_us: f64,
    /// Its slowest run, µs.
    pub max_us: f64,
}

/// A whole `kors bench` run.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Index directory.
    pub index: std::path::PathBuf,
    /// Its analyzer.
    pub analyzer: String,
    /// Passages in the index.
    pub passages: u64,
    /// The options.
    #[serde(flatten)]
    pub options: BenchOptions,
    /// One entry per query set.
    pub sets: Vec<SetReport>,
}

/// Runs one query the way `kors search` does; returns the number of hits.
fn run_one(
    idx: &KorsIndex,
    searcher: &tantivy::Searcher,
    q: &str,
    opts: &BenchOptions,
) -> Result<usize> {
    let req = SearchRequest {
        query: q.to_string(),
        filters: opts.filters.clone(),
        limit: opts.limit,
        offset: 0,
        group: false,
        explain: false,
        ..SearchRequest::default()
    };
    if opts.mode == QueryMode::Terms {
        let q = eval::terms_query(idx, &req.query);
        let top = searcher.search(
            &*q,
            &TopDocs::with_limit(opts.limit.max(1)).order_by_score(),
        )?;
        Ok(top.len())
    } else if opts.snippets {
        Ok(search::search_in(idx, searcher, &req)?.hits.len())
    } else {
        let parsed = query::build_in(idx, Some(searcher), &req.query, &req.filters)?;
        // The ranking and its total, as `kors search` computes them.
        let (ranked, _) = search::rank_and_tally(searcher, &parsed, &req)?;
        let hits = ranked.hits;
        if !opts.facets.is_empty() {
            let scan = search::tally::scan(searcher, &*parsed.query)?;
            std::hint::black_box(search::facets::compute(&scan, &opts.facets));
        }
        Ok(hits.len())
    }
}

/// Benchmarks every set on `idx`.
pub fn run(idx: &KorsIndex, sets: &[QuerySet], opts: &BenchOptions) -> Result<BenchReport> {
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let threads = opts.threads.max(1);
    let mut reports = Vec::new();
    for set in sets {
        // Queries that do not parse are counted once and left out.
        let mut ok: Vec<&str> = Vec::new();
        let (mut skipped, mut first_skip) = (0, None);
        for q in &set.queries {
            match run_one(idx, &searcher, q, opts) {
                Ok(_) => ok.push(q),
                Err(e) => {
                    skipped += 1;
                    first_skip.get_or_insert_with(|| e.to_string());
                }
            }
        }
        for _ in 0..opts.warmup {
            for q in &ok {
                run_one(idx, &searcher, q, opts)?;
            }
        }
        let started = Instant::now();
        // Each sample is (query index, ns), so the slow queries can be named.
        type Samples = Vec<(u32, u64)>;
        let per_thread: Vec<Result<(Samples, usize)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (ok, searcher) = (&ok, &searcher);
                    s.spawn(move || -> Result<(Samples, usize)> {
                        // Reserved up to a bound: the product can be huge.
                        let mut lat = Vec::with_capacity(
                            ok.len().saturating_mul(opts.iterations).min(1 << 20),
                        );
                        let mut hits = 0;
                        let shift = t * ok.len() / threads;
                        for _ in 0..opts.iterations {
                            for i in 0..ok.len() {
                                let k = (i + shift) % ok.len();
                                let t0 = Instant::now();
                                hits += run_one(idx, searcher, ok[k], opts)?;
                                lat.push((k as u32, t0.elapsed().as_nanos() as u64));
                            }
                        }
                        Ok((lat, hits))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("bench thread panicked"))
                .collect()
        });
        let wall = started.elapsed().as_secs_f64();
        let mut lat = Vec::new();
        let mut hits = 0;
        for r in per_thread {
            let (l, h) = r?;
            lat.extend(l);
            hits += h;
        }
        let slowest = slowest(&ok, &lat);
        let lat = lat.into_iter().map(|(_, ns)| ns).collect();
        let mut report = summarize(&set.name, ok.len(), lat, hits, wall);
        report.skipped = skipped;
        report.first_skip = first_skip;
        report.slowest = slowest;
        reports.push(report);
    }
    Ok(BenchReport {
        index: idx.dir.clone(),
        analyzer: idx.analyzer.name().to_string(),
        passages: searcher.num_docs(),
        options: opts.clone(),
        sets: reports,
    })
}

/// The [`SLOWEST`] queries of `queries` by the median of their samples
/// `(query index, ns)`, slowest first.
fn slowest(queries: &[&str], samples: &[(u32, u64)]) -> Vec<SlowQuery> {
    let mut by_query: Vec<Vec<u64>> = vec![Vec::new(); queries.len()];
    for &(k, ns) in samples {
        by_query[k as usize].push(ns);
    }
    let mut all: Vec<SlowQuery> = by_query
        .iter_mut()
        .zip(queries)
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, q)| {
            v.sort_unstable();
            SlowQuery {
                query: q.to_string(),
                median_us: percentile_us(v, 50.0),
                max_us: v[v.len() - 1] as f64 / 1e3,
            }
        })
        .collect();
    all.sort_by(|a, b| b.median_us.total_cmp(&a.median_us));
    all.truncate(SLOWEST);
    all
}

/// Nearest-rank percentile of sorted `v` (in ns), in µs.
fn percentile_us(v: &[u64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    v[rank.min(v.len()) - 1] as f64 / 1e3
}

/// The latencies of the `queries` run of a set (nothing skipped).
fn summarize(name: &str, queries: usize, mut lat: Vec<u64>, hits: usize, wall: f64) -> SetReport {
    lat.sort_unstable();
    let n = lat.len();
    SetReport {
        name: name.to_string(),
        queries,
        samples: n,
        skipped: 0,
        first_skip: None,
        p50_us: percentile_us(&lat, 50.0),
        p90_us: percentile_us(&lat, 90.0),
        p95_us: percentile_us(&lat, 95.0),
        p99_us: percentile_us(&lat, 99.0),
        max_us: lat.last().map_or(0.0, |&x| x as f64 / 1e3),
        mean_us: if n == 0 {
            0.0
        } else {
            lat.iter().sum::<u64>() as f64 / n as f64 / 1e3
        },
        qps: if wall > 0.0 { n as f64 / wall } else { 0.0 },
        mean_hits: if n == 0 { 0.0 } else { hits as f64 / n as f64 },
        slowest: Vec::new(),
    }
}

impl Report for BenchReport {
    fn write_human(&self, w: &mut dyn Write, _color: bool) -> io::Result<()> {
        let r = self;
        writeln!(
            w,
            "{} ({} analyzer, {} passages): top {}, {}snippets, {} thread(s), {} warm-up + {} timed rounds",
            r.index.display(),
            r.analyzer,
            r.passages,
            r.options.limit,
            if r.options.snippets { "" } else { "no " },
            r.options.threads,
            r.options.warmup,
            r.options.iterations
        )?;
        if r.options.filters.any() {
            let flags: Vec<String> = (r.options.filters.flags())
                .into_iter()
                .map(|(k, v)| format!("--{k} {v}"))
                .collect();
            writeln!(w, "every query under {}", flags.join(" "))?;
        }
        writeln!(
            w,
            "{:<16} {:>5} {:>7} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8} {:>9}",
            "set",
            "run",
            "skipped",
            "p50 µs",
            "p90 µs",
            "p95 µs",
            "p99 µs",
            "max µs",
            "mean µs",
            "QPS"
        )?;
        for s in &r.sets {
            writeln!(
                w,
                "{:<16} {:>5} {:>7} {:>8.0} {:>8.0} {:>8.0} {:>8.0} {:>9.0} {:>8.0} {:>9.0}",
                s.name,
                s.queries,
                s.skipped,
                s.p50_us,
                s.p90_us,
                s.p95_us,
                s.p99_us,
                s.max_us,
                s.mean_us,
                s.qps
            )?;
            if let Some(why) = &s.first_skip {
                writeln!(
                    w,
                    "  ({} of {} queries could not be run and were skipped; the first: {why})",
                    s.skipped,
                    s.queries + s.skipped
                )?;
            }
        }
        for s in r.sets.iter().filter(|s| !s.slowest.is_empty()) {
            writeln!(w, "slowest of {} (median / max µs):", s.name)?;
            for q in &s.slowest {
                writeln!(w, "{:>9.0} {:>9.0}  {}", q.median_us, q.max_us, q.query)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).map(|x| x * 1000).collect();
        assert_eq!(percentile_us(&v, 50.0), 50.0);
        assert_eq!(percentile_us(&v, 99.0), 99.0);
        assert_eq!(percentile_us(&[7000], 99.0), 7.0);
    }

    #[test]
    fn slowest_queries_are_ranked_by_their_median() {
        // "b" has one outlier run but a fast median; "c" is slow throughout.
        let q = ["a", "b", "c"];
        let samples = [
            (0, 5_000),
            (1, 1_000),
            (2, 9_000),
            (0, 6_000),
            (1, 90_000),
            (2, 8_000),
            (1, 1_000),
            (2, 9_000),
            (0, 7_000),
        ];
        let s = slowest(&q, &samples);
        let order: Vec<&str> = s.iter().map(|x| x.query.as_str()).collect();
        assert_eq!(order, ["c", "a", "b"]);
        assert_eq!((s[0].median_us, s[0].max_us), (9.0, 9.0));
        assert_eq!((s[2].median_us, s[2].max_us), (1.0, 90.0));
    }
}
