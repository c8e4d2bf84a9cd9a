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
//!
//! Entry points: [`add`] (`kors add`) and [`super::rebuild::rebuild`]
//! (`kors index`), which both run [`ingest`]; a document becomes tantivy
//! documents in [`super::document`], and the outcome is a [`Summary`].

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Context, Error, IoContext, Result};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::copies::Copies;
use super::doc_ids::SeenIds;
use super::document::to_tantivy;
use super::report::Summary;
use super::state::{self, State};
use super::KorsIndex;
use crate::analysis;
use crate::corpus::{self, Rejection};

/// Where passage text is tokenized.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tokenize {
    /// In tantivy's indexing threads (plain text handed to the writer).
    #[default]
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
    pub commit_interval: Duration,
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
    /// What a directory walk leaves out (`.korsignore`, `--exclude`).
    pub skip: corpus::SkipRules,
    /// Reject documents with no text instead of skipping them.
    pub strict: bool,
}

impl IngestOptions {
    /// Default writer memory budget, MiB.
    pub const DEFAULT_MEMORY_MB: usize = 128;
    /// Default commit interval, seconds.
    pub const DEFAULT_COMMIT_SECS: u64 = 30;
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            memory_mb: Self::DEFAULT_MEMORY_MB,
            commit_interval: Duration::from_secs(Self::DEFAULT_COMMIT_SECS),
            commit_every: None,
            tokenize: Tokenize::default(),
            progress: true,
            interrupt: Arc::new(AtomicBool::new(false)),
            analyzer: analysis::AnalyzerKind::default(),
            skip: corpus::SkipRules::default(),
            strict: false,
        }
    }
}

/// Work before the first commit of a load (later ones: the interval).
const FIRST_COMMIT: Duration = Duration::from_secs(1);

enum Outcome {
    /// Prepared in parallel; written (in input order, for the stories)
    /// by the loading thread.
    Indexed {
        id: String,
        replaced: bool,
        docs: Vec<TantivyDocument>,
        passages: u64,
        sketch: Box<corpus::sketch::Sketch>,
        /// Its story, set in input order before the write.
        story: Option<(u64, super::copies::Kind)>,
        bytes: u64,
    },
    Unchanged {
        bytes: u64,
    },
    Rejected(Box<Rejection>),
}

/// Adds `inputs` to the index in `dir`, creating it if there is none (in a
/// missing or empty directory only: see [`super::state`]). The writer lock
/// is taken before the index is read, so that two overlapping adds cannot
/// both take a document for new.
pub fn add(dir: &Path, inputs: &[PathBuf], opts: &IngestOptions) -> Result<Summary> {
    let load = Load::discover(inputs, &opts.skip);
    let idx = open_for_add(dir, opts.analyzer)?;
    let budget = opts.memory_mb.max(16) * 1024 * 1024;
    // Fails at once, naming the holder, if another process writes the index.
    let (writer, holder) = super::lock::writer(&idx, budget)?;
    let known = indexed_hashes(&idx)?;
    let mut summary = ingest(&idx, writer, holder, load, known, opts, true)?;
    summary.index = dir.to_path_buf();
    Ok(summary)
}

/// The files of a load, found before the index is locked (discovery only
/// lists and stats them), and when the command started, for its wall time.
pub(super) struct Load {
    files: Vec<corpus::SourceFile>,
    rejections: Vec<Rejection>,
    excluded: Vec<corpus::Skipped>,
    start: Instant,
}

impl Load {
    /// Discovers `inputs`, starting the clock.
    pub(super) fn discover(inputs: &[PathBuf], skip: &corpus::SkipRules) -> Load {
        let start = Instant::now();
        let found = corpus::discover_all(inputs, skip);
        Load {
            files: found.files,
            rejections: found.rejected,
            excluded: found.excluded,
            start,
        }
    }
}

/// The index at `dir` for `kors add`: opened, or created where there is
/// nothing of anyone else's. A damaged index or foreign files are refused.
fn open_for_add(dir: &Path, kind: analysis::AnalyzerKind) -> Result<KorsIndex> {
    super::swap::recover(dir)?;
    match state::classify(dir)? {
        State::Index { .. } => return KorsIndex::open(dir),
        State::Damaged(what) => return Err(state::damaged(dir, what)),
        State::Foreign(names) => return Err(state::refuse_foreign(dir, &names)),
        State::Missing | State::Empty | State::Leftovers => {}
    }
    std::fs::create_dir_all(dir).at("creating index directory", dir)?;
    // Created under the writer lock, so that a `kors index` building into
    // this path (which holds it) refuses us before we write anything, and
    // two adds do not both create. Decided again under the lock.
    let _lock = super::lock::hold_unnamed(dir)?;
    match state::classify(dir)? {
        State::Index { .. } => KorsIndex::open(dir),
        State::Damaged(what) => Err(state::damaged(dir, what)),
        State::Foreign(names) => Err(state::refuse_foreign(dir, &names)),
        State::Missing | State::Empty | State::Leftovers => KorsIndex::create_with(dir, kind),
    }
}

/// Content hash of every document in the index, by document id. Read from
/// fast fields, each segment's id dictionary streamed once in order: looking
/// each passage's id up by ordinal decompressed a block per passage (most
/// of an unchanged `add`).
pub fn indexed_hashes(idx: &KorsIndex) -> Result<HashMap<String, u64>> {
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let mut map = HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let Some(ids) = ff.str(super::schema::name::DOC)? else {
            continue;
        };
        let hashes = ff.u64(super::schema::name::HASH)?;
        let mut terms = Vec::with_capacity(ids.num_terms());
        let mut stream = ids.dictionary().stream()?;
        while stream.advance() {
            terms.push(String::from_utf8_lossy(stream.key()).into_owned());
        }
        for d in seg.doc_ids_alive() {
            let (Some(h), Some(ord)) = (hashes.first(d), ids.term_ords(d).next()) else {
                continue;
            };
            if let Some(id) = terms.get(ord as usize) {
                if !map.contains_key(id) {
                    map.insert(id.clone(), h);
                }
            }
        }
    }
    Ok(map)
}

/// Loads `inputs` into `idx`, skipping documents whose hash `known` holds
/// under their id.
pub(super) fn ingest(
    idx: &KorsIndex,
    mut writer: IndexWriter<TantivyDocument>,
    _holder: super::lock::Holder,
    load: Load,
    known: HashMap<String, u64>,
    opts: &IngestOptions,
    commit_if_interrupted: bool,
) -> Result<Summary> {
    let before = super::orphans::files_of(&idx.dir);
    let input_bytes: u64 = load.files.iter().map(|f| f.len).sum();
    let start = load.start;
    let result = load_into(idx, &mut writer, load, known, opts).and_then(|summary| {
        if summary.interrupted && !commit_if_interrupted {
            // A rebuild that will be thrown away: nothing to commit.
            return Ok((summary, false));
        }
        writer.commit().context("committing")?;
        Ok((summary, true))
    });
    let failed = |e: Error| super::orphans::after_failure(&idx.dir, &before, input_bytes, e);
    let (mut summary, committed) = match result {
        Ok(r) => r,
        // Still holding the lock: no other writer's files are taken for ours.
        Err(e) => return Err(failed(e)),
    };
    if committed {
        if let Err(e) = writer.wait_merging_threads() {
            return Err(failed(Error::failed("waiting for merges", e)));
        }
        super::meta::share_modes(&idx.dir)?;
    }
    summary.rejected = summary.rejections.len() as u64;
    summary.set_seconds(start.elapsed().as_secs_f64());
    Ok(summary)
}

/// The load itself, up to its last commit.
fn load_into(
    idx: &KorsIndex,
    writer: &mut IndexWriter<TantivyDocument>,
    load: Load,
    known: HashMap<String, u64>,
    opts: &IngestOptions,
) -> Result<Summary> {
    let Load {
        files,
        rejections,
        excluded,
        ..
    } = load;
    let mut summary = Summary {
        tokenize: Some(opts.tokenize),
        ..Summary::default()
    };
    summary.rejections = rejections;
    summary.excluded = excluded;
    let known = Mutex::new(known);
    let mut stories: Option<Copies> = None;
    let total_bytes: u64 = files.iter().map(|f| f.len).sum();
    let bar = progress_bar(opts.progress, total_bytes);
    let mut docs_seen = 0u64;
    let interrupt = &opts.interrupt;

    const BATCH: usize = 64;
    let (tx, rx) = sync_channel::<Result<corpus::RawDocument, Rejection>>(4 * BATCH);
    let (mut since_commit, mut commits) = (0usize, 0u32);
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
        let mut seen = SeenIds::default();
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
                        if let Some(c) = item.as_ref().ok().and_then(|raw| seen.note(raw)) {
                            summary.collided(c);
                        }
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
            let mut outcomes: Vec<Result<Outcome>> = batch
                .par_drain(..)
                .map(|item| process(idx, &known, opts.tokenize, item))
                .collect();
            // Stories in input order, then the writes in parallel again
            // (written one by one, rayon's idle workers spun: a quarter
            // more CPU on an English load).
            for o in &mut outcomes {
                if let Ok(Outcome::Indexed {
                    id, sketch, story, ..
                }) = o
                {
                    // Read when the first document is written: an add of
                    // unchanged documents needs no sketches.
                    if stories.is_none() {
                        stories = Some(Copies::of_index(idx)?);
                    }
                    let copies = stories.as_mut().expect("just read");
                    *story = Some(copies.assign(id, sketch));
                }
            }
            let written: Vec<Result<()>> = outcomes
                .par_iter_mut()
                .map(|o| match o {
                    Ok(Outcome::Indexed {
                        id,
                        replaced,
                        docs,
                        story: Some((story, _)),
                        ..
                    }) => write(idx, writer, id, *replaced, std::mem::take(docs), *story),
                    _ => Ok(()),
                })
                .collect();
            for (o, w) in outcomes.into_iter().zip(written) {
                let o = match (o, w) {
                    (Ok(o), Ok(())) => o,
                    (Err(e), _) | (_, Err(e)) => return Err(writer_failure(writer, e)),
                };
                match o {
                    Outcome::Indexed {
                        replaced,
                        passages,
                        story,
                        bytes,
                        ..
                    } => {
                        if let Some((_, kind)) = story {
                            summary.copies.count(kind);
                        }
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
                    Outcome::Rejected(r) => summary.reject(*r, opts.strict),
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
            // The first commit comes after a second of work: a load killed
            // again and again (each run resuming the last) still makes
            // progress, where 30 s between kills would keep nothing.
            let interval = if commits == 0 {
                opts.commit_interval.min(FIRST_COMMIT)
            } else {
                opts.commit_interval
            };
            if opts.commit_every.is_some_and(|n| since_commit >= n.max(1))
                || (since_commit > 0 && last_commit.elapsed() >= interval)
            {
                commits += 1;
                writer.commit().context("committing")?;
                super::meta::share_modes(&idx.dir)?;
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
    Ok(summary)
}

/// The error to report when adding a passage failed. That only happens when
/// tantivy's indexing threads died, and it then says only "An index writer
/// was killed"; the thread's own error (EFBIG, ENOSPC…) comes back from
/// joining it, which `prepare_commit` does first. Nothing is committed: a
/// prepared commit that succeeds anyway is aborted, as the batch may hold a
/// document in part.
fn writer_failure(writer: &mut IndexWriter<TantivyDocument>, e: Error) -> Error {
    match writer.prepare_commit() {
        Err(cause) => Error::failed("writing the index", cause),
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

fn process(
    idx: &KorsIndex,
    known: &Mutex<HashMap<String, u64>>,
    tokenize: Tokenize,
    item: Result<corpus::RawDocument, Rejection>,
) -> Result<Outcome> {
    let raw = match item {
        Ok(raw) => raw,
        Err(r) => return Ok(Outcome::Rejected(Box::new(r))),
    };
    let bytes = raw.bytes as u64;
    // The hash covers the raw text and metadata: an unchanged document is
    // known before it is cleaned and split (most of an unchanged add).
    let hash = corpus::content_hash(&raw.meta, &raw.text);
    if known.lock().expect("lock").get(&raw.id()) == Some(&hash) {
        return Ok(Outcome::Unchanged { bytes });
    }
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
    Ok(Outcome::Indexed {
        replaced: previous.is_some(),
        passages: docs.len() as u64,
        story: None,
        docs,
        sketch: Box::new(doc.sketch),
        id: doc.id,
        bytes,
    })
}

/// Writes a prepared document under its story: its old version's passages
/// deleted first when it replaces one.
fn write(
    idx: &KorsIndex,
    writer: &IndexWriter<TantivyDocument>,
    id: &str,
    replaced: bool,
    docs: Vec<TantivyDocument>,
    story: u64,
) -> Result<()> {
    if replaced {
        writer.delete_term(Term::from_field_text(idx.fields.doc, id));
    }
    for mut d in docs {
        let ordinal = d
            .get_first(idx.fields.ordinal)
            .and_then(|v| tantivy::schema::Value::as_u64(&v))
            .unwrap_or(0);
        d.add_u64(idx.fields.story, story);
        d.add_u64(idx.fields.copy_key, super::copies::copy_key(story, ordinal));
        writer.add_document(d).context("adding a passage")?;
    }
    Ok(())
}
