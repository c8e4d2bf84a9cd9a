//! No query crashes kors: property tests over parsing and search on a small
//! index (the library), and pathological queries through the binary.

use std::fs::File;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kors::index::ingest::{self, IngestOptions};
use kors::index::KorsIndex;
use kors::search::{self, Filters, SearchRequest};
use proptest::prelude::*;
use tempfile::TempDir;

use super::{assert_no_crash, kors, wait_rss};

/// A small index of the repository's corpus and a few Korean and English
/// lines, built once with the library.
fn small_index() -> &'static (TempDir, PathBuf) {
    static INDEX: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    INDEX.get_or_init(|| {
        let tmp = TempDir::new().unwrap();
        let feed = tmp.path().join("feed.jsonl");
        std::fs::write(
            &feed,
            concat!(
                "{\"id\":\"k1\",\"lang\":\"ko\",\"source\":\"Yonhap\",\"date\":\"2024-06-19\",\"text\":\"로씨야와의 관계가 발전하고 있다. 평양과 모스크바의 회담.\"}\n",
                "{\"id\":\"e1\",\"lang\":\"en\",\"source\":\"KCNA (kcna.kp, English)\",\"text\":\"Talks on natural gas between Seoul and Moscow resumed; the Bolshoi Ballet toured.\"}\n",
                "{\"id\":\"r1\",\"lang\":\"ru\",\"text\":\"Переговоры Москвы и Пхеньяна о сотрудничестве.\"}\n",
            ),
        )
        .unwrap();
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let dir = tmp.path().join("idx");
        let opts = IngestOptions {
            progress: false,
            ..IngestOptions::default()
        };
        ingest::add(&dir, &[corpus, feed], &opts).unwrap();
        (tmp, dir)
    })
}

fn open() -> KorsIndex {
    KorsIndex::open(&small_index().1).unwrap()
}

fn request(query: String, filters: Filters) -> SearchRequest {
    SearchRequest {
        query,
        filters,
        limit: 5,
        offset: 0,
        group: false,
        explain: false,
    }
}

/// Query-language pieces, so that random queries reach deep into the parser.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("\"".to_string()),
        Just(" AND ".to_string()),
        Just(" OR ".to_string()),
        Just("NOT ".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("*".to_string()),
        Just("~".to_string()),
        Just("^2".to_string()),
        Just(":".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(" TO ".to_string()),
        Just(" IN ".to_string()),
        Just("/".to_string()),
        Just("\\".to_string()),
        Just(" ".to_string()),
        Just("title:".to_string()),
        Just("text:".to_string()),
        Just("lang:".to_string()),
        Just("doc:".to_string()),
        Just("date:".to_string()),
        Just("passage:".to_string()),
        Just("nosuchfield:".to_string()),
        "[a-zA-Z0-9]{1,8}",
        "[가-힣]{1,6}",
        "[а-яА-Я]{1,6}",
        any::<char>().prop_map(String::from),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

fn filters() -> impl Strategy<Value = Filters> {
    let opt = || {
        proptest::option::of(prop_oneof![
            "[a-z]{1,3}",
            any::<String>(),
            Just("kcna".to_string())
        ])
    };
    (opt(), opt(), opt()).prop_map(|(lang, source, doc)| Filters {
        lang,
        source,
        doc,
        ..Filters::default()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any query, with any filters: an answer or an error, never a panic.
    #[test]
    fn any_query_parses_and_searches_without_panicking(q in query(), f in filters(), group in any::<bool>()) {
        let idx = open();
        let mut req = request(q, f);
        req.group = group;
        let _ = search::search(&idx, &req);
    }

    /// The analyzer behind every query: any text.
    #[test]
    fn any_text_analyzes_without_panicking(s in any::<String>()) {
        let _ = kors::analysis::explain(&s);
    }
}

/// Runs `kors search ARGS…` on the small index with a hang guard; returns
/// (exit code, stderr, seconds).
fn search_bin(flags: &[String], args: &[String]) -> (i32, String, f64) {
    let tmp = TempDir::new().unwrap();
    let err_path = tmp.path().join("stderr");
    let start = Instant::now();
    let mut child = kors(
        tmp.path(),
        &small_index().1,
        &["search", "-n", "3", "--json"],
    )
    .args(flags)
    .arg("--")
    .args(args)
    .stdout(Stdio::null())
    .stderr(File::create(&err_path).unwrap())
    .spawn()
    .unwrap();
    let (status, _) = wait_rss(&mut child, Duration::from_secs(120));
    let secs = start.elapsed().as_secs_f64();
    let err = std::fs::read_to_string(&err_path).unwrap();
    assert_no_crash(status, &err, "kors search");
    (status.code().unwrap(), err, secs)
}

/// Splits a long query into arguments below the kernel's per-argument limit
/// (kors joins them with spaces).
fn as_args(q: &str) -> Vec<String> {
    q.split_inclusive(' ')
        .fold(vec![String::new()], |mut v, w| {
            if v.last().unwrap().len() + w.len() > 100_000 {
                v.push(String::new());
            }
            v.last_mut().unwrap().push_str(w);
            v
        })
}

#[test]
fn pathological_queries_finish_or_are_refused_with_a_clear_message() {
    let words = |n: usize| -> String {
        (0..n)
            .map(|i| {
                // Distinct words: 26³ of them.
                let a = (b'a' + (i % 26) as u8) as char;
                let b = (b'a' + (i / 26 % 26) as u8) as char;
                let c = (b'a' + (i / 676 % 26) as u8) as char;
                format!("{a}{b}{c}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    // (name, query, refused?, what the message must say)
    let cases: Vec<(&str, String, bool, &str)> = vec![
        ("1,000 terms", words(1000), false, ""),
        (
            "10,000 terms",
            words(10_000),
            true,
            "terms after analysis; the limit is",
        ),
        (
            "nesting 20 deep",
            format!("{}korea{}", "(".repeat(20), ")".repeat(20)),
            false,
            "",
        ),
        (
            "nesting 5,000 deep",
            format!("{}korea{}", "(".repeat(5000), ")".repeat(5000)),
            true,
            "deep",
        ),
        ("unbalanced nesting", "(".repeat(10_000), true, "deep"),
        (
            "5,000 NOTs",
            format!("{}korea", "NOT ".repeat(5000)),
            true,
            "deep",
        ),
        (
            "huge fuzzy term",
            format!("{}~2", "a".repeat(20_000)),
            false,
            "",
        ),
        (
            "huge phrase slop",
            "\"korea russia\"~4000000000".to_string(),
            false,
            "",
        ),
        (
            "huge regex",
            format!("text:/{}/", "(a|b)*".repeat(3000)),
            true,
            "bad query",
        ),
        (
            "huge prefix",
            format!("\"{}\"*", "가".repeat(5000)),
            false,
            "",
        ),
        ("1 MB query", words(350_000), true, "bytes long"),
    ];
    for (name, q, refused, says) in cases {
        let (code, err, secs) = search_bin(&[], &as_args(&q));
        eprintln!("{name}: exit {code} in {secs:.2} s");
        if refused {
            assert_eq!(code, 2, "{name}: {err}");
            assert!(err.contains(says), "{name}: {err}");
            // The message names the problem, not the whole query back.
            assert!(err.len() < 1000, "{name}: a {} byte message", err.len());
        } else {
            assert!(matches!(code, 0 | 1), "{name}: exit {code}: {err}");
        }
    }
    // Filters take user text too (--source and --lang become regexes).
    for (flag, value) in [
        ("--source", "a".repeat(100_000)),
        ("--source", "(".repeat(5000)),
        ("--lang", "[^".repeat(5000)),
        ("--doc", "x".repeat(100_000)),
    ] {
        let (code, err, secs) = search_bin(&[flag.to_string(), value], &["korea".to_string()]);
        eprintln!("huge {flag}: exit {code} in {secs:.2} s");
        assert!(matches!(code, 0..=2), "{flag}: exit {code}: {err}");
        assert!(err.len() < 1000, "{flag}: a {} byte message", err.len());
    }
}
