//! Term recall across the two Korean orthographies on the parallel news
//! corpus (`*.ko` Southern, `*.nk` the same sentences in Northern spelling),
//! the figures of BENCHMARKS.md's "One Korean" section.
//!
//! `cargo run --release --example orthography -- [dev|test] [--json]`

use kors::measure::orthography;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let split = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("dev", String::as_str);
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/ko-en-news-parallel"
    );
    let read = |name: String| {
        let path = format!("{dir}/{name}");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let ko = read(format!("korean-english-park.{split}.ko"));
    let nk = read(format!("northkorean-english.{split}.nk"));
    let r = orthography::measure(ko.lines(), nk.lines());
    if args.iter().any(|a| a == "--json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&r).expect("serialisable")
        );
        return;
    }
    let pct = |x: f64| format!("{:.2}%", 100.0 * x);
    println!(
        "{split}: {} pairs, {} differ beyond spacing",
        r.pairs, r.differing
    );
    println!(
        "Southern terms found in the Northern sentence: {} of {} ({})",
        r.south_found,
        r.south_terms,
        pct(r.south_recall())
    );
    println!(
        "Northern terms found in the Southern sentence: {} of {} ({})",
        r.north_found,
        r.north_terms,
        pct(r.north_recall())
    );
    println!(
        "normalised Northern terms: {}; not in the Southern sentence: {} ({} of all Northern terms)",
        r.normalized,
        r.normalized_wrong,
        pct(r.wrong_share())
    );
    println!(
        "pairs that differ only in spacing: {}; Southern terms found: {} of {} ({})",
        r.spacing_pairs,
        r.spacing_found,
        r.spacing_terms,
        pct(r.spacing_recall())
    );
    println!(
        "  of which the Northern side writes 할것이다 / 있을수 / 하고있다 together: {}; Southern terms found: {} of {} ({})",
        r.spacing_forms_pairs,
        r.spacing_forms_found,
        r.spacing_forms_terms,
        pct(r.spacing_forms_recall())
    );
    let list = |v: &[(String, usize)]| {
        v.iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("most missed Southern terms: {}", list(&r.missed));
    println!(
        "most missed where only spacing differs: {}",
        list(&r.spacing_missed)
    );
    let wrong: Vec<String> = r
        .wrong
        .iter()
        .map(|(w, t, n)| format!("{w}→{t} {n}"))
        .collect();
    println!(
        "normalised terms the Southern side lacks: {}",
        wrong.join(", ")
    );
}
