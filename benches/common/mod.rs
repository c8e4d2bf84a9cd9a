//! What the benches share: fixed slices of `../shared/corpora`.

use std::path::{Path, PathBuf};

/// The text of a file of the shared corpora (`rel` below `corpora/`).
pub fn read_corpus(rel: &str) -> String {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(rel);
    std::fs::read_to_string(&src)
        .unwrap_or_else(|e| panic!("bench data missing: {}: {e}", src.display()))
}

/// Writes the first `limit` bytes (whole lines) of a shared JSONL corpus to
/// `dir` and returns the file and its size.
#[allow(dead_code)] // not every bench writes slices
pub fn slice(rel: &str, limit: usize, dir: &Path) -> (PathBuf, u64) {
    let data = read_corpus(rel);
    let mut out = String::new();
    for line in data.lines() {
        if out.len() >= limit {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    let path = dir.join(Path::new(rel).file_name().unwrap());
    std::fs::write(&path, &out).unwrap();
    (path, out.len() as u64)
}
