//! An analyst's search (issue 12), end to end through the binary, on KCNA
//! 2024 (`../shared/corpora/kcna-en-2024`, dated, one source) with the
//! Hankyoreh column of `corpus/` (undated, another source) beside it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// One index for every test here: built once.
fn index() -> &'static Path {
    static INDEX: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    let (_, dir) = INDEX.get_or_init(|| {
        let tmp = TempDir::new().unwrap();
        let dir = tmp.path().join("ix");
        let kcna = crate::shared("corpora/kcna-en-2024/kcna_en_2024.jsonl");
        // The seed column, undated here (its front matter's date line left
        // out): these tests need an undated document of another source.
        let column =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/000_d0a3d8de649cf0a0.md");
        let seed = tmp.path().join("column.md");
        let text = std::fs::read_to_string(&column).unwrap();
        assert!(
            text.contains("\ndate: 2024-05-13\n"),
            "the seed's front matter changed"
        );
        std::fs::write(&seed, text.replace("\ndate: 2024-05-13\n", "\n")).unwrap();
        let out = crate::kors(&tmp)
            .arg("--index")
            .arg(&dir)
            .arg("index")
            .arg(&kcna)
            .arg(&seed)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "index: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (tmp, dir)
    });
    dir
}

fn k(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kors"));
    c.env_remove("KORS_INDEX")
        .env_remove("KORS_USER_DICT")
        .env_remove("NO_COLOR")
        .arg("--index")
        .arg(index())
        .args(args);
    c
}

/// (exit code, JSON lines of stdout, stderr) of `kors search --json ARGS`.
fn search(args: &[&str]) -> (i32, Vec<Value>, String) {
    let out = k(&["search", "--json"]).args(args).output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (
        out.status.code().unwrap_or(-1),
        lines,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The exact total of `query` (`-n 0 --json`: its one summary line).
fn total(args: &[&str]) -> (u64, u64) {
    let mut all = vec!["-n", "0"];
    all.extend_from_slice(args);
    let (code, lines, err) = search(&all);
    assert!(code == 0 || code == 1, "{args:?}: exit {code}: {err}");
    assert_eq!(lines.len(), 1, "{args:?}: one summary line: {lines:?}");
    let t = &lines[0]["total"];
    assert_eq!(t["passages"]["relation"], "eq", "{t}");
    assert_eq!(t["documents"]["relation"], "eq", "{t}");
    (
        t["passages"]["value"].as_u64().unwrap(),
        t["documents"]["value"].as_u64().unwrap(),
    )
}

fn hits(args: &[&str]) -> Vec<Value> {
    let (code, lines, err) = search(args);
    assert!(code == 0 || code == 1, "{args:?}: exit {code}: {err}");
    lines
        .into_iter()
        .filter(|l| l.get("rank").is_some())
        .collect()
}

#[test]
fn and_not_and_the_other_lucene_forms_exclude_as_lucene_does() {
    let (plain, _) = total(&["Russia"]);
    let (minus, _) = total(&["Russia -Ukraine"]);
    assert!(0 < minus && minus < plain, "{minus} of {plain}");
    // It found nothing: `+Russia +(-Ukraine)`.
    for q in [
        "Russia AND NOT Ukraine",
        "Russia NOT Ukraine",
        "NOT Ukraine AND Russia",
        "Russia OR NOT Ukraine",
        "Russia && !Ukraine",
        "+Russia -Ukraine",
    ] {
        assert_eq!(total(&[q]).0, minus, "{q}");
    }
    let both = total(&["(Russia OR China) AND NOT Ukraine"]).0;
    assert!(both > minus, "{both} <= {minus}");
    for h in hits(&["-n", "100", "(Russia OR China) AND NOT Ukraine"]) {
        // (`Ukrainian` is another term, as in Lucene.)
        let text = h["text"].as_str().unwrap().to_lowercase();
        assert!(
            !text
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "ukraine"),
            "{text}"
        );
    }
    let (code, _, err) = search(&["NOT Ukraine"]);
    assert_eq!(code, 2);
    assert!(err.contains("only excludes"), "{err}");
    // `field:*` (Lucene's "has a value") is refused in words, not with
    // tantivy's "not a fast field" at search time (found by the fuzzer).
    for q in ["Moscow title:*", "Москвыtitle:*"] {
        let (code, _, err) = search(&[q]);
        assert_eq!(code, 2, "{q}");
        assert!(
            err.contains("bad query") && err.contains("not supported"),
            "{err}"
        );
    }
}

#[test]
fn totals_are_exact_or_a_stated_lower_bound() {
    // One term: its document frequency, exact at no cost.
    let (n, docs) = total(&["Shoigu"]);
    let h = hits(&["-n", "2", "Shoigu"]);
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["total"]["passages"]["value"], n);
    assert_eq!(h[0]["total"]["passages"]["relation"], "eq");
    assert!(docs <= n && docs > 0);
    // Several terms, ranking stops early: at least the passages seen (a
    // few more than the hits: copies are collapsed).
    let (n, docs) = total(&["Russia treaty"]);
    for collapse in [&[][..], &["--no-collapse"]] {
        let h = hits(&[&["-n", "3", "Russia treaty"], collapse].concat());
        assert_eq!(h[0]["total"]["passages"]["relation"], "gte");
        let seen = h[0]["total"]["passages"]["value"].as_u64().unwrap();
        assert!((3..n).contains(&seen), "{seen} of {n}");
    }
    // Every match seen: exact, documents too, whether copies are shown or not.
    let all = hits(&["-n", "10000", "--no-collapse", "Russia treaty"]);
    assert_eq!(all.len() as u64, n);
    let one_each = hits(&["-n", "10000", "Russia treaty"]);
    assert!(one_each.len() < all.len(), "KCNA 2024 repeats stories");
    for h in [&all[0], &one_each[0]] {
        assert_eq!(h["total"]["passages"]["value"], n);
        assert_eq!(h["total"]["documents"]["value"], docs);
        assert_eq!(h["total"]["documents"]["relation"], "eq");
    }
    // --count counts exactly whatever -n is.
    let h = hits(&["-n", "3", "--count", "Russia treaty"]);
    assert_eq!(h[0]["total"]["passages"]["value"], n);
    // On the terminal, the last line.
    let out = k(&["search", "-n", "3", "Russia treaty"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with("at least ")
            && last.contains(" passages in at least ")
            && last.contains("--count"),
        "{last}"
    );
    let out = k(&["search", "-n", "0", "Russia treaty"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("{n} passages in {docs} documents")
    );
}

#[test]
fn n_zero_answers_with_counts_and_the_query_may_come_from_stdin() {
    let out = k(&["search", "-n", "0", "Russia"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "-n 0 is not an error");
    let out = k(&["search", "-n", "0", "Qwzxv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "nothing matched");
    // A query on stdin, in another script: 로씨야 is Russia's identity.
    let out = k(&["search", "--json", "-n", "0"])
        .write_stdin("로씨야\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        line["total"]["passages"]["value"].as_u64(),
        Some(total(&["Russia"]).0)
    );
}

#[test]
fn sort_by_date_either_way_with_undated_last_and_counted() {
    let dates = |order: &str| -> Vec<Option<String>> {
        hits(&["-n", "10000", "--sort", order, "Russia Moscow"])
            .iter()
            .map(|h| h["date"].as_str().map(str::to_string))
            .collect()
    };
    let up = dates("date");
    let dated: Vec<&String> = up.iter().flatten().collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    assert!(dated.first() < dated.last());
    // The Hankyoreh column has no date: it comes last.
    let first_undated = up.iter().position(Option::is_none).expect("an undated hit");
    assert!(up[first_undated..].iter().all(Option::is_none));
    let down = dates("-date");
    let dated: Vec<&String> = down.iter().flatten().collect();
    assert!(dated.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(down.last().unwrap().is_none());
    let undated = up.len() - first_undated;
    let out = k(&["search", "--sort", "date", "-n", "1", "Russia Moscow"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("; {undated} undated, sorted last")),
        "{text}"
    );
}

#[test]
fn source_field_and_flag_mean_the_same_and_filters_say_what_they_left_out() {
    let flag = total(&["--source", "kcna", "Russia"]).0;
    assert!(flag > 0);
    assert_eq!(total(&["+Russia +source:kcna"]).0, flag);
    assert_eq!(total(&["+Russia +source:KCNA"]).0, flag);
    assert_eq!(
        total(&["+Russia +lang:en"]).0,
        total(&["--lang", "en", "Russia"]).0
    );
    let (code, _, err) = search(&["--lang", "xx", "Russia"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("--lang xx matches no passage; the index holds en"),
        "{err}"
    );
    let (_, _, err) = search(&["--source", "yonhap", "Russia"]);
    assert!(err.contains("--source yonhap matches no document"), "{err}");
    assert!(err.contains("hankyoreh"), "{err}");
    // The column is undated: --since cannot match it, and says so.
    let (_, _, err) = search(&["--since", "2024-01-01", "Bolshoi Ballet"]);
    assert!(
        err.contains("1 matching document is undated and not matched by --since"),
        "{err}"
    );
}

#[test]
fn analyze_analyses_as_the_index_or_the_analyzer_named() {
    let tmp = TempDir::new().unwrap();
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    crate::kors(&tmp)
        .args(["--index", "bi", "index", "--analyzer", "bigram"])
        .arg(&seed)
        .assert()
        .success();
    let terms = |args: &[&str]| -> Vec<String> {
        let out = crate::succeeded(
            crate::kors(&tmp)
                .args(["--index", args[0], "analyze", "--json", "러시아와의"])
                .args(&args[1..])
                .output()
                .unwrap(),
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kept"] == true)
            .map(|t| t["text"].as_str().unwrap().to_string())
            .collect()
    };
    let bigrams = ["러시", "시아", "아와", "와의"].map(String::from).to_vec();
    assert_eq!(terms(&["bi"]), bigrams);
    assert_eq!(terms(&["none", "--analyzer", "bigram"]), bigrams);
    assert_eq!(terms(&["none"]), ["러시아"]);
    assert_eq!(terms(&["bi", "--analyzer", "morph"]), ["러시아"]);
}

#[test]
fn json_highlights_in_bytes_utf16_and_code_points_and_a_marked_snippet() {
    let h = hits(&[
        "-n",
        "5",
        "--pre-tag",
        "[[",
        "--post-tag",
        "]]",
        "로씨야 Shoigu",
    ]);
    assert!(!h.is_empty());
    let mut seen = 0;
    for hit in &h {
        let text = hit["text"].as_str().unwrap();
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let chars: Vec<char> = text.chars().collect();
        let pairs = |k: &str| -> Vec<(usize, usize)> {
            hit[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r[0].as_u64().unwrap() as usize,
                        r[1].as_u64().unwrap() as usize,
                    )
                })
                .collect()
        };
        let (bytes, js, py) = (
            pairs("highlights"),
            pairs("highlights_utf16"),
            pairs("highlights_codepoints"),
        );
        assert_eq!(bytes.len(), js.len());
        assert_eq!(bytes.len(), py.len());
        for i in 0..bytes.len() {
            let word = &text[bytes[i].0..bytes[i].1];
            assert_eq!(String::from_utf16(&utf16[js[i].0..js[i].1]).unwrap(), word);
            assert_eq!(chars[py[i].0..py[i].1].iter().collect::<String>(), word);
            seen += 1;
        }
        let marked = hit["snippet_marked"].as_str().unwrap();
        assert!(marked.contains("[[") && marked.contains("]]"), "{marked}");
        assert_eq!(marked.replace("[[", "").replace("]]", ""), hit["snippet"]);
    }
    assert!(seen > 0);
}

#[test]
fn facets_count_matching_documents_by_source_year_month_and_lang() {
    let (_, docs) = total(&["Russia"]);
    let (code, lines, err) = search(&[
        "-n", "0", "--facet", "source", "--facet", "year", "--facet", "month", "--facet", "lang",
        "Russia",
    ]);
    assert_eq!(code, 0, "{err}");
    let facets = lines[0]["facets"].as_array().unwrap();
    assert_eq!(facets.len(), 4);
    for f in facets {
        let sum: u64 = f["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        let missing = f["missing"].as_u64().unwrap();
        match f["field"].as_str().unwrap() {
            // One value per document (KCNA's dates run into December 2023).
            "source" | "year" | "month" => assert_eq!(sum + missing, docs, "{f}"),
            _ => assert!(sum >= docs, "{f}"),
        }
    }
    // KCNA's stories on Russia are all of 2024; the column is undated.
    assert_eq!(facets[1]["buckets"][0]["key"], "2024");
    assert_eq!(facets[1]["buckets"][0]["count"], docs - 1);
    assert_eq!(facets[1]["missing"], 1);
    let months = facets[2]["buckets"].as_array().unwrap();
    assert!(months
        .windows(2)
        .all(|w| w[0]["key"].as_str() < w[1]["key"].as_str()));
    assert_eq!(facets[0]["buckets"][0]["key"], "KCNA (kcna.kp, English)");
    // As a table, with hits.
    let out = k(&["search", "-n", "1", "--facet", "year", "Russia"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("year") && text.contains("2024"), "{text}");
}

#[test]
fn fuzzy_and_prefix_words_in_every_script_bounded_with_suggestions() {
    let (shoigu, _) = total(&["Shoigu"]);
    assert!(shoigu > 0);
    // `Shoigu~1` searched `Shoigu OR 1` (193 hits, "1.9kg"); `Russia*` was
    // `Russia`; `"Shoi"*` printed tantivy's internals.
    for q in [
        "Shoigu~1",
        "Shoigu~",
        "Shoygu~1",
        "Shoig~1",
        "Shoi*",
        "\"Shoi\"*",
        "Шойгу~1",
        "Шойг*",
        "쇼이그~1",
        "쇼이*",
    ] {
        assert_eq!(total(&[q]).0, shoigu, "{q}");
    }
    // Jamo: 쇼이그 → 쇼이다 is two edits (ㄱ → ㄷ, ㅡ → ㅏ), not one.
    assert_eq!(total(&["쇼이다~1"]).0, 0);
    let (russia, _) = total(&["Russia"]);
    assert!(total(&["Russ*"]).0 > russia, "Russian, Russians too");
    assert!(total(&["러시*"]).0 >= russia, "by syllable");
    let h = hits(&["-n", "3", "sanction*"]);
    assert!(h
        .iter()
        .all(|h| !h["highlights"].as_array().unwrap().is_empty()));
    for (q, says) in [
        ("s*", "`s*` matches more than 512 terms; give more letters"),
        ("Shoigu~3", "a fuzzy word takes 0, 1 or 2 edits"),
        ("Sh*gu", "only a `*` at the end of a word"),
    ] {
        let (code, _, err) = search(&[q]);
        assert_eq!(code, 2, "{q}");
        assert!(err.contains(says), "{q}: {err}");
    }
    // Nothing found: the nearest words, as written in the query's script.
    for (q, mean) in [("Shoig", "Shoigu"), ("쇼이그", "쇼이구")] {
        let (code, lines, err) = search(&[q]);
        assert_eq!(code, 1, "{q}");
        assert!(err.contains(&format!("did you mean: {mean}")), "{q}: {err}");
        assert_eq!(lines.last().unwrap()["did_you_mean"], mean, "{q}");
    }
    // Little found: only the word that finds nothing is replaced.
    let (_, lines, _) = search(&["+Shoigu +Shoig"]);
    assert_eq!(lines.last().unwrap()["did_you_mean"], "+Shoigu +Shoigu");
}

#[test]
fn korean_phrases_over_compounds_highlight_exactly_the_words_matched() {
    let tmp = TempDir::new().unwrap();
    let speeches = crate::shared("corpora/nk-newyear-speeches-ko");
    crate::kors(&tmp)
        .args(["--index", "sp", "index"])
        .arg(&speeches)
        .assert()
        .success();
    let out = crate::kors(&tmp)
        .args([
            "--index",
            "sp",
            "search",
            "--json",
            "-n",
            "20",
            "\"미제 침략자\"",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let hits: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(hits.len() >= 10, "{}", hits.len());
    for h in &hits {
        let text = h["text"].as_str().unwrap();
        let marks = h["highlights"].as_array().unwrap();
        // It was `[]` on every hit, though the passages hold 미제침략자들과.
        assert!(!marks.is_empty(), "{text}");
        for m in marks {
            let (s, e) = (
                m[0].as_u64().unwrap() as usize,
                m[1].as_u64().unwrap() as usize,
            );
            let word: String = text[s..e].split_whitespace().collect();
            assert_eq!(word, "미제침략자", "{}", &text[s..e]);
        }
        // The snippet shows the match.
        assert!(
            h["snippet_marked"].as_str().unwrap().contains("<em>미제"),
            "{}",
            h["snippet"]
        );
    }
}
