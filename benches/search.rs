//! Search latency by query kind (term, multi-term, phrase, boolean,
//! filtered), without snippets (`kors search`'s ranking: parse + top 10)
//! and with them (stored passages read, highlights and snippets made), on
//! an index of fixed slices of `../shared/corpora` (2 MB of English KCNA
//! stories, 2 MB of Korean court decisions) built once per run.
//!
//! `cargo bench --bench search`

use std::time::Duration;

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use kors::corpus::date::parse_day;
use kors::index::ingest::IngestOptions;
use kors::index::rebuild::rebuild;
use kors::index::KorsIndex;
use kors::search::query;
use kors::search::{self as ks, Filters, SearchRequest};

fn request(q: &str, filters: Filters) -> SearchRequest {
    SearchRequest {
        query: q.to_string(),
        filters,
        limit: 10,
        offset: 0,
        group: false,
        explain: false,
        ..SearchRequest::default()
    }
}

fn search_bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = [
        common::slice(
            "kcna-en-2011-2012/kcna_stories_2011_2012.jsonl",
            2 << 20,
            tmp.path(),
        )
        .0,
        common::slice(
            "ko-court-precedents-sample/precedents_sample.jsonl",
            2 << 20,
            tmp.path(),
        )
        .0,
    ];
    let dir = tmp.path().join("idx");
    let opts = IngestOptions {
        progress: false,
        ..IngestOptions::default()
    };
    rebuild(&dir, &inputs, &opts).unwrap();
    let idx = KorsIndex::open(&dir).unwrap();
    let reader = idx.reader().unwrap();
    let searcher = reader.searcher();

    let en = Filters {
        lang: Some("en".into()),
        since: Some(parse_day("2011-12-15").unwrap()),
        ..Filters::default()
    };
    let kinds: Vec<(&str, SearchRequest)> = vec![
        ("term_en", request("Russia", Filters::default())),
        ("term_ko", request("손해배상", Filters::default())),
        (
            "multi_term",
            request("Russia economic cooperation delegation", Filters::default()),
        ),
        (
            "multi_term_ko",
            request("대법원 판결 손해배상 청구", Filters::default()),
        ),
        ("phrase", request("\"Kim Jong Il\"", Filters::default())),
        (
            "phrase_ko",
            request("\"손해배상 청구\"", Filters::default()),
        ),
        (
            "boolean",
            request("+Russia +cooperation -Japan", Filters::default()),
        ),
        ("filtered", request("cooperation", en)),
    ];
    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (name, req) in &kinds {
        group.bench_function(format!("{name}/no_snippets"), |b| {
            b.iter(|| {
                let parsed = query::build(&idx, &req.query, &req.filters).unwrap();
                ks::rank(&searcher, &parsed, req).unwrap().hits.len()
            })
        });
        group.bench_function(format!("{name}/snippets"), |b| {
            b.iter(|| ks::search_in(&idx, &searcher, req).unwrap().hits.len())
        });
    }
    group.finish();
}

criterion_group!(benches, search_bench);
criterion_main!(benches);
