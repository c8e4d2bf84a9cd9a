//! Runs each subcommand of a resolved [`Config`] and reports what it did.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use kors::error::{Error, Exit};
use kors::index::report::Summary;
use kors::index::{self, ingest, rebuild, stats, KorsIndex};
use kors::measure::queries::{self, QuerySet};
use kors::measure::{bench, eval};
use kors::search::{self, output};

use crate::config::{Config, Task};

pub fn run(cfg: Config) -> Result<Exit> {
    let dir = cfg.index_dir;
    match cfg.task {
        Task::Ingest {
            rebuild,
            inputs,
            options,
            json,
            dry_run,
        } => {
            let summary = if dry_run {
                let mut out = io::stdout().lock();
                index::dry_run::dry_run(&inputs, |p| write!(out, "{p}"))?
            } else {
                on_sigint(options.interrupt.clone())?;
                if rebuild {
                    rebuild::rebuild(&dir, &inputs, &options)?
                } else {
                    // Reads the index (the hashes of what it holds) first.
                    index::check::guard(&dir, || ingest::add(&dir, &inputs, &options))?
                }
            };
            report_ingest(&summary, json)
        }
        Task::Search {
            request,
            format,
            corpus,
        } => {
            if !index::exists(&dir) {
                first_run(&dir, &corpus)?;
            }
            let hits = index::check::guard(&dir, || {
                let idx = KorsIndex::open(&dir)?;
                if let Some(w) =
                    search::query::build(&idx, &request.query, &request.filters)?.warning
                {
                    eprintln!("kors: warning: {w}");
                }
                search::search(&idx, &request)
            })?;
            output::write_hits(&hits, format, io::stdout().lock())?;
            Ok(if hits.is_empty() {
                Exit::NoMatch
            } else {
                Exit::Ok
            })
        }
        Task::Stats { json } => {
            let s = index::check::guard(&dir, || stats::compute(&KorsIndex::open(&dir)?))?;
            let mut out = io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string(&s)?)?;
            } else {
                s.write_human(&mut out)?;
            }
            Ok(Exit::Ok)
        }
        Task::Check { json } => {
            let report = index::check::check(&dir)?;
            let mut out = io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                report.write_human(&mut out)?;
            }
            report.into_result()?;
            Ok(Exit::Ok)
        }
        Task::Analyze { text, json, mecab } => analyze(text, json, mecab),
        Task::Eval {
            queries,
            qrels,
            mut indexes,
            max_queries,
            mode,
            json,
        } => {
            if indexes.is_empty() {
                indexes.push(dir);
            }
            eval(&queries, &qrels, &indexes, max_queries, mode, json)
        }
        Task::ImportKorquad { input, out } => {
            let s = kors::measure::korquad::import(&input, &out)?;
            writeln!(
                io::stdout().lock(),
                "{} articles, {} paragraphs (documents), {} questions (queries); wrote {}, {}, {}",
                s.articles,
                s.paragraphs,
                s.questions,
                s.docs.display(),
                s.queries.display(),
                s.qrels.display()
            )?;
            Ok(Exit::Ok)
        }
        Task::Bench {
            queries,
            options,
            json,
        } => {
            let sets = if queries.is_empty() {
                QuerySet::shipped()
            } else {
                queries
                    .iter()
                    .map(|q| QuerySet::read(q))
                    .collect::<Result<_>>()?
            };
            let report = bench::run(&KorsIndex::open(&dir)?, &sets, &options)?;
            let mut out = io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            } else {
                bench::write_human(&report, &mut out)?;
            }
            Ok(Exit::Ok)
        }
        Task::ImportMecab { dir, out } => {
            let s = mecab_dic::import(&dir, &out, &mecab_dic::ImportOptions::default())
                .with_context(|| format!("importing the MeCab dictionary in {}", dir.display()))?;
            let mut o = io::stdout().lock();
            writeln!(
                o,
                "{} lexicon rows, {} unknown-word rows, matrix {}×{}; wrote {:.1} MB in {:.1} s:",
                s.lex_rows,
                s.unk_rows,
                s.matrix_lsize,
                s.matrix_rsize,
                s.written_bytes() as f64 / 1e6,
                s.total_time.as_secs_f64()
            )?;
            for f in &s.files {
                writeln!(o, "  {} ({} bytes)", f.path.display(), f.written_bytes)?;
            }
            Ok(Exit::Ok)
        }
    }
}

/// Ctrl-C sets `flag` (ingestion then commits and stops); a second one
/// exits at once.
fn on_sigint(flag: Arc<AtomicBool>) -> Result<()> {
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(Exit::Interrupted.code());
        }
        eprintln!("\nkors: interrupted; committing what is done (Ctrl-C again to abort)");
    })
    .context("installing the Ctrl-C handler")
}

fn report_ingest(s: &Summary, json: bool) -> Result<Exit> {
    ingest_notes(s)?;
    let mut out = io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(s)?)?;
    } else {
        s.write_human(&mut out)?;
    }
    Ok(if s.interrupted {
        Exit::Interrupted
    } else if s.rejected > 0 {
        Exit::Rejected
    } else {
        Exit::Ok
    })
}

/// No index yet: build it from the corpus, saying so on stderr.
fn first_run(dir: &std::path::Path, corpus: &std::path::Path) -> Result<()> {
    if !corpus.exists() {
        return Err(Error::NoIndex(dir.to_path_buf()).into());
    }
    eprintln!(
        "kors: no index at {}; building it from {} first",
        dir.display(),
        corpus.display()
    );
    let s = rebuild::rebuild(
        dir,
        &[corpus.to_path_buf()],
        &ingest::IngestOptions::default(),
    )?;
    ingest_notes(&s)?;
    s.write_human(io::stderr().lock())?;
    Ok(())
}

/// A load's notes on stderr: an abandoned rebuild, then each rejection.
fn ingest_notes(s: &Summary) -> Result<()> {
    let mut err = io::stderr().lock();
    if let Some(why) = s.kept_old_index {
        writeln!(
            err,
            "kors: {why}; the old index at {} is unchanged",
            s.index.display()
        )?;
    }
    for r in &s.rejections {
        writeln!(err, "kors: rejected: {r}")?;
    }
    Ok(())
}

fn analyze(text: Option<String>, json: bool, mecab: bool) -> Result<Exit> {
    let mut out = io::stdout().lock();
    if mecab {
        // Streams stdin line by line.
        match &text {
            Some(t) => kors::analysis::write_mecab(io::Cursor::new(t.as_bytes()), &mut out)?,
            None => kors::analysis::write_mecab(io::stdin().lock(), &mut out)?,
        }
        return Ok(Exit::Ok);
    }
    let text = match text {
        Some(t) => t,
        None => {
            let mut s = String::new();
            io::stdin().lock().read_to_string(&mut s)?;
            s
        }
    };
    let reports = kors::analysis::explain(&text);
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&reports)?)?;
    } else {
        for r in &reports {
            writeln!(out, "{r}")?;
        }
    }
    Ok(Exit::Ok)
}

/// `kors eval`: one run per index, side by side.
fn eval(
    queries: &std::path::Path,
    qrels: &std::path::Path,
    indexes: &[std::path::PathBuf],
    max_queries: Option<usize>,
    mode: eval::QueryMode,
    json: bool,
) -> Result<Exit> {
    let mut qs = queries::read(queries)?;
    if let Some(n) = max_queries {
        qs.truncate(n);
    }
    let judgments = eval::read_qrels(qrels)?;
    eval::check_inputs(&qs, &judgments)?;
    let mut reports = Vec::new();
    for dir in indexes {
        let idx = KorsIndex::open(dir)?;
        reports.push(eval::evaluate(&idx, &qs, &judgments, mode)?);
    }
    let mut out = io::stdout().lock();
    if json {
        let v = serde_json::json!({ "runs": reports });
        writeln!(out, "{}", serde_json::to_string(&v)?)?;
    } else {
        eval::write_table(&reports, &mut out)?;
    }
    Ok(Exit::Ok)
}
