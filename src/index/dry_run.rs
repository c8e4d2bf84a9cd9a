//! `kors index --dry-run`: the load without the index. Each document is
//! handed over as a [`Preview`] (what the cleaner dropped and why, and the
//! passages) for the caller to print; nothing is written.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::Result;

use super::document::OptStr;
use super::report::Summary;
use crate::corpus::{self, Document};

/// One item of a dry run, printed by its `Display`.
pub enum Preview<'a> {
    /// A file that is not a corpus file.
    Skipped(&'a Path),
    /// A prepared document.
    Document(&'a Document),
}

/// Prepares every document of `inputs`, handing each to `each`; returns
/// the summary (with rejections).
pub fn dry_run(
    inputs: &[PathBuf],
    skip: &crate::corpus::SkipRules,
    strict: bool,
    mut each: impl FnMut(Preview<'_>) -> std::io::Result<()>,
) -> Result<Summary> {
    let start = Instant::now();
    let mut summary = Summary {
        dry_run: true,
        ..Summary::default()
    };
    let found = corpus::discover_all(inputs, skip);
    summary.rejections.extend(found.rejected);
    summary.excluded = found.excluded;
    for p in &found.skipped {
        each(Preview::Skipped(p))?;
    }
    for f in &found.files {
        for item in corpus::read(f) {
            let mut bytes = 0;
            let doc = match item.and_then(|raw| {
                bytes = raw.bytes as u64;
                corpus::prepare(raw)
            }) {
                Ok(d) => d,
                Err(r) => {
                    summary.reject(r, strict);
                    continue;
                }
            };
            summary.added += 1;
            summary.bytes += bytes;
            summary.passages += doc.passages.len() as u64;
            each(Preview::Document(&doc))?;
        }
    }
    summary.rejected = summary.rejections.len() as u64;
    summary.set_seconds(start.elapsed().as_secs_f64());
    Ok(summary)
}

impl fmt::Display for Preview<'_> {
    /// Lines, each ending in a newline; a document ends with a blank line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let doc = match self {
            Preview::Skipped(p) => {
                return writeln!(f, "skipped (not .txt, .md or .jsonl): {}", p.display())
            }
            Preview::Document(doc) => doc,
        };
        writeln!(
            f,
            "== {} ({}) {:?} lang {} — {} passages, {} bytes, hash {:016x}",
            doc.id,
            doc.rel_path,
            doc.meta.title.opt_str().unwrap_or(""),
            doc.lang,
            doc.passages.len(),
            doc.text.len(),
            doc.content_hash
        )?;
        for d in &doc.dropped {
            writeln!(
                f,
                "  dropped line {}: {}: {:?}",
                d.line_no, d.reason, d.text
            )?;
        }
        for p in &doc.passages {
            writeln!(
                f,
                "  [{}] {}..{} {}: {}",
                p.ordinal,
                p.range.start,
                p.range.end,
                p.lang,
                doc.text[p.range.clone()].replace('\n', "\n      ")
            )?;
        }
        writeln!(f)
    }
}
