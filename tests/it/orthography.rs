//! One Korean: North Korean spellings and the names of the field, found by
//! the words an analyst types, on real Northern and Southern text.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use kors::analysis::{lexicon, Analyzer, Term};
use serde_json::Value;
use tempfile::TempDir;

use crate::shared;

fn words(text: &str) -> Vec<String> {
    let mut out: Vec<Term> = Vec::new();
    Analyzer::new().terms(text, &mut out);
    out.into_iter().map(|t| t.text).collect()
}

/// `kors --index <tmp>/idx`, with no environment leaking in.
fn kors(tmp: &TempDir) -> Command {
    let mut c = crate::kors(tmp);
    c.arg("--index").arg(tmp.path().join("idx"));
    c
}

fn index(tmp: &TempDir, inputs: &[&Path], extra: &[&str]) {
    kors(tmp)
        .args(extra)
        .args(["index", "--no-progress"])
        .args(inputs)
        .assert()
        .success();
}

/// The hits of a search, as JSON objects.
fn search(tmp: &TempDir, query: &str, extra: &[&str]) -> Vec<Value> {
    let out = kors(tmp)
        .args(extra)
        .args(["search", "--json", "-n", "50", query])
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "search {query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Documents `(id, text)` as JSON Lines.
fn write_jsonl(file: &Path, docs: &[(&str, &str)]) {
    let jsonl: String = docs
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({"id": id, "text": text})))
        .collect();
    fs::write(file, jsonl).unwrap();
}

/// The highlighted strings of a hit.
fn highlights(hit: &Value) -> Vec<String> {
    let text = hit["text"].as_str().unwrap();
    hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let (s, e) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
            text[s as usize..e as usize].to_string()
        })
        .collect()
}

#[test]
fn northern_words_index_as_their_southern_forms() {
    for (north, south) in [
        ("로동", "노동"),
        ("력사", "역사"),
        ("녀성", "여성"),
        ("리용", "이용"),
        ("련방", "연방"),
        ("랭전", "냉전"),
        ("립장", "입장"),
        ("류학", "유학"),
        ("례외", "예외"),
        ("락원", "낙원"),
        ("래일", "내일"),
        // These fell apart before (량 + 국, 력, 론).
        ("량국", "양국"),
        ("로력", "노력"),
        ("론의", "논의"),
        ("녀자", "여자"),
        ("리익", "이익"),
    ] {
        assert_eq!(words(north), words(south), "{north}");
        assert_eq!(words(south), [south], "{south}");
    }
    // In running text, with particles and Northern spacing.
    assert_eq!(
        words("량국사이의 친선관계를 발전시킬것이다"),
        words("양국 사이의 친선 관계를 발전시킬 것이다")
    );
}

#[test]
fn words_the_rule_does_not_touch_keep_their_identity() {
    for w in [
        "라디오",
        "로봇",
        "로켓",
        "뉴스",
        "뉴욕",
        "리그",
        "리본",
        "라면",
        "니켈",
        "라오스",
        "리비아",
        "루마니아",
        "레바논",
    ] {
        assert_eq!(words(w), [w], "{w}");
    }
    let news = words("뉴스");
    assert!(
        words("유스호스텔").iter().all(|t| !news.contains(t)),
        "뉴스 must not match 유스호스텔"
    );
}

#[test]
fn northern_names_of_places_and_people_map_to_southern_ones() {
    for (north, south) in [
        ("로씨야", "러시아"),
        ("쏘련", "소련"),
        ("뿌찐", "푸틴"),
        ("뽈스까", "폴란드"),
        ("에스빠냐", "스페인"),
        ("까자흐스딴", "카자흐스탄"),
        ("웽그리아", "헝가리"),
        ("체스꼬", "체코"),
    ] {
        assert_eq!(words(north), [south], "{north}");
        assert_eq!(
            words(&format!("{north}와의 관계")),
            [south, "관계"],
            "{north}"
        );
    }
}

#[test]
fn southern_queries_find_northern_speeches_with_highlights_on_the_original() {
    let tmp = TempDir::new().unwrap();
    let dir = shared("corpora/nk-newyear-speeches-ko");
    let docs = tmp.path().join("nk");
    fs::create_dir(&docs).unwrap();
    for year in ["1949", "1990", "2012"] {
        fs::copy(
            dir.join(format!("{year}.txt")),
            docs.join(format!("{year}.txt")),
        )
        .unwrap();
    }
    index(&tmp, &[&docs], &[]);
    for (query, written) in [("노동", "로동"), ("역사", "력사"), ("러시아", "로씨야")]
    {
        let hits = search(&tmp, query, &[]);
        let marked: Vec<String> = hits.iter().flat_map(highlights).collect();
        assert!(
            marked.iter().any(|h| h.starts_with(written)),
            "{query}: no highlight on {written} in {} hits: {marked:?}",
            hits.len()
        );
    }
}

#[test]
fn northern_queries_find_southern_sentences() {
    let tmp = TempDir::new().unwrap();
    let ko = fs::read_to_string(shared(
        "corpora/ko-en-news-parallel/korean-english-park.dev.ko",
    ))
    .unwrap();
    let mut jsonl = String::new();
    for (i, line) in ko.lines().enumerate() {
        let doc = serde_json::json!({"id": format!("ko-{i}"), "text": line});
        jsonl.push_str(&format!("{doc}\n"));
    }
    let file = tmp.path().join("ko.jsonl");
    fs::write(&file, jsonl).unwrap();
    index(&tmp, &[&file], &[]);
    for (query, written) in [
        ("로동", "노동"),
        ("력사", "역사"),
        ("량국", "양국"),
        ("녀성", "여성"),
    ] {
        let hits = search(&tmp, query, &[]);
        assert!(!hits.is_empty(), "{query} found nothing");
        let marked: Vec<String> = hits.iter().flat_map(highlights).collect();
        assert!(
            marked.iter().any(|h| h.starts_with(written)),
            "{query}: {marked:?}"
        );
    }
}

#[test]
fn one_name_is_found_in_three_scripts() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("names.jsonl");
    let docs = [
        (
            "en",
            "Russian Defence Minister Shoigu arrived in Pyongyang.",
        ),
        ("ru", "Министр обороны России Шойгу прибыл в Пхеньян."),
        ("ko", "쇼이구 러시아 국방장관이 평양에 도착했다."),
        ("en2", "Foreign Minister Lavrov met Choe Son Hui."),
        (
            "ru2",
            "Министр иностранных дел Лавров встретился с Цой Сон Хи.",
        ),
        ("ko2", "라브로프 외무장관이 최선희 외무상과 회담했다."),
    ];
    write_jsonl(&file, &docs);
    index(&tmp, &[&file], &[]);
    let ids = |q: &str| -> Vec<String> {
        let mut v: Vec<String> = search(&tmp, q, &[])
            .iter()
            .map(|h| h["doc_id"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    for q in ["Shoigu", "쇼이구", "Шойгу"] {
        assert_eq!(ids(q), ["en", "ko", "ru"], "{q}");
    }
    for q in ["라브로프", "Lavrov", "Лавров"] {
        assert_eq!(ids(q), ["en2", "ko2", "ru2"], "{q}");
    }
    assert_eq!(ids("Choe Son Hui"), ["en2", "ko2", "ru2"]);
}

#[test]
fn every_spelling_in_the_name_table_finds_its_identity() {
    let mut missing = Vec::new();
    let mut spellings = 0;
    for ident in lexicon::identities() {
        for s in &ident.spellings {
            spellings += 1;
            let w = words(s);
            if !w.contains(&ident.id) {
                missing.push(format!("{s} → {w:?} (not {})", ident.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {spellings} spellings miss their identity:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn analyze_shows_each_normalisation_and_why() {
    let tmp = TempDir::new().unwrap();
    let out = kors(&tmp)
        .args(["analyze", "로동 뿌찐 Shoigu"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(initial-sound rule: 로동)"), "{text}");
    assert!(text.contains("(name table: 뿌찐)"), "{text}");
    assert!(text.contains("(name table: Shoigu)"), "{text}");
    let out = kors(&tmp)
        .args(["analyze", "--json", "로동"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v.as_array().unwrap()[0];
    assert_eq!(t["text"], "노동");
    assert_eq!(t["written"], "로동");
    assert_eq!(t["note"], "initial-sound rule");
}

#[test]
fn a_user_dictionary_adds_names_without_rebuilding_kors() {
    let tmp = TempDir::new().unwrap();
    let dict = tmp.path().join("mine.tsv");
    fs::write(
        &dict,
        "# my names\n쿨리코프\tperson\t쿨리코프\t꿀리꼬브\tKulikov\tКуликов\tmy notes\n",
    )
    .unwrap();
    let file = tmp.path().join("d.jsonl");
    let docs = [
        ("a", "Ambassador Kulikov spoke."),
        ("b", "Посол Куликов выступил."),
        ("c", "꿀리꼬브대사가 연설하였다."),
    ];
    write_jsonl(&file, &docs);
    let user = ["--user-dict", dict.to_str().unwrap()];
    index(&tmp, &[&file], &user);
    for q in ["쿨리코프", "Kulikov", "Куликов", "꿀리꼬브"] {
        let mut ids: Vec<String> = search(&tmp, q, &user)
            .iter()
            .map(|h| h["doc_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        assert_eq!(ids, ["a", "b", "c"], "{q}");
    }
    // A bad line is named by file, line and field.
    fs::write(&dict, "쿨리코프\tperson\n라브로프\tpeople\n").unwrap();
    let out = kors(&tmp)
        .args(user)
        .args(["search", "Kulikov"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mine.tsv:2: kind:"), "{err}");
}

#[test]
fn orthography_recall_on_the_parallel_dev_split() {
    let read = |f: &str| fs::read_to_string(shared(&format!("corpora/ko-en-news-parallel/{f}")));
    let ko = read("korean-english-park.dev.ko").unwrap();
    let nk = read("northkorean-english.dev.nk").unwrap();
    let r = kors::measure::orthography::measure(ko.lines(), nk.lines());
    assert_eq!(r.pairs, 1000);
    assert!(r.differing > 200, "{} pairs differ", r.differing);
    assert!(
        r.south_recall() >= 0.97,
        "Southern terms found in Northern sentences: {:.4}; most missed: {:?}",
        r.south_recall(),
        r.missed
    );
    assert!(
        r.wrong_share() <= 0.002,
        "wrongly mapped Northern terms: {:.4}: {:?}",
        r.wrong_share(),
        r.wrong
    );
}
