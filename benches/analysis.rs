//! Analysis throughput, one thread: Korean (court decisions), English (KCNA
//! stories) and mixed Korean–English–Russian text, in bytes per second.
//!
//! `cargo bench --bench analysis`; the data come from `../shared/corpora`.

mod common;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kors::analysis::Analyzer;

/// Roughly `limit` bytes of the `text` fields of a JSONL corpus.
fn jsonl_texts(rel: &str, limit: usize) -> Vec<String> {
    let data = common::read_corpus(rel);
    let mut out = Vec::new();
    let mut total = 0;
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(t) = v.get("text").and_then(|t| t.as_str()) {
            total += t.len();
            out.push(t.to_string());
        }
        if total >= limit {
            break;
        }
    }
    out
}

/// One analyzer for every pass: the steady state of an indexing thread,
/// whose analyzer lives as long as its segment.
fn bench_set(c: &mut Criterion, name: &str, texts: &[String]) {
    bench_with(c, name, texts, &mut Analyzer::new, true);
}

/// A fresh analyzer from `make` for each pass over `texts` (so the memoised
/// variant starts every pass with an empty cache: no flattering hit rate),
/// or, with `keep`, the same one throughout.
fn bench_with(
    c: &mut Criterion,
    name: &str,
    texts: &[String],
    make: &mut dyn FnMut() -> Analyzer,
    keep: bool,
) {
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    let mut terms = Vec::new();
    let mut kept = keep.then(&mut *make);
    group.bench_function(name, |b| {
        b.iter(|| {
            let mut fresh;
            let analyzer = match kept.as_mut() {
                Some(a) => a,
                None => {
                    fresh = make();
                    &mut fresh
                }
            };
            let mut n = 0;
            for t in texts {
                terms.clear();
                analyzer.terms(t, &mut terms);
                n += terms.len();
            }
            n
        })
    });
    group.finish();
}

fn analysis(c: &mut Criterion) {
    let korean = jsonl_texts(
        "ko-court-precedents-sample/precedents_sample.jsonl",
        4 << 20,
    );
    bench_set(c, "korean_court_4MB", &korean);
    // `--analyzer morph-fast`: analyses memoised by eojeol.
    bench_with(
        c,
        "korean_court_4MB_memoised",
        &korean,
        &mut Analyzer::with_eojeol_cache,
        false,
    );
    let english = jsonl_texts("kcna-en-2011-2012/kcna_stories_2011_2012.jsonl", 4 << 20);
    bench_set(c, "english_kcna_4MB", &english);
    // Mixed: Korean paragraphs with English and Russian names between them.
    let mixed: Vec<String> = korean
        .iter()
        .zip(&english)
        .take(400)
        .map(|(k, e)| format!("{k}\n푸틴(Путин, Putin) 대통령과 김정은 위원장은 {e}\n"))
        .collect();
    bench_set(c, "mixed", &mixed);
}

criterion_group!(benches, analysis);
criterion_main!(benches);
