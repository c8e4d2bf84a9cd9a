//! The machine's own tail: one fixed computation (no memory, no system
//! calls) timed 20,000 times, for a few lengths near kors's query
//! latencies. Its p99 ÷ p50 is about what a query set of that median whose
//! queries all cost the same would show on this machine (interrupts, the
//! hypervisor). Built and run by
//! `benches/jitter.sh`; not a cargo target.
use std::time::Instant;

fn work(n: u64, seed: u64) -> u64 {
    let mut x = std::hint::black_box(seed) | 1;
    for i in 0..std::hint::black_box(n) {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
    }
    x
}

fn main() {
    // Steps per microsecond, roughly (the lengths are named by their
    // measured median).
    let t = Instant::now();
    let mut acc = work(50_000_000, 7);
    let per_us = 50_000_000.0 / t.elapsed().as_secs_f64() / 1e6;
    println!("| one fixed task, p50 µs | p90 | p99 | p99 ÷ p50 |");
    println!("| --- | --- | --- | --- |");
    for target in [10.0, 25.0, 50.0, 100.0, 200.0] {
        let n = (target * per_us) as u64;
        let mut v: Vec<u64> = (0..20_000)
            .map(|_| {
                let t = Instant::now();
                acc ^= work(n, acc);
                t.elapsed().as_nanos() as u64
            })
            .collect();
        v.sort_unstable();
        let p = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)] as f64 / 1000.0;
        println!(
            "| {:.1} | {:.1} | {:.1} | {:.2} |",
            p(0.5),
            p(0.9),
            p(0.99),
            p(0.99) / p(0.5)
        );
    }
    std::hint::black_box(acc);
}
