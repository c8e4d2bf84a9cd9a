//! What a load did: the summary of `kors index`/`kors add` (counts, bytes,
//! time, rate), and the size and rate formats that `kors stats` shares.

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::{Serialize, Serializer};

use super::copies::CopyCounts;
use super::doc_ids::IdCollision;
use super::ingest::Tokenize;
use super::rejected::{self, Detail};
use crate::corpus::{Rejection, Skipped};
use crate::error::Exit;
use crate::report::Report;

/// What an ingestion did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Index directory.
    pub index: PathBuf,
    /// Whether the index was (re)built from scratch.
    pub rebuilt: bool,
    /// Documents new to the index.
    pub added: u64,
    /// Documents that replaced an older version.
    pub replaced: u64,
    /// Documents skipped because the same content was already indexed.
    pub unchanged: u64,
    /// Inputs rejected (files, lines or documents).
    pub rejected: u64,
    /// Passages written.
    pub passages: u64,
    /// Bytes of input read for the documents ingested (added, replaced or unchanged).
    pub bytes: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// `bytes` per second, in MB (10^6).
    pub mb_per_s: f64,
    /// Where tokenization ran.
    pub tokenize: Option<Tokenize>,
    /// Whether SIGINT stopped the run early.
    pub interrupted: bool,
    /// Why a rebuild was abandoned and the old index kept, if it was
    /// (serialised as a flag).
    #[serde(serialize_with = "is_some")]
    pub kept_old_index: Option<KeptOld>,
    /// Every rejection.
    pub rejections: Vec<Rejection>,
    /// Documents with no text, skipped (rejected instead with `--strict`).
    pub empty: u64,
    /// The first [`Summary::MAX_EMPTY`] of them.
    #[serde(skip)]
    pub empties: Vec<Rejection>,
    /// Paths a `.korsignore`, `--exclude` or the describing-file rule left out.
    pub excluded: Vec<Skipped>,
    /// How much to say on stderr.
    #[serde(skip)]
    pub detail: Detail,
    /// Documents given an id that an earlier document of the load had.
    pub id_collisions: u64,
    /// The first [`Summary::MAX_COLLISIONS`] of them.
    pub collisions: Vec<IdCollision>,
    /// A `--dry-run`: nothing was written.
    #[serde(skip)]
    pub dry_run: bool,
    /// Documents written that copy an earlier one (all are kept; a search
    /// shows a story once).
    pub copies: CopyCounts,
}

/// Why a rebuild left the old index in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptOld {
    /// SIGINT stopped it.
    Interrupted,
    /// No input became a document.
    NothingIndexed,
}

impl fmt::Display for KeptOld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeptOld::Interrupted => "rebuild interrupted",
            KeptOld::NothingIndexed => "no document could be indexed",
        })
    }
}

/// "; 801 copies of earlier documents (3 near)", or nothing.
fn copies_clause(c: &CopyCounts) -> String {
    match (c.exact + c.near, c.near) {
        (0, _) => String::new(),
        (1, 0) => "; 1 exact copy of an earlier document".into(),
        (1, _) => "; 1 near-copy of an earlier document".into(),
        (n, 0) => format!("; {n} copies of earlier documents"),
        (n, near) => format!("; {n} copies of earlier documents ({near} near)"),
    }
}

fn is_some<T, S: Serializer>(v: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(v.is_some())
}

impl Report for Summary {
    /// One line; the rejections are notes, apart.
    fn write_human(&self, w: &mut dyn Write, _color: bool) -> io::Result<()> {
        if self.detail == Detail::Quiet {
            return Ok(());
        }
        if self.dry_run {
            return writeln!(
                w,
                "dry run: {} documents, {} passages, {} rejected; nothing written",
                self.added, self.passages, self.rejected
            );
        }
        writeln!(
            w,
            "{}: {} added, {} replaced, {} unchanged, {} rejected; {} passages, {} in {:.2} s ({:.2} MB/s){}{}",
            self.index.display(),
            self.added,
            self.replaced,
            self.unchanged,
            self.rejected,
            self.passages,
            human_bytes(self.bytes),
            self.seconds,
            self.mb_per_s,
            copies_clause(&self.copies),
            if self.interrupted { " — interrupted" } else { "" }
        )
    }

    /// An abandoned rebuild, each rejection, then ids given twice.
    fn notes(&self) -> Vec<String> {
        let kept = self.kept_old_index.map(|why| {
            format!(
                "{why}; the old index at {} is unchanged",
                self.index.display()
            )
        });
        const SHOWN: usize = 10;
        let more = (self.id_collisions > SHOWN as u64).then(|| {
            format!(
                "warning: {} more documents had an id given before in this load",
                self.id_collisions - SHOWN as u64
            )
        });
        let told = rejected::notes(
            &self.rejections,
            &self.empties,
            self.empty,
            &self.excluded,
            self.detail,
        );
        let quiet = self.detail == Detail::Quiet;
        kept.into_iter()
            .chain(told)
            .chain(
                self.collisions
                    .iter()
                    .take(if quiet { 0 } else { SHOWN })
                    .map(|c| format!("warning: {c}")),
            )
            .chain(more.filter(|_| !quiet))
            .collect()
    }

    fn exit(&self) -> Exit {
        if self.interrupted {
            Exit::Interrupted
        } else if self.rejected > 0 {
            Exit::Rejected
        } else {
            Exit::Ok
        }
    }
}

impl Summary {
    /// Collisions kept for the report (all are counted).
    pub const MAX_COLLISIONS: usize = 100;

    /// Empty documents kept for the report (all are counted).
    pub const MAX_EMPTY: usize = 100;

    /// Records a rejection; a document with no text is a counted skip
    /// unless `strict`.
    pub fn reject(&mut self, r: Rejection, strict: bool) {
        if r.empty && !strict {
            self.empty += 1;
            if self.empties.len() < Self::MAX_EMPTY {
                self.empties.push(r);
            }
        } else {
            self.rejections.push(r);
        }
    }

    /// Counts a collision of ids, keeping the first ones.
    pub fn collided(&mut self, c: IdCollision) {
        self.id_collisions += 1;
        if self.collisions.len() < Self::MAX_COLLISIONS {
            self.collisions.push(c);
        }
    }

    /// Sets the wall-clock time, and the rate from it.
    pub fn set_seconds(&mut self, seconds: f64) {
        self.seconds = seconds;
        self.mb_per_s = mb_per_s(self.bytes, seconds);
    }
}

/// `bytes` over `seconds`, in MB (10^6) per second.
pub fn mb_per_s(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / 1e6 / seconds.max(1e-9)
}

/// `1234` → "1.2 kB", `3_400_000` → "3.4 MB".
pub fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}
