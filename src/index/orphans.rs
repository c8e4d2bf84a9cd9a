//! After a load fails (a full disk, a file-size limit): the segment files
//! it wrote and no commit refers to are removed, and a full disk is told
//! how much room a load needs.
//!
//! Only files this load created are candidates (the directory is listed
//! when the load starts, under the writer lock), and of those only segment
//! files that the last commit (`meta.json`) does not name.

use std::collections::HashSet;
use std::path::Path;

use crate::error::Error;

/// The names of the files in `dir` now.
pub fn files_of(dir: &Path) -> HashSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The segments the last commit of `dir` names (their 32-hex ids).
fn committed_segments(dir: &Path) -> Option<HashSet<String>> {
    let text = std::fs::read_to_string(dir.join("meta.json")).ok()?;
    let meta: serde_json::Value = serde_json::from_str(&text).ok()?;
    Some(
        meta["segments"]
            .as_array()?
            .iter()
            .filter_map(|s| s["segment_id"].as_str())
            .map(|id| id.replace('-', ""))
            .collect(),
    )
}

/// Removes the segment files created since `before` that no commit names;
/// returns how many bytes they held.
pub fn remove_orphans(dir: &Path, before: &HashSet<String>) -> u64 {
    let Some(committed) = committed_segments(dir) else {
        // No readable commit record: remove nothing.
        return 0;
    };
    let mut freed = 0;
    for name in files_of(dir).difference(before) {
        let uuid = name.split('.').next().unwrap_or_default();
        if super::state::is_own_file(name) && uuid.len() == 32 && !committed.contains(uuid) {
            let path = dir.join(name);
            let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if std::fs::remove_file(&path).is_ok() {
                freed += len;
            }
        }
    }
    freed
}

/// Whether `e` comes from a full disk.
fn no_space(e: &Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.raw_os_error() == Some(libc::ENOSPC))
            || c.to_string().contains("No space left on device")
        {
            return true;
        }
        cause = c.source();
    }
    false
}

/// The error of a failed load into `dir`, after its orphan files are
/// removed; on a full disk it says how much room the load needs: about
/// twice its input (the new segments, then their merge beside them).
pub fn after_failure(dir: &Path, before: &HashSet<String>, input_bytes: u64, e: Error) -> Error {
    let freed = remove_orphans(dir, before);
    if !no_space(&e) {
        return e;
    }
    Error::failed(
        format!(
            "the disk holding {} is full: this load needs about {:.0} MB free \
             (twice its {:.1} MB of input, for new segments and their merging); \
             the {:.1} MB it had written were removed and the index is at its last commit",
            dir.display(),
            (2 * input_bytes) as f64 / 1e6,
            input_bytes as f64 / 1e6,
            freed as f64 / 1e6
        ),
        e,
    )
}
