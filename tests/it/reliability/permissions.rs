//! An index its owner shares read-only: kors honours the umask for every
//! file it writes, a user who may read an index can search it (reading
//! takes no lock that needs a write), and a refused write is named a
//! permission error, never damage.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use super::stderr_of;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs `kors ARGS…` as user nobody (setpriv), or `None` if that cannot be
/// done here.
fn as_nobody(bin: &Path, cwd: &Path, index: &Path, args: &[&str]) -> Option<std::process::Output> {
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(bin)
        .arg("--index")
        .arg(index)
        .args(args)
        .current_dir(cwd)
        .env_remove("KORS_INDEX")
        .output()
        .ok()?;
    // setpriv itself failing (not permitted, missing) is 127 or says so.
    let err = stderr_of(&out);
    (!err.starts_with("setpriv:")).then_some(out)
}

/// The index's files get the umask's modes (tantivy's meta.json and
/// .managed.json were always 0600), and another user can search and take
/// statistics of it; their `add` fails naming the permission, not damage.
#[test]
fn another_user_can_read_an_index_and_a_refused_write_is_named() {
    let tmp = TempDir::new().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let index = tmp.path().join("idx");
    super::add_first_part(tmp.path(), &index);
    let ours = mode(&index.join("kors.json"));
    for f in ["meta.json", ".managed.json"] {
        assert_eq!(
            mode(&index.join(f)),
            ours,
            "{f} should have the mode kors.json has under the umask"
        );
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("permissions: not root, so the other user is not tried (mode bits checked)");
        return;
    }
    // Root ignores permissions: the reader is user nobody, with a copy of
    // the binary it can execute.
    let bin = tmp.path().join("kors");
    std::fs::copy(super::bin(), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Some(search) = as_nobody(&bin, tmp.path(), &index, &["search", "-n", "2", "Korea"]) else {
        eprintln!("permissions: setpriv cannot drop to nobody here; mode bits checked only");
        return;
    };
    assert_eq!(
        search.status.code(),
        Some(0),
        "search: {}",
        stderr_of(&search)
    );
    assert!(!search.stdout.is_empty());
    let stats = as_nobody(&bin, tmp.path(), &index, &["stats"]).unwrap();
    assert_eq!(stats.status.code(), Some(0), "stats: {}", stderr_of(&stats));
    let doc = tmp.path().join("note.md");
    std::fs::write(&doc, "# Note\n\nMoscow and Pyongyang.\n").unwrap();
    std::fs::set_permissions(&doc, std::fs::Permissions::from_mode(0o644)).unwrap();
    let add = as_nobody(
        &bin,
        tmp.path(),
        &index,
        &["add", "--no-progress", doc.to_str().unwrap()],
    )
    .unwrap();
    let err = stderr_of(&add);
    assert_eq!(add.status.code(), Some(2), "add: {err}");
    assert!(err.contains("Permission denied"), "add: {err}");
    assert!(!err.contains("damaged"), "add: {err}");
}
