//! Ingestion: corpus files → passages → tantivy documents.
//!
//! A reader thread streams raw documents (JSONL is read line by line) into a
//! bounded channel; the main thread takes them in small batches and prepares
//! them (clean, split, analyse) in parallel with rayon; the rayon workers add
//! the resulting tantivy documents to the one `IndexWriter` (whose
//! `add_document`/`delete_term` take `&self`). Memory stays bounded by the
//! channel, one batch and the writer's budget. The writer commits every
//! `commit_interval` (and every `commit_every` documents if set) and at the
//! end; SIGINT stops reading, commits what is done and reports
//! `interrupted`. Commits are timed, not counted: each one closes a segment
//! per indexing thread, and committing every 1,000 KCNA stories cost a
//! third of the English ingest rate in segments and merges.
//!
//! Identity is the corpus document id: a document already in the index with
//! the same content hash is skipped (`unchanged`); with another hash, its
//! passages are deleted (`delete_term` on `doc`) and re-added (`replaced`).

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::{exists, KorsIndex};
use crate::analysis;
use crate::corpus::{self, Document, Rejection};

/// Where passage text is tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tokenize {
    /// In tantivy's indexing threads (plain text handed to the writer).
    Tantivy,
    /// In the rayon workers, handing `PreTokenizedString`s to the writer.
    Rayon,
}

/// Ingestion options (resolved from the command line).
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Writer memory budget in MiB.
    pub memory_mb: usize,
    /// Commit at least this often (and at the end).
    pub commit_interval: std::time::Duration,
    /// Also commit after this many documents.
    pub commit_every: Option<usize>,
    /// Where to tokenize.
    pub tokenize: Tokenize,
    /// Show a progress bar (only honoured when stderr is a terminal).
    pub progress: bool,
    /// Set by the SIGINT handler.
    pub interrupt: Arc<AtomicBool>,
    /// Analyzer of a newly created index (an existing index keeps its own).
    pub analyzer: analysis::AnalyzerKind,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            memory_mb: 128,
            commit_interval: std::time::Duration::from_secs(30),
            commit_every: None,
            tokenize: Tokenize::Tantivy,
            progress: true,
            interrupt: Arc::new(AtomicBool::new(false)),
            analyzer: analysis::AnalyzerKind::Morph,
        }
    }
}

/// One rejected input.
#[derive(Debug, Clone, Serialize)]
pub struct RejectionReport {
    /// File.
    pub path: PathBuf,
    /// 1-based line, when one line is concerned.
    pub line: Option<usize>,
    /// Field concerned, if any.
    pub field: Option<String>,
    /// Why.
    pub reason: String,
    /// `path:line: field: reason`.
    pub message: String,
}

impl From<&Rejection> for RejectionReport {
    fn from(r: &Rejection) -> Self {
        RejectionReport {
            path: r.path.clone(),
            line: r.line,
            field: r.field.clone(),
            reason: r.reason.clone(),
            message: r.to_string(),
        }
    }
}

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
    /// Whether a rebuild was abandoned (interrupted, or nothing indexed) and
    /// the old index kept.
    pub kept_old_index: bool,
    /// Every rejection.
    pub rejections: Vec<RejectionReport>,
}

impl Summary {
    /// Writes the human summary (rejections first, one per line).
    pub fn write_human(&self, mut w: impl Write) -> std::io::Result<()> {
        for r in &self.rejections {
            writeln!(w, "rejected: {}", r.message)?;
        }
        writeln!(
            w,
            "{}: {} added, {} replaced, {} unchanged, {} rejected; {} passages, {} in {:.2} s ({:.2} MB/s){}",
            self.index.display(),
            self.added,
            self.replaced,
            self.unchanged,
            self.rejected,
            self.passages,
            human_bytes(self.bytes),
            self.seconds,
            self.mb_per_s,
            if self.interrupted { " — interrupted" } else { "" }
        )
    }
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

enum Outcome {
    Indexed {
        replaced: bool,
        passages: u64,
        bytes: u64,
    },
    Unchanged {
        bytes: u64,
    },
    Rejected(Box<Rejection>),
}

/// Builds the index in `dir` from scratch from `inputs`: into a temporary
/// sibling directory, swapped in when done, so a failed rebuild leaves the
/// old index. A rebuild that was interrupted or indexed no document at all
/// is swapped in only if there was no index before.
pub fn rebuild(dir: &Path, inputs: &[PathBuf], opts: &IngestOptions) -> Result<Summary> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".into());
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if dir.exists() && !exists(dir) && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "refusing to replace {}: it is not empty and holds no index",
            dir.display()
        );
    }
    // A writer busy on the old index would lose its work when the new one is
    // swapped in: hold its lock (or fail at once) until then.
    let _old_lock = if exists(dir) {
        Some(super::lock::hold(dir)?)
    } else {
        None
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    remove_stale_siblings(&parent, &name);
    let tmp = parent.join(format!(".{name}.new-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    let result = (|| {
        let idx = KorsIndex::create_with(&tmp, opts.analyzer)?;
        let mut summary = ingest(&idx, inputs, HashMap::new(), opts)?;
        if !summary.interrupted {
            let merge_start = Instant::now();
            merge_segments(&idx, opts)?;
            summary.seconds += merge_start.elapsed().as_secs_f64();
            summary.mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
        }
        Ok(summary)
    })();
    let mut summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let keep_old = if !exists(dir) {
        None
    } else if summary.interrupted {
        Some("rebuild interrupted")
    } else if summary.added == 0 {
        Some("no document could be indexed")
    } else {
        None
    };
    if let Some(why) = keep_old {
        let _ = std::fs::remove_dir_all(&tmp);
        eprintln!(
            "kors: {why}; the old index at {} is unchanged",
            dir.display()
        );
        summary.kept_old_index = true;
    } else {
        // Written again now that the writer is gone (belt and braces: the
        // index must never be swapped in without its version record).
        super::meta::write_for(&tmp, opts.analyzer)?;
        // An index created at `dir` meanwhile (by `kors add`) may have a
        // writer: replacing it under that writer would lose its work.
        let _new_lock = match (&_old_lock, exists(dir)) {
            (None, true) => match super::lock::hold(dir) {
                Ok(l) => Some(l),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&tmp);
                    return Err(e);
                }
            },
            _ => None,
        };
        swap_in(&tmp, dir, &parent, &name)?;
    }
    summary.index = dir.to_path_buf();
    summary.rebuilt = true;
    Ok(summary)
}

/// Removes the `.NAME.new-PID` and `.NAME.old-PID` directories that a
/// rebuild killed before its end left beside the index (their PID gone).
fn remove_stale_siblings(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let pid = [".new-", ".old-"].iter().find_map(|kind| {
            file.strip_prefix(&format!(".{name}{kind}"))
                .and_then(|p| p.parse::<u32>().ok())
        });
        if pid.is_some_and(|p| p != std::process::id() && !super::lock::alive(p)) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Swaps directories `a` and `b` in one step (Linux `renameat2`), so that a
/// crash cannot leave neither index in place.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two valid NUL-terminated paths, relative to the cwd.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

fn swap_in(tmp: &Path, dir: &Path, parent: &Path, name: &str) -> Result<()> {
    if dir.exists() {
        if exchange(tmp, dir).is_ok() {
            // `tmp` now holds the old index.
            return std::fs::remove_dir_all(tmp)
                .with_context(|| format!("removing the old index {}", tmp.display()));
        }
        // No atomic exchange here (old kernel, other file system): two
        // renames, with a short window where `dir` is missing.
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(dir, &old)
            .with_context(|| format!("moving the old index {} aside", dir.display()))?;
        if let Err(e) = std::fs::rename(tmp, dir) {
            let _ = std::fs::rename(&old, dir);
            return Err(e).with_context(|| format!("moving the new index to {}", dir.display()));
        }
        std::fs::remove_dir_all(&old)
            .with_context(|| format!("removing the old index {}", old.display()))?;
    } else {
        std::fs::rename(tmp, dir)
            .with_context(|| format!("moving the new index to {}", dir.display()))?;
    }
    Ok(())
}

/// Adds `inputs` to the index in `dir`, creating it if there is none.
pub fn add(dir: &Path, inputs: &[PathBuf], opts: &IngestOptions) -> Result<Summary> {
    let (idx, _created) = KorsIndex::open_or_create_with(dir, opts.analyzer)?;
    let known = indexed_hashes(&idx)?;
    let mut summary = ingest(&idx, inputs, known, opts)?;
    summary.index = dir.to_path_buf();
    Ok(summary)
}

/// Content hash of every document in the index, by document id.
pub fn indexed_hashes(idx: &KorsIndex) -> Result<HashMap<String, u64>> {
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let mut map = HashMap::new();
    let mut buf = String::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let Some(ids) = ff.str(super::schema::name::DOC)? else {
            continue;
        };
        let hashes = ff.u64(super::schema::name::HASH)?;
        let alive = seg.alive_bitset();
        for d in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(d)) {
                continue;
            }
            let (Some(ord), Some(h)) = (ids.term_ords(d).next(), hashes.first(d)) else {
                continue;
            };
            ids.ord_to_str(ord, &mut buf)?;
            map.insert(buf.clone(), h);
        }
    }
    Ok(map)
}

/// Merges a freshly built index into one segment before it is swapped in:
/// a query then looks each term up once instead of once per segment (on the
/// KCNA stories, 7 segments → 1 halved the median query latency), for a
/// few percent of the build's time.
fn merge_segments(idx: &KorsIndex, opts: &IngestOptions) -> Result<()> {
    let ids = idx.index.searchable_segment_ids()?;
    if ids.len() > 1 {
        let mut writer: IndexWriter = idx
            .index
            .writer(opts.memory_mb.max(16) * 1024 * 1024)
            .context("opening the new index to merge it")?;
        writer.merge(&ids).wait().context("merging segments")?;
        writer
            .wait_merging_threads()
            .context("waiting for merges")?;
    }
    Ok(())
}

fn ingest(
    idx: &KorsIndex,
    inputs: &[PathBuf],
    known: HashMap<String, u64>,
    opts: &IngestOptions,
) -> Result<Summary> {
    let start = Instant::now();
    let mut summary = Summary {
        tokenize: Some(opts.tokenize),
        ..Summary::default()
    };
    let (files, rejections) = corpus::discover(inputs);
    for r in &rejections {
        summary.rejections.push(r.into());
    }
    let budget = opts.memory_mb.max(16) * 1024 * 1024;
    // Fails at once, naming the holder, if another process writes the index.
    let (mut writer, _holder) = super::lock::writer(idx, budget)?;
    let known = Mutex::new(known);
    let total_bytes: u64 = files.iter().map(|f| f.len).sum();
    let bar = progress_bar(opts.progress, total_bytes);
    let mut docs_seen = 0u64;
    let interrupt = &opts.interrupt;

    const BATCH: usize = 64;
    let (tx, rx) = sync_channel::<Result<corpus::RawDocument, Rejection>>(4 * BATCH);
    let mut since_commit = 0usize;
    let mut last_commit = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        // Owned here so that an early error return drops it, which ends the
        // reader thread (blocked in `send`) before the scope joins it.
        let rx = rx;
        let files = &files;
        s.spawn(move || {
            for f in files {
                for item in corpus::read(f) {
                    if interrupt.load(Ordering::Relaxed) || tx.send(item).is_err() {
                        return;
                    }
                }
            }
        });
        let mut batch = Vec::with_capacity(BATCH);
        let mut done = false;
        // One version of a document per batch: a batch is processed in
        // parallel, and two versions of one id racing there (delete, add)
        // would leave either one, or both. A repeated id starts the next
        // batch, so the last version in the input wins.
        let mut ids = HashSet::new();
        let mut held: Option<Result<corpus::RawDocument, Rejection>> = None;
        while !done {
            batch.clear();
            ids.clear();
            if let Some(item) = held.take() {
                if let Ok(raw) = &item {
                    ids.insert(raw.id());
                }
                batch.push(item);
            }
            while batch.len() < BATCH {
                match rx.recv() {
                    Ok(item) => {
                        let fresh = match &item {
                            Ok(raw) => ids.insert(raw.id()),
                            Err(_) => true,
                        };
                        if !fresh {
                            held = Some(item);
                            break;
                        }
                        batch.push(item);
                    }
                    Err(_) => {
                        done = true;
                        break;
                    }
                }
            }
            let outcomes: Vec<Result<Outcome>> = batch
                .par_drain(..)
                .map(|item| process(idx, &writer, &known, opts.tokenize, item))
                .collect();
            for o in outcomes {
                let o = match o {
                    Ok(o) => o,
                    Err(e) => return Err(writer_failure(&mut writer, e)),
                };
                match o {
                    Outcome::Indexed {
                        replaced,
                        passages,
                        bytes,
                    } => {
                        if replaced {
                            summary.replaced += 1;
                        } else {
                            summary.added += 1;
                        }
                        summary.passages += passages;
                        summary.bytes += bytes;
                        since_commit += 1;
                    }
                    Outcome::Unchanged { bytes } => {
                        summary.unchanged += 1;
                        summary.bytes += bytes;
                    }
                    Outcome::Rejected(r) => summary.rejections.push((&*r).into()),
                }
                docs_seen += 1;
                if let Some(bar) = &bar {
                    let secs = bar.elapsed().as_secs_f64().max(1e-3);
                    bar.set_position(summary.bytes);
                    bar.set_message(format!(
                        "{docs_seen} docs ({:.0}/s)",
                        docs_seen as f64 / secs
                    ));
                }
            }
            if opts.commit_every.is_some_and(|n| since_commit >= n.max(1))
                || (since_commit > 0 && last_commit.elapsed() >= opts.commit_interval)
            {
                writer.commit().context("committing")?;
                since_commit = 0;
                last_commit = Instant::now();
            }
            if interrupt.load(Ordering::Relaxed) {
                summary.interrupted = true;
                break;
            }
        }
        Ok(())
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    writer.commit().context("committing")?;
    writer
        .wait_merging_threads()
        .context("waiting for merges")?;
    summary.rejected = summary.rejections.len() as u64;
    summary.seconds = start.elapsed().as_secs_f64();
    summary.mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    Ok(summary)
}

/// The error to report when adding a passage failed. That only happens when
/// tantivy's indexing threads died, and it then says only "An index writer
/// was killed"; the thread's own error (EFBIG, ENOSPC…) comes back from
/// joining it, which `prepare_commit` does first. Nothing is committed: a
/// prepared commit that succeeds anyway is aborted, as the batch may hold a
/// document in part.
fn writer_failure(writer: &mut IndexWriter<TantivyDocument>, e: anyhow::Error) -> anyhow::Error {
    match writer.prepare_commit() {
        Err(cause) => anyhow::Error::new(cause).context("writing the index"),
        Ok(prepared) => {
            let _ = prepared.abort();
            e
        }
    }
}

fn progress_bar(wanted: bool, total_bytes: u64) -> Option<indicatif::ProgressBar> {
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total_bytes),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} [{bar:20}] {percent:>3}% {decimal_bytes_per_sec} {msg} {elapsed}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// `text` analysed by this thread's kept analyzer of `kind`, as tantivy
/// indexes it.
fn pre_tokenize(kind: analysis::AnalyzerKind, text: &str) -> PreTokenizedString {
    let tokens = analysis::with_kept(kind, false, |a| {
        let mut stream = a.token_stream(text);
        let mut tokens: Vec<Token> = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    });
    PreTokenizedString {
        text: text.to_string(),
        tokens,
    }
}

fn process(
    idx: &KorsIndex,
    writer: &IndexWriter<TantivyDocument>,
    known: &Mutex<HashMap<String, u64>>,
    tokenize: Tokenize,
    item: Result<corpus::RawDocument, Rejection>,
) -> Result<Outcome> {
    let raw = match item {
        Ok(raw) => raw,
        Err(r) => return Ok(Outcome::Rejected(Box::new(r))),
    };
    let bytes = raw.bytes as u64;
    let doc = match corpus::prepare(raw) {
        Ok(d) => d,
        Err(r) => return Ok(Outcome::Rejected(Box::new(r))),
    };
    let previous = {
        let mut known = known.lock().expect("lock");
        known.insert(doc.id.clone(), doc.content_hash)
    };
    if previous == Some(doc.content_hash) {
        return Ok(Outcome::Unchanged { bytes });
    }
    let docs = to_tantivy(idx, &doc, tokenize);
    let passages = docs.len() as u64;
    if previous.is_some() {
        writer.delete_term(Term::from_field_text(idx.fields.doc, &doc.id));
    }
    for d in docs {
        writer.add_document(d).context("adding a passage")?;
    }
    Ok(Outcome::Indexed {
        replaced: previous.is_some(),
        passages,
        bytes,
    })
}

/// Helper to read optional string-ish metadata whatever its exact type.
pub trait OptStr {
    /// The value, if present and not empty.
    fn opt_str(&self) -> Option<&str>;
}
impl OptStr for String {
    fn opt_str(&self) -> Option<&str> {
        Some(self.as_str()).filter(|s| !s.trim().is_empty())
    }
}
impl OptStr for Option<String> {
    fn opt_str(&self) -> Option<&str> {
        self.as_deref().filter(|s| !s.trim().is_empty())
    }
}

/// The tantivy documents (one per non-empty passage) for a corpus document.
pub fn to_tantivy(idx: &KorsIndex, doc: &Document, tokenize: Tokenize) -> Vec<TantivyDocument> {
    let f = &idx.fields;
    let title = doc.meta.title.opt_str();
    // Analysed once here, whichever side tokenizes the text: the title goes
    // into two fields.
    let title_tokens = title
        .filter(|_| !doc.passages.is_empty())
        .map(|t| pre_tokenize(idx.analyzer, t));
    let date = doc
        .meta
        .date
        .map(|d| tantivy::DateTime::from_utc(d.midnight().assume_utc()));
    let mut out = Vec::with_capacity(doc.passages.len());
    let mut title_indexed = false;
    for p in &doc.passages {
        let text = &doc.text[p.range.clone()];
        if text.trim().is_empty() {
            continue;
        }
        let mut t = TantivyDocument::default();
        // The first passage carries the title: in `title` (for `title:`
        // queries) and as a first value of `text`, which is all a plain query
        // searches: one scorer per query term instead of two, so tantivy's
        // block-max WAND prunes better, and a title counts once per document.
        if !title_indexed {
            if let Some(tok) = &title_tokens {
                t.add_pre_tokenized_text(f.title, tok.clone());
                t.add_pre_tokenized_text(f.text, tok.clone());
            }
            title_indexed = true;
        }
        match tokenize {
            Tokenize::Tantivy => t.add_text(f.text, text),
            Tokenize::Rayon => t.add_pre_tokenized_text(f.text, pre_tokenize(idx.analyzer, text)),
        }
        t.add_text(f.stored_text, text);
        if let Some(title) = title {
            t.add_text(f.stored_title, title);
        }
        t.add_text(f.doc, &doc.id);
        t.add_u64(f.ordinal, p.ordinal as u64);
        if let Some(a) = doc.meta.author.opt_str() {
            t.add_text(f.author, a);
        }
        if let Some(s) = doc.meta.source.opt_str() {
            t.add_text(f.source, s);
        }
        t.add_text(f.lang, &p.lang);
        for tag in &doc.meta.tags {
            t.add_text(f.tag, tag);
        }
        if let Some(d) = date {
            t.add_date(f.date, d);
        }
        if let Some(u) = doc.meta.url.opt_str() {
            t.add_text(f.url, u);
        }
        t.add_text(f.path, &doc.rel_path);
        t.add_u64(f.hash, doc.content_hash);
        t.add_u64(f.start, p.range.start as u64);
        t.add_u64(f.end, p.range.end as u64);
        out.push(t);
    }
    out
}

/// `--dry-run`: prints, per document, what the cleaner dropped and why, and
/// the passages; writes nothing. Returns the summary (with rejections).
pub fn dry_run(inputs: &[PathBuf], mut out: impl Write) -> Result<Summary> {
    let start = Instant::now();
    let mut summary = Summary::default();
    let found = corpus::discover_all(inputs);
    summary
        .rejections
        .extend(found.rejected.iter().map(RejectionReport::from));
    for p in &found.skipped {
        writeln!(out, "skipped (not .txt, .md or .jsonl): {}", p.display())?;
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
                    summary.rejections.push((&r).into());
                    continue;
                }
            };
            summary.added += 1;
            summary.bytes += bytes;
            summary.passages += doc.passages.len() as u64;
            write_dry_doc(&doc, &mut out)?;
        }
    }
    summary.rejected = summary.rejections.len() as u64;
    summary.seconds = start.elapsed().as_secs_f64();
    summary.mb_per_s = summary.bytes as f64 / 1e6 / summary.seconds.max(1e-9);
    Ok(summary)
}

fn write_dry_doc(doc: &Document, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
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
            out,
            "  dropped line {}: {}: {:?}",
            d.line_no, d.reason, d.text
        )?;
    }
    for p in &doc.passages {
        writeln!(
            out,
            "  [{}] {}..{} {}: {}",
            p.ordinal,
            p.range.start,
            p.range.end,
            p.lang,
            doc.text[p.range.clone()].replace('\n', "\n      ")
        )?;
    }
    writeln!(out)
}
