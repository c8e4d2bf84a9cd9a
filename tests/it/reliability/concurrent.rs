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
