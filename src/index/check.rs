//! `kors check`: every file of the last commit against its checksum.
//!
//! tantivy ends each segment file with a footer holding a CRC32 of the rest;
//! nothing checks it when an index is opened (that would read every byte),
//! so a flipped bit shows up, at best, as an odd error at query time. This
//! reads `kors.json` and `meta.json`, then every file the committed segments
//! need, and names each one that is missing, truncated or altered; last it
//! reads every segment whole, as searches would ([`super::read_all`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use serde::Serialize;
use tantivy::Index;

use crate::error::{Error, Result};

/// Extensions tantivy writes for every kors segment (`.del` only with deletes).
const SEGMENT_EXTENSIONS: &[&str] = &["idx", "pos", "term", "store", "fast", "fieldnorm"];

/// One damaged file.
#[derive(Debug, Clone, Serialize)]
pub struct Damage {
    /// File name inside the index directory.
    pub file: String,
    /// What is wrong with it.
    pub reason: String,
}

/// What `kors check` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Index directory.
    pub index: PathBuf,
    /// Segments of the last commit.
    pub segments: usize,
    /// Files whose checksum was verified.
    pub files_checked: usize,
    /// Everything wrong; empty when the index is sound.
    pub damaged: Vec<Damage>,
}

impl Report {
    /// Whether nothing is damaged.
    pub fn ok(&self) -> bool {
        self.damaged.is_empty()
    }

    /// `Err(Error::Damaged)` naming the damaged files, if any.
    pub fn into_result(self) -> Result<Report> {
        if self.ok() {
            return Ok(self);
        }
        let files: Vec<&str> = self.damaged.iter().map(|d| d.file.as_str()).collect();
        Err(Error::Damaged {
            dir: self.index.clone(),
            what: format!("{} damaged file(s): {}", files.len(), files.join(", ")),
        })
    }
}

impl crate::report::Report for Report {
    /// One line per damaged file, then a verdict.
    fn write_human(&self, w: &mut dyn Write, _color: bool) -> io::Result<()> {
        for d in &self.damaged {
            writeln!(w, "damaged: {}: {}", d.file, d.reason)?;
        }
        writeln!(
            w,
            "{}: {} files in {} segment(s) checked, {}",
            self.index.display(),
            self.files_checked,
            self.segments,
            if self.ok() {
                "all sound".to_string()
            } else {
                format!("{} damaged", self.damaged.len())
            }
        )
    }
}

/// Checks the index in `dir`. Problems are listed in the report; `Err` only
/// when there is no index at all.
pub fn check(dir: &Path) -> Result<Report> {
    let mut report = Report {
        index: dir.to_path_buf(),
        segments: 0,
        files_checked: 0,
        damaged: Vec::new(),
    };
    if !super::exists(dir) {
        // Segment files without their commit record are a damaged index,
        // not a missing one.
        if let Ok(super::state::State::Damaged(what)) = super::state::classify(dir) {
            report.damaged.push(damage("meta.json", what));
            return Ok(report);
        }
        return Err(Error::NoIndex(dir.to_path_buf()));
    }
    let mut found = Vec::new();
    if let Err(e) = super::meta::check(dir) {
        found.push(damage(super::meta::FILE_NAME, e.chain()));
    }
    let index = match Index::open_in_dir(dir) {
        Ok(i) => i,
        Err(e) => {
            found.push(damage("meta.json", format!("cannot be read: {e}")));
            report.damaged = found;
            return Ok(report);
        }
    };
    let metas = match index.load_metas() {
        Ok(m) => m,
        Err(e) => {
            found.push(damage("meta.json", format!("cannot be read: {e}")));
            report.damaged = found;
            return Ok(report);
        }
    };
    report.segments = metas.segments.len();
    let mut files: Vec<PathBuf> = Vec::new();
    for seg in &metas.segments {
        let uuid = seg.id().uuid_string();
        for ext in SEGMENT_EXTENSIONS {
            files.push(PathBuf::from(format!("{uuid}.{ext}")));
        }
        if seg.has_deletes() {
            files.push(seg.relative_path(tantivy::index::SegmentComponent::Delete));
        }
    }
    for f in &files {
        let name = f.to_string_lossy();
        if !dir.join(f).is_file() {
            found.push(damage(&name, "missing".into()));
            continue;
        }
        report.files_checked += 1;
        match index.directory().validate_checksum(f) {
            Ok(true) => {}
            Ok(false) => found.push(damage(&name, "checksum mismatch (altered)".into())),
            Err(e) => found.push(damage(
                &name,
                format!("unreadable ({})", short(&e.to_string())),
            )),
        }
    }
    // Sound checksums but unusable all the same (files swapped between
    // segments, an edited max_doc, another tantivy's files): read it as a
    // search would, every segment whole. tantivy may panic on such files.
    if found.is_empty() {
        quiet_panics::install();
        quiet_panics::GUARDS.fetch_add(1, Ordering::SeqCst);
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::read_all::read_all(&index)
        }));
        quiet_panics::GUARDS.fetch_sub(1, Ordering::SeqCst);
        let message = quiet_panics::take();
        match read {
            Ok(Ok(())) => {}
            Ok(Err(e)) => found.push(damage("(index)", e)),
            Err(_) => found.push(damage("(index)", format!("reading it fails: {message}"))),
        }
    }
    report.damaged = found;
    Ok(report)
}

fn damage(file: &str, reason: String) -> Damage {
    Damage {
        file: file.to_string(),
        reason,
    }
}

/// tantivy's messages carry a long hint about old versions; keep the gist.
fn short(s: &str) -> String {
    match s.find("Footer magic byte mismatch") {
        Some(_) => "truncated or not a tantivy file: its footer is missing".into(),
        None => s.chars().take(200).collect(),
    }
}

/// Runs `f`, which reads the index in `dir`, turning a panic into an error.
///
/// tantivy trusts its files: an altered byte can trip an assertion deep in
/// its decoders, or come out as an odd tantivy error. So after a panic, or
/// an error from tantivy, the files are checked, and if any is damaged the
/// error says so and names them. Otherwise a panic is reported as an
/// internal error with its message (and an error as it was). Panics are
/// silent while a guard runs, so the user sees one message, not a backtrace.
pub fn guard<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    quiet_panics::install();
    quiet_panics::GUARDS.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    quiet_panics::GUARDS.fetch_sub(1, Ordering::SeqCst);
    let message = quiet_panics::take();
    match result {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => {
            // Errors of reading, not of the user's input (a bad query…),
            // nor a permission refused (the files may be sound).
            if !e.from_files() || e.permission_denied() {
                return Err(e);
            }
            match check(dir) {
                Ok(report) if !report.ok() => Err(report
                    .into_result()
                    .expect_err("a report with damage is an error")),
                _ => Err(e),
            }
        }
        Err(_) => {
            let what = message;
            match check(dir) {
                Ok(report) if !report.ok() => Err(report
                    .into_result()
                    .expect_err("a report with damage is an error")),
                _ => Err(Error::Internal(format!(
                    "internal error ({what}) while working on the index at {}; \
                     its files pass `kors check`: please report this",
                    dir.display()
                ))),
            }
        }
    }
}

/// The panic hook of [`guard`]: installed once for the process (swapping
/// hooks per call would race between threads), it keeps the first message
/// of a panic while a guard runs and hands any other panic to the hook that
/// was there before.
mod quiet_panics {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, Once};

    /// Guards running now.
    pub static GUARDS: AtomicUsize = AtomicUsize::new(0);
    static MESSAGE: Mutex<String> = Mutex::new(String::new());
    static INSTALL: Once = Once::new();

    pub fn install() {
        INSTALL.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if GUARDS.load(Ordering::SeqCst) == 0 {
                    return previous(info);
                }
                if let Ok(mut m) = MESSAGE.lock() {
                    if m.is_empty() {
                        *m = info.to_string();
                    }
                }
            }));
        });
    }

    /// The message kept, if any (emptied).
    pub fn take() -> String {
        MESSAGE
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
    }
}
