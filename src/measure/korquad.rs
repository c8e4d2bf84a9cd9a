//! KorQuAD 1.0 (SQuAD format) as a retrieval test collection: each
//! paragraph a document, each question a query whose one relevant document
//! is its own paragraph (as MTEB's SQuADKorV1Retrieval reads it).
//!
//! Writes `docs.jsonl` (for `kors index`), `queries.tsv` (`qid<TAB>question`)
//! and `qrels.txt` (TREC: `qid 0 docid 1`). Documents carry no title: the
//! article title is shared by all its paragraphs, and the Lucene figures
//! kors is compared with index the paragraph text alone.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Context, IoContext, Result};

#[derive(Deserialize)]
struct File {
    data: Vec<Article>,
}

#[derive(Deserialize)]
struct Article {
    #[serde(default)]
    title: String,
    paragraphs: Vec<Paragraph>,
}

#[derive(Deserialize)]
struct Paragraph {
    context: String,
    qas: Vec<Qa>,
}

#[derive(Deserialize)]
struct Qa {
    id: String,
    question: String,
}

#[derive(Serialize)]
struct DocLine<'a> {
    id: &'a str,
    lang: &'static str,
    source: &'static str,
    tags: [&'a str; 1],
    text: &'a str,
}

/// What an import wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    /// Articles read.
    pub articles: usize,
    /// Paragraphs = documents written.
    pub paragraphs: usize,
    /// Questions = queries (and qrels lines) written.
    pub questions: usize,
    /// `docs.jsonl`.
    pub docs: PathBuf,
    /// `queries.tsv`.
    pub queries: PathBuf,
    /// `qrels.txt`.
    pub qrels: PathBuf,
}

impl crate::report::Report for ImportSummary {
    fn write_human(&self, w: &mut dyn Write, _color: bool) -> std::io::Result<()> {
        writeln!(
            w,
            "{} articles, {} paragraphs (documents), {} questions (queries); wrote {}, {}, {}",
            self.articles,
            self.paragraphs,
            self.questions,
            self.docs.display(),
            self.queries.display(),
            self.qrels.display()
        )
    }
}

/// Document id of paragraph `p` of article `a` (both 0-based).
pub fn doc_id(a: usize, p: usize) -> String {
    format!("korquad-{a:03}-{p:02}")
}

/// Imports the KorQuAD file `input` into `out` (created if missing).
pub fn import(input: &Path, out: &Path) -> Result<ImportSummary> {
    let text = crate::bounded::read_to_string(input)?;
    let file: File = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a KorQuAD (SQuAD) JSON file", input.display()))?;
    fs::create_dir_all(out).at("creating", out)?;
    let create = |name: &str| -> Result<(PathBuf, BufWriter<fs::File>)> {
        let p = out.join(name);
        let f = fs::File::create(&p).at("creating", &p)?;
        Ok((p, BufWriter::new(f)))
    };
    let (docs_path, mut docs) = create("docs.jsonl")?;
    let (queries_path, mut queries) = create("queries.tsv")?;
    let (qrels_path, mut qrels) = create("qrels.txt")?;
    let (mut paragraphs, mut questions) = (0, 0);
    for (a, article) in file.data.iter().enumerate() {
        for (p, para) in article.paragraphs.iter().enumerate() {
            let id = doc_id(a, p);
            let line = DocLine {
                id: &id,
                lang: "ko",
                source: "KorQuAD 1.0 dev",
                tags: [&article.title],
                text: &para.context,
            };
            serde_json::to_writer(&mut docs, &line)?;
            docs.write_all(b"\n")?;
            paragraphs += 1;
            for qa in &para.qas {
                // Tabs and newlines would break the TSV line.
                let q = qa.question.split_whitespace().collect::<Vec<_>>().join(" ");
                let qid = qa.id.split_whitespace().collect::<String>();
                writeln!(queries, "{qid}\t{q}")?;
                writeln!(qrels, "{qid} 0 {id} 1")?;
                questions += 1;
            }
        }
    }
    for w in [&mut docs, &mut queries, &mut qrels] {
        w.flush()?;
    }
    Ok(ImportSummary {
        articles: file.data.len(),
        paragraphs,
        questions,
        docs: docs_path,
        queries: queries_path,
        qrels: qrels_path,
    })
}
