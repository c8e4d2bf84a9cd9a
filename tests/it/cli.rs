//! End-to-end tests of the `kors` binary on real text: each case works in
//! its own temporary directory with `--index` pointed into it.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

use crate::kors;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed document of the bundled corpus: the column these tests know
/// passage by passage.
fn seed() -> PathBuf {
    repo().join("corpus/000_d0a3d8de649cf0a0.md")
}

/// `../shared/corpora/<name>` beside the repository (CI lays it there too).
fn shared_corpus(name: &str) -> PathBuf {
    crate::shared(&format!("corpora/{name}"))
}

const SEED_ID: &str = "d0a3d8de649cf0a0";

fn index_dir(tmp: &TempDir) -> PathBuf {
    tmp.path().join("idx")
}

/// `kors --index <tmp>/idx ARGS…`
fn k(tmp: &TempDir, args: &[&str]) -> Command {
    let mut c = kors(tmp);
    c.arg("--index").arg(index_dir(tmp)).args(args);
    c
}

fn build(tmp: &TempDir, inputs: &[&Path]) {
    let mut c = k(tmp, &["index", "--no-progress"]);
    c.args(inputs);
    c.assert().success();
}

fn json_lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .expect("utf-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn search_json(tmp: &TempDir, args: &[&str]) -> Vec<Value> {
    let out = k(tmp, &["search", "--json"]).args(args).output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "search failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out.stdout)
}

fn stats(tmp: &TempDir) -> Value {
    let out = k(tmp, &["stats", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stats --json is one JSON object")
}

fn text_of(hit: &Value) -> &str {
    hit["text"].as_str().expect("text is a string")
}

/// The slices of `text` that the hit's highlights point at.
fn highlighted(hit: &Value) -> Vec<String> {
    let text = text_of(hit);
    hit["highlights"]
        .as_array()
        .expect("highlights is an array")
        .iter()
        .map(|r| {
            let s = r[0].as_u64().unwrap() as usize;
            let e = r[1].as_u64().unwrap() as usize;
            assert!(
                s < e && e <= text.len(),
                "bad range {r} in {} bytes",
                text.len()
            );
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            text[s..e].to_string()
        })
        .collect()
}

/// A small JSONL corpus: three good documents and a malformed line 3.
const FEED: &str = r#"{"id":"kcna-1","date":"2024-06-19","source":"KCNA (kcna.kp, English)","title":"Ballet tour announced","lang":"en","text":"The Bolshoi Ballet will tour Pyongyang next spring, the ministry of culture said."}
{"id":"yonhap-1","date":"2023-03-02","source":"Yonhap","title":"Gas talks","lang":"en","text":"Talks on supplies of liquefied natural gas from Russia resumed in Seoul on Thursday."}
{"id":"broken", "title": "no closing brace"
{"id":"yonhap-2","source":"Yonhap","title":"Undated note","lang":"en","text":"An undated note on Russia and the Bolshoi theatre."}
"#;

fn write_feed(tmp: &TempDir) -> PathBuf {
    let p = tmp.path().join("feed.jsonl");
    fs::write(&p, FEED).unwrap();
    p
}

#[test]
fn titles_are_searched_once_per_document_and_shown_on_every_passage() {
    let tmp = TempDir::new().unwrap();
    // The feed's broken line is rejected (exit 3); the rest is indexed.
    let out = k(&tmp, &["index", "--no-progress"])
        .arg(write_feed(&tmp))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    // "announced" is only in kcna-1's title: its first passage matches.
    let hits = search_json(&tmp, &["announced"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["doc_id"], "kcna-1");
    assert_eq!(hits[0]["passage"], 0);
    assert_eq!(hits[0]["title"], "Ballet tour announced");
    assert!(!text_of(&hits[0]).contains("announced"));
    // `title:` searches titles only: "gas" is in yonhap-1's title and text,
    // "talks" in its title and in no other title.
    let hits = search_json(&tmp, &["title:talks"]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["doc_id"], "yonhap-1");
    assert!(search_json(&tmp, &["title:pyongyang"]).is_empty());
    // The seed article: a passage after the first still shows the title.
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["granular"]);
    assert!(hits[0]["passage"].as_u64().unwrap() > 0, "{}", hits[0]);
    assert_eq!(
        hits[0]["title"],
        "Will Seoul’s Ties With Moscow Really Recover on Their Own?"
    );
}

#[test]
fn bolshoi_ballet_finds_the_cancelled_show_first() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["Bolshoi Ballet"]);
    assert!(!hits.is_empty());
    let first = text_of(&hits[0]);
    assert!(
        first.contains("cancellation of a show"),
        "first hit: {first}"
    );
    assert_eq!(hits[0]["doc_id"], SEED_ID);
    // The passage also holds the paragraph before it (on tankers); the
    // snippet is the show's.
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert!(snippet.contains("Bolshoi Ballet"), "snippet: {snippet}");
    assert!(!snippet.contains("Samsung"), "snippet: {snippet}");
    let words = highlighted(&hits[0]);
    assert!(words.iter().any(|w| w == "Bolshoi"), "{words:?}");
    assert!(words.iter().any(|w| w == "Ballet"), "{words:?}");
}

#[test]
fn apostrophes_in_queries_are_not_quotes() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["Russia's Bolshoi Ballet", "-n", "1"]);
    assert!(text_of(&hits[0]).contains("Bolshoi Ballet"));
    // A real single-quoted phrase still works.
    let hits = search_json(&tmp, &["'Bolshoi Ballet'"]);
    assert_eq!(hits.len(), 1);
}

#[test]
fn pasted_text_that_is_not_syntax_searches_its_words_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    for q in [
        "Bolshoi - Ballet (show",
        "Russia's <Bolshoi Ballet>",
        "dancers: Bolshoi Ballet",
    ] {
        let out = k(&tmp, &["search", "--json", q]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{q}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("searched the words instead"), "{q}: {err}");
        let hits = json_lines(&out.stdout);
        assert!(text_of(&hits[0]).contains("Bolshoi Ballet"), "{q}");
    }
}

#[test]
fn tankers_find_the_samsung_heavy_industries_passage() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    for q in ["LNG tankers", "liquefied natural gas tankers"] {
        let hits = search_json(&tmp, &[q]);
        assert!(!hits.is_empty(), "no hit for {q}");
        assert!(
            text_of(&hits[0]).contains("Samsung Heavy Industries"),
            "{q}: first hit {}",
            text_of(&hits[0])
        );
        let snippet = hits[0]["snippet"].as_str().unwrap();
        assert!(snippet.contains("Samsung"), "{q}: snippet {snippet}");
    }
}

#[test]
fn cleaner_drops_the_page_furniture() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["Related Articles", "-n", "50"]);
    for h in &hits {
        assert_ne!(text_of(h).trim(), "Related Articles", "furniture indexed");
    }
}

#[test]
fn json_hits_have_every_field() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["Russia", "-n", "3"]);
    assert_eq!(hits.len(), 3);
    for (i, h) in hits.iter().enumerate() {
        for key in [
            "rank",
            "score",
            "doc_id",
            "passage",
            "title",
            "author",
            "source",
            "date",
            "url",
            "lang",
            "text",
            "snippet",
            "highlights",
        ] {
            assert!(h.get(key).is_some(), "hit {i} lacks {key}: {h}");
        }
        assert_eq!(h["rank"], i + 1);
        assert!(h["score"].as_f64().unwrap() > 0.0);
        assert_eq!(
            h["title"],
            "Will Seoul’s Ties With Moscow Really Recover on Their Own?"
        );
        assert_eq!(h["author"], "Chung-in Moon");
        assert_eq!(h["source"], "Hankyoreh");
        assert_eq!(h["lang"], "en");
        assert!(
            h["date"] == "2024-05-13"
                && h["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://apln.network/")),
            "date/url of the front matter: {h}"
        );
        let words = highlighted(h);
        assert!(!words.is_empty());
        assert!(
            words.iter().all(|w| w.eq_ignore_ascii_case("russia")),
            "{words:?}"
        );
    }
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn terminal_output_marks_matches_plain_or_in_colour() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    k(&tmp, &["search", "Bolshoi", "-n", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("**Bolshoi**"))
        .stdout(predicate::str::contains("Hankyoreh"))
        .stdout(predicate::str::contains("\x1b[").not());
    k(&tmp, &["search", "Bolshoi", "-n", "1", "--color", "always"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\x1b[1;31mBolshoi\x1b[0m"));
}

#[test]
fn readding_changes_no_counts_and_changed_content_replaces() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let before = stats(&tmp);
    assert_eq!(before["documents"], 1);
    let passages = before["passages"].as_u64().unwrap();
    assert!(passages >= 3, "{before}");

    let out = k(&tmp, &["add", "--json"]).arg(seed()).output().unwrap();
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (s["added"].as_u64(), s["unchanged"].as_u64()),
        (Some(0), Some(1)),
        "{s}"
    );
    let after = stats(&tmp);
    assert_eq!(after["documents"], before["documents"]);
    assert_eq!(after["passages"], before["passages"]);

    // Same id, edited body: replaced, not duplicated.
    let edited = tmp.path().join("edited.md");
    let text = fs::read_to_string(seed()).unwrap();
    fs::write(
        &edited,
        text.replace("Bolshoi Ballet", "Mariinsky Ballet") + "\nA new closing paragraph.\n",
    )
    .unwrap();
    let out = k(&tmp, &["add", "--json"]).arg(&edited).output().unwrap();
    assert!(out.status.success());
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["replaced"], 1, "{s}");
    assert_eq!(stats(&tmp)["documents"], 1);
    assert!(search_json(&tmp, &["Bolshoi"]).is_empty());
    assert_eq!(search_json(&tmp, &["Mariinsky"]).len(), 1);
}

#[test]
fn a_malformed_jsonl_line_is_reported_and_the_rest_indexed() {
    let tmp = TempDir::new().unwrap();
    let feed = write_feed(&tmp);
    let out = k(&tmp, &["index", "--json"]).arg(&feed).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "exit code says something was rejected"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("feed.jsonl:3:"), "stderr: {stderr}");
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(s["rejected"], 1, "{s}");
    assert_eq!(s["added"], 3, "{s}");
    assert_eq!(s["rejections"][0]["line"], 3);
    assert_eq!(stats(&tmp)["documents"], 3);
}

#[test]
fn filters_restrict_hits() {
    let tmp = TempDir::new().unwrap();
    let feed = write_feed(&tmp);
    k(&tmp, &["index"]).arg(seed()).arg(&feed).assert().code(3);
    let docs = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = search_json(&tmp, args)
            .iter()
            .map(|h| h["doc_id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        docs(&["Bolshoi"]),
        ["d0a3d8de649cf0a0", "kcna-1", "yonhap-2"]
    );
    assert_eq!(docs(&["Bolshoi", "--source", "kcna"]), ["kcna-1"]);
    assert_eq!(docs(&["Bolshoi", "--source", "KCNA (kcna.kp"]), ["kcna-1"]);
    assert_eq!(docs(&["Russia", "--source", "yon"]), Vec::<String>::new());
    assert_eq!(docs(&["Bolshoi", "--source", "Hankyoreh"]), [SEED_ID]);
    assert_eq!(docs(&["Bolshoi", "--doc", "yonhap-2"]), ["yonhap-2"]);
    // The seed column is dated 2024-05-13.
    assert_eq!(docs(&["Russia", "--since", "2024-01-01"]), [SEED_ID]);
    assert_eq!(docs(&["Russia", "--until", "2023-03-02"]), ["yonhap-1"]);
    assert_eq!(
        docs(&["Bolshoi", "--since", "2024-06-19", "--until", "2024-06-19"]),
        ["kcna-1"]
    );
    assert_eq!(docs(&["Bolshoi", "--lang", "ko"]), Vec::<String>::new());
    assert_eq!(
        docs(&["source:yonhap", "--lang", "en"]),
        ["yonhap-1", "yonhap-2"]
    );
    assert_eq!(docs(&["author:\"Chung-in Moon\""]), [SEED_ID]);
    assert_eq!(docs(&["title:tour"]), ["kcna-1"]);
    k(&tmp, &["search", "Bolshoi", "--until", "2000-01-01"])
        .assert()
        .code(1);
    k(&tmp, &["search", "Bolshoi", "--since", "2024-13-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYY-MM-DD"));
}

#[test]
fn group_keeps_the_best_passage_per_document() {
    let tmp = TempDir::new().unwrap();
    let feed = write_feed(&tmp);
    k(&tmp, &["index"]).arg(seed()).arg(&feed).assert().code(3);
    let all = search_json(&tmp, &["Russia", "-n", "50"]);
    let seed_hits = all.iter().filter(|h| h["doc_id"] == SEED_ID).count();
    assert!(seed_hits > 1, "the seed has several passages on Russia");
    let grouped = search_json(&tmp, &["Russia", "-n", "50", "--group"]);
    let mut ids: Vec<&str> = grouped
        .iter()
        .map(|h| h["doc_id"].as_str().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "one hit per document");
    assert_eq!(n, 3);
    // The grouped hit of the seed is its best passage.
    let best_seed = all.iter().find(|h| h["doc_id"] == SEED_ID).unwrap();
    let grouped_seed = grouped.iter().find(|h| h["doc_id"] == SEED_ID).unwrap();
    assert_eq!(best_seed["passage"], grouped_seed["passage"]);
    // --offset pages through groups.
    let second = search_json(&tmp, &["Russia", "--group", "-n", "1", "--offset", "1"]);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0]["doc_id"], grouped[1]["doc_id"]);
    assert_eq!(second[0]["rank"], 2);
}

#[test]
fn explain_shows_the_score_breakdown() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let hits = search_json(&tmp, &["Bolshoi", "-n", "1", "--explain"]);
    let e = &hits[0]["explain"];
    let v = e["value"].as_f64().unwrap();
    assert!((v - hits[0]["score"].as_f64().unwrap()).abs() < 1e-3, "{e}");
    k(&tmp, &["search", "Bolshoi", "-n", "1", "--explain"])
        .assert()
        .success()
        .stdout(predicate::str::contains("TermQuery").or(predicate::str::contains("BM25")));
}

#[test]
fn no_match_exits_1_and_bad_queries_exit_2_with_a_message() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    k(&tmp, &["search", "zyxxyzzy"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    k(&tmp, &["search", "nosuchfield:russia"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown field `nosuchfield:`"));
    k(&tmp, &["search", "(Russia AND"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad query"));
    k(&tmp, &["search", "-n", "x", "Russia"]).assert().code(2);
}

#[test]
fn an_incompatible_index_is_refused_until_rebuilt() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    let meta_path = index_dir(&tmp).join("kors.json");
    let mut meta: Value = serde_json::from_slice(&fs::read(&meta_path).unwrap()).unwrap();
    meta["analyzer_version"] = Value::from(9999);
    fs::write(&meta_path, meta.to_string()).unwrap();
    let seed = seed();
    let add = ["add", seed.to_str().unwrap()];
    for args in [&["search", "Russia"][..], &["stats"], &add] {
        k(&tmp, args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("rebuild it with `kors index"));
    }
    build(&tmp, &[&seed]);
    k(&tmp, &["search", "Russia"]).assert().success();
}

#[test]
fn first_search_builds_the_index_from_corpus() {
    let tmp = TempDir::new().unwrap();
    fs::create_dir(tmp.path().join("corpus")).unwrap();
    fs::copy(seed(), tmp.path().join("corpus/seed.md")).unwrap();
    kors(&tmp)
        .args(["search", "Bolshoi", "--json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("building it from corpus"))
        .stdout(predicate::str::contains("cancellation of a show"));
    assert!(
        tmp.path().join("index/kors.json").is_file(),
        "default index/ dir"
    );
    // Second run: no rebuild.
    kors(&tmp)
        .args(["search", "Bolshoi"])
        .assert()
        .success()
        .stderr(predicate::str::contains("building").not());
}

#[test]
fn a_failed_rebuild_keeps_the_old_index() {
    let tmp = TempDir::new().unwrap();
    build(&tmp, &[&seed()]);
    // An input that does not exist (a typo) is refused before anything is
    // read or written, naming it: exit 2, the old index as it was.
    let missing = tmp.path().join("missing.jsonl");
    k(&tmp, &["index", "--no-progress"])
        .arg(seed())
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "kors: reading the input {}: No such file or directory",
            missing.display()
        )));
    assert_eq!(stats(&tmp)["documents"], 1);
    // Nothing indexable at all: the old index stays.
    let empty = tmp.path().join("empty.txt");
    fs::write(&empty, "").unwrap();
    k(&tmp, &["index", "--no-progress", "--strict"])
        .arg(&empty)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("old index"));
    assert_eq!(stats(&tmp)["documents"], 1);
    // Refusing to clobber a directory that is not an index.
    let other = tmp.path().join("notes");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("keep.txt"), "mine").unwrap();
    kors(&tmp)
        .arg("--index")
        .arg(&other)
        .arg("index")
        .arg(seed())
        .assert()
        .code(2);
    assert!(other.join("keep.txt").is_file());
}

#[test]
fn dry_run_shows_drops_and_passages_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    k(&tmp, &["index", "--dry-run"])
        .arg(seed())
        .assert()
        .success()
        .stdout(predicate::str::contains(SEED_ID))
        .stdout(predicate::str::contains("dropped"))
        .stdout(predicate::str::contains("Bolshoi Ballet"));
    assert!(!index_dir(&tmp).exists());
}

#[test]
fn stats_reports_languages_sources_and_dates() {
    let tmp = TempDir::new().unwrap();
    let feed = write_feed(&tmp);
    k(&tmp, &["index"]).arg(seed()).arg(&feed).assert().code(3);
    let s = stats(&tmp);
    assert_eq!(s["documents"], 4);
    assert_eq!(s["languages"]["en"], 4);
    assert_eq!(s["sources"]["Yonhap"], 2);
    assert_eq!(s["sources"]["Hankyoreh"], 1);
    assert_eq!(s["date_range"][0], "2023-03-02");
    assert_eq!(s["date_range"][1], "2024-06-19");
    assert!(s["size_bytes"].as_u64().unwrap() > 0);
    assert!(s["segments"].as_u64().unwrap() >= 1);
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    // Far more output than a pipe buffer holds, so that writing must fail.
    let tmp = TempDir::new().unwrap();
    let dir = speeches(&tmp);
    build(&tmp, &[&dir]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kors"))
        .current_dir(tmp.path())
        .arg("--index")
        .arg(index_dir(&tmp))
        .args([
            "search",
            "우리 OR 인민 OR 당 OR 위하여",
            "-n",
            "1000",
            "--json",
            "--explain",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then close the pipe, as `| head -c1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Four New Year speeches (North Korean orthography: 로씨야 for Russia;
/// only 2012 mentions it).
fn speeches(tmp: &TempDir) -> PathBuf {
    let src = shared_corpus("nk-newyear-speeches-ko");
    let dir = tmp.path().join("speeches");
    fs::create_dir(&dir).unwrap();
    for year in ["2012", "2013", "2014", "2015"] {
        fs::copy(
            src.join(format!("{year}.txt")),
            dir.join(format!("{year}.txt")),
        )
        .unwrap();
    }
    dir
}

#[test]
fn korean_inflected_word_is_found_and_highlighted() {
    // Works with any analyzer that keeps the stem at the token's start:
    // 로씨야에 ("to Russia") is a space-separated word in 2012.txt.
    let tmp = TempDir::new().unwrap();
    let dir = speeches(&tmp);
    build(&tmp, &[&dir]);
    let hits = search_json(&tmp, &["로씨야에", "--lang", "ko"]);
    assert!(!hits.is_empty());
    assert!(
        hits[0]["path"].as_str().unwrap().contains("2012"),
        "{}",
        hits[0]
    );
    let words = highlighted(&hits[0]);
    assert!(!words.is_empty());
    assert!(words.iter().all(|w| w.starts_with("로씨야")), "{words:?}");
    assert_eq!(hits[0]["lang"], "ko");
}

#[test]
fn korean_stem_matches_its_inflected_forms() {
    // The bare noun must match its inflected form 로씨야에 in 2012.txt, and
    // the highlight must cover exactly the noun, with the sentence lattice
    // (morph) and with its memoised variant (morph-fast) alike. Needs the
    // analyzer to segment North Korean spellings (로씨야 = Russia) the same
    // way alone, with a particle, and in context.
    for (analyzer, tokenizer) in [("morph", "kors"), ("morph-fast", "kors_fast")] {
        let tmp = TempDir::new().unwrap();
        let dir = speeches(&tmp);
        k(&tmp, &["index", "--no-progress", "--analyzer", analyzer])
            .arg(&dir)
            .assert()
            .success();
        let meta: Value =
            serde_json::from_slice(&fs::read(index_dir(&tmp).join("kors.json")).unwrap()).unwrap();
        assert_eq!(meta["analyzer"], tokenizer);
        for q in ["로씨야", "로씨야와의"] {
            let hits = search_json(&tmp, &[q]);
            assert!(!hits.is_empty(), "{analyzer}: {q} should match 로씨야에");
            assert!(
                hits[0]["path"].as_str().unwrap().contains("2012"),
                "{analyzer}: {q}"
            );
            let words = highlighted(&hits[0]);
            assert!(!words.is_empty(), "{analyzer}: {q}");
            for w in words {
                assert_eq!(
                    w, "로씨야",
                    "{analyzer}: {q}: highlight covers exactly the noun"
                );
            }
            let snippet = hits[0]["snippet"].as_str().unwrap();
            assert!(snippet.contains("로씨야"), "{snippet}");
        }
    }
}

#[test]
fn korean_phrase_across_words() {
    // Needs the morphological analyzer: 력사적방문 (historic visit) is written
    // as one word; its parts should match separately and as a phrase.
    let tmp = TempDir::new().unwrap();
    let dir = speeches(&tmp);
    build(&tmp, &[&dir]);
    let hits = search_json(&tmp, &["\"력사적 방문\""]);
    assert!(!hits.is_empty());
    assert!(text_of(&hits[0]).contains("력사적방문"));
}

#[test]
fn analyze_shows_tokens_as_text_json_and_mecab() {
    let tmp = TempDir::new().unwrap();
    let out = kors(&tmp)
        .args(["analyze", "--json", "Bolshoi Ballet 로씨야에"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let tokens = v.as_array().expect("an array of tokens");
    assert!(tokens.iter().any(|t| t["text"] == "bolshoi"), "{v}");
    assert!(tokens
        .iter()
        .all(|t| t["start"].is_u64() && t["end"].is_u64()));
    kors(&tmp)
        .args(["analyze", "--format", "mecab"])
        .write_stdin("로씨야와 조선\n")
        .assert()
        .success()
        .stdout(predicate::str::ends_with("EOS\n"));
    kors(&tmp)
        .arg("analyze")
        .write_stdin("Bolshoi")
        .assert()
        .success()
        .stdout(predicate::str::contains("bolshoi"));
}

#[test]
fn dict_import_reports_a_missing_dictionary() {
    let tmp = TempDir::new().unwrap();
    kors(&tmp)
        .args(["dict", "import-mecab", "no-such-dir", "--out", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-dir"));
    assert!(!tmp.path().join("out").exists());
}

/// Issue 13.9: a file where the index should be is named as such by every
/// command (it was "Not a directory (os error 20)" without the path, or
/// "no index"), and an input that does not exist is refused before an
/// index is made (it built an empty one).
#[test]
fn an_index_path_that_is_a_file_and_a_missing_input_are_named() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("afile");
    fs::write(&file, "mine").unwrap();
    let seed = seed();
    let seed = seed.to_str().unwrap();
    for args in [
        &["index", "--no-progress", seed][..],
        &["add", "--no-progress", seed],
        &["search", "Bolshoi"],
        &["stats"],
        &["check"],
        &["bench"],
    ] {
        kors(&tmp)
            .arg("--index")
            .arg(&file)
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "kors: the index path {} is not a directory",
                file.display()
            )));
    }
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    let typo = tmp.path().join("corpsu");
    for command in ["index", "add"] {
        let index = tmp.path().join(format!("new-{command}"));
        kors(&tmp)
            .arg("--index")
            .arg(&index)
            .args([command, "--no-progress", seed])
            .arg(&typo)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "kors: reading the input {}: No such file or directory",
                typo.display()
            )));
        assert!(!index.exists(), "{command} made {}", index.display());
    }
}
