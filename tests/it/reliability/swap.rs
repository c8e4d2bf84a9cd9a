//! The rebuild's swap: the fallback of two renames killed between them is
//! recovered by the next command, and a search that meets the exchange
//! finishes on the new index.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use tempfile::TempDir;

use super::{batch, kors, stderr_of, Listing};

/// An index of the batch's first file at `index`; its documents.
fn old_index(tmp: &Path, index: &Path) -> usize {
    let out = kors(tmp, index, &["add", "--no-progress"])
        .arg(batch().data.join("part-00.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    Listing::of(index).passages.len()
}

/// Siblings `.idx.*` beside `index`.
fn siblings(index: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(index.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with(".idx."))
        .collect();
    v.sort();
    v
}

/// A rebuild killed between the fallback's two renames leaves no index at
/// the path; whichever command comes next (`search`, `add`, `index`) puts
/// the old index back instead of creating a fresh one or deleting it.
#[test]
fn a_swap_killed_between_the_fallback_renames_is_recovered() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    for next in ["search", "add", "index"] {
        let index = tmp.path().join("idx");
        if index.exists() {
            std::fs::remove_dir_all(&index).unwrap();
        }
        let old = old_index(tmp.path(), &index);
        let out = kors(tmp.path(), &index, &["index", "--no-progress"])
            .env("KORS_TEST_SWAP", "fallback-kill")
            .arg(b.data.join("part-01.jsonl"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGKILL),
            "the rebuild should die between the renames: {}",
            stderr_of(&out)
        );
        assert!(!index.exists(), "the first rename did not happen");
        assert_eq!(siblings(&index).len(), 2, "{:?}", siblings(&index));
        let mut c = kors(tmp.path(), &index, &[next]);
        match next {
            "search" => c.args(["-n", "1", "Korea"]),
            _ => c.arg("--no-progress").arg(b.data.join("part-02.jsonl")),
        };
        let out = c.output().unwrap();
        let err = stderr_of(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "kors {next}: {err}"
        );
        let l = Listing::of(&index);
        match next {
            "search" => {
                assert_eq!(l.passages.len(), old, "kors search");
                assert!(err.contains("recovered"), "{err}");
            }
            // The old documents and the added ones.
            "add" => assert!(
                l.passages.len() > old + 100,
                "kors add: {}",
                l.passages.len()
            ),
            // The rebuild of part-02 alone; nothing left beside it.
            _ => {
                assert!(l
                    .passages
                    .contains_key(&first_id(&b.data.join("part-02.jsonl"))));
                assert!(!l
                    .passages
                    .contains_key(&first_id(&b.data.join("part-00.jsonl"))));
                assert!(siblings(&index).is_empty(), "{:?}", siblings(&index));
            }
        }
    }
    // Not killed, the fallback puts the new index in place and leaves
    // nothing beside it.
    let index = tmp.path().join("idx");
    let out = kors(tmp.path(), &index, &["index", "--no-progress"])
        .env("KORS_TEST_SWAP", "fallback")
        .arg(b.data.join("part-01.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let l = Listing::of(&index);
    assert!(l
        .passages
        .contains_key(&first_id(&b.data.join("part-01.jsonl"))));
    assert!(siblings(&index).is_empty(), "{:?}", siblings(&index));
}

/// A search that read the old `meta.json` when a rebuild exchanged the
/// directory looks for the old segments in the new one. strace holds the
/// search for 8 s right after it opened `meta.json` for its reader, while
/// a rebuild runs; the search must then answer from the new index (it
/// retries once), not fail calling the index damaged.
#[test]
fn a_search_that_meets_the_swap_answers_from_the_new_index() {
    super::require_strace("search during a swap");
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    old_index(tmp.path(), &index);
    let text = std::fs::read_to_string(b.data.join("part-01.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().take(60).collect();
    let small = tmp.path().join("small.jsonl");
    std::fs::write(&small, lines.join("\n") + "\n").unwrap();
    for round in 1..=2 {
        let trace = tmp.path().join(format!("trace-{round}"));
        let mut search = std::process::Command::new("strace")
            .arg("-f")
            .arg("-P")
            .arg(index.join("meta.json"))
            .args([
                "-e",
                "trace=openat",
                "-e",
                "inject=openat:delay_exit=8s:when=2",
                "-o",
            ])
            .arg(&trace)
            .arg(super::bin())
            .arg("--index")
            .arg(&index)
            .args(["search", "-n", "3", "Korea"])
            .current_dir(tmp.path())
            .env_remove("KORS_INDEX")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let start = std::time::Instant::now();
        while !std::fs::read_to_string(&trace).is_ok_and(|t| t.contains("meta.json")) {
            assert!(
                search.try_wait().unwrap().is_none(),
                "the search ended early"
            );
            assert!(start.elapsed().as_secs() < 60, "no open traced");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        let rebuild = kors(tmp.path(), &index, &["index", "--no-progress"])
            .arg(&small)
            .output()
            .unwrap();
        assert!(
            matches!(rebuild.status.code(), Some(0 | 3)),
            "{}",
            stderr_of(&rebuild)
        );
        assert!(
            search.try_wait().unwrap().is_none(),
            "round {round}: the rebuild took longer than the search was held"
        );
        let out = search.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "round {round}: a search during the swap failed: {}",
            stderr_of(&out)
        );
    }
}

/// The id of the first document with text of a JSONL file.
fn first_id(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["text"].as_str().is_some_and(|t| t.trim().len() > 100))
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .unwrap()
}

/// A rebuild survives a power cut, not only a kill: `kors.json` of the new
/// index is fsynced before the exchange, and the directory holding the
/// index after it (seen through `strace -y`, which names each fd's file).
#[test]
fn a_rebuild_syncs_kors_json_before_the_swap_and_the_parent_after() {
    super::require_strace("rebuild syncs");
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    old_index(tmp.path(), &index);
    let trace = tmp.path().join("trace");
    let out = std::process::Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fsync,fdatasync,renameat2,rename",
            "-o",
        ])
        .arg(&trace)
        .arg(super::bin())
        .arg("--index")
        .arg(&index)
        .args(["index", "--no-progress", "--strict"])
        .arg(b.data.join("part-01.jsonl"))
        .current_dir(tmp.path())
        .env_remove("KORS_INDEX")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let t = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = t.lines().filter(|l| !l.contains("resumed")).collect();
    let at = |what: &dyn Fn(&str) -> bool| lines.iter().position(|l| what(l));
    let swap = at(&|l| l.contains("renameat2(") && l.contains("RENAME_EXCHANGE"))
        .expect("no exchange traced");
    let synced_meta = at(&|l| l.contains("sync(") && l.contains("/kors.json>"));
    assert!(
        synced_meta.is_some_and(|i| i < swap),
        "kors.json is not fsynced before the exchange:\n{t}"
    );
    let dir = tmp.path().display().to_string();
    // `fsync(4</tmp/x>)`, or `fsync(4</tmp/x> <unfinished ...>` when
    // another thread's line came between.
    let synced_parent = lines[swap..]
        .iter()
        .any(|l| l.contains("sync(") && l.contains(&format!("<{dir}>")));
    assert!(
        synced_parent,
        "the parent directory is not fsynced after the exchange:\n{t}"
    );
}

/// Searches in a loop while the index is rebuilt several times: every one
/// answers (exit 0), none says "damaged" (13 of 15,168 did).
#[test]
fn searches_during_repeated_rebuilds_all_answer() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    old_index(tmp.path(), &index);
    let text = std::fs::read_to_string(b.data.join("part-01.jsonl")).unwrap();
    let lines: Vec<&str> = text.lines().take(40).collect();
    let small = tmp.path().join("small.jsonl");
    std::fs::write(&small, lines.join("\n") + "\n").unwrap();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let searcher = {
        let (done, cwd, index) = (done.clone(), tmp.path().to_path_buf(), index.clone());
        std::thread::spawn(move || {
            let mut runs = 0;
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                let out = kors(&cwd, &index, &["search", "-n", "3", "Korea"])
                    .output()
                    .unwrap();
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "search {runs} during the rebuilds: {}",
                    stderr_of(&out)
                );
                runs += 1;
            }
            runs
        })
    };
    for _ in 0..4 {
        let out = kors(tmp.path(), &index, &["index", "--no-progress"])
            .arg(&small)
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "{}",
            stderr_of(&out)
        );
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let runs = searcher.join().expect("a search failed");
    eprintln!("searches during 4 rebuilds: {runs}, all answered");
    assert!(runs > 4);
}
