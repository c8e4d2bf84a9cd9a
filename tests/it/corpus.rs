//! The corpus front end end to end: discover → read → prepare, on the
//! repository's own corpus, on a directory of hostile files, and streamed
//! over real JSONL corpora from `../shared/corpora`.

use std::path::{Path, PathBuf};

use kors::corpus::{self, passage, Document, Rejection};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

use crate::shared;

/// Read and prepare everything under `paths`.
fn ingest(paths: &[PathBuf]) -> (Vec<Document>, Vec<Rejection>) {
    let (files, mut rejected) = corpus::discover(paths);
    let mut docs = Vec::new();
    for f in &files {
        for item in corpus::read(f) {
            match item.and_then(corpus::prepare) {
                Ok(d) => docs.push(d),
                Err(r) => rejected.push(r),
            }
        }
    }
    (docs, rejected)
}

fn check_passages(doc: &Document) {
    let mut prev = 0;
    for (i, p) in doc.passages.iter().enumerate() {
        assert_eq!(p.ordinal as usize, i);
        assert!(p.range.start >= prev && p.range.start < p.range.end);
        assert!(doc.text.is_char_boundary(p.range.start) && doc.text.is_char_boundary(p.range.end));
        let t = doc.passage_text(p);
        assert!(
            t.split_whitespace().count() <= passage::MAX_WORDS,
            "{}: {t:?}",
            doc.id
        );
        assert!(t.chars().count() <= passage::MAX_CHARS, "{}", doc.id);
        assert!(
            doc.text[prev..p.range.start].trim().is_empty(),
            "{}: text skipped",
            doc.id
        );
        prev = p.range.end;
    }
    assert!(
        doc.text[prev..].trim().is_empty(),
        "{}: tail skipped",
        doc.id
    );
}

#[test]
fn repository_corpus_seed_document() {
    let (docs, rejected) = ingest(&[manifest().join("corpus")]);
    assert!(rejected.is_empty(), "{rejected:?}");
    let seed = docs
        .iter()
        .find(|d| d.id == "d0a3d8de649cf0a0")
        .expect("the seed document is in corpus/");
    assert_eq!(seed.rel_path, "000_d0a3d8de649cf0a0.md");
    assert_eq!(seed.lang, "en");
    assert_eq!(seed.meta.author.as_deref(), Some("Chung-in Moon"));
    for furniture in [
        "Read the full article",
        "Image: iStock",
        "Related Articles",
        "Member Activities",
        "HANKYOREH",
    ] {
        assert!(!seed.text.contains(furniture), "{furniture}");
    }
    assert!(seed
        .text
        .starts_with("The Russians also expressed serious reservations"));
    assert!(seed.text.ends_with("more compelling."));
    // Dropped lines are reported with their line in the file (front matter
    // is 10 lines, so the capture's first line is line 11).
    assert_eq!(seed.dropped.first().map(|d| d.line_no), Some(11));
    assert!(seed.dropped.iter().any(|d| d.text == "Related Articles"));
    check_passages(seed);
    assert!(
        seed.passages.len() >= 2,
        "{} words of article",
        seed.text.split_whitespace().count()
    );
    let all: String = seed.passages.iter().map(|p| seed.passage_text(p)).collect();
    assert!(all.contains("Bolshoi Ballet"));
    // The hash is stable: the same input hashes the same on another read.
    let (again, _) = ingest(&[manifest().join("corpus/000_d0a3d8de649cf0a0.md")]);
    assert_eq!(again[0].content_hash, seed.content_hash);
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

#[test]
fn hostile_directory_never_panics_and_names_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.md", b"---\ntitle: Good\ndate: 2024-06-19T09:00:00+09:00\n---\nA good document about Seoul and Moscow.\n");
    write(d, "bad-utf8.txt", b"ok\n\xFF\xFE\xFD\n");
    write(d, "binary.txt", &[0x7F, b'E', b'L', b'F', 0, 0, 1]);
    write(d, "blank.md", b"\n \n\t\n");
    write(d, "fm.md", b"---\ntitle: [oops\n---\nbody");
    write(d, "type.md", b"---\ndate: 5\n---\nbody");
    write(d, "lines.jsonl", b"{\"text\": \"first\"}\n{oops\n{\"id\": \"x\", \"text\": \"third\"}\n{\"title\": \"no text\"}\n");
    write(d, "notes.csv", b"a,b\n");
    write(d, ".hidden/secret.txt", b"hidden");
    let all = corpus::discover_all(&[d.to_path_buf()], &corpus::SkipRules::default());
    assert_eq!(all.skipped, vec![d.join("notes.csv")]);
    let (docs, rejected) = ingest(&[d.to_path_buf()]);
    let mut ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["good.md", "lines.jsonl#1", "x"]);
    let good = docs.iter().find(|d| d.id == "good.md").unwrap();
    assert_eq!(good.meta.date.unwrap().to_string(), "2024-06-19");
    let mut shown: Vec<String> = rejected
        .iter()
        .map(|r| r.to_string().replace(&format!("{}/", d.display()), ""))
        .collect();
    shown.sort();
    let expect_prefixes = [
        "bad-utf8.txt:2: invalid UTF-8 at byte offset 3",
        "binary.txt:1: binary data: NUL byte at byte offset 4",
        "blank.md: text: empty document",
        "fm.md:",
        "lines.jsonl:2: malformed JSON",
        "lines.jsonl:4: text: missing field \"text\"",
        "type.md:1: date: expected a date string",
    ];
    assert_eq!(shown.len(), expect_prefixes.len(), "{shown:#?}");
    for (s, p) in shown.iter().zip(expect_prefixes) {
        assert!(s.starts_with(p), "{s:?} should start with {p:?}");
    }
    assert!(
        shown[3].contains("front matter: invalid YAML"),
        "{}",
        shown[3]
    );
}

/// Stream a real JSONL corpus through the whole front end.
fn stream_jsonl(rel: &str, expect_lang: &str) {
    let path = shared(rel);
    let (files, rejected) = corpus::discover(std::slice::from_ref(&path));
    assert!(rejected.is_empty());
    let (mut n, mut passages, mut langs) = (0, 0, 0);
    for item in corpus::read(&files[0]) {
        let doc = match item.and_then(corpus::prepare) {
            Ok(doc) => doc,
            // Empty items (photo captions without text) are expected.
            Err(r) if r.reason.starts_with("empty document") => continue,
            Err(r) => panic!("unexpected rejection: {r}"),
        };
        check_passages(&doc);
        n += 1;
        passages += doc.passages.len();
        langs += doc
            .passages
            .iter()
            .filter(|p| p.lang == expect_lang)
            .count();
    }
    assert!(n > 1000, "{rel}: only {n} documents");
    assert!(
        langs * 100 >= passages * 95,
        "{rel}: {langs} of {passages} passages are {expect_lang}"
    );
}

#[test]
fn kcna_2024_jsonl_streams() {
    stream_jsonl("corpora/kcna-en-2024/kcna_en_2024.jsonl", "en");
}

#[test]
fn court_precedents_jsonl_streams() {
    stream_jsonl(
        "corpora/ko-court-precedents-sample/precedents_sample.jsonl",
        "ko",
    );
}
