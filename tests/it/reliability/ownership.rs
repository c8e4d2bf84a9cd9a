//! kors deletes and overwrites only what it wrote: a directory of someone
//! else's files is refused by `add` and `index` alike, an index that lost
//! its `meta.json` is damaged (never taken for empty), and what a killed
//! first run leaves is kors's own and reused.

use std::path::Path;

use tempfile::TempDir;

use super::{batch, kors, stderr_of, Listing};

/// The user's files, to be found intact afterwards.
fn precious(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("precious.txt"), "keep\n").unwrap();
    std::fs::write(dir.join("sub/deep.md"), "keep\n").unwrap();
}

fn assert_intact(dir: &Path, what: &str) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["precious.txt", "sub"],
        "{what}: the directory changed"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/deep.md")).unwrap(),
        "keep\n",
        "{what}"
    );
}

/// `kors add` and `kors index` into a directory of the user's files are
/// refused, naming it and a file in it, and write nothing there.
#[test]
fn add_and_index_refuse_a_directory_of_someone_elses_files() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let docs = tmp.path().join("docs");
    precious(&docs);
    let part = b.data.join("part-00.jsonl");
    for cmd in ["add", "index", "add"] {
        let out = kors(tmp.path(), &docs, &[cmd, "--no-progress"])
            .arg(&part)
            .output()
            .unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "kors {cmd}: {err}");
        assert!(
            err.contains("not empty and holds no index") && err.contains("precious.txt"),
            "kors {cmd}: {err}"
        );
        assert_intact(&docs, &format!("after kors {cmd}"));
    }
}

/// An index whose `meta.json` is lost still holds its segments: `add` must
/// fail calling it damaged (not build a fresh index over it), `search` must
/// not rebuild it from the corpus, `check` names `meta.json`, and nothing
/// is deleted.
#[test]
fn an_index_that_lost_meta_json_is_damaged_not_empty() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    super::add_first_part(tmp.path(), &index);
    std::fs::remove_file(index.join("meta.json")).unwrap();
    let files = |dir: &Path| {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().ends_with(".store"))
            .collect();
        v.sort();
        v
    };
    let before = files(&index);
    assert!(!before.is_empty());
    // A corpus for `search` to build from, were it to take the index for missing.
    std::fs::create_dir(tmp.path().join("corpus")).unwrap();
    std::fs::write(tmp.path().join("corpus/a.md"), "# A\n\nKorea.\n").unwrap();
    for args in [
        &["add", "--no-progress"][..],
        &["search", "Korea"],
        &["stats"],
    ] {
        let mut c = kors(tmp.path(), &index, args);
        if args[0] == "add" {
            c.arg(b.data.join("part-01.jsonl"));
        }
        let out = c.output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "kors {}: {err}", args[0]);
        assert!(
            err.contains("damaged") && err.contains("meta.json"),
            "kors {}: {err}",
            args[0]
        );
        assert!(!index.join("meta.json").exists(), "kors {}", args[0]);
        assert_eq!(files(&index), before, "kors {} changed segments", args[0]);
    }
    let check = kors(tmp.path(), &index, &["check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&check.stdout).contains("damaged: meta.json"));
}

/// `kors index` over an index that holds a file kors did not write refuses
/// (the swap would delete it) and keeps both.
#[test]
fn a_rebuild_never_deletes_a_file_it_did_not_write() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let part = b.data.join("part-00.jsonl");
    let out = kors(tmp.path(), &index, &["add", "--no-progress"])
        .arg(&part)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let docs = Listing::of(&index).passages.len();
    std::fs::write(index.join("my-notes.txt"), "keep\n").unwrap();
    let out = kors(tmp.path(), &index, &["index", "--no-progress"])
        .arg(&part)
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("my-notes.txt"), "{err}");
    assert_eq!(
        std::fs::read_to_string(index.join("my-notes.txt")).unwrap(),
        "keep\n"
    );
    assert_eq!(Listing::of(&index).passages.len(), docs);
}

/// What a run killed before its first commit leaves (its lock, its pid
/// note, half-written or whole, `kors.json`) is kors's own: `kors index`
/// and `kors add` accept it, as `search` tells the user to, and take the
/// half-written note away.
#[test]
fn leftovers_of_a_killed_first_run_are_reused() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let part = b.data.join("part-00.jsonl");
    for cmd in ["index", "add"] {
        let index = tmp.path().join(format!("idx-{cmd}"));
        std::fs::create_dir(&index).unwrap();
        std::fs::write(index.join(".tantivy-writer.lock"), "").unwrap();
        std::fs::write(index.join("kors-writer.pid"), "999999999\n").unwrap();
        std::fs::write(index.join(".tmp-kors-writer.pid.999999999"), "99999").unwrap();
        std::fs::write(index.join("kors.json"), "{\"schema_version\": 1").unwrap();
        let out = kors(tmp.path(), &index, &[cmd, "--no-progress"])
            .arg(&part)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(3),
            "kors {cmd}: {}",
            stderr_of(&out)
        );
        let l = Listing::of(&index);
        assert!(l.passages.len() > 100, "kors {cmd}: {}", l.passages.len());
        assert!(l.duplicates.is_empty());
        assert!(
            !index.join(".tmp-kors-writer.pid.999999999").exists(),
            "kors {cmd}"
        );
    }
}
