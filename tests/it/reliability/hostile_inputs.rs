//! Inputs other than documents (issue 11.14): query files, qrels, a name
//! table and the text `kors analyze` reads are bounded while they are read, so that
//! `/dev/zero` or a file with one endless line is refused with the file and
//! the limit, in little memory, instead of growing until the kernel kills
//! kors.

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use kors::bounded::{MAX_FILE_BYTES, MAX_LINE_BYTES};
use tempfile::TempDir;

use super::{assert_no_crash, kors, wait_rss};

/// Peak memory allowed (KiB): the limits above, with room for kors and for
/// the test process's own pages, which a forked child's peak includes (the
/// defects grew to 1.5 GB and 24 GB).
const MAX_RSS_KIB: u64 = 1024 * 1024;

/// Runs `kors ARGS…` with `stdin` from `stdin_from`; returns (exit code,
/// stderr, peak RSS in KiB).
fn run(tmp: &Path, args: &[&str], stdin_from: &Path) -> (i32, String, u64) {
    let err_path = tmp.join("stderr");
    let mut child = kors(tmp, &tmp.join("idx"), args)
        .stdin(File::open(stdin_from).unwrap())
        .stdout(Stdio::null())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let (status, rss) = wait_rss(&mut child, Duration::from_secs(300));
    let err = fs::read_to_string(&err_path).unwrap();
    assert_no_crash(status, &err, &format!("kors {args:?}"));
    (status.code().unwrap(), err, rss)
}

#[test]
fn endless_inputs_are_refused_at_a_stated_limit_in_little_memory() {
    let tmp = TempDir::new().unwrap();
    let t = tmp.path();
    let queries = t.join("queries.tsv");
    fs::write(&queries, "q1\tBolshoi Ballet\nq2\t로씨야와의 관계\n").unwrap();
    let line = t.join("one-line.txt");
    fs::write(&line, super::hostile_files::one_line(43 << 20)).unwrap();
    let zero = Path::new("/dev/zero");
    let null = Path::new("/dev/null");
    let file_limit = format!("more than the {} MiB", MAX_FILE_BYTES >> 20);
    let line_limit = format!("line 1 is longer than {} MiB", MAX_LINE_BYTES >> 20);
    let cases: Vec<(Vec<&str>, &Path, String)> = vec![
        (
            vec!["eval", "--queries", "queries.tsv", "--qrels", "/dev/zero"],
            null,
            format!("reading /dev/zero: {file_limit}"),
        ),
        (
            vec!["eval", "--queries", "/dev/zero", "--qrels", "queries.tsv"],
            null,
            format!("reading /dev/zero: {file_limit}"),
        ),
        (
            vec!["bench", "--queries", "/dev/zero"],
            null,
            format!("reading /dev/zero: {file_limit}"),
        ),
        (
            vec!["analyze"],
            zero,
            format!("reading stdin: {line_limit}"),
        ),
        (
            vec!["analyze", "--json"],
            zero,
            format!("reading stdin: {line_limit}"),
        ),
        (
            vec!["analyze", "--format", "mecab"],
            zero,
            format!("reading stdin: {line_limit}"),
        ),
        (
            vec!["analyze"],
            &line,
            format!("reading stdin: {line_limit}"),
        ),
    ];
    for (args, stdin, says) in cases {
        let (code, err, rss) = run(t, &args, stdin);
        eprintln!("{args:?}: exit {code}, peak {} MiB", rss >> 10);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(&says), "{args:?}: {err}");
        assert!(rss < MAX_RSS_KIB, "{args:?}: peak RSS {rss} KiB");
    }
}

/// `kors analyze` reads its input a line at a time, yet reports it as one
/// text: offsets into the whole input, positions running on.
#[test]
fn analyze_streams_lines_as_one_text() {
    let tmp = TempDir::new().unwrap();
    let json = |args: &[&str], stdin: &[u8]| -> Vec<serde_json::Value> {
        let mut child = kors(tmp.path(), &tmp.path().join("idx"), args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let lines = [
        "러시아와의 관계를 발전시킨다",
        "",
        "Kim Jong Un met Putin in Pyongyang",
    ];
    let whole = json(&["analyze", "--json"], lines.join("\n").as_bytes());
    let (mut offset, mut position) = (0, 0);
    let mut expected = Vec::new();
    for l in lines {
        let mut last = None;
        for mut t in json(&["analyze", "--json", l], b"") {
            t["start"] = (t["start"].as_u64().unwrap() + offset).into();
            t["end"] = (t["end"].as_u64().unwrap() + offset).into();
            if let Some(p) = t["position"].as_u64() {
                t["position"] = (p + position).into();
                last = Some(p + position);
            }
            expected.push(t);
        }
        offset += l.len() as u64 + 1;
        position = last.map_or(position, |p| p + 1);
    }
    assert!(expected.len() > 10);
    assert_eq!(whole, expected);
}

/// `kors bench` says how many queries it ran and how many it skipped (it
/// printed "queries 6" when 4 of the 6 could not be run).
#[test]
fn bench_reports_the_queries_run_and_skipped() {
    let tmp = TempDir::new().unwrap();
    let t = tmp.path();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/000_d0a3d8de649cf0a0.md");
    let idx = t.join("idx");
    let out = kors(t, &idx, &["add", "--no-progress"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", super::stderr_of(&out));
    let bad = [
        "text:/Mos.*/".to_string(),
        format!("{}Moscow{}", "(".repeat(40), ")".repeat(40)),
        format!("{}Seoul", "NOT ".repeat(40)),
        "Moscow ".repeat(12_000),
    ];
    let file: Vec<String> = ["Bolshoi Ballet".to_string(), bad[0].clone()]
        .into_iter()
        .chain(bad[1..].iter().cloned())
        .chain(["한국과 러시아".to_string()])
        .collect();
    fs::write(t.join("mixed.txt"), file.join("\n") + "\n").unwrap();
    let bench = |json: bool| {
        let mut args = vec![
            "bench",
            "--queries",
            "mixed.txt",
            "--warmup",
            "0",
            "--iterations",
            "3",
        ];
        if json {
            args.push("--json");
        }
        let out = kors(t, &idx, &args).output().unwrap();
        assert!(out.status.success(), "{}", super::stderr_of(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&bench(true)).unwrap();
    let set = &v["sets"][0];
    assert_eq!(set["queries"], file.len() - bad.len(), "{set}");
    assert_eq!(set["skipped"], bad.len(), "{set}");
    assert_eq!(set["samples"], 3 * (file.len() - bad.len()), "{set}");
    assert!(
        set["first_skip"].as_str().unwrap().contains("bad query"),
        "{set}"
    );
    let human = bench(false);
    let row: Vec<&str> = human
        .lines()
        .find(|l| l.starts_with("mixed"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(row[1..3], ["2", "4"], "{human}");
    assert!(
        human.contains("(4 of 6 queries could not be run and were skipped; the first: bad query"),
        "{human}"
    );
}
