//! What a load takes and what it says about the rest: `.korsignore`,
//! `--exclude`, describing files, empty documents, grouped rejections,
//! `--quiet`/`--verbose`; and the shell completions and man page. Each case
//! works in its own temporary directory on real text from `../shared/corpora`.

use std::fs;
use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::{kors, shared};

/// Copies the files of `from` into `to`, each cut to its first three lines
/// (these tests are about which files are read, not their length).
fn copy_dir_heads(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let text = fs::read_to_string(e.path()).unwrap();
        let head: Vec<&str> = text.lines().take(3).collect();
        fs::write(to.join(e.file_name()), head.join("\n") + "\n").unwrap();
    }
}

/// `kors --index idx index --json --no-progress ARGS…` in `tmp`: the summary.
fn index_json(tmp: &TempDir, args: &[&str]) -> Value {
    let out = crate::succeeded(
        kors(tmp)
            .args(["--index", "idx", "index", "--json", "--no-progress"])
            .args(args)
            .output()
            .unwrap(),
    );
    serde_json::from_slice(&out.stdout).expect("one JSON summary")
}

fn excluded_paths(summary: &Value) -> Vec<(String, String)> {
    summary["excluded"]
        .as_array()
        .expect("excluded is a list")
        .iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_string_lossy();
            (name.into_owned(), s["by"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn describing_files_korsignore_and_exclude_leave_files_out_and_say_so() {
    let tmp = TempDir::new().unwrap();
    let speeches = tmp.path().join("speeches");
    copy_dir_heads(&shared("corpora/nk-newyear-speeches-ko"), &speeches);
    let years = fs::read_dir(&speeches)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")
        })
        .count() as u64;
    assert!(speeches.join("SOURCE.md").is_file());

    // SOURCE.md describes the collection: left out by default, and named.
    let s = index_json(&tmp, &["speeches"]);
    assert_eq!(s["added"], years);
    assert_eq!(
        excluded_paths(&s),
        [("SOURCE.md".to_string(), "describes".to_string())]
    );

    // A .korsignore in the walked directory (gitignore syntax).
    fs::write(
        speeches.join(".korsignore"),
        "# the 1940s and 1950s\n19[45]*.txt\n",
    )
    .unwrap();
    let fifties = fs::read_dir(&speeches)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.starts_with("194") || n.starts_with("195")
        })
        .count() as u64;
    assert!(fifties > 5, "{fifties}");
    let s = index_json(&tmp, &["speeches"]);
    assert_eq!(s["added"], years - fifties);
    let by_ignore = excluded_paths(&s)
        .into_iter()
        .filter(|(_, by)| by == "korsignore")
        .count() as u64;
    assert_eq!(by_ignore, fifties);

    // --exclude, on top, names its glob; the human summary says it once.
    let out = kors(&tmp)
        .args([
            "--index",
            "idx",
            "index",
            "--no-progress",
            "speeches",
            "--exclude",
            "20*.txt",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let twenty = fs::read_dir(&speeches)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("20")
        })
        .count();
    let total_left_out = 1 + fifties as usize + twenty;
    assert!(
        err.contains(&format!("skipped {total_left_out} path(s)")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    // --no-ignore reads everything the walk finds, SOURCE.md too.
    let s = index_json(&tmp, &["speeches", "--no-ignore"]);
    assert_eq!(s["added"], years + 1);
    assert!(excluded_paths(&s).is_empty());

    // A bad glob is a usage error before anything is read.
    kors(&tmp)
        .args(["--index", "idx2", "index", "speeches", "--exclude", "{a,b"])
        .assert()
        .code(2);
    assert!(!tmp.path().join("idx2").exists());
}

/// KCNA's feed has stories with no text: they are counted as skipped (exit
/// 0), told in one line; `--strict` rejects them (exit 3), grouped in one
/// line, or each on its own line with `--verbose`; `--quiet` says nothing.
#[test]
fn empty_documents_are_counted_skips_and_rejections_are_grouped() {
    let tmp = TempDir::new().unwrap();
    let lines: Vec<String> = fs::read_to_string(shared("corpora/kcna-en-2024/kcna_en_2024.jsonl"))
        .unwrap()
        .lines()
        .take(300)
        .map(String::from)
        .collect();
    let empty = lines
        .iter()
        .filter(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap_or("").trim().is_empty()
        })
        .count() as u64;
    assert!(empty >= 10, "{empty}");
    fs::write(tmp.path().join("k.jsonl"), lines.join("\n") + "\n").unwrap();

    let s = index_json(&tmp, &["k.jsonl"]);
    assert_eq!(s["empty"], empty);
    assert_eq!(s["rejected"], 0);
    assert_eq!(s["added"], 300 - empty);

    let run = |extra: &[&str]| {
        kors(&tmp)
            .args(["--index", "idx", "index", "--no-progress", "k.jsonl"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("skipped {empty} document(s) with no text")),
        "{err}"
    );

    let out = run(&["--strict"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "rejected {empty} inputs: text: empty document: k.jsonl:"
        )),
        "{err}"
    );
    assert!(err.contains("more (--verbose lists them)"), "{err}");

    let out = run(&["--strict", "--verbose"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("rejected: k.jsonl:"))
            .count() as u64,
        empty,
        "{err}"
    );

    let out = run(&["--strict", "--quiet"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn completions_and_the_man_page_come_from_the_flag_definitions() {
    let tmp = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = kors(&tmp).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for word in ["search", "exclude", "no-ignore", "completions"] {
            assert!(text.contains(word), "{shell} lacks {word}");
        }
    }
    kors(&tmp).args(["completions", "tcsh"]).assert().code(2);
    let out = kors(&tmp).arg("man").output().unwrap();
    assert!(out.status.success());
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH kors"),
        "{}",
        &man[..200.min(man.len())]
    );
    for word in ["search", "completions", "Index directory"] {
        assert!(man.contains(word), "man page lacks {word}");
    }
    assert!(!tmp.path().join("index").exists(), "no index is made");
}
