//! The tantivy schema, the index on disk and the ingestion pipeline.
//!
//! An index directory holds tantivy's files plus `kors.json` ([`meta`]).
//! One tantivy document per passage ([`schema`], filled by [`document`]);
//! documents are identified by their corpus id, and re-adding a document
//! replaces all its passages ([`ingest`]). `kors index` builds beside the
//! index and swaps ([`rebuild`]); every load reports a [`report::Summary`].

pub mod check;
pub mod copies;
pub mod doc_ids;
pub mod document;
pub mod dry_run;
pub mod ingest;
pub mod lock;
pub mod meta;
pub mod orphans;
pub mod read_all;
pub mod read_only;
pub mod rebuild;
pub mod rejected;
pub mod report;
pub mod schema;
pub mod state;
pub mod stats;
pub mod swap;

use std::path::{Path, PathBuf};

use crate::error::{Context, Result};
use tantivy::Index;

pub use crate::analysis::AnalyzerKind;
use crate::error::{Error, IoContext};
pub use schema::Fields;

/// Default index directory (relative to the working directory).
pub const DEFAULT_DIR: &str = "index";

/// An open kors index.
pub struct KorsIndex {
    /// Directory of the index.
    pub dir: PathBuf,
    /// The tantivy index, with kors's tokenizers registered.
    pub index: Index,
    /// The schema's fields.
    pub fields: Fields,
    /// The analyzer of `text` and `title`, chosen when the index was built.
    pub analyzer: AnalyzerKind,
}

/// Whether `dir` holds an index (of any version).
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

impl KorsIndex {
    /// Opens the index in `dir`, refusing one of another version.
    pub fn open(dir: &Path) -> Result<KorsIndex> {
        if !exists(dir) {
            // Segments without meta.json are a damaged index, not none.
            if let Ok(state::State::Damaged(what)) = state::classify(dir) {
                return Err(state::damaged(dir, what));
            }
            return Err(Error::NoIndex(dir.to_path_buf()));
        }
        let kind = meta::check(dir)?.kind().unwrap_or_default();
        let opening = || format!("opening the index at {}", dir.display());
        let directory = read_only::LockFreeReads::open(dir).with_context(opening)?;
        let index = Index::open(directory).with_context(opening)?;
        Self::wrap(dir, index, kind)
    }

    /// Creates a new, empty index in `dir` (created if missing; must not
    /// already hold an index).
    pub fn create(dir: &Path) -> Result<KorsIndex> {
        Self::create_with(dir, AnalyzerKind::Morph)
    }

    /// [`KorsIndex::create`] with `kind` analyzing text and titles.
    pub fn create_with(dir: &Path, kind: AnalyzerKind) -> Result<KorsIndex> {
        std::fs::create_dir_all(dir).at("creating index directory", dir)?;
        // kors.json first: a reader that sees meta.json (what `exists` looks
        // for) must find kors.json complete beside it.
        meta::write(dir, kind)?;
        let index = Index::create_in_dir(dir, schema::build(kind))
            .with_context(|| format!("creating an index in {}", dir.display()))?;
        Self::wrap(dir, index, kind)
    }

    fn wrap(dir: &Path, index: Index, analyzer: AnalyzerKind) -> Result<KorsIndex> {
        schema::register_tokenizers(&index);
        let fields = Fields::of(&index.schema())?;
        Ok(KorsIndex {
            dir: dir.to_path_buf(),
            index,
            fields,
            analyzer,
        })
    }

    /// A reader that sees the last commit (reloaded manually).
    pub fn reader(&self) -> Result<tantivy::IndexReader> {
        // Opening maps every segment file: a truncated one fails here, with a
        // tantivy message that does not say what to do.
        self.index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .with_context(|| {
                format!(
                    "reading the index at {} (`kors check` names damaged files)",
                    self.dir.display()
                )
            })
    }
}

/// Opens the index in `dir` and runs `f` on it; once more if a file it
/// needed vanished. A rebuild exchanges the whole directory: a reader that
/// read the old `meta.json` may then look for the old segments in the new
/// directory. The second time it reads the new index, whole.
pub fn read_retrying<T>(dir: &Path, f: impl Fn(&KorsIndex) -> Result<T>) -> Result<T> {
    let run = || KorsIndex::open(dir).and_then(|idx| f(&idx));
    match run() {
        Err(e) if e.vanished_file() => run(),
        r => r,
    }
}
