//! `kors eval`: ranking quality against relevance judgments.
//!
//! Inputs: a query file ([`super::queries`]) and qrels ([`super::qrels`]:
//! TREC, or BEIR/MTEB's TSV). Documents are ranked, not passages: the
//! passages a query matches are grouped by document id and each document
//! scores as its best passage (as `kors search --group` does). Metrics, per
//! query and averaged over the queries that have at least one relevant
//! judgment (as trec_eval does): nDCG@10 (linear gain, trec_eval's
//! `ndcg_cut`), MRR@10, Recall@10 and Recall@100.
//!
//! Queries are run in one of two ways ([`QueryMode`]): `terms` (the
//! default) analyzes the query with the index's analyzer and ORs the terms,
//! each weighted by how often it occurs, as Anserini's bag-of-words does
//! for Lucene baselines; `syntax` parses the query as `kors search` does
//! (where a word that analyzes to several terms becomes a phrase).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use crate::error::Result;
use serde::Serialize;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::queries;
use crate::error::Error;
use crate::index::KorsIndex;
use crate::search::group::best_per_document;
use crate::search::query::{self, Filters};

/// Depth of the document ranking (the deepest cut-off, Recall@100).
pub const DEPTH: usize = 100;

pub use super::qrels::Qrels;

/// How query text becomes a tantivy query.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueryMode {
    /// Analyzed terms, OR-ed (bag of words).
    #[default]
    Terms,
    /// `kors search`'s query parser.
    Syntax,
}

/// Metrics of one ranking (or their mean).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// nDCG at 10.
    pub ndcg_10: f64,
    /// Reciprocal rank of the first relevant document within the top 10.
    pub mrr_10: f64,
    /// Share of the relevant documents within the top 10.
    pub recall_10: f64,
    /// Share of the relevant documents within the top 100.
    pub recall_100: f64,
}

/// Metrics of `ranked` (document ids, best first) given the judgments of
/// its query. A query with no relevant document scores 0 everywhere (and
/// is left out of averages by [`evaluate`]).
pub fn metrics(ranked: &[String], judged: &HashMap<String, u32>) -> Metrics {
    let grade = |d: &String| judged.get(d).copied().unwrap_or(0);
    let relevant = judged.values().filter(|&&g| g > 0).count();
    if relevant == 0 {
        return Metrics::default();
    }
    let discount = |i: usize| 1.0 / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, d)| f64::from(grade(d)) * discount(i))
        .sum();
    let mut ideal: Vec<u32> = judged.values().copied().filter(|&g| g > 0).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, &g)| f64::from(g) * discount(i))
        .sum();
    let first = ranked.iter().take(10).position(|d| grade(d) > 0);
    let found = |k: usize| ranked.iter().take(k).filter(|d| grade(d) > 0).count();
    Metrics {
        ndcg_10: dcg / idcg,
        mrr_10: first.map_or(0.0, |i| 1.0 / (i + 1) as f64),
        recall_10: found(10) as f64 / relevant as f64,
        recall_100: found(100) as f64 / relevant as f64,
    }
}

/// One query's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct QueryReport {
    /// Query id.
    pub qid: String,
    /// Query text.
    pub query: String,
    /// Its metrics.
    #[serde(flatten)]
    pub metrics: Metrics,
    /// Rank of the first relevant document (any depth), if retrieved.
    pub first_relevant: Option<usize>,
    /// Documents retrieved (at most [`DEPTH`]).
    pub retrieved: usize,
    /// Why the query could not run (`syntax` mode), if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A whole evaluation run on one index.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Index directory.
    pub index: PathBuf,
    /// Its analyzer (`morph`, `bigram`, `whitespace`).
    pub analyzer: String,
    /// How queries were run.
    pub mode: QueryMode,
    /// Queries evaluated (those with at least one relevant judgment).
    pub queries: usize,
    /// Queries left out because the qrels judge no document relevant to them.
    pub unjudged: usize,
    /// Queries that failed to parse (`syntax` mode; they score 0).
    pub errors: usize,
    /// Means over the evaluated queries.
    #[serde(flatten)]
    pub overall: Metrics,
    /// Wall-clock seconds for the whole run.
    pub seconds: f64,
    /// Per query, in file order.
    pub per_query: Vec<QueryReport>,
}

/// Evaluates `queries` against `qrels` on `idx`.
pub fn evaluate(
    idx: &KorsIndex,
    queries: &[queries::Query],
    qrels: &Qrels,
    mode: QueryMode,
) -> Result<Report> {
    let start = Instant::now();
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let empty = HashMap::new();
    let mut per_query = Vec::with_capacity(queries.len());
    let mut unjudged = 0;
    for q in queries {
        let judged = qrels.get(&q.id).unwrap_or(&empty);
        if !judged.values().any(|&g| g > 0) {
            unjudged += 1;
            continue;
        }
        let (ranked, error) = match rank_documents(idx, &searcher, &q.text, mode, DEPTH) {
            Ok(r) => (r, None),
            Err(e) => (Vec::new(), Some(e.chain())),
        };
        per_query.push(QueryReport {
            qid: q.id.clone(),
            query: q.text.clone(),
            metrics: metrics(&ranked, judged),
            first_relevant: ranked
                .iter()
                .position(|d| judged.get(d).is_some_and(|&g| g > 0))
                .map(|i| i + 1),
            retrieved: ranked.len(),
            error,
        });
    }
    let n = per_query.len().max(1) as f64;
    let mean = |f: fn(&Metrics) -> f64| per_query.iter().map(|r| f(&r.metrics)).sum::<f64>() / n;
    Ok(Report {
        index: idx.dir.clone(),
        analyzer: idx.analyzer.name().to_string(),
        mode,
        queries: per_query.len(),
        unjudged,
        errors: per_query.iter().filter(|r| r.error.is_some()).count(),
        overall: Metrics {
            ndcg_10: mean(|m| m.ndcg_10),
            mrr_10: mean(|m| m.mrr_10),
            recall_10: mean(|m| m.recall_10),
            recall_100: mean(|m| m.recall_100),
        },
        seconds: start.elapsed().as_secs_f64(),
        per_query,
    })
}

/// The query `text` as [`QueryMode::Terms`] runs it: every analyzed term
/// on `text` (which holds the title too, in a document's first passage),
/// OR-ed, each weighted by its number of occurrences in the query.
pub fn terms_query(idx: &KorsIndex, text: &str) -> Box<dyn Query> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    crate::analysis::with_kept(idx.analyzer, false, |analyzer| {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            *counts.entry(stream.token().text.clone()).or_default() += 1;
        }
    });
    let f = &idx.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (term, n) in counts {
        let q = TermQuery::new(
            Term::from_field_text(f.text, &term),
            IndexRecordOption::WithFreqs,
        );
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(q), n as f32)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Document ids for `text`, best first, at most `depth`: passages grouped
/// by document, each document at its best passage's score (as `kors search
/// --group` shows them).
pub fn rank_documents(
    idx: &KorsIndex,
    searcher: &Searcher,
    text: &str,
    mode: QueryMode,
    depth: usize,
) -> Result<Vec<String>> {
    let query = match mode {
        QueryMode::Terms => terms_query(idx, text),
        QueryMode::Syntax => query::build(idx, text, &Filters::default())?.query,
    };
    Ok(best_per_document(searcher, &*query, depth, None)?
        .into_iter()
        .map(|b| b.doc_id)
        .collect())
}

/// Checks that the query file and the qrels agree enough to be worth
/// running: some query must have judgments.
pub fn check_inputs(queries: &[queries::Query], qrels: &Qrels) -> Result<()> {
    if queries.is_empty() {
        return Err(Error::Usage("the query file holds no query".into()));
    }
    if !queries.iter().any(|q| qrels.contains_key(&q.id)) {
        return Err(Error::Usage(
            "no query id of the query file appears in the qrels (is it `qid<TAB>query`?)".into(),
        ));
    }
    Ok(())
}

/// Evaluation runs side by side, one per index (`{"runs": […]}` in JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Runs {
    /// One run per index, in the order given.
    pub runs: Vec<Report>,
}

impl crate::report::Report for Runs {
    /// A table, one line per index.
    fn write_human(&self, w: &mut dyn std::io::Write, _color: bool) -> std::io::Result<()> {
        writeln!(
            w,
            "{:<28} {:<10} {:<6} {:>7} {:>7} {:>7} {:>9} {:>9}",
            "index", "analyzer", "mode", "queries", "nDCG@10", "MRR@10", "Recall@10", "Recall@100"
        )?;
        for r in &self.runs {
            writeln!(
                w,
                "{:<28} {:<10} {:<6} {:>7} {:>7.4} {:>7.4} {:>9.4} {:>9.4}",
                r.index.display().to_string(),
                r.analyzer,
                match r.mode {
                    QueryMode::Terms => "terms",
                    QueryMode::Syntax => "syntax",
                },
                r.queries,
                r.overall.ndcg_10,
                r.overall.mrr_10,
                r.overall.recall_10,
                r.overall.recall_100
            )?;
            if r.errors > 0 {
                writeln!(w, "  ({} queries could not be parsed)", r.errors)?;
            }
        }
        Ok(())
    }
}
