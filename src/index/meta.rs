//! `kors.json`: what built an index, written beside tantivy's `meta.json`.
//! An index whose schema or analyzer version differs from this build's is
//! refused with a message saying to rebuild it.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{IoContext, Result};
use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use crate::analysis;
use crate::error::Error;

/// File name of kors's meta file inside the index directory.
pub const FILE_NAME: &str = "kors.json";

/// Contents of `kors.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KorsMeta {
    /// [`SCHEMA_VERSION`] of the build that wrote the index.
    pub schema_version: u32,
    /// Tokenizer name of the analyzer chosen at index time
    /// ([`analysis::AnalyzerKind::tokenizer_name`]; `kors` for morph).
    pub analyzer: String,
    /// [`analysis::AnalyzerKind::version`] of that analyzer.
    pub analyzer_version: u32,
    /// Version of kors that created the index (informative).
    pub created_by: String,
}

impl KorsMeta {
    /// The meta this build writes for the default (morph) analyzer.
    pub fn current() -> KorsMeta {
        KorsMeta::for_analyzer(analysis::AnalyzerKind::Morph)
    }

    /// The meta this build writes for an index analyzed by `kind`.
    pub fn for_analyzer(kind: analysis::AnalyzerKind) -> KorsMeta {
        KorsMeta {
            schema_version: SCHEMA_VERSION,
            analyzer: kind.tokenizer_name().to_string(),
            analyzer_version: kind.version(),
            created_by: format!("kors {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The analyzer the index was built with, if this build knows it.
    pub fn kind(&self) -> Option<analysis::AnalyzerKind> {
        analysis::AnalyzerKind::from_tokenizer_name(&self.analyzer)
    }

    fn describe(&self) -> String {
        format!(
            "schema v{}, analyzer `{}` v{}",
            self.schema_version, self.analyzer, self.analyzer_version
        )
    }

    /// Whether an index with this meta can be read and extended by this build.
    pub fn compatible(&self) -> bool {
        self.schema_version == SCHEMA_VERSION
            && self
                .kind()
                .is_some_and(|k| self.analyzer_version == k.version())
    }
}

/// Writes the meta of an index analyzed by `kind` into `dir`.
pub fn write(dir: &Path, kind: analysis::AnalyzerKind) -> Result<()> {
    let path = dir.join(FILE_NAME);
    let json = serde_json::to_string_pretty(&KorsMeta::for_analyzer(kind))?;
    // Synced: a rebuild swaps the directory in right after, and an index
    // must not survive a power cut without its version record.
    let mut f = fs::File::create(&path).at("writing", &path)?;
    f.write_all((json + "\n").as_bytes()).at("writing", &path)?;
    f.sync_all().at("syncing", &path)
}

/// Reads `dir`'s meta and checks that this build can use the index.
pub fn check(dir: &Path) -> Result<KorsMeta> {
    let path = dir.join(FILE_NAME);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Incompatible {
                dir: dir.to_path_buf(),
                found: format!("no {FILE_NAME}"),
                expected: KorsMeta::current().describe(),
            })
        }
        Err(e) => return Err(e).at("reading", &path),
    };
    let meta: KorsMeta = serde_json::from_str(&text).map_err(|e| Error::Incompatible {
        dir: dir.to_path_buf(),
        found: format!("an unreadable {FILE_NAME} ({e})"),
        expected: KorsMeta::current().describe(),
    })?;
    if !meta.compatible() {
        return Err(Error::Incompatible {
            dir: dir.to_path_buf(),
            found: meta.describe(),
            expected: KorsMeta::current().describe(),
        });
    }
    Ok(meta)
}

/// Gives tantivy's `meta.json` and `.managed.json` the permissions of
/// `kors.json`, which was created under the user's umask: tantivy writes
/// them through temporary files of mode 0600, so that no one else could
/// read an index its owner meant to share.
pub fn share_modes(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let Ok(ours) = fs::metadata(dir.join(FILE_NAME)) else {
            return Ok(());
        };
        let mode = ours.permissions().mode() & 0o666;
        for name in ["meta.json", ".managed.json"] {
            let path = dir.join(name);
            if let Ok(m) = fs::metadata(&path) {
                if m.permissions().mode() & 0o777 != mode {
                    fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                        .at("setting the permissions of", &path)?;
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
