//! Command-line flags, defined once here (clap derive) and resolved into a
//! plain [`crate::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use kors::analysis::AnalyzerKind;
use kors::index::ingest::{IngestOptions, Tokenize};
use kors::measure::bench::BenchOptions;
use kors::measure::eval::QueryMode;
use kors::measure::qrels::QrelsFormat;
use kors::search::{FacetKind, SearchRequest};

const EXAMPLES: &str = "\
Examples:
  kors index                          build the index from corpus/ (into index/)
  kors add corpus/kcna-2024           add or update documents
  kors search Bolshoi Ballet          best passages first
  kors search '\"natural gas\" AND Samsung' --lang en -n 3
  kors search 'title:moscow -ukraine' --group --json | jq .title
  kors stats --json
  kors analyze '로씨야와의 관계'          show how text is tokenized

Exit codes: 0 ok; 1 search matched nothing; 2 usage or input error;
3 some inputs were rejected (index/add); 130 interrupted.";

/// kors: search commentary on Korea–Russia relations (Korean and English).
#[derive(Debug, Parser)]
#[command(name = "kors", version, after_help = EXAMPLES, max_term_width = 100)]
pub struct Opts {
    /// Index directory [default: index/]
    #[arg(long, global = true, env = "KORS_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// Your own name table (the format of kors's names.tsv): each name's
    /// spellings are indexed and searched as one term. Use the same table
    /// for `index`/`add` and `search`.
    #[arg(long, global = true, env = "KORS_USER_DICT", value_name = "FILE")]
    pub user_dict: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index from scratch (default input: corpus/). The old index
    /// stays in place until the new one is complete.
    #[command(
        after_help = "Examples:\n  kors index\n  kors index corpus/ --exclude 'headlines-*' --json\n  kors index corpus/ --strict --verbose"
    )]
    Index(IndexArgs),
    /// Add documents to the index (created if missing). A document already
    /// indexed under the same id is replaced, or skipped if unchanged.
    #[command(
        after_help = "Examples:\n  kors add corpus/000_d0a3d8de649cf0a0.md\n  kors add corpus/kcna-2024 --commit-every 5000 --quiet"
    )]
    Add(AddArgs),
    /// Search passages (BM25 over text and title).
    #[command(after_help = SEARCH_HELP)]
    Search(SearchArgs),
    /// Show what the index holds.
    Stats(StatsArgs),
    /// Verify every index file against its checksum; name what is damaged
    /// (exit code 2 if anything is).
    Check(StatsArgs),
    /// Show how the analyzer tokenizes text (argument or stdin).
    Analyze(AnalyzeArgs),
    /// Ranking quality against relevance judgments (nDCG@10, MRR@10,
    /// Recall@10, Recall@100), on one or more indexes side by side.
    #[command(
        after_help = EVAL_HELP,
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true
    )]
    Eval(EvalArgs),
    /// Warm query latency (p50…p99, µs) and throughput, through the same
    /// code as `kors search`.
    #[command(after_help = BENCH_HELP)]
    Bench(BenchArgs),
    /// Dictionary tools.
    #[command(subcommand)]
    Dict(DictCommand),
    /// Print a shell completion script (from these flag definitions).
    #[command(
        after_help = "Examples:\n  kors completions bash > ~/.local/share/bash-completion/completions/kors\n  kors completions zsh > ~/.zfunc/_kors\n  kors completions fish > ~/.config/fish/completions/kors.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `kors man > ~/.local/share/man/man1/kors.1`.
    Man,
}

const SEARCH_HELP: &str = "\
Query syntax (Lucene's): words are OR-ed and ranked; \"a phrase\"; +must -mustnot;
AND, OR, NOT (or &&, ||, !; `a AND NOT b` is `+a -b`); (groups); word~1 or word~
(fuzzy, 1 or 2 edits, Hangul counted in jamo); word* (prefix); field:word or
field:\"a phrase\" with field one of title, text, lang, source, author, doc, tag
(source: and lang: match as --source and --lang do). The last line counts the
matching passages and documents (exact, or \"at least\" when ranking stopped
early; --count counts them all). With no QUERY, it is read from stdin.

Examples:
  kors search Bolshoi Ballet
  kors search '\"liquefied natural gas\" tankers' -n 3
  kors search '+sanctions -Japan' --source hankyoreh
  kors search 로씨야 --lang ko --group
  kors search Putin --since 2024-07-01 --until 2024-07-31
  kors search 'author:\"Chung-in Moon\"' --json
  kors search 'Russia AND NOT Ukraine' --sort -date -n 5
  kors search 'Shoygu~1' -n 0 --facet year --facet source

Exit code 1 when nothing matched (like grep).
If there is no index yet, it is built from --corpus first.";

/// Flags shared by `index` and `add`.
#[derive(Debug, Args)]
pub struct IngestFlags {
    /// Writer memory budget in MiB (16–4000)
    #[arg(long, default_value_t = IngestOptions::DEFAULT_MEMORY_MB as u64, value_name = "MB",
          value_parser = clap::value_parser!(u64).range(16..=4000))]
    pub memory_mb: u64,
    /// Commit at least this often while loading (and at the end): a kill
    /// loses at most this much work, which `kors add` then redoes
    #[arg(long, default_value_t = IngestOptions::DEFAULT_COMMIT_SECS, value_name = "SECS",
          value_parser = clap::value_parser!(u64).range(1..=86400))]
    pub commit_secs: u64,
    /// Also commit after every N documents
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub commit_every: Option<u64>,
    /// Print the summary as one JSON object
    #[arg(long)]
    pub json: bool,
    /// Print what the cleaner dropped and the passages of each document; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// No progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// Leave out paths matching GLOB (gitignore syntax, relative to each
    /// directory given; repeatable), as a `.korsignore` line would
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read what `.korsignore` files name, and README/SOURCE(S)/LICENSE files
    /// (skipped by default when walking a directory)
    #[arg(long)]
    pub no_ignore: bool,
    /// Reject documents with no text (exit code 3) instead of counting them as skipped
    #[arg(long)]
    pub strict: bool,
    /// List every rejection and skipped path, a line each (default: grouped by reason)
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing but errors (the exit code still tells)
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Where passage text is tokenized (for measurements)
    #[arg(long, value_enum, default_value_t = Tokenize::default().into(), hide = true)]
    pub tokenize_in: TokenizeIn,
}

/// Where to tokenize during ingestion.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TokenizeIn {
    /// tantivy's indexing threads
    Tantivy,
    /// rayon workers (pre-tokenized text)
    Rayon,
}

/// `kors index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or directories (.txt, .md, .jsonl) [default: corpus/]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Analyzer for text and titles, recorded in the index (queries use it too)
    #[arg(long, value_enum, default_value_t = AnalyzerKind::default().into(), value_name = "NAME")]
    pub analyzer: AnalyzerChoice,
    #[command(flatten)]
    pub flags: IngestFlags,
}

/// Analyzer chosen at index time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalyzerChoice {
    /// kors's analyzer: Korean morphemes, English and Russian stems
    Morph,
    /// The same with Korean analyses memoised by eojeol: faster loads, slightly lower agreement with MeCab
    MorphFast,
    /// Hangul (CJK) character bigrams, other words lower-cased (as Lucene's CJKAnalyzer)
    Bigram,
    /// Whitespace-separated words, lower-cased
    Whitespace,
}

/// `kors add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Files or directories (.txt, .md, .jsonl)
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub flags: IngestFlags,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal, NO_COLOR is unset and TERM is not dumb
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// `kors search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query; several arguments are joined with spaces [default: read
    /// stdin, when it is not a terminal]
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Number of hits (0–10000)
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=SearchRequest::MAX_LIMIT as u64))]
    pub limit: u64,
    /// Skip this many hits (0–1000000)
    #[arg(long, default_value_t = 0, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=SearchRequest::MAX_OFFSET as u64))]
    pub offset: u64,
    /// Only the best passage of each document
    #[arg(long)]
    pub group: bool,
    /// Show every copy of a story: by default a passage found in several
    /// copies of one text (or near-copies: a re-issue with a changed date
    /// or headline) is shown once, naming the other documents
    #[arg(long)]
    pub no_collapse: bool,
    /// Show how each score was computed
    #[arg(long)]
    pub explain: bool,
    /// JSON Lines: one object per hit
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Order: score (best first), date (oldest first) or -date (newest
    /// first); undated passages come last and are counted
    #[arg(long, value_name = "ORDER", allow_hyphen_values = true,
          value_parser = ["score", "date", "-date"], default_value = "score")]
    pub sort: String,
    /// Count matching documents by source, year, month or lang (repeatable)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub facet: Vec<FacetChoice>,
    /// Count every match exactly (slower), not a lower bound when ranking
    /// stops early
    #[arg(long)]
    pub count: bool,
    /// What JSON's snippet_marked puts before each match
    #[arg(long, default_value = "<em>", value_name = "TEXT")]
    pub pre_tag: String,
    /// What JSON's snippet_marked puts after each match
    #[arg(long, default_value = "</em>", value_name = "TEXT")]
    pub post_tag: String,
    /// Colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Corpus to build the index from when there is none yet
    #[arg(
        long,
        env = "KORS_CORPUS",
        default_value = kors::corpus::DEFAULT_DIR,
        value_name = "DIR"
    )]
    pub corpus: PathBuf,
}

/// The filters of `kors search` (and `kors bench`).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only passages in this language (en, ko, ru…; en also matches en-gb)
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// Only documents from this source: its whole name or first words, any case
    /// (kcna matches "KCNA (kcna.kp, English)")
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// Only documents dated on or after this day (undated ones are left out)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<String>,
    /// Only documents dated on or before this day (undated ones are left out)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Only the document with this id
    #[arg(long, value_name = "ID")]
    pub doc: Option<String>,
}

/// A field `--facet` counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetChoice {
    /// The document's source
    Source,
    /// The year of its date
    Year,
    /// The month of its date
    Month,
    /// The languages of its matching passages
    Lang,
}

/// `kors stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One JSON object
    #[arg(long)]
    pub json: bool,
}

/// Output format of `kors analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalyzeFormat {
    /// One token per line
    Text,
    /// MeCab's output format (surface\tfeatures, EOS after each line)
    Mecab,
}

/// `kors analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Text to analyze [default: read stdin]
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
    /// JSON (an array of tokens)
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
    pub format: AnalyzeFormat,
    /// Analyse as this analyzer does [default: as the index at --index
    /// does, when there is one; else morph]
    #[arg(long, value_enum, value_name = "NAME")]
    pub analyzer: Option<AnalyzerChoice>,
}

/// `kors dict …`.
#[derive(Debug, Subcommand)]
pub enum DictCommand {
    /// Convert a compiled MeCab dictionary (sys.dic, matrix.bin…) into kors's source form
    ImportMecab {
        /// Directory of the compiled MeCab dictionary
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Output directory
        #[arg(long, default_value = "crates/kors-dict/dict-src", value_name = "DIR")]
        out: PathBuf,
    },
    /// Derive the table of North Korean spellings (northern.tsv) from NK-HanDic's compiled sys.dic
    ImportNorthern {
        /// Directory of NK-HanDic's compiled dictionary (`nkhandic/dicdir` in its PyPI wheel)
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Output file
        #[arg(
            long,
            default_value = "crates/kors-dict/dict-src/northern.tsv",
            value_name = "FILE"
        )]
        out: PathBuf,
    },
}

const EVAL_HELP: &str = "\
Documents are ranked by their best passage. --mode terms (default) ORs the
query's analyzed terms (bag of words, as Anserini runs Lucene baselines);
--mode syntax parses queries as `kors search` does.

Examples:
  kors eval import-korquad ../shared/corpora/korquad-v1-dev/KorQuAD_v1.0_dev.json --out kq
  kors --index kq-morph index kq/docs.jsonl
  kors eval --queries kq/queries.tsv --qrels kq/qrels.txt --max-queries 200 kq-morph kq-bigram
  kors eval --queries beir/queries.jsonl --qrels beir/qrels/test.tsv beir-index";

/// `kors eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Import a test collection instead of evaluating
    #[command(subcommand)]
    pub command: Option<EvalCommand>,
    /// Queries: `qid<TAB>query`, one a line, or JSON Lines (`{"_id", "text"}`, as BEIR ships them)
    #[arg(long, value_name = "FILE", required = true)]
    pub queries: Option<PathBuf>,
    /// Relevance judgments: TREC qrels (`qid 0 docid rel`) or BEIR/MTEB TSV
    /// (`query-id<TAB>corpus-id<TAB>score`, ids may hold spaces)
    #[arg(long, value_name = "FILE", required = true)]
    pub qrels: Option<PathBuf>,
    /// Form of the qrels file (auto: TSV when its first line is the header
    /// `query-id<TAB>corpus-id<TAB>score`, else TREC)
    #[arg(long, value_enum, default_value_t = QrelsFormat::default().into(), value_name = "FORM")]
    pub qrels_format: QrelsForm,
    /// Only the first N queries of the file
    #[arg(long, value_name = "N")]
    pub max_queries: Option<usize>,
    /// How queries become tantivy queries
    #[arg(long, value_enum, default_value_t = QueryMode::default().into())]
    pub mode: EvalMode,
    /// One JSON object: every run, overall and per query
    #[arg(long)]
    pub json: bool,
    /// Indexes to evaluate side by side [default: --index]
    #[arg(value_name = "INDEX")]
    pub indexes: Vec<PathBuf>,
}

/// The form of a qrels file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QrelsForm {
    /// TSV when the first line is its header, else TREC
    Auto,
    /// `qid iter docid rel`, split by white space
    Trec,
    /// `query-id<TAB>corpus-id<TAB>score`
    Tsv,
}

/// How `kors eval` runs queries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalMode {
    /// Analyzed terms OR-ed, weighted by their count (bag of words)
    Terms,
    /// `kors search`'s query syntax
    Syntax,
}

/// `kors eval …` importers.
#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// KorQuAD 1.0 (SQuAD JSON) → docs.jsonl, queries.tsv, qrels.txt: each
    /// paragraph a document, each question a query judged by its paragraph
    ImportKorquad {
        /// The KorQuAD JSON file
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Output directory
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

const BENCH_HELP: &str = "\
Without --queries, runs the query sets shipped in benches/queries/
(ko-topical, en-topical, korquad-200). A query file has one query a line
(or qid<TAB>query); blank lines and # comments are skipped.

Examples:
  kors bench
  kors bench --queries benches/queries/ko-topical.txt --iterations 100 --json
  kors bench --snippets --threads 2";

/// `kors bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Query file (repeatable) [default: the shipped sets]
    #[arg(long, value_name = "FILE")]
    pub queries: Vec<PathBuf>,
    /// Untimed rounds over each set first (0–1000000)
    #[arg(long, default_value_t = BenchOptions::DEFAULT.warmup as u64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    pub warmup: u64,
    /// Timed rounds over each set (1–1000000)
    #[arg(long, default_value_t = BenchOptions::DEFAULT.iterations as u64, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub iterations: u64,
    /// Hits per query (1–10000)
    #[arg(short = 'n', long, default_value_t = BenchOptions::DEFAULT.limit as u64, value_name = "K",
          value_parser = clap::value_parser!(u64).range(1..=SearchRequest::MAX_LIMIT as u64))]
    pub limit: u64,
    /// Also read the hits and make snippets, as `kors search` prints them
    #[arg(long)]
    pub snippets: bool,
    /// Run queries on this many threads at once (reports throughput)
    #[arg(long, default_value_t = BenchOptions::DEFAULT.threads as u64, value_name = "T",
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: u64,
    /// syntax: `kors search`'s path; terms: analyzed terms OR-ed, as `kors eval` does
    /// (ranking only, a diagnostic)
    #[arg(long, value_enum, default_value_t = BenchOptions::DEFAULT.mode.into())]
    pub mode: EvalMode,
    /// Also count matching documents by this field, as `search --facet` (repeatable)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub facet: Vec<FacetChoice>,
    /// Every query under these filters, as `kors search` applies them
    #[command(flatten)]
    pub filters: FilterArgs,
    /// One JSON object
    #[arg(long)]
    pub json: bool,
}

/// `From` both ways between a flag's value enum and the library's enum of
/// the same variants (clap stays out of the library): each mapping once.
macro_rules! mirror {
    ($flag:ident <=> $lib:ident { $($v:ident),+ }) => {
        impl From<$flag> for $lib {
            fn from(f: $flag) -> $lib {
                match f { $($flag::$v => $lib::$v),+ }
            }
        }
        impl From<$lib> for $flag {
            fn from(l: $lib) -> $flag {
                match l { $($lib::$v => $flag::$v),+ }
            }
        }
    };
}

mirror!(AnalyzerChoice <=> AnalyzerKind { Morph, MorphFast, Bigram, Whitespace });
mirror!(EvalMode <=> QueryMode { Terms, Syntax });
mirror!(FacetChoice <=> FacetKind { Source, Year, Month, Lang });
mirror!(QrelsForm <=> QrelsFormat { Auto, Trec, Tsv });
mirror!(TokenizeIn <=> Tokenize { Tantivy, Rayon });
