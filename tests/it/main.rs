//! The one integration-test crate (a module per area), to keep link time down.

mod analysis;
mod cli;
mod copies;
mod corpus;
mod examples;
mod loading;
mod measure;
mod orthography;
mod reliability;
mod search;

use std::path::PathBuf;

use assert_cmd::Command;
use tempfile::TempDir;

/// A `kors` command running in `tmp`, with no environment leaking in.
pub fn kors(tmp: &TempDir) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kors"));
    c.current_dir(tmp.path())
        .env_remove("KORS_INDEX")
        .env_remove("KORS_CORPUS")
        .env_remove("KORS_USER_DICT")
        .env_remove("NO_COLOR");
    c
}

/// `out`, after checking that its command succeeded (naming its stderr if not).
pub fn succeeded(out: std::process::Output) -> std::process::Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `../shared/<rel>` beside the repository (CI lays it there too); fails
/// with a message naming the path when it is missing.
pub fn shared(rel: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    assert!(
        p.exists(),
        "test data missing: {} (the tests read the shared corpora beside the repository)",
        p.display()
    );
    p
}
