//! One writer per index, and a second one told who holds it.
//!
//! tantivy's own writer lock (`.tantivy-writer.lock`, an `flock`) is what
//! keeps a second writer out. The kernel releases it when its process dies,
//! so a writer killed with SIGKILL never blocks the next run. Its error
//! (`LockBusy`) names neither the index nor the holder, so the holder writes
//! its pid into [`PID_FILE`] once it has the lock, and a second writer reads
//! it back for its message. The pid file is only a note: a stale one (its
//! process gone) is ignored and overwritten.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Context, Result};
use tantivy::directory::error::LockError;
use tantivy::directory::Directory;
use tantivy::directory::{DirectoryLock, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::{IndexWriter, TantivyDocument, TantivyError};

use super::KorsIndex;
use crate::error::{Error, IoContext};

/// File in the index directory naming the process that writes the index.
pub const PID_FILE: &str = "kors-writer.pid";

/// Removes the pid file when the write is over, if it still names us.
#[derive(Debug)]
pub struct Holder {
    path: PathBuf,
}

impl Drop for Holder {
    fn drop(&mut self) {
        if read_pid(&self.path) == Some(std::process::id()) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn read_pid(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

fn note(dir: &Path) -> Result<Holder> {
    sweep(dir);
    let path = dir.join(PID_FILE);
    // Written whole, then renamed into place: a second writer (or a kill)
    // never meets an empty note. (`.tmp…` names are kors's own.)
    let tmp = dir.join(format!(".tmp-{PID_FILE}.{}", std::process::id()));
    fs::write(&tmp, format!("{}\n", std::process::id())).at("writing", &tmp)?;
    if let Err(e) = fs::rename(&tmp, &path) {
        let _ = fs::remove_file(&tmp);
        return Err(e).at("writing", &path);
    }
    Ok(Holder { path })
}

/// Removes the half-written notes (`.tmp-kors-writer.pid.<pid>`) of
/// writers killed between writing and renaming theirs. Called under the
/// lock, so no live writer is writing one; a note whose process is still
/// there is left alone.
fn sweep(dir: &Path) {
    let prefix = format!(".tmp-{PID_FILE}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !alive(p)) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 checks without sending anything).
pub fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 only checks for the process.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// The error for a busy index: names the index and, when known, the holder.
fn busy(dir: &Path) -> Error {
    Error::Busy {
        dir: dir.to_path_buf(),
        pid: read_pid(&dir.join(PID_FILE)).filter(|&p| alive(p) && p != std::process::id()),
    }
}

/// The lock file could not be opened for writing (a read-only index,
/// another user's): said as what it is, with the OS's reason.
fn lock_io(dir: &Path, e: &std::io::Error) -> Error {
    let path = dir.join(INDEX_WRITER_LOCK.filepath.as_path());
    Error::io(
        format!("locking the index at {} for writing", dir.display()),
        &path,
        std::io::Error::new(e.kind(), e.to_string()),
    )
}

/// The index writer of `idx` with `budget` bytes, failing at once with
/// [`Error::Busy`] if another writer holds the index.
pub fn writer(idx: &KorsIndex, budget: usize) -> Result<(IndexWriter<TantivyDocument>, Holder)> {
    let writer = match idx.index.writer(budget) {
        Ok(w) => w,
        Err(TantivyError::LockFailure(LockError::LockBusy, _)) => return Err(busy(&idx.dir)),
        Err(TantivyError::LockFailure(LockError::IoError(e), _)) => {
            return Err(lock_io(&idx.dir, &e))
        }
        Err(e) => return Err(e).context("creating the index writer"),
    };
    let holder = note(&idx.dir)?;
    Ok((writer, holder))
}

/// Holds the writer lock of the index in `dir` without opening a writer
/// (for `kors index`, which builds elsewhere and then replaces `dir`).
pub fn hold(dir: &Path) -> Result<(DirectoryLock, Holder)> {
    let lock = hold_unnamed(dir)?;
    Ok((lock, note(dir)?))
}

/// [`hold`] without the pid note, for a moment's hold (`kors add` creating
/// an index): the note is left to the writer that follows, so that a
/// second writer does not find the note gone between the two.
pub fn hold_unnamed(dir: &Path) -> Result<DirectoryLock> {
    let d = MmapDirectory::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    let lock = match d.acquire_lock(&INDEX_WRITER_LOCK) {
        Ok(l) => l,
        Err(LockError::LockBusy) => return Err(busy(dir)),
        Err(LockError::IoError(e)) => return Err(lock_io(dir, &e)),
    };
    Ok(lock)
}
