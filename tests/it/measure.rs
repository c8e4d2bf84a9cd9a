//! Measurement (issue 4): eval metrics, the KorQuAD importer, the analyzer
//! chosen at index time, and `kors bench --json`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kors::measure::eval::{self, Metrics};
use kors::measure::qrels::{self, QrelsFormat};
use kors::measure::{korquad, queries};
use serde_json::Value;
use tempfile::TempDir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn korquad() -> PathBuf {
    let p = repo().join("../shared/corpora/korquad-v1-dev/KorQuAD_v1.0_dev.json");
    assert!(p.is_file(), "missing test corpus {}", p.display());
    p
}

fn kors(tmp: &TempDir) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kors"));
    c.current_dir(tmp.path())
        .env_remove("KORS_INDEX")
        .env_remove("KORS_CORPUS");
    c
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("one JSON object")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn metrics_of_a_hand_made_run() {
    // Judgments: a (grade 2), b (1), c (1); everything else unjudged (0).
    let judged: HashMap<String, u32> = [("a", 2), ("b", 1), ("c", 1), ("z", 0)]
        .into_iter()
        .map(|(d, g)| (d.to_string(), g))
        .collect();
    // Ranking: x, b, y, a; c is not retrieved.
    let m = eval::metrics(&ids(&["x", "b", "y", "a"]), &judged);
    // DCG@10 = 1/log2(3) + 2/log2(5) = 0.630930 + 0.861353 = 1.492283
    // IDCG@10 = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.630930 + 0.5 = 3.130930
    let dcg = 1.0 / 3f64.log2() + 2.0 / 5f64.log2();
    let idcg = 2.0 + 1.0 / 3f64.log2() + 0.5;
    assert!(close(m.ndcg_10, dcg / idcg), "{m:?}"); // ≈ 0.476627
    assert!((m.ndcg_10 - 0.476627).abs() < 1e-6);
    // First relevant document at rank 2.
    assert!(close(m.mrr_10, 0.5));
    // 2 of the 3 relevant documents retrieved.
    assert!(close(m.recall_10, 2.0 / 3.0));
    assert!(close(m.recall_100, 2.0 / 3.0));

    // A relevant document at rank 11 counts for Recall@100 only.
    let mut long: Vec<String> = (0..10).map(|i| format!("n{i}")).collect();
    long.push("c".into());
    let m = eval::metrics(&long, &judged);
    assert_eq!(
        m,
        Metrics {
            ndcg_10: 0.0,
            mrr_10: 0.0,
            recall_10: 0.0,
            recall_100: 1.0 / 3.0,
        }
    );

    // The perfect ranking scores 1 everywhere.
    let m = eval::metrics(&ids(&["a", "b", "c"]), &judged);
    assert!(close(m.ndcg_10, 1.0) && close(m.mrr_10, 1.0) && close(m.recall_10, 1.0));
}

#[test]
fn korquad_import_counts_and_links() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("kq");
    let s = korquad::import(&korquad(), &out).unwrap();
    // SOURCE.md: 140 articles, 964 paragraphs, 5774 questions.
    assert_eq!((s.articles, s.paragraphs, s.questions), (140, 964, 5774));
    let docs = fs::read_to_string(out.join("docs.jsonl")).unwrap();
    let doc_ids: Vec<String> = docs
        .lines()
        .map(|l| json(l.as_bytes())["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(doc_ids.len(), 964);
    let queries = queries::read(&out.join("queries.tsv")).unwrap();
    assert_eq!(queries.len(), 5774);
    assert_eq!(queries[0].id, "6548850-0-0");
    assert!(queries[0].text.starts_with("임종석이 여의도"));
    let qrels = qrels::read(&out.join("qrels.txt"), QrelsFormat::Auto).unwrap();
    assert_eq!(qrels.len(), 5774);
    // Every question is judged by exactly one paragraph, one that exists.
    for q in &queries {
        let j = &qrels[&q.id];
        assert_eq!(j.len(), 1);
        assert!(doc_ids.contains(j.keys().next().unwrap()));
    }
    // The shipped bench set is the importer's first 200 questions.
    let shipped = fs::read_to_string(repo().join("benches/queries/korquad-200.txt")).unwrap();
    let shipped = queries::parse(&shipped);
    assert_eq!(shipped, queries[..200].to_vec());
}

/// A small Korean corpus; "시아연" is a substring of 러시아연방 that the
/// morphological analyzer splits differently (시 + 아연).
fn write_corpus(dir: &Path) -> PathBuf {
    let p = dir.join("docs.jsonl");
    let lines = [
        r#"{"id": "d1", "lang": "ko", "text": "러시아연방과 대한민국은 블라디보스토크에서 경제 협력을 논의했다."}"#,
        r#"{"id": "d2", "lang": "ko", "text": "북한과 러시아는 나진 하산 철도 사업을 다시 추진하기로 했다."}"#,
        r#"{"id": "d3", "lang": "en", "text": "Moscow and Seoul discussed gas pipelines."}"#,
    ];
    fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

fn index_with(tmp: &TempDir, name: &str, analyzer: &str, docs: &Path) -> PathBuf {
    let dir = tmp.path().join(name);
    kors(tmp)
        .arg("--index")
        .arg(&dir)
        .args(["index", "--no-progress", "--analyzer", analyzer])
        .arg(docs)
        .assert()
        .success();
    dir
}

fn search(tmp: &TempDir, dir: &Path, q: &str) -> Vec<Value> {
    let out = kors(tmp)
        .arg("--index")
        .arg(dir)
        .args(["search", "--json", q])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| json(l.as_bytes()))
        .collect()
}

#[test]
fn analyzer_choice_is_recorded_and_used_by_queries() {
    let tmp = TempDir::new().unwrap();
    let docs = write_corpus(tmp.path());
    let morph = index_with(&tmp, "morph", "morph", &docs);
    let bigram = index_with(&tmp, "bigram", "bigram", &docs);
    let ws = index_with(&tmp, "ws", "whitespace", &docs);
    for (dir, name) in [
        (&morph, "kors"),
        (&bigram, "kors_bigram"),
        (&ws, "kors_whitespace"),
    ] {
        let meta = json(&fs::read(dir.join("kors.json")).unwrap());
        assert_eq!(meta["analyzer"], name);
        let stats = kors(&tmp)
            .arg("--index")
            .arg(dir)
            .args(["stats", "--json"])
            .output()
            .unwrap();
        assert_eq!(json(&stats.stdout)["meta"]["analyzer"], name);
    }

    // Bigrams find a substring inside a word; morphemes do not. Unquoted,
    // the word's bigrams are OR-ed (시아 is in 러시아는 too), and the
    // passage with both ranks first; quoted, they must be adjacent.
    let ored = search(&tmp, &bigram, "시아연");
    assert_eq!(ored.len(), 2);
    assert_eq!(ored[0]["doc_id"], "d1");
    let hits = search(&tmp, &bigram, "\"시아연\"");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["doc_id"], "d1");
    assert!(search(&tmp, &morph, "시아연").is_empty());
    // Highlights are byte ranges of the original text.
    let text = hits[0]["text"].as_str().unwrap();
    let marked: Vec<&str> = hits[0]["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(marked, ["시아연"]);

    // Morphemes find an inflected form; whitespace words need the exact eojeol.
    assert_eq!(search(&tmp, &morph, "러시아").len(), 2);
    assert!(search(&tmp, &ws, "러시아").is_empty());
    assert_eq!(search(&tmp, &ws, "러시아는")[0]["doc_id"], "d2");

    // `kors add` to an existing bigram index keeps bigrams.
    kors(&tmp)
        .arg("--index")
        .arg(&bigram)
        .args(["add", "--no-progress"])
        .arg(write_extra(tmp.path()))
        .assert()
        .success();
    let meta = json(&fs::read(bigram.join("kors.json")).unwrap());
    assert_eq!(meta["analyzer"], "kors_bigram");
    let hits = search(&tmp, &bigram, "르만스");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["doc_id"], "d4");
}

fn write_extra(dir: &Path) -> PathBuf {
    let p = dir.join("extra.jsonl");
    fs::write(
        &p,
        "{\"id\": \"d4\", \"lang\": \"ko\", \"text\": \"상트페테르부르크와 무르만스크\"}\n",
    )
    .unwrap();
    p
}

#[test]
fn eval_and_bench_run_end_to_end() {
    let tmp = TempDir::new().unwrap();
    let docs = write_corpus(tmp.path());
    let bigram = index_with(&tmp, "bigram", "bigram", &docs);
    let morph = index_with(&tmp, "morph", "morph", &docs);
    fs::write(
        tmp.path().join("q.tsv"),
        "q1\t러시아 철도 사업\nq2\t블라디보스토크 경제\nq3\tgas pipeline\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("qrels"),
        "q1 0 d2 1\nq2 0 d1 1\nq3 0 d3 1\n",
    )
    .unwrap();
    let out = crate::succeeded(
        kors(&tmp)
            .args(["eval", "--queries", "q.tsv", "--qrels", "qrels", "--json"])
            .arg(&morph)
            .arg(&bigram)
            .output()
            .unwrap(),
    );
    let v = json(&out.stdout);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["analyzer"], "morph");
    assert_eq!(runs[1]["analyzer"], "bigram");
    for r in runs {
        assert_eq!(r["queries"], 3);
        assert_eq!(r["per_query"].as_array().unwrap().len(), 3);
        // Each query's one relevant document is the best match here.
        assert_eq!(r["mrr_10"], 1.0, "{r}");
    }

    let v = run_json(
        &tmp,
        &morph,
        &["bench", "--json", "--warmup", "0", "--iterations", "2"],
    );
    assert_eq!(v["analyzer"], "morph");
    assert_eq!(v["threads"], 1);
    let sets = v["sets"].as_array().unwrap();
    let names: Vec<&str> = sets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ko-topical", "en-topical", "korquad-200"]);
    for s in sets {
        for key in [
            "queries", "samples", "skipped", "p50_us", "p90_us", "p95_us", "p99_us", "max_us",
            "mean_us", "qps",
        ] {
            assert!(s[key].is_number(), "{key} missing in {s}");
        }
        assert_eq!(s["samples"], 2 * s["queries"].as_u64().unwrap());
        assert!(s["p50_us"].as_f64().unwrap() <= s["p99_us"].as_f64().unwrap());
        // The slowest queries, named, slowest first, each one of the set's.
        let slow = s["slowest"].as_array().unwrap();
        let run = s["queries"].as_u64().unwrap();
        assert_eq!(slow.len() as u64, run.min(10), "{s}");
        let medians: Vec<f64> = slow
            .iter()
            .map(|x| x["median_us"].as_f64().unwrap())
            .collect();
        assert!(medians.windows(2).all(|w| w[0] >= w[1]), "{medians:?}");
        for x in slow {
            assert!(!x["query"].as_str().unwrap().is_empty());
            assert!(x["max_us"].as_f64().unwrap() <= s["max_us"].as_f64().unwrap());
        }
    }

    // A query file of one's own, with snippets, on two threads.
    fs::write(tmp.path().join("mine.txt"), "러시아\n# comment\n\ngas\n").unwrap();
    let bench_mine = |more: &[&str]| {
        let args = [&["bench", "--json", "--queries", "mine.txt"], more].concat();
        run_json(&tmp, &bigram, &args)
    };
    let v = bench_mine(&["--snippets", "--threads", "2", "--iterations", "3"]);
    assert_eq!(v["sets"][0]["name"], "mine");
    assert_eq!(v["sets"][0]["queries"], 2);
    assert_eq!(v["sets"][0]["samples"], 2 * 2 * 3);
    assert!(v["sets"][0]["mean_hits"].as_f64().unwrap() >= 1.0);
    assert!(v.get("filters").is_none(), "{v}");

    // Under `kors search`'s filters: only the English passage is left, so
    // 러시아 finds nothing and gas its one passage.
    let v = bench_mine(&["--lang", "en", "--iterations", "2"]);
    assert_eq!(v["filters"], serde_json::json!({"lang": "en"}), "{v}");
    assert_eq!(v["sets"][0]["mean_hits"], 0.5, "{v}");

    // The bag-of-words diagnostic finds the same documents here.
    let v = bench_mine(&["--mode", "terms"]);
    assert_eq!(v["mode"], "terms");
    assert_eq!(v["sets"][0]["skipped"], 0);
    assert!(v["sets"][0]["mean_hits"].as_f64().unwrap() >= 1.0);
}

/// `kors --index INDEX ARGS…` succeeds and prints one JSON object.
fn run_json(tmp: &TempDir, index: &Path, args: &[&str]) -> Value {
    let out = crate::succeeded(
        kors(tmp)
            .arg("--index")
            .arg(index)
            .args(args)
            .output()
            .unwrap(),
    );
    json(&out.stdout)
}

#[test]
fn documents_of_equal_score_rank_by_id_whatever_the_index_order() {
    let tmp = TempDir::new().unwrap();
    let p = tmp.path().join("ties.jsonl");
    // The same text under five ids, added in an order that is not theirs.
    let lines: Vec<String> = ["d3", "d1", "d5", "d2", "d4"]
        .iter()
        .map(|id| format!(r#"{{"id": "{id}", "lang": "en", "text": "Gas talks in Seoul."}}"#))
        .collect();
    fs::write(&p, lines.join("\n") + "\n").unwrap();
    let dir = index_with(&tmp, "ties", "morph", &p);
    let idx = kors::index::KorsIndex::open(&dir).unwrap();
    let searcher = idx.reader().unwrap().searcher();
    for mode in [eval::QueryMode::Terms, eval::QueryMode::Syntax] {
        let ranked = eval::rank_documents(&idx, &searcher, "gas talks", mode, 3).unwrap();
        assert_eq!(ranked, ["d1", "d2", "d3"], "{mode:?}");
    }
}

/// Issue 13.9: a collection as BEIR and MTEB ship it (corpus and queries
/// as JSON Lines with `_id`, qrels as `query-id<TAB>corpus-id<TAB>score`
/// with or without its header), with ids that hold spaces, is scored; the
/// same qrels read as TREC fail on their first line, saying which form to
/// use (they are never split at the spaces of their ids).
#[test]
fn eval_reads_beir_collections_whose_ids_hold_spaces() {
    let tmp = TempDir::new().unwrap();
    let feed =
        fs::read_to_string(crate::shared("corpora/kcna-en-2024/kcna_en_2024.jsonl")).unwrap();
    let stories: Vec<Value> = feed
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["text"].as_str().is_some_and(|t| t.len() > 500))
        .take(12)
        .collect();
    let (mut corpus, mut queries, mut qrels) = (String::new(), String::new(), String::new());
    qrels += "query-id\tcorpus-id\tscore\n";
    for (i, s) in stories.iter().enumerate() {
        let id = format!("kcna 2024.pdf - {i}");
        let doc = serde_json::json!({"_id": id, "title": s["title"], "text": s["text"]});
        corpus += &(doc.to_string() + "\n");
        if i % 3 == 0 {
            let q =
                serde_json::json!({"_id": format!("q {i}"), "text": s["title"], "metadata": {}});
            queries += &(q.to_string() + "\n");
            qrels += &format!("q {i}\t{id}\t1\n");
        }
    }
    fs::write(tmp.path().join("corpus.jsonl"), corpus).unwrap();
    fs::write(tmp.path().join("queries.jsonl"), queries).unwrap();
    fs::write(tmp.path().join("test.tsv"), &qrels).unwrap();
    fs::write(
        tmp.path().join("no-header.tsv"),
        qrels.lines().skip(1).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let index = index_with(&tmp, "beir", "morph", &tmp.path().join("corpus.jsonl"));
    let eval = |qrels: &str, extra: &[&str]| {
        kors(&tmp)
            .args([
                "eval",
                "--json",
                "--queries",
                "queries.jsonl",
                "--qrels",
                qrels,
            ])
            .args(extra)
            .arg(&index)
            .output()
            .unwrap()
    };
    for (file, extra) in [
        ("test.tsv", &[][..]),
        ("no-header.tsv", &[]),
        ("no-header.tsv", &["--qrels-format", "tsv"]),
    ] {
        let out = eval(file, extra);
        assert!(
            out.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run = &json(&out.stdout)["runs"][0];
        assert_eq!(run["queries"], 4, "{run}");
        let per: Vec<&Value> = run["per_query"].as_array().unwrap().iter().collect();
        assert_eq!(per[0]["qid"], "q 0");
        // A story's own title finds it among twelve.
        for q in per {
            assert_eq!(q["recall_100"], 1.0, "{q}");
            assert!(q["mrr_10"].as_f64().unwrap() > 0.0, "{q}");
        }
    }
    let out = eval("no-header.tsv", &["--qrels-format", "trec"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no-header.tsv: line 1: expected `qid iter docid rel`, got 7 fields")
            && err.contains("--qrels-format tsv"),
        "{err}"
    );
}
