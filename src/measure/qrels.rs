//! Relevance judgments, as `kors eval` reads them: TREC qrels (`qid iter
//! docid rel`, split by white space) or the tab-separated form BEIR and
//! MTEB ship (`query-id<TAB>corpus-id<TAB>score` under that header), whose
//! ids may hold spaces (`finance - 보고서.pdf - 4`). The form is told by
//! the header, or chosen with `--qrels-format`.

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};

/// Judgments: query id → document id → relevance grade.
pub type Qrels = HashMap<String, HashMap<String, u32>>;

/// The form of a qrels file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QrelsFormat {
    /// TSV when the first line is BEIR's header, else TREC.
    #[default]
    Auto,
    /// `qid iter docid rel`, fields split by white space.
    Trec,
    /// `query-id<TAB>corpus-id<TAB>score`, an optional header first.
    Tsv,
}

/// BEIR's header, which marks the TSV form.
const TSV_HEADER: [&str; 3] = ["query-id", "corpus-id", "score"];

/// Reads the qrels file at `path` (within `bounded::MAX_FILE_BYTES`).
pub fn read(path: &Path, format: QrelsFormat) -> Result<Qrels> {
    let text = crate::bounded::read_to_string(path)?;
    parse(&text, format).map_err(|(line, reason)| Error::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    })
}

/// [`read`] on text; an error is a 1-based line and what is wrong.
pub fn parse(text: &str, format: QrelsFormat) -> std::result::Result<Qrels, (usize, String)> {
    let first = text.lines().position(|l| !l.trim().is_empty());
    let first_line = first.and_then(|i| text.lines().nth(i)).unwrap_or("");
    let header = first.filter(|_| is_tsv_header(first_line));
    // Three tab-separated fields are TSV: TREC has four, tabs or not.
    let tsv = match format {
        QrelsFormat::Auto => header.is_some() || tab_fields(first_line) == 3,
        QrelsFormat::Trec => false,
        QrelsFormat::Tsv => true,
    };
    let mut qrels: Qrels = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || Some(i) == header {
            continue;
        }
        let (qid, doc, rel) = if tsv {
            let f: Vec<&str> = line.split('\t').map(str::trim).collect();
            let [qid, doc, rel] = f[..] else {
                return Err((
                    i + 1,
                    format!(
                        "expected `query-id<TAB>corpus-id<TAB>score`, got {} tab-separated fields",
                        f.len()
                    ),
                ));
            };
            (qid, doc, rel)
        } else {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f[0].starts_with('#') {
                continue;
            }
            // `q1<TAB>doc 1<TAB>1` would read as four TREC fields, wrongly.
            let tsv_like = tab_fields(line) == 3;
            let fields = <[&str; 4]>::try_from(&f[..]).ok().filter(|_| !tsv_like);
            let Some([qid, _iter, doc, rel]) = fields else {
                let hint = if line.contains('\t') {
                    " (for BEIR/MTEB qrels, `query-id<TAB>corpus-id<TAB>score`, give their \
                     header line or --qrels-format tsv)"
                } else {
                    ""
                };
                return Err((
                    i + 1,
                    format!(
                        "expected `qid iter docid rel`, got {} fields{hint}",
                        f.len()
                    ),
                ));
            };
            (qid, doc, rel)
        };
        if qid.is_empty() || doc.is_empty() {
            return Err((i + 1, "an empty query or document id".into()));
        }
        // Negative grades (some collections use -1 for spam) count as 0.
        let rel: i64 = rel
            .parse()
            .map_err(|_| (i + 1, format!("relevance {rel:?} is not an integer")))?;
        qrels
            .entry(qid.to_string())
            .or_default()
            .insert(doc.to_string(), rel.clamp(0, i64::from(u32::MAX)) as u32);
    }
    Ok(qrels)
}

fn tab_fields(line: &str) -> usize {
    line.trim_end_matches('\r').split('\t').count()
}

fn is_tsv_header(line: &str) -> bool {
    let f: Vec<String> = line
        .trim_end_matches('\r')
        .split('\t')
        .map(|f| f.trim().to_ascii_lowercase())
        .collect();
    f == TSV_HEADER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trec_qrels() {
        let q = parse(
            "q1 0 d1 1\n\nq1 0 d2 0\n# note\nq2 0 d3 2\n",
            QrelsFormat::Auto,
        )
        .unwrap();
        assert_eq!(q["q1"].len(), 2);
        assert_eq!(q["q2"]["d3"], 2);
        let e = parse("q1 d1 1", QrelsFormat::Auto).unwrap_err();
        assert_eq!(e.0, 1);
        // Three tab-separated fields are BEIR's form, never four TREC fields.
        let q = parse("q1\td 1\t1", QrelsFormat::Auto).unwrap();
        assert_eq!(q["q1"]["d 1"], 1);
        let e = parse("q1\td 1\t1", QrelsFormat::Trec).unwrap_err();
        assert!(e.1.contains("--qrels-format tsv"), "{e:?}");
    }

    #[test]
    fn tsv_qrels_keep_spaces_in_ids() {
        let text = "query-id\tcorpus-id\tscore\r\nq 1\tfinance - 보고서.pdf - 4\t1\r\nq 1\tb\t0\n";
        for format in [QrelsFormat::Auto, QrelsFormat::Tsv] {
            let q = parse(text, format).unwrap();
            assert_eq!(q["q 1"]["finance - 보고서.pdf - 4"], 1);
            assert_eq!(q["q 1"].len(), 2);
        }
        // Without the header, by the flag.
        let q = parse("q 1\tdoc a\t2\n", QrelsFormat::Tsv).unwrap();
        assert_eq!(q["q 1"]["doc a"], 2);
        assert_eq!(parse("q\td\n", QrelsFormat::Tsv).unwrap_err().0, 1);
        let e = parse(
            "query-id\tcorpus-id\tscore\nq\td\thigh\n",
            QrelsFormat::Auto,
        )
        .unwrap_err();
        assert_eq!(e, (2, "relevance \"high\" is not an integer".into()));
    }
}
