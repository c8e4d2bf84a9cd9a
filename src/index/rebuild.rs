//! `kors index`: a rebuild made beside the index and exchanged with it in
//! one step, so a failed or interrupted rebuild leaves the old index.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Context, IoContext, Result};
use tantivy::IndexWriter;

use super::ingest::{self, IngestOptions};
use super::report::{KeptOld, Summary};
use super::state::{self, State};
use super::{swap, KorsIndex};

/// Builds the index in `dir` from scratch from `inputs`: into a temporary
/// sibling directory, swapped in when done, so a failed rebuild leaves the
/// old index. A rebuild that was interrupted or indexed no document at all
/// is swapped in only if there was no index before. The writer lock of
/// `dir` is held throughout (a new directory is made to hold it), so no
/// `kors add` can write there meanwhile and lose its work to the swap.
pub fn rebuild(dir: &Path, inputs: &[PathBuf], opts: &IngestOptions) -> Result<Summary> {
    let load = ingest::Load::discover(inputs, &opts.skip);
    swap::recover(dir)?;
    let state = state::classify(dir)?;
    let had_index = match &state {
        State::Foreign(names) => return Err(state::refuse_foreign(dir, names)),
        State::Index { foreign } if !foreign.is_empty() => {
            return Err(state::refuse_replace(dir, foreign))
        }
        State::Index { .. } | State::Damaged(_) => true,
        State::Missing | State::Empty | State::Leftovers => false,
    };
    let made_dir = state == State::Missing;
    std::fs::create_dir_all(dir).at("creating", dir)?;
    let result = (|| {
        let _lock = super::lock::hold(dir)?;
        build_and_swap(dir, load, opts, had_index)
    })();
    if made_dir && result.is_err() {
        let _ = state::remove_own(dir);
    }
    result
}

fn build_and_swap(
    dir: &Path,
    load: ingest::Load,
    opts: &IngestOptions,
    had_index: bool,
) -> Result<Summary> {
    swap::remove_stale_siblings(dir);
    let tmp = swap::sibling(dir, "new", std::process::id());
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).at("removing", &tmp)?;
    }
    *BUILDING.lock().unwrap_or_else(|e| e.into_inner()) = Some(tmp.clone());
    let result = (|| {
        let idx = KorsIndex::create_with(&tmp, opts.analyzer)?;
        let budget = opts.memory_mb.max(16) * 1024 * 1024;
        let (writer, holder) = super::lock::writer(&idx, budget)?;
        let mut summary =
            ingest::ingest(&idx, writer, holder, load, HashMap::new(), opts, !had_index)?;
        if !summary.interrupted {
            let merge_start = Instant::now();
            merge_segments(&idx, opts)?;
            summary.set_seconds(summary.seconds + merge_start.elapsed().as_secs_f64());
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
    // Ctrl-C after the last document was read but before the swap still
    // abandons the rebuild, as the handler has just told the user.
    if had_index && opts.interrupt.load(std::sync::atomic::Ordering::SeqCst) {
        summary.interrupted = true;
    }
    summary.kept_old_index = if !had_index {
        None
    } else if summary.interrupted {
        Some(KeptOld::Interrupted)
    } else if summary.added == 0 {
        Some(KeptOld::NothingIndexed)
    } else {
        None
    };
    if summary.kept_old_index.is_some() {
        remove_building(&tmp);
        if summary.interrupted {
            // Nothing of it was kept: the summary must not say "1536 added".
            (summary.added, summary.replaced, summary.passages) = (0, 0, 0);
        }
    } else {
        // Written again now that the writer is gone (belt and braces: the
        // index must never be swapped in without its version record), and
        // synced before the swap makes it the index.
        super::meta::write(&tmp, opts.analyzer)?;
        super::meta::share_modes(&tmp)?;
        // From here the directory is the index-to-be: not to be abandoned.
        BUILDING.lock().unwrap_or_else(|e| e.into_inner()).take();
        swap::swap_in(&tmp, dir)?;
    }
    summary.index = dir.to_path_buf();
    summary.rebuilt = true;
    Ok(summary)
}

/// The directory a rebuild of this process is building in, for [`abandon`].
static BUILDING: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// Removes the directory a rebuild of this process is building in, if any:
/// for a second Ctrl-C, which exits at once and should leave nothing beside
/// the index (the old index is untouched until the swap).
pub fn abandon() {
    let building = BUILDING.lock().unwrap_or_else(|e| e.into_inner()).take();
    if let Some(tmp) = building {
        remove_building(&tmp);
    }
}

/// Removes an abandoned build's directory. The writer's threads may still be
/// adding files while it goes (`remove_dir_all` then fails with "directory
/// not empty"), so it is tried again until the directory is gone; once it
/// is, nothing can write there.
fn remove_building(tmp: &Path) {
    for _ in 0..50 {
        if std::fs::remove_dir_all(tmp).is_ok() || !tmp.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
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
