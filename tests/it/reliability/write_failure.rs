//! A load that cannot write: reported clearly, the index left at its last
//! commit.

use std::process::Command;

use tempfile::TempDir;

use super::{
    add_batch, assert_check_passes, assert_no_crash, batch, bin, kors, stderr_of, Listing,
    COMMIT_EVERY,
};

/// `ulimit -f` makes every write past a small size fail with EFBIG (kors
/// ignores SIGXFSZ, which would otherwise kill it mid-commit). The first
/// segment the load writes is larger than that.
#[test]
fn a_file_size_limit_is_reported_and_the_last_commit_kept() {
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    // A first commit to keep: one file of the batch.
    let first = b.data.join("part-00.jsonl");
    let out = kors(tmp.path(), &index, &["add", "--no-progress"])
        .arg(&first)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let before = Listing::of(&index);
    let n_before = before.check_prefix_of(b, "before the failing load");
    assert!(n_before > 0);

    // 100 blocks (50 or 100 KiB, depending on the shell): far below a segment.
    let script = format!(
        "ulimit -f 100 && exec '{}' --index '{}' add --no-progress --commit-every {COMMIT_EVERY} '{}'",
        bin().display(),
        index.display(),
        b.data.display()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_no_crash(out.status, &err, "kors add under ulimit -f");
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Whether the indexing thread or the commit meets the limit first.
    assert!(
        (err.contains("writing the index") || err.contains("committing"))
            && err.contains("File too large"),
        "the cause should be named: {err}"
    );
    // The index opens at its last commit: exactly what was there before.
    let after = Listing::of(&index);
    after.check_prefix_of(b, "after the failed load");
    assert_eq!(
        after.passages, before.passages,
        "the failed load changed the index"
    );
    assert_check_passes(tmp.path(), &index, "after the failed load");

    // Without the limit, the same load finishes the job.
    let out = add_batch(tmp.path(), &index, &b.data).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    assert_eq!(
        Listing::of(&index).check_prefix_of(b, "after the rerun"),
        b.reference.len()
    );
}

/// A read-only index directory. Root ignores permission bits, so there the
/// test says so and checks nothing.
#[test]
fn a_read_only_index_directory_is_reported() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        eprintln!("read-only index: running as root, where chmod does not stop writes; skipped (the ulimit -f test covers write errors)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    super::add_first_part(tmp.path(), &index);
    let before = Listing::of(&index);
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = kors(tmp.path(), &index, &["add", "--no-progress"])
        .arg(b.data.join("part-01.jsonl"))
        .output()
        .unwrap();
    std::fs::set_permissions(&index, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr_of(&out);
    assert_no_crash(out.status, &err, "kors add on a read-only index");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("ermission denied"), "{err}");
    assert_eq!(Listing::of(&index).passages, before.passages);
}

/// A full disk (a 2 MB tmpfs, mounted in a private mount namespace, so
/// root only): the load fails naming the cause and how much room it needs,
/// the segment files it wrote are removed (13.6 MB of them stayed), and the
/// index is at its last commit.
#[test]
fn a_full_disk_leaves_no_orphan_files_and_says_how_much_room_is_needed() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("full disk: not root, cannot mount a small tmpfs; skipped");
        return;
    }
    let b = batch();
    let tmp = TempDir::new().unwrap();
    let base = tmp.path().join("base");
    let out = kors(tmp.path(), &base, &["add", "--no-progress"])
        .arg(b.data.join("part-00.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    let before = Listing::of(&base);
    let (mnt, after) = (tmp.path().join("mnt"), tmp.path().join("after"));
    std::fs::create_dir(&mnt).unwrap();
    // The index is copied onto the tmpfs, loaded there, and copied back out
    // before the namespace (and its mount) goes away.
    let script = format!(
        "mount -t tmpfs -o size=2m tmpfs '{m}' || exit 99; cp -a '{base}' '{m}/idx'; \
         '{bin}' --index '{m}/idx' add --no-progress '{data}'; rc=$?; \
         cp -a '{m}/idx' '{after}'; exit $rc",
        m = mnt.display(),
        base = base.display(),
        bin = bin().display(),
        data = b.data.display(),
        after = after.display()
    );
    let out = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let err = stderr_of(&out);
    if out.status.code() == Some(99) || !after.exists() {
        eprintln!("full disk: cannot mount a tmpfs here ({err}); skipped");
        return;
    }
    assert_no_crash(out.status, &err, "kors add on a full disk");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains("needs about") && err.contains("MB free"),
        "{err}"
    );
    // At its last commit: what it had, and whatever the load committed
    // before the disk filled, whole and in order.
    let l = Listing::of(&after);
    let docs = l.check_prefix_of(b, "after the full disk");
    assert!(docs >= before.passages.len());
    assert_check_passes(tmp.path(), &after, "after the full disk");
    let meta = std::fs::read_to_string(after.join("meta.json")).unwrap();
    let orphans: Vec<String> = std::fs::read_dir(&after)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            let uuid = n.split('.').next().unwrap();
            uuid.len() == 32 && !meta.replace('-', "").contains(uuid)
        })
        .collect();
    assert!(
        orphans.is_empty(),
        "files of no commit left behind: {orphans:?}"
    );
}
