//! Ingestion throughput end to end (read, clean, split, analyze, index with
//! positions and stored text, commit) through `kors::index::rebuild::rebuild`
//! into a temporary index, on fixed slices of `../shared/corpora`: the first
//! 4 MB of Korean court decisions and the first 4 MB of English KCNA
//! stories (whole JSONL lines). Rayon uses every core.
//!
//! `cargo bench --bench ingest`

use std::time::Duration;

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kors::index::ingest::IngestOptions;
use kors::index::rebuild::rebuild;

fn ingest_bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let opts = IngestOptions {
        progress: false,
        ..IngestOptions::default()
    };
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    for (name, rel) in [
        (
            "korean_court_4MB",
            "ko-court-precedents-sample/precedents_sample.jsonl",
        ),
        (
            "english_kcna_4MB",
            "kcna-en-2011-2012/kcna_stories_2011_2012.jsonl",
        ),
    ] {
        let (input, bytes) = common::slice(rel, 4 << 20, tmp.path());
        let index = tmp.path().join(format!("idx-{name}"));
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(name, |b| {
            b.iter(|| {
                let s = rebuild(&index, std::slice::from_ref(&input), &opts).unwrap();
                assert!(s.added > 0);
                s.passages
            })
        });
    }
    group.finish();
}

criterion_group!(benches, ingest_bench);
criterion_main!(benches);
