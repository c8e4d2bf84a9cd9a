//! Putting a rebuilt index in place of the old one, and recovering from a
//! swap that was killed halfway.
//!
//! The new index is built in `.NAME.new-PID` beside `NAME` and exchanged
//! with it in one step (`renameat2(RENAME_EXCHANGE)`). Where that is missing
//! (old kernels, some file systems) it takes two renames: `NAME` →
//! `.NAME.old-PID`, then `.NAME.new-PID` → `NAME`. A kill between them
//! leaves no `NAME`; the next command ([`recover`]) renames the old index
//! back, so a path that held an index always holds one.
//!
//! `KORS_TEST_SWAP=fallback` forces the two renames, `fallback-kill` also
//! kills the process (SIGKILL) between them: the tests' way to reach the
//! fallback on a kernel that has the exchange.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// The directory holding `dir`, and `dir`'s name.
pub fn parent_and_name(dir: &Path) -> (PathBuf, String) {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    (parent, name)
}

/// `.NAME.KIND-PID` beside `dir`, the siblings a rebuild makes.
pub fn sibling(dir: &Path, kind: &str, pid: u32) -> PathBuf {
    let (parent, name) = parent_and_name(dir);
    parent.join(format!(".{name}.{kind}-{pid}"))
}

/// The siblings of `dir` that a process no longer running left, with their
/// kind (`new` or `old`).
fn dead_siblings(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let (parent, name) = parent_and_name(dir);
    let Ok(entries) = fs::read_dir(&parent) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        for kind in ["new", "old"] {
            let pid = file
                .strip_prefix(&format!(".{name}.{kind}-"))
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(|p| p != std::process::id() && !super::lock::alive(p)) {
                found.push((kind, e.path()));
            }
        }
    }
    found.sort();
    found
}

/// A rebuild killed between the fallback's two renames left no index at
/// `dir` and the old one in `.NAME.old-PID`: renames it back. Returns the
/// directory recovered from, if any.
pub fn recover(dir: &Path) -> Result<Option<PathBuf>> {
    if fs::symlink_metadata(dir).is_ok() {
        return Ok(None);
    }
    for (kind, path) in dead_siblings(dir) {
        if kind == "old" && super::exists(&path) {
            fs::rename(&path, dir).map_err(|e| {
                Error::io(
                    format!(
                        "recovering the index at {} from {} (a rebuild was killed while swapping)",
                        dir.display(),
                        path.display()
                    ),
                    &path,
                    e,
                )
            })?;
            sync_dir(&parent_and_name(dir).0);
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Removes the siblings of `dir` that killed rebuilds left (kors's own
/// directories; only kors's files are deleted from them). Call after
/// [`recover`], which may still need an old one.
pub fn remove_stale_siblings(dir: &Path) {
    for (_, path) in dead_siblings(dir) {
        let _ = super::state::remove_own(&path);
    }
}

/// Swaps directories `a` and `b` in one step (Linux `renameat2`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    if test_mode().is_some() {
        return Err(std::io::ErrorKind::Unsupported.into());
    }
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths, relative to the cwd.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// `KORS_TEST_SWAP`, when set to a known mode.
fn test_mode() -> Option<String> {
    std::env::var("KORS_TEST_SWAP")
        .ok()
        .filter(|m| m == "fallback" || m == "fallback-kill")
}

/// fsyncs a directory, so that renames in it survive a power cut. Best
/// effort: some file systems refuse to sync a directory.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Puts the complete index in `new` at `dir`, removing the old one.
pub fn swap_in(new: &Path, dir: &Path) -> Result<()> {
    let (parent, _) = parent_and_name(dir);
    if fs::symlink_metadata(dir).is_err() {
        fs::rename(new, dir).at("moving the new index to", dir)?;
        sync_dir(&parent);
        return Ok(());
    }
    if exchange(new, dir).is_ok() {
        sync_dir(&parent);
        // `new` now holds the old index.
        super::state::remove_own(new)?;
        return Ok(());
    }
    let old = sibling(dir, "old", std::process::id());
    fs::rename(dir, &old).map_err(|e| {
        Error::io(
            format!("moving the old index {} aside", dir.display()),
            dir,
            e,
        )
    })?;
    if test_mode().as_deref() == Some("fallback-kill") {
        // SAFETY: kill on our own pid, as a crash here would.
        unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    }
    if let Err(e) = fs::rename(new, dir) {
        let _ = fs::rename(&old, dir);
        return Err(e).at("moving the new index to", dir);
    }
    sync_dir(&parent);
    super::state::remove_own(&old)?;
    Ok(())
}
