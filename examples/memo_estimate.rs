//! Would memoising eojeol analyses pay (issue 4's suggestion)? On the
//! Korean court decisions this measures, without changing the analyzer:
//! how often eojeols (space-separated words) repeat, whether analysing each
//! eojeol alone yields the same terms as analysing the whole text, and how
//! fast a memoised per-eojeol analysis runs beside the plain one, on one
//! thread.
//!
//! `cargo run --release --example memo_estimate -- [MB]` (default 8 MB).

use std::collections::HashMap;
use std::time::Instant;

use kors::analysis::{Analyzer, Term};

/// (term, start, end) relative to the eojeol.
type Cached = Vec<(String, usize, usize)>;

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(8);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/ko-court-precedents-sample/precedents_sample.jsonl"
    );
    let data = std::fs::read_to_string(path).expect("the shared corpora beside the repository");
    let mut texts = Vec::new();
    let mut bytes = 0;
    for line in data.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if let Some(t) = v["text"].as_str() {
            bytes += t.len();
            texts.push(t.to_string());
        }
        if bytes >= mb << 20 {
            break;
        }
    }

    // Plain analysis, as ingest does it.
    let mut analyzer = Analyzer::new();
    let mut plain: Vec<Vec<Term>> = Vec::with_capacity(texts.len());
    let t0 = Instant::now();
    for t in &texts {
        let mut out = Vec::new();
        analyzer.terms(t, &mut out);
        plain.push(out);
    }
    let plain_s = t0.elapsed().as_secs_f64();

    // Memoised: each eojeol analysed alone once, then reused.
    let mut cache: HashMap<String, Cached> = HashMap::new();
    let (mut eojeols, mut hits) = (0usize, 0usize);
    let mut memo: Vec<Vec<(String, usize, usize)>> = Vec::with_capacity(texts.len());
    let mut scratch = Vec::new();
    let t0 = Instant::now();
    for t in &texts {
        let mut out = Vec::new();
        for (start, word) in split_ws(t) {
            eojeols += 1;
            let terms = match cache.get(word) {
                Some(c) => {
                    hits += 1;
                    c
                }
                None => {
                    scratch.clear();
                    analyzer.terms(word, &mut scratch);
                    let c = scratch
                        .iter()
                        .map(|x| (x.text.clone(), x.start, x.end))
                        .collect();
                    cache.entry(word.to_string()).or_insert(c)
                }
            };
            out.extend(
                terms
                    .iter()
                    .map(|(s, a, b)| (s.clone(), start + a, start + b)),
            );
        }
        memo.push(out);
    }
    let memo_s = t0.elapsed().as_secs_f64();

    // Agreement, eojeol by eojeol: the terms whose start falls inside it.
    let (mut same, mut total) = (0usize, 0usize);
    // KORS_SHOW=N prints the first N eojeols that differ.
    let mut show: usize = std::env::var("KORS_SHOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for (i, t) in texts.iter().enumerate() {
        let p: Vec<(&str, usize, usize)> = plain[i]
            .iter()
            .map(|x| (x.text.as_str(), x.start, x.end))
            .collect();
        let m: Vec<(&str, usize, usize)> = memo[i]
            .iter()
            .map(|(s, a, b)| (s.as_str(), *a, *b))
            .collect();
        for (start, word) in split_ws(t) {
            let end = start + word.len();
            let inside = |v: &[(&str, usize, usize)]| -> Vec<(String, usize, usize)> {
                v.iter()
                    .filter(|x| x.1 >= start && x.1 < end)
                    .map(|x| (x.0.to_string(), x.1, x.2))
                    .collect()
            };
            total += 1;
            let (ip, im) = (inside(&p), inside(&m));
            if ip == im {
                same += 1;
            } else if show > 0 {
                show -= 1;
                eprintln!("{word:?}\n  whole text: {ip:?}\n  alone:      {im:?}");
            }
        }
    }
    let mbs = bytes as f64 / 1e6;
    println!(
        "{:.1} MB, {} texts, {} eojeols, {} distinct ({:.1}% of eojeols are repeats)",
        mbs,
        texts.len(),
        eojeols,
        cache.len(),
        100.0 * hits as f64 / eojeols as f64
    );
    println!(
        "plain analysis: {plain_s:.2} s = {:.2} MB/s; memoised per eojeol: {memo_s:.2} s = {:.2} MB/s ({:.2}x)",
        mbs / plain_s,
        mbs / memo_s,
        plain_s / memo_s
    );
    println!(
        "eojeols whose terms are identical either way: {same} of {total} ({:.3}%)",
        100.0 * same as f64 / total as f64
    );
}

/// Whitespace-separated words with their byte offsets.
fn split_ws(t: &str) -> impl Iterator<Item = (usize, &str)> {
    t.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - t.as_ptr() as usize, w))
}
