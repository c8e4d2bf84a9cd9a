//! Runs each subcommand of a resolved [`Config`] and prints what it found:
//! every report through [`emit`], notes on stderr, the report on stdout.

use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use kors::bounded::LineLimit;
use kors::error::{Error, Exit, IoContext};
use kors::index::state::State;
use kors::index::{self, ingest, rebuild, stats, KorsIndex};
use kors::measure::queries::{self, QuerySet};
use kors::measure::{bench, eval, qrels};
use kors::report::{Format, Report};
use kors::search;

use crate::config::{Config, Task};

pub fn run(cfg: Config) -> Result<Exit> {
    let dir = cfg.index_dir;
    if let Some(path) = &cfg.user_dict {
        kors::analysis::lexicon::set_user_dictionary(path)
            .map_err(|e| Error::Usage(format!("user dictionary: {e}")))?;
    }
    match cfg.task {
        Task::Ingest {
            rebuild,
            inputs,
            options,
            format,
            dry_run,
            detail,
        } => {
            options
                .skip
                .check()
                .map_err(|b| Error::Usage(format!("--exclude {}: {}", b.glob, b.reason)))?;
            // A typo must not build an empty index.
            for p in &inputs {
                std::fs::metadata(p).at("reading the input", p)?;
            }
            if !dry_run {
                index_dir(&dir)?;
            }
            let mut summary = if dry_run {
                let mut out = io::stdout().lock();
                index::dry_run::dry_run(&inputs, &options.skip, options.strict, |p| {
                    write!(out, "{p}")
                })?
            } else {
                on_sigint(options.interrupt.clone(), rebuild)?;
                if rebuild {
                    rebuild::rebuild(&dir, &inputs, &options)?
                } else {
                    // Reads the index (the hashes of what it holds) first.
                    index::check::guard(&dir, || ingest::add(&dir, &inputs, &options))?
                }
            };
            summary.detail = detail;
            emit(&summary, format)
        }
        Task::Search {
            request,
            format,
            corpus,
        } => {
            index_dir(&dir)?;
            // Built on first use only where nothing is lost by it: never
            // over a damaged index or someone's files.
            match index::state::classify(&dir)? {
                State::Missing | State::Empty | State::Leftovers => first_run(&dir, &corpus)?,
                State::Damaged(what) => return Err(index::state::damaged(&dir, what).into()),
                State::Foreign(_) => return Err(Error::NoIndex(dir.clone()).into()),
                State::Index { .. } => {}
            }
            let results = index::check::guard(&dir, || {
                index::read_retrying(&dir, |idx| search::search(idx, &request))
            })?;
            emit(&results, format)
        }
        Task::Stats { format } => {
            index_dir(&dir)?;
            let s = index::check::guard(&dir, || index::read_retrying(&dir, stats::compute))?;
            emit(&s, format)
        }
        Task::Check { format } => {
            index_dir(&dir)?;
            let report = index::check::check(&dir)?;
            let exit = emit(&report, format)?;
            report.into_result()?;
            Ok(exit)
        }
        Task::Analyze {
            text,
            json,
            mecab,
            analyzer,
        } => {
            use kors::analysis::AnalyzerKind;
            // MeCab's format is the lattice's (morph); otherwise as the
            // index analyses, when there is one and no --analyzer.
            let kind = match analyzer {
                Some(k) => k,
                None if mecab => AnalyzerKind::Morph,
                None if index::exists(&dir) => index::meta::check(&dir)?.kind().unwrap_or_default(),
                None => AnalyzerKind::default(),
            };
            if mecab && kind != AnalyzerKind::Morph {
                return Err(Error::Usage(format!(
                    "--format mecab shows the morph analyzer's lattice, not {}'s",
                    kind.name()
                ))
                .into());
            }
            analyze(text, json, mecab, kind)
        }
        Task::Eval {
            queries,
            qrels,
            qrels_format,
            mut indexes,
            max_queries,
            mode,
            format,
        } => {
            if indexes.is_empty() {
                indexes.push(dir);
            }
            for dir in &indexes {
                index_dir(dir)?;
            }
            let mut qs = queries::read(&queries)?;
            if let Some(n) = max_queries {
                qs.truncate(n);
            }
            let judgments = qrels::read(&qrels, qrels_format)?;
            eval::check_inputs(&qs, &judgments)?;
            let runs = indexes
                .iter()
                .map(|dir| eval::evaluate(&KorsIndex::open(dir)?, &qs, &judgments, mode))
                .collect::<kors::error::Result<_>>()?;
            emit(&eval::Runs { runs }, format)
        }
        Task::ImportKorquad { input, out } => emit(
            &kors::measure::korquad::import(&input, &out)?,
            Format::Plain,
        ),
        Task::Bench {
            queries,
            options,
            format,
        } => {
            let sets = if queries.is_empty() {
                QuerySet::shipped()
            } else {
                queries
                    .iter()
                    .map(|q| QuerySet::read(q))
                    .collect::<kors::error::Result<_>>()?
            };
            index_dir(&dir)?;
            emit(
                &bench::run(&KorsIndex::open(&dir)?, &sets, &options)?,
                format,
            )
        }
        Task::Completions { shell } => {
            let mut cmd = <crate::cli::Opts as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "kors", &mut io::stdout().lock());
            Ok(Exit::Ok)
        }
        Task::Man => {
            let cmd = <crate::cli::Opts as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut io::stdout().lock())?;
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
        Task::ImportNorthern { dir, out } => {
            use kors::analysis::northern;
            let pairs = northern::import(&dir)
                .with_context(|| format!("reading NK-HanDic in {}", dir.display()))?;
            let text = northern::to_tsv(&pairs, "NK-HanDic 26.10.17 (PyPI nkhandic)");
            std::fs::write(&out, text).with_context(|| format!("writing {}", out.display()))?;
            let initial = pairs
                .iter()
                .filter(|p| p.rule == northern::Rule::InitialSound)
                .count();
            writeln!(
                io::stdout().lock(),
                "{} pairs ({initial} by the initial-sound rule, {} other spellings); wrote {}",
                pairs.len(),
                pairs.len() - initial,
                out.display()
            )?;
            Ok(Exit::Ok)
        }
    }
}

/// An index is a directory: a file in its place is named as such (and not
/// taken for a missing index, or met as a bare "Not a directory"). A
/// rebuild killed halfway through its swap is recovered first.
fn index_dir(dir: &std::path::Path) -> Result<()> {
    if let Some(from) = index::swap::recover(dir)? {
        eprintln!(
            "kors: recovered the index at {} from {} (a rebuild was killed while swapping)",
            dir.display(),
            from.display()
        );
    }
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "the index path {} is not a directory (an index is a directory: --index DIR)",
            dir.display()
        ))
        .into());
    }
    Ok(())
}

/// Ctrl-C sets `flag` (an `add` then commits what is done and stops; a
/// rebuild stops and keeps the old index), saying which; a second one
/// exits at once, the last commit standing.
fn on_sigint(flag: Arc<AtomicBool>, rebuild: bool) -> Result<()> {
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            rebuild::abandon();
            std::process::exit(Exit::Interrupted.code());
        }
        if rebuild {
            eprintln!(
                "\nkors: interrupted; stopping the rebuild (an old index stays as it was; \
                 Ctrl-C again to quit at once)"
            );
        } else {
            eprintln!(
                "\nkors: interrupted; committing what is done (Ctrl-C again to quit at once, \
                 keeping the last commit)"
            );
        }
    })
    .context("installing the Ctrl-C handler")
}

/// Prints a report: its notes on stderr, then the report on stdout in
/// `format`; returns the exit code it calls for.
fn emit(report: &impl Report, format: Format) -> Result<Exit> {
    write_report(report, format, &mut io::stdout().lock())?;
    Ok(report.exit())
}

fn write_report(report: &impl Report, format: Format, out: &mut dyn Write) -> Result<()> {
    {
        let mut err = io::stderr().lock();
        for note in report.notes() {
            writeln!(err, "kors: {note}")?;
        }
    }
    report.write(format, out)?;
    Ok(())
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
    write_report(&s, Format::Plain, &mut io::stderr().lock())?;
    Ok(())
}

/// `kors analyze`: the text given, or stdin, one line at a time (a line is
/// at most `bounded::MAX_LINE_BYTES`), so that input of any length streams.
fn analyze(
    text: Option<String>,
    json: bool,
    mecab: bool,
    kind: kors::analysis::AnalyzerKind,
) -> Result<Exit> {
    let (input, from): (Box<dyn BufRead>, _) = match text {
        Some(t) => (
            Box::new(io::Cursor::new(t.into_bytes())),
            "the TEXT argument",
        ),
        None => (Box::new(io::stdin().lock()), "stdin"),
    };
    let input = LineLimit::new(input, kors::bounded::MAX_LINE_BYTES);
    let mut out = io::BufWriter::new(io::stdout().lock());
    let stdin = |e: io::Error| anyhow::Error::from(e).context(format!("reading {from}"));
    if mecab {
        kors::analysis::write_mecab(input, &mut out).map_err(stdin)?;
        return Ok(Exit::Ok);
    }
    // Offsets are into the whole input and positions run on across lines,
    // as if it had been analysed at once.
    let (mut offset, mut next_position, mut first) = (0, 0, true);
    let mut last_position = None;
    if json {
        write!(out, "[")?;
    }
    for line in input.split(b'\n') {
        let line = line.map_err(stdin)?;
        let text = String::from_utf8(line)
            .map_err(|e| anyhow::anyhow!("reading {from}: not UTF-8: {e}"))?;
        let len = text.len();
        for mut r in kors::analysis::explain_as(kind, &text) {
            r.start += offset;
            r.end += offset;
            if let Some(p) = &mut r.position {
                *p += next_position;
            }
            if json {
                let item = serde_json::to_string_pretty(&r)?.replace('\n', "\n  ");
                write!(out, "{}\n  {item}", if first { "" } else { "," })?;
            } else {
                writeln!(out, "{r}")?;
            }
            if let Some(p) = r.position {
                last_position = Some(p);
            }
            first = false;
        }
        offset += len + 1;
        next_position = last_position.map_or(0, |p| p + 1);
    }
    if json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}
