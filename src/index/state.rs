//! What lies at an index path, decided once for every command: nothing, an
//! empty directory, kors's own leftovers, an index, a damaged index, or
//! someone else's files. kors creates, replaces or deletes only what it
//! wrote: `add` and `index` refuse foreign files and a damaged index is
//! never taken for an empty one.
//!
//! kors's own files are tantivy's (`meta.json`, `.managed.json`, its locks,
//! segment files `<32 hex>.<ext>`, `.tmp*` files of its atomic writes) and
//! kors's (`kors.json`, the writer's pid note). A directory holding only
//! bookkeeping (no segment file, no `meta.json`) is what a command killed
//! before its first commit leaves: kors's own, and reused.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};

/// What an index path holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Nothing at the path.
    Missing,
    /// An empty directory.
    Empty,
    /// Only kors's bookkeeping (locks, pid note, `kors.json`): what a run
    /// killed before creating its index leaves. Reused as if empty.
    Leftovers,
    /// An index (`meta.json` is there). `foreign` names files in it that
    /// kors did not write.
    Index {
        /// Files and directories kors did not write, by name.
        foreign: Vec<String>,
    },
    /// Segment files without `meta.json`: an index that lost its commit
    /// record. Never treated as empty.
    Damaged(String),
    /// Files kors did not write, and no index.
    Foreign(Vec<String>),
}

/// Tantivy's segment file extensions (`.del` files carry an opstamp too).
const SEGMENT_EXTENSIONS: &[&str] = &["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];

/// Bookkeeping files: kors's and tantivy's, never a document's data.
const BOOKKEEPING: &[&str] = &[
    super::meta::FILE_NAME,
    super::lock::PID_FILE,
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

/// Whether a file named `name` inside an index directory is a segment file.
fn is_segment_file(name: &str) -> bool {
    let mut parts = name.split('.');
    let (Some(uuid), Some(first)) = (parts.next(), parts.next()) else {
        return false;
    };
    let ext = parts.next_back().unwrap_or(first);
    uuid.len() == 32
        && uuid.bytes().all(|b| b.is_ascii_hexdigit())
        && SEGMENT_EXTENSIONS.contains(&ext)
}

/// Whether kors (or tantivy, for kors) writes files named `name` into an
/// index directory.
pub fn is_own_file(name: &str) -> bool {
    name == "meta.json"
        || BOOKKEEPING.contains(&name)
        || name.starts_with(".tmp")
        || is_segment_file(name)
}

/// Classifies `dir`. Only reads.
pub fn classify(dir: &Path) -> Result<State> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::Missing),
        Err(e) => return Err(e).at("reading the index path", dir),
    };
    if !meta.is_dir() && !fs::metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Ok(State::Foreign(vec![dir.display().to_string()]));
    }
    let (mut foreign, mut segments, mut any, mut has_meta) = (Vec::new(), 0usize, false, false);
    for e in fs::read_dir(dir).at("reading", dir)? {
        let e = e.at("reading", dir)?;
        any = true;
        let name = e.file_name().to_string_lossy().into_owned();
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if name == "meta.json" {
            has_meta = true;
        } else if is_file && is_segment_file(&name) {
            segments += 1;
        } else if !(is_file && is_own_file(&name)) {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(if has_meta {
        State::Index { foreign }
    } else if !foreign.is_empty() {
        State::Foreign(foreign)
    } else if segments > 0 {
        State::Damaged(format!(
            "meta.json (the record of its last commit) is missing beside {segments} segment file(s)"
        ))
    } else if any {
        State::Leftovers
    } else {
        State::Empty
    })
}

/// A short list of names for a message: the first few, then how many more.
fn some_names(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

/// The error for a path that holds files kors did not write.
pub fn refuse_foreign(dir: &Path, names: &[String]) -> Error {
    Error::Usage(format!(
        "refusing to write an index at {}: it is not empty and holds no index ({}); \
         kors writes only into a new or empty directory or an index: choose another --index",
        dir.display(),
        some_names(names)
    ))
}

/// The error for an index that holds files kors did not write, which a
/// rebuild would have to delete.
pub fn refuse_replace(dir: &Path, names: &[String]) -> Error {
    Error::Usage(format!(
        "refusing to replace the index at {}: it holds files kors did not write ({}); \
         move them out of it first",
        dir.display(),
        some_names(names)
    ))
}

/// The error for a damaged index.
pub fn damaged(dir: &Path, what: String) -> Error {
    Error::Damaged {
        dir: dir.to_path_buf(),
        what,
    }
}

/// Removes the index directory `dir` that kors replaced: its own files,
/// then the directory if nothing else is left. Returns what it kept.
pub fn remove_own(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut kept = Vec::new();
    for e in fs::read_dir(dir).at("reading", dir)? {
        let e = e.at("reading", dir)?;
        let name = e.file_name().to_string_lossy().into_owned();
        if e.file_type().is_ok_and(|t| t.is_file()) && is_own_file(&name) {
            fs::remove_file(e.path()).at("removing", &e.path())?;
        } else {
            kept.push(e.path());
        }
    }
    if kept.is_empty() {
        fs::remove_dir(dir).at("removing", dir)?;
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_kors_files() {
        for own in [
            "meta.json",
            "kors.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "kors-writer.pid",
            ".tmpAbC123",
            "0123456789abcdef0123456789abcdef.store",
            "0123456789abcdef0123456789abcdef.17.del",
        ] {
            assert!(is_own_file(own), "{own}");
        }
        for other in [
            "precious.txt",
            "notes.json",
            "0123456789abcdef.store",
            "0123456789abcdef0123456789abcdeg.idx",
            "0123456789abcdef0123456789abcdef.txt",
        ] {
            assert!(!is_own_file(other), "{other}");
        }
    }
}
