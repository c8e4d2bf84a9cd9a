//! The resolved, plain configuration: every flag and environment variable
//! turned into the values the engine takes (paths, dates, output format).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::Result;
use kors::analysis::AnalyzerKind;
use kors::corpus::date::parse_range;
use kors::corpus::SkipRules;
use kors::error::Error;
use kors::index::ingest::IngestOptions;
use kors::index::rejected::Detail;
use kors::measure::bench::BenchOptions;
use kors::measure::eval::QueryMode;
use kors::measure::qrels::QrelsFormat;
use kors::report::Format;
use kors::search::{Filters, SearchRequest, Sort};

use crate::cli::{self, AnalyzeFormat, ColorChoice, Command, DictCommand, EvalCommand, Opts};

/// Everything a run needs.
#[derive(Debug)]
pub struct Config {
    /// Index directory.
    pub index_dir: PathBuf,
    /// The user's name table.
    pub user_dict: Option<PathBuf>,
    /// What to do.
    pub task: Task,
}

/// One resolved subcommand.
#[derive(Debug)]
pub enum Task {
    /// `kors index` (rebuild) or `kors add`.
    Ingest {
        /// Rebuild from scratch (`index`) rather than add.
        rebuild: bool,
        /// Inputs.
        inputs: Vec<PathBuf>,
        /// Options.
        options: IngestOptions,
        /// How to print the summary.
        format: Format,
        /// Only print what would be indexed.
        dry_run: bool,
        /// How much to say on stderr.
        detail: Detail,
    },
    /// `kors search`.
    Search {
        /// The request.
        request: SearchRequest,
        /// Output format.
        format: Format,
        /// Corpus for a first run.
        corpus: PathBuf,
    },
    /// `kors completions SHELL`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// `kors man`.
    Man,
    /// `kors stats`.
    Stats {
        /// How to print the statistics.
        format: Format,
    },
    /// `kors check`.
    Check {
        /// How to print the report.
        format: Format,
    },
    /// `kors analyze`.
    Analyze {
        /// Text, or stdin when `None`.
        text: Option<String>,
        /// JSON output.
        json: bool,
        /// MeCab format.
        mecab: bool,
        /// `--analyzer`; else the index's, else morph.
        analyzer: Option<AnalyzerKind>,
    },
    /// `kors dict import-mecab`.
    ImportMecab {
        /// Compiled dictionary.
        dir: PathBuf,
        /// Output directory.
        out: PathBuf,
    },
    /// `kors dict import-northern`.
    ImportNorthern {
        /// NK-HanDic's compiled dictionary.
        dir: PathBuf,
        /// Output file.
        out: PathBuf,
    },
    /// `kors eval`.
    Eval {
        /// Query file.
        queries: PathBuf,
        /// Qrels file.
        qrels: PathBuf,
        /// Its form.
        qrels_format: QrelsFormat,
        /// Indexes to evaluate (empty: the index directory).
        indexes: Vec<PathBuf>,
        /// Only the first N queries.
        max_queries: Option<usize>,
        /// How queries are run.
        mode: QueryMode,
        /// How to print the runs.
        format: Format,
    },
    /// `kors eval import-korquad`.
    ImportKorquad {
        /// KorQuAD JSON.
        input: PathBuf,
        /// Output directory.
        out: PathBuf,
    },
    /// `kors bench`.
    Bench {
        /// Query files (empty: the shipped sets).
        queries: Vec<PathBuf>,
        /// Options.
        options: BenchOptions,
        /// How to print the report.
        format: Format,
    },
}

impl Config {
    /// Resolves the parsed flags.
    pub fn from_opts(opts: Opts) -> Result<Config> {
        let index_dir = opts
            .index
            .unwrap_or_else(|| PathBuf::from(kors::index::DEFAULT_DIR));
        let task = match opts.command {
            Command::Index(a) => ingest(true, a.paths, a.flags, a.analyzer.into()),
            // An index that `add` creates gets the default analyzer.
            Command::Add(a) => ingest(false, a.paths, a.flags, AnalyzerKind::default()),
            Command::Search(a) => search(a)?,
            Command::Stats(a) => Task::Stats {
                format: json_or_plain(a.json),
            },
            Command::Check(a) => Task::Check {
                format: json_or_plain(a.json),
            },
            Command::Analyze(a) => Task::Analyze {
                text: a.text,
                json: a.json,
                mecab: a.format == AnalyzeFormat::Mecab,
                analyzer: a.analyzer.map(Into::into),
            },
            Command::Dict(DictCommand::ImportMecab { dir, out }) => Task::ImportMecab { dir, out },
            Command::Dict(DictCommand::ImportNorthern { dir, out }) => {
                Task::ImportNorthern { dir, out }
            }
            Command::Eval(a) => match a.command {
                Some(EvalCommand::ImportKorquad { file, out }) => {
                    Task::ImportKorquad { input: file, out }
                }
                None => Task::Eval {
                    // clap requires both when there is no subcommand.
                    queries: a.queries.unwrap_or_default(),
                    qrels: a.qrels.unwrap_or_default(),
                    qrels_format: a.qrels_format.into(),
                    indexes: a.indexes,
                    max_queries: a.max_queries,
                    mode: a.mode.into(),
                    format: json_or_plain(a.json),
                },
            },
            Command::Completions { shell } => Task::Completions { shell },
            Command::Man => Task::Man,
            Command::Bench(a) => Task::Bench {
                queries: a.queries,
                options: BenchOptions {
                    warmup: a.warmup as usize,
                    iterations: a.iterations as usize,
                    limit: a.limit as usize,
                    snippets: a.snippets,
                    threads: a.threads as usize,
                    mode: a.mode.into(),
                    facets: a.facet.into_iter().map(Into::into).collect(),
                    filters: filters(a.filters)?,
                },
                format: json_or_plain(a.json),
            },
        };
        Ok(Config {
            index_dir,
            user_dict: opts.user_dict,
            task,
        })
    }
}

fn ingest(
    rebuild: bool,
    mut inputs: Vec<PathBuf>,
    f: cli::IngestFlags,
    analyzer: AnalyzerKind,
) -> Task {
    if inputs.is_empty() {
        inputs.push(PathBuf::from(kors::corpus::DEFAULT_DIR));
    }
    Task::Ingest {
        rebuild,
        inputs,
        options: IngestOptions {
            memory_mb: f.memory_mb as usize,
            commit_every: f.commit_every.map(|n| n as usize),
            commit_interval: std::time::Duration::from_secs(f.commit_secs),
            tokenize: f.tokenize_in.into(),
            progress: !f.no_progress && !f.json && !f.quiet,
            interrupt: Arc::new(AtomicBool::new(false)),
            analyzer,
            skip: SkipRules {
                excludes: f.exclude,
                no_ignore: f.no_ignore,
            },
            strict: f.strict,
        },
        format: json_or_plain(f.json),
        dry_run: f.dry_run,
        detail: if f.quiet {
            Detail::Quiet
        } else if f.verbose {
            Detail::Verbose
        } else {
            Detail::Grouped
        },
    }
}

/// `--json`, or plain text for a person.
fn json_or_plain(json: bool) -> Format {
    if json {
        Format::Json
    } else {
        Format::Plain
    }
}

/// The query from stdin (`echo 로씨야 | kors search`), read up to one byte
/// past the longest query, so that an endless input is refused as too long.
fn stdin_query() -> Result<String> {
    use std::io::Read;
    let max = kors::search::query::MAX_QUERY_BYTES as u64;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| anyhow::Error::from(e).context("reading the query from stdin"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("reading the query from stdin: not UTF-8: {e}"))?;
    // Lines are words of one query, as several arguments are.
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// `--lang`, `--source`, `--since`, `--until`, `--doc`.
fn filters(a: cli::FilterArgs) -> Result<Filters> {
    let (since, until) =
        parse_range(a.since.as_deref(), a.until.as_deref()).map_err(Error::Usage)?;
    Ok(Filters {
        lang: a.lang,
        source: a.source,
        since,
        until,
        doc: a.doc,
    })
}

fn search(a: cli::SearchArgs) -> Result<Task> {
    let filters = filters(a.filters)?;
    let format = if a.json {
        Format::Json
    } else {
        match a.color {
            ColorChoice::Always => Format::Color,
            ColorChoice::Never => Format::Plain,
            ColorChoice::Auto => {
                let colour = kors::search::output::auto_colour(
                    std::io::stdout().is_terminal(),
                    std::env::var_os("NO_COLOR").as_deref(),
                    std::env::var_os("TERM").as_deref(),
                );
                if colour {
                    Format::Color
                } else {
                    Format::Plain
                }
            }
        }
    };
    let sort = match a.sort.as_str() {
        "date" => Sort::Date,
        "-date" => Sort::DateDesc,
        _ => Sort::Score,
    };
    if sort != Sort::Score && a.group {
        return Err(Error::Usage("--sort date cannot be used with --group".into()).into());
    }
    let query = if a.query.is_empty() && !std::io::stdin().is_terminal() {
        stdin_query()?
    } else {
        a.query.join(" ")
    };
    Ok(Task::Search {
        request: SearchRequest {
            query,
            filters,
            limit: a.limit as usize,
            offset: a.offset as usize,
            group: a.group,
            explain: a.explain,
            sort,
            facets: a.facet.into_iter().map(Into::into).collect(),
            count: a.count,
            marks: [a.pre_tag, a.post_tag],
            collapse: !a.no_collapse,
        },
        format,
        corpus: a.corpus,
    })
}
