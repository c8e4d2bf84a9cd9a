//! The one integration-test crate (a module per area), to keep link time down.

mod analysis;
mod cli;
mod corpus;
mod measure;
mod orthography;
mod reliability;

use std::path::PathBuf;

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
