//! No query crashes kors: property tests over parsing and search on a small
//! index (the library), and pathological queries through the binary.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
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
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/000_d0a3d8de649cf0a0.md");
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
        ..SearchRequest::default()
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
        prop_oneof![
            Just("~1".to_string()),
            Just("[2020 TO 2024]".to_string()),
            Just("{* TO 5}".to_string()),
            Just("date:[2024-01-01T00:00:00Z TO *]".to_string()),
            Just("source:kcna".to_string()),
            Just("doc:k1".to_string()),
            Just("tag:".to_string()),
            Just("author:\"".to_string()),
            Just(" IN [a b]".to_string()),
            Just("Kim Jong Un".to_string()),
            Just("로씨야와의".to_string()),
            Just("\u{1100}\u{1161}".to_string()),
            Just("ＮＡＴＯ".to_string()),
            Just("\u{200b}\u{202e}\u{0}".to_string()),
            Just("'철학'은".to_string()),
            Just("Il Sung's".to_string()),
        ],
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat()),
        any::<String>(),
    ]
}

/// `--lang`, `--source` and `--doc` values: real ones and any text.
fn keyword(real: &'static [&'static str]) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        proptest::sample::select(real).prop_map(String::from),
        "[a-z]{1,3}(-[a-z]{2})?",
        any::<String>(),
    ])
}

/// `--since`/`--until` values: the edges of what an index holds and of
/// the calendar, well-formed days, and any text.
fn day() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(prop_oneof![
        proptest::sample::select(
            &[
                "0000-01-01",
                "1677-12-31",
                "1678-01-01",
                "2024-06-18",
                "2024-06-19",
                "2024-06-20",
                "2261-12-31",
                "2262-01-01",
                "9999-12-31",
                "2024-02-30",
                "10000-01-01",
            ][..]
        )
        .prop_map(String::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        any::<String>(),
    ])
}

/// `-n` and `--offset` at and inside their bounds (and past them: the
/// library must not rely on clap's ranges).
fn count(max: usize) -> impl Strategy<Value = usize> {
    prop_oneof![Just(0), Just(1), Just(max), 0..=max, Just(usize::MAX)]
}

/// The flags of `kors search`, as the command line gives them.
#[derive(Debug, Clone)]
struct Flags {
    lang: Option<String>,
    source: Option<String>,
    doc: Option<String>,
    since: Option<String>,
    until: Option<String>,
    limit: usize,
    offset: usize,
    group: bool,
    explain: bool,
}

fn flags() -> impl Strategy<Value = Flags> {
    (
        (
            keyword(&["ko", "en", "ru", "EN", "en-gb"]),
            keyword(&["kcna", "Yonhap", "KCNA (kcna.kp, English)", "hankyoreh"]),
            keyword(&["k1", "e1", "r1"]),
        ),
        (day(), day()),
        (
            count(SearchRequest::MAX_LIMIT),
            count(SearchRequest::MAX_OFFSET),
        ),
        (any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |((lang, source, doc), (since, until), (limit, offset), (group, explain))| Flags {
                lang,
                source,
                doc,
                since,
                until,
                limit,
                offset,
                group,
                explain,
            },
        )
}

/// Runs `q` with `f` as `kors search` does (its dates resolved by the
/// function `config.rs` calls) and checks the answer against the flags:
/// never a panic; an error is a documented one (exit 2, a message); hits
/// respect the count, the offset, the dates, the document and `--group`.
fn search_as_the_binary_does(q: String, f: Flags) -> Result<(), TestCaseError> {
    use kors::corpus::date::parse_range;
    use kors::error::Exit;
    let (since, until) = match parse_range(f.since.as_deref(), f.until.as_deref()) {
        Ok(days) => days,
        Err(e) => {
            prop_assert!(e.starts_with("--since") || e.starts_with("--until"), "{e}");
            return Ok(());
        }
    };
    let filters = Filters {
        lang: f.lang.clone(),
        source: f.source.clone(),
        doc: f.doc.clone(),
        since,
        until,
    };
    let req = SearchRequest {
        query: q,
        filters,
        limit: f.limit,
        offset: f.offset,
        group: f.group,
        explain: f.explain,
        ..SearchRequest::default()
    };
    let results = match search::search(&open(), &req) {
        Ok(r) => r,
        Err(e) => {
            prop_assert_eq!(e.exit(), Exit::Error);
            prop_assert!(!e.chain().is_empty());
            return Ok(());
        }
    };
    let hits = &results.hits;
    prop_assert!(hits.len() <= f.limit);
    for (i, h) in hits.iter().enumerate() {
        prop_assert_eq!(h.rank, f.offset + i + 1);
        if since.is_some() || until.is_some() {
            let date = h
                .date
                .as_deref()
                .map(|d| parse_range(Some(d), None).unwrap().0.unwrap());
            prop_assert!(date.is_some(), "an undated hit: {:?}", h.doc_id);
            prop_assert!(since.is_none_or(|s| date.unwrap() >= s));
            prop_assert!(until.is_none_or(|u| date.unwrap() <= u));
        }
        if let Some(d) = &f.doc {
            prop_assert_eq!(&h.doc_id, d);
        }
        if f.explain {
            prop_assert!(h.explain.is_some());
        }
    }
    if f.group {
        let ids: BTreeSet<&str> = hits.iter().map(|h| h.doc_id.as_str()).collect();
        prop_assert_eq!(ids.len(), hits.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The query fuzzer: any query with any flags, at their bounds and past
    /// them, through what `kors search` runs: a right answer or a
    /// documented error, never a panic.
    #[test]
    fn any_query_with_any_flags_answers_or_fails_cleanly(q in query(), f in flags()) {
        search_as_the_binary_does(q, f)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The analyzer behind every query: any text.
    #[test]
    fn any_text_analyzes_without_panicking(s in any::<String>()) {
        let _ = kors::analysis::explain(&s);
    }
}

/// Runs `kors search ARGS…` on the small index with a hang guard; returns
/// (exit code, stderr, seconds).
fn search_bin(flags: &[String], args: &[String]) -> (i32, String, f64) {
    let mut all: Vec<String> = ["-n", "3"].map(String::from).to_vec();
    all.extend_from_slice(flags);
    all.push("--".into());
    all.extend_from_slice(args);
    let (code, err, secs, _) = run_search(&small_index().1, &all);
    (code, err, secs)
}

/// `kors search --json ARGS…` on `index` with a hang guard; returns (exit
/// code, stderr, seconds, peak RSS in KiB). Fails on a crash.
fn run_search(index: &Path, args: &[impl AsRef<std::ffi::OsStr>]) -> (i32, String, f64, u64) {
    let tmp = TempDir::new().unwrap();
    let err_path = tmp.path().join("stderr");
    let start = Instant::now();
    let mut child = kors(tmp.path(), index, &["search", "--json"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let (status, rss) = wait_rss(&mut child, Duration::from_secs(120));
    let secs = start.elapsed().as_secs_f64();
    let err = std::fs::read_to_string(&err_path).unwrap();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert_no_crash(status, &err, &format!("kors search {shown:?}"));
    (status.code().unwrap(), err, secs, rss)
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
    // Filters take user text too (a note naming one that matches nothing
    // shows the start of it).
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

/// Issue 11.7: counts and offsets are bounded where they are read (a usage
/// error naming the range, exit 2; it used to abort with "memory allocation
/// failed"), and at their bounds a search answers.
#[test]
fn huge_counts_and_offsets_are_usage_errors_and_searches_at_the_bounds_answer() {
    let index = &small_index().1;
    let args = |a: &[&str]| -> Vec<String> { a.iter().map(|s| s.to_string()).collect() };
    for (a, says) in [
        (&["-n", "1500000000", "kim"][..], "not in 0..=10000"),
        (&["-n", "4294967295", "kim"], "not in 0..=10000"),
        (&["--offset", "4294967296", "kim"], "not in 0..=1000000"),
        (&["--group", "-n", "300000000", "kim"], "not in 0..=10000"),
        (&["-n", "9223372036854775807", "kim"], "not in 0..=10000"),
        (&["-n", "-1", "kim"], "-1"),
    ] {
        let (code, err, _, _) = run_search(index, &args(a));
        assert_eq!(code, 2, "{a:?}: {err}");
        assert!(err.contains(says), "{a:?}: {err}");
    }
    for a in [
        &["-n", "10000", "Moscow"][..],
        &["--group", "-n", "10000", "Moscow"],
        &["--offset", "1000000", "-n", "10000", "Moscow"],
        &["--group", "--offset", "1000000", "-n", "10000", "Moscow"],
        &["--offset", "1", "-n", "10000", "Moscow"],
        &["-n", "0", "Moscow"],
    ] {
        // (Peak RSS says little here: a forked child's counts the test
        // process's own memory, and the collectors are now small either way.)
        let (code, err, _, _) = run_search(index, &args(a));
        assert!(matches!(code, 0 | 1), "{a:?}: exit {code}: {err}");
    }
    // `kors search --help` states the ranges.
    let help = kors(Path::new("."), index, &["search", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Number of hits (0–10000)"), "{help}");
    assert!(help.contains("Skip this many hits (0–1000000)"), "{help}");
}

/// The first `n` stories of the KCNA 2024 feed (`../shared/corpora`), as
/// JSON objects whose fields a test may change.
pub(super) fn kcna_stories(n: usize) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let text =
        std::fs::read_to_string(super::shared_corpus("kcna-en-2024/kcna_en_2024.jsonl")).unwrap();
    text.lines()
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(serde_json::Value::Object(o))
                if o["text"].as_str().is_some_and(|t| t.len() > 200) =>
            {
                Some(o)
            }
            _ => None,
        })
        .take(n)
        .collect()
}

/// Issue 11.8: every edge of `--since`/`--until`, from year 0 to 9999, on
/// documents dated at the first and last days an index holds: the answer is
/// exactly the documents dated in the range (`--until 9999-12-31` panicked
/// inside tantivy).
#[test]
fn every_edge_of_since_and_until_gives_exactly_the_documents_in_range() {
    use kors::corpus::date::parse_day;
    let tmp = TempDir::new().unwrap();
    let dates = [
        Some("1678-01-01"),
        Some("1678-01-02"),
        Some("2024-06-18"),
        Some("2024-06-19"),
        Some("2024-06-20"),
        Some("2261-12-30"),
        Some("2261-12-31"),
        None,
    ];
    let mut feed = String::new();
    for (i, (mut story, date)) in kcna_stories(dates.len()).into_iter().zip(dates).enumerate() {
        story.insert("id".into(), format!("d{i}").into());
        story.insert("date".into(), date.into());
        feed += &(serde_json::Value::Object(story).to_string() + "\n");
    }
    std::fs::write(tmp.path().join("dated.jsonl"), feed).unwrap();
    let dir = tmp.path().join("idx");
    let opts = IngestOptions {
        progress: false,
        ..IngestOptions::default()
    };
    let summary = ingest::add(&dir, &[tmp.path().join("dated.jsonl")], &opts).unwrap();
    assert_eq!(summary.rejected, 0, "{summary:?}");
    let idx = KorsIndex::open(&dir).unwrap();
    let edges = [
        None,
        Some("0000-01-01"),
        Some("1677-12-31"),
        Some("1678-01-01"),
        Some("1678-01-02"),
        Some("2024-06-18"),
        Some("2024-06-19"),
        Some("2024-06-20"),
        Some("2261-12-30"),
        Some("2261-12-31"),
        Some("2262-01-01"),
        Some("9999-12-31"),
    ];
    let day = |s: Option<&str>| s.map(|s| parse_day(s).unwrap());
    for since in edges {
        for until in edges {
            if since.is_none() && until.is_none() {
                continue;
            }
            let filters = Filters {
                since: day(since),
                until: day(until),
                ..Filters::default()
            };
            let mut req = request(String::new(), filters);
            req.group = true;
            req.limit = SearchRequest::MAX_LIMIT;
            let got: BTreeSet<String> = search::search(&idx, &req)
                .unwrap_or_else(|e| panic!("--since {since:?} --until {until:?}: {e}"))
                .hits
                .into_iter()
                .map(|h| h.doc_id)
                .collect();
            let want: BTreeSet<String> = dates
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    d.is_some_and(|d| since.is_none_or(|s| s <= d) && until.is_none_or(|u| d <= u))
                })
                .map(|(i, _)| format!("d{i}"))
                .collect();
            assert_eq!(got, want, "--since {since:?} --until {until:?}");
        }
    }
    // The same through the binary, with the flags as a user types them.
    let dated = |a: &[&str]| -> (i32, String) {
        let (code, err, _, _) =
            run_search(&dir, &a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        (code, err)
    };
    assert_eq!(dated(&["--until", "9999-12-31", "Korea"]).0, 0);
    assert_eq!(dated(&["--since", "0000-01-01", "Korea"]).0, 0);
    assert_eq!(dated(&["--since", "9999-12-31", "Korea"]).0, 1);
    assert_eq!(dated(&["--until", "0000-01-01", "Korea"]).0, 1);
    for (a, says) in [
        (
            &["--since", "2024-06-20", "--until", "2024-06-19", "Korea"][..],
            "is after --until",
        ),
        (
            &["--until", "10000-01-01", "Korea"],
            "--until: `10000-01-01` is not a date",
        ),
        (
            &["--since", "2024-02-30", "Korea"],
            "--since: `2024-02-30` is not a date",
        ),
    ] {
        let (code, err) = dated(a);
        assert_eq!(code, 2, "{a:?}: {err}");
        assert!(err.contains(says), "{a:?}: {err}");
    }
}

/// The query fuzzer through the binary: a few hundred seeded runs of
/// `kors search` with random queries (invalid UTF-8 included) and flags at,
/// inside and past their bounds. Exit 2 exactly when a flag is bad (or the
/// query is refused, saying `bad query`), else 0 or 1; never a crash.
#[test]
fn the_binary_answers_random_queries_and_flags_with_documented_exit_codes() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    const RUNS: usize = 300;
    let index = &small_index().1;
    let mut rng = super::Rng::from_env("search fuzzer");
    let fragments = [
        "Moscow",
        "Bolshoi",
        "gas",
        "로씨야와의",
        "관계",
        "평양",
        "Москвы",
        "\"",
        "(",
        ")",
        "AND",
        "OR",
        "NOT",
        "+",
        "-",
        "title:",
        "doc:k1",
        "lang:ko",
        "~2",
        "*",
        "[a TO z]",
        "^3",
        "nosuch:field",
        "'",
        "\\",
        "Kim Jong Un",
        "ＮＡＴＯ",
        "\u{200b}",
        "/re.*x/",
    ];
    // (value, valid)
    let limits = [
        ("0", true),
        ("1", true),
        ("10000", true),
        ("10001", false),
        ("4294967295", false),
        ("9223372036854775807", false),
        ("-1", false),
        ("ten", false),
    ];
    let offsets = [
        ("0", true),
        ("3", true),
        ("1000000", true),
        ("1000001", false),
        ("4294967296", false),
        ("-5", false),
    ];
    let days = [
        ("0000-01-01", true),
        ("1678-01-01", true),
        ("2024-06-19", true),
        ("2261-12-31", true),
        ("9999-12-31", true),
        ("2024-02-30", false),
        ("10000-01-01", false),
        ("2024-6-1", false),
        ("", false),
    ];
    let mut pick = |n: usize| (rng.next() % n as u64) as usize;
    let mut tasks = Vec::new();
    for _ in 0..RUNS {
        let mut args: Vec<OsString> = Vec::new();
        let mut valid = true;
        if pick(2) == 0 {
            let (v, ok) = limits[pick(limits.len())];
            args.extend(["-n".into(), v.into()]);
            valid &= ok;
        }
        if pick(3) == 0 {
            let (v, ok) = offsets[pick(offsets.len())];
            args.extend(["--offset".into(), v.into()]);
            valid &= ok;
        }
        let mut range = [None, None];
        for (i, flag) in ["--since", "--until"].into_iter().enumerate() {
            if pick(3) == 0 {
                let (v, ok) = days[pick(days.len())];
                args.extend([flag.into(), v.into()]);
                valid &= ok;
                range[i] = ok.then_some(v);
            }
        }
        if let [Some(s), Some(u)] = range {
            valid &= s <= u;
        }
        for flag in ["--group", "--explain"] {
            if pick(3) == 0 {
                args.push(flag.into());
            }
        }
        if pick(4) == 0 {
            args.extend(["--lang".into(), ["ko", "en", "xx"][pick(3)].into()]);
        }
        if pick(4) == 0 {
            args.extend(["--source".into(), ["kcna", "Yonhap", "(("][pick(3)].into()]);
        }
        args.push("--".into());
        if pick(5) == 0 {
            // Any bytes but NUL, which no argument can hold.
            let bytes: Vec<u8> = (0..pick(40)).map(|_| (pick(255) + 1) as u8).collect();
            args.push(OsString::from_vec(bytes));
        } else {
            let words: Vec<&str> = (0..pick(7))
                .map(|_| fragments[pick(fragments.len())])
                .collect();
            args.push(words.join(if pick(2) == 0 { " " } else { "" }).into());
        }
        tasks.push((args, valid));
    }
    let check = |(args, valid): &(Vec<OsString>, bool)| {
        let (code, err, _, _) = run_search(index, args);
        let what = format!("kors search {args:?}: exit {code}: {err}");
        if !valid {
            assert_eq!(code, 2, "{what}");
        } else {
            assert!(matches!(code, 0..=2), "{what}");
        }
        if code == 2 {
            assert!(
                err.starts_with("kors: ") || err.starts_with("error: "),
                "{what}"
            );
            assert!(
                !*valid || err.contains("bad query") || err.contains("UTF-8"),
                "{what}"
            );
        }
    };
    let (a, b) = tasks.split_at(RUNS / 2);
    std::thread::scope(|s| {
        s.spawn(|| a.iter().for_each(check));
        b.iter().for_each(check);
    });
}
