//! Readers during a load, a second writer, and the lock a killed writer
//! leaves behind.

use std::process::Stdio;
use std::time::{Duration, Instant};

use kors::index::lock::PID_FILE;
use tempfile::TempDir;

use super::{add_batch, batch, kors, stderr_of, wait_for, wait_rss, Listing};

/// `kors search` and `kors stats` while `kors add` runs: every answer comes
/// from a commit (never an error), and what they see only grows.
#[test]
fn search_during_a_load_answers_from_the_last_commit() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let mut child = add_batch(tmp.path(), &index, &b.data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(
        &index.join("meta.json"),
        &mut child,
        Duration::from_secs(60),
    );
    let (mut searches, mut last_passages, mut grew) = (0, 0u64, 0);
    while child.try_wait().unwrap().is_none() {
        let s = kors(
            tmp.path(),
            &index,
            &["search", "--json", "-n", "3", "Korea"],
        )
        .output()
        .unwrap();
        assert!(
            matches!(s.status.code(), Some(0 | 1)),
            "search during a load failed: {}",
            stderr_of(&s)
        );
        for line in String::from_utf8_lossy(&s.stdout).lines() {
            let hit: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(b.reference.contains_key(hit["doc_id"].as_str().unwrap()));
        }
        let st = kors(tmp.path(), &index, &["stats", "--json"])
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "stats during a load failed: {}",
            stderr_of(&st)
        );
        let st: serde_json::Value = serde_json::from_slice(&st.stdout).unwrap();
        let passages = st["passages"].as_u64().unwrap();
        assert!(passages >= last_passages, "a reader saw the index shrink");
        if passages > last_passages {
            grew += 1;
        }
        last_passages = passages;
        searches += 1;
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(3));
    Listing::of(&index).check_prefix_of(b, "after the load");
    eprintln!("concurrent: {searches} searches during the load, saw {grew} commits");
    assert!(searches >= 3, "the load ended before readers could run");
}

/// A second writer fails at once, naming the index and the writer's pid;
/// `kors index` (a rebuild) on the same index too. The first run is unharmed.
#[test]
fn a_second_writer_fails_at_once_naming_the_other_process() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let mut first = add_batch(tmp.path(), &index, &b.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&index.join(PID_FILE), &mut first, Duration::from_secs(60));
    let other = tmp.path().join("other.md");
    std::fs::write(&other, "# Other\n\nA note on Moscow and Pyongyang.\n").unwrap();
    for cmd in ["add", "index"] {
        let start = Instant::now();
        let out = kors(tmp.path(), &index, &[cmd, "--no-progress"])
            .arg(&other)
            .output()
            .unwrap();
        let secs = start.elapsed().as_secs_f64();
        let err = stderr_of(&out);
        assert!(
            first.try_wait().unwrap().is_none(),
            "the first writer finished too soon"
        );
        assert_eq!(out.status.code(), Some(2), "kors {cmd}: {err}");
        assert!(
            err.contains(&index.display().to_string()),
            "kors {cmd}: {err}"
        );
        assert!(
            err.contains(&format!("pid {}", first.id())),
            "kors {cmd}: {err}"
        );
        // "At once": not waiting for the other writer (generous for CI).
        assert!(secs < 20.0, "kors {cmd} took {secs:.1} s to fail");
    }
    let (status, _) = wait_rss(&mut first, Duration::from_secs(300));
    assert_eq!(status.code(), Some(3));
    let docs = Listing::of(&index).check_prefix_of(b, "after the refused writers");
    assert_eq!(docs, b.reference.len());
    assert!(
        !index.join(PID_FILE).exists(),
        "the pid note outlived its writer"
    );
}

/// A writer killed with SIGKILL leaves its pid note (and tantivy's lock
/// file) behind; neither blocks the next run, which finishes the job.
#[test]
fn a_stale_lock_from_a_killed_writer_does_not_block() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let mut child = add_batch(tmp.path(), &index, &b.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = index.join(PID_FILE);
    wait_for(&pid_file, &mut child, Duration::from_secs(60));
    let dead = child.id();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&pid_file).unwrap().trim(),
        dead.to_string(),
        "the killed writer's note should still be there (else this test shows nothing)"
    );
    assert!(index.join(".tantivy-writer.lock").exists());
    let start = Instant::now();
    let out = add_batch(tmp.path(), &index, &b.data).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let docs = Listing::of(&index).check_prefix_of(b, "after the stale lock");
    assert_eq!(docs, b.reference.len());
    eprintln!(
        "stale lock: the next run finished in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

/// The first `n` lines of the batch's second file: documents the base
/// index (the first file) does not hold.
fn new_docs(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let text = std::fs::read_to_string(batch().data.join("part-01.jsonl")).unwrap();
    let path = dir.join("new.jsonl");
    let lines: Vec<&str> = text.lines().take(n).collect();
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Two overlapping `kors add` runs of the same 100 new documents never
/// duplicate one. The second run is held (by strace) for 8 s at its second
/// `flock`: the old order (read the index, then lock) took its snapshot
/// before the first run committed and wrote the 100 again after it; taking
/// the lock before reading makes the other run fail at once instead.
#[test]
fn overlapping_adds_of_the_same_documents_never_duplicate() {
    super::require_strace("overlapping adds");
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    super::add_first_part(tmp.path(), &index);
    let base = Listing::of(&index).passages.len();
    let new = new_docs(tmp.path(), 100);
    let trace = tmp.path().join("trace");
    let mut held = std::process::Command::new("strace");
    held.current_dir(tmp.path())
        .args(["-f", "-e", "trace=flock", "-e"])
        .arg("inject=flock:delay_enter=8s:when=2")
        .arg("-o")
        .arg(&trace)
        .arg(super::bin())
        .arg("--index")
        .arg(&index)
        .args(["add", "--no-progress"])
        .arg(&new)
        .env_remove("KORS_INDEX")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut held = held.spawn().unwrap();
    let start = Instant::now();
    // Its first flock done (and, in the new order, its pid note written):
    // the second is now being held.
    while !std::fs::read_to_string(&trace).is_ok_and(|t| t.contains("flock(") && t.contains("= 0"))
        || (t_pid_needed(&trace) && !index.join(PID_FILE).exists())
    {
        assert!(
            held.try_wait().unwrap().is_none(),
            "the held add ended early"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no flock traced");
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    let other = kors(tmp.path(), &index, &["add", "--no-progress"])
        .arg(&new)
        .output()
        .unwrap();
    let other_secs = started.elapsed().as_secs_f64();
    let (status, _) = wait_rss(&mut held, Duration::from_secs(300));
    let mut held_err = String::new();
    use std::io::Read;
    held.stderr
        .take()
        .unwrap()
        .read_to_string(&mut held_err)
        .unwrap();
    let l = Listing::of(&index);
    assert!(
        l.duplicates.is_empty(),
        "overlapping adds duplicated {} passages (held: {status}, other: {:?})",
        l.duplicates.len(),
        other.status.code()
    );
    assert_eq!(l.passages.len(), base + 100 - count_rejected(&new));
    // One of them wrote; the other failed at once naming the writer.
    let codes = (status.code(), other.status.code());
    // (3: a few KCNA items are captions without text, rejected.)
    assert!(
        matches!(codes, (Some(0 | 3), Some(0 | 2 | 3))),
        "{codes:?}: {held_err} {}",
        stderr_of(&other)
    );
    if other.status.code() == Some(2) {
        assert!(stderr_of(&other).contains("pid"), "{}", stderr_of(&other));
        // At once, not after waiting for the lock (held 8 s and more by
        // the traced add); the margin is for a loaded machine's start-up.
        assert!(
            other_secs < 7.5,
            "the second add took {other_secs:.1} s to fail"
        );
    }
}

/// Whether the traced run took the writer lock first (its first flock is
/// the non-blocking writer lock), so that its pid note is coming.
fn t_pid_needed(trace: &std::path::Path) -> bool {
    std::fs::read_to_string(trace).is_ok_and(|t| t.contains("LOCK_EX|LOCK_NB"))
}

/// JSONL lines of `path` that kors rejects (captions without text).
fn count_rejected(path: &std::path::Path) -> usize {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().is_none_or(|t| t.trim().is_empty())
        })
        .count()
}

/// `kors add` while a first `kors index` builds into a new directory: the
/// build holds the path's lock from the start, so the add is refused
/// (before, it reported "1 added" and the swap then threw it away).
#[test]
fn an_add_during_a_first_build_is_refused_not_lost() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let mut build = kors(tmp.path(), &index, &["index", "--no-progress"])
        .arg(&b.data)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = build.id();
    let sibling = tmp.path().join(format!(".idx.new-{pid}"));
    let start = Instant::now();
    while !sibling.join(PID_FILE).exists() && !index.join(PID_FILE).exists() {
        assert!(build.try_wait().unwrap().is_none(), "the build ended early");
        assert!(start.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    let doc = tmp.path().join("late.md");
    std::fs::write(
        &doc,
        "---\nid: late-note\n---\n# Late\n\nA late note on Moscow and Pyongyang.\n",
    )
    .unwrap();
    let add = kors(tmp.path(), &index, &["add", "--no-progress"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(
        build.try_wait().unwrap().is_none(),
        "the build finished before the add: this test shows nothing"
    );
    let (status, _) = wait_rss(&mut build, Duration::from_secs(300));
    assert_eq!(status.code(), Some(3));
    let l = Listing::of(&index);
    match add.status.code() {
        Some(2) => assert!(
            stderr_of(&add).contains("being written"),
            "{}",
            stderr_of(&add)
        ),
        Some(0) => assert!(
            l.passages.contains_key("late-note"),
            "the added document was lost"
        ),
        c => panic!("kors add: {c:?}: {}", stderr_of(&add)),
    }
}
