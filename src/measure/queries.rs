//! Query files, as `kors eval` and `kors bench` read them: one query a
//! line, `qid<TAB>query` or the query alone; blank lines and `#` comments
//! skipped. Or JSON Lines, as BEIR ships them (`{"_id": …, "text": …}`),
//! told by a first line that starts with `{`. The sets `kors bench` runs by
//! default are compiled in.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

/// One query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Query id (as in the qrels); for a line without a tab, its 1-based
    /// line number.
    pub id: String,
    /// Query text.
    pub text: String,
}

/// Reads a query file (within `bounded::MAX_FILE_BYTES`).
pub fn read(path: &Path) -> Result<Vec<Query>> {
    let text = crate::bounded::read_to_string(path)?;
    let jsonl = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('{'));
    if !jsonl {
        return Ok(parse(&text));
    }
    parse_jsonl(&text).map_err(|(line, reason)| Error::BadLine {
        path: path.to_path_buf(),
        line,
        reason,
    })
}

/// Queries as JSON Lines: `_id` (or `id`: a string or an integer) and
/// `text`, other fields ignored; an error is a 1-based line and what is
/// wrong.
pub fn parse_jsonl(text: &str) -> std::result::Result<Vec<Query>, (usize, String)> {
    let mut queries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |what: &str| (i + 1, what.to_string());
        let v: Value = serde_json::from_str(line).map_err(|e| (i + 1, format!("not JSON: {e}")))?;
        let id = match v.get("_id").or_else(|| v.get("id")) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Number(n)) if n.is_u64() || n.is_i64() => n.to_string(),
            _ => return Err(bad("_id: expected a query id (a string or an integer)")),
        };
        let Some(Value::String(text)) = v.get("text") else {
            return Err(bad("text: expected the query as a string"));
        };
        queries.push(Query {
            id,
            text: text.trim().to_string(),
        });
    }
    Ok(queries)
}

/// [`read`] on text.
pub fn parse(text: &str) -> Vec<Query> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| match l.split_once('\t') {
            Some((id, q)) => Query {
                id: id.trim().to_string(),
                text: q.trim().to_string(),
            },
            None => Query {
                id: (i + 1).to_string(),
                text: l.trim().to_string(),
            },
        })
        .collect()
}

/// A named list of queries (`kors bench` times each set apart).
#[derive(Debug, Clone)]
pub struct QuerySet {
    /// Name (the file stem).
    pub name: String,
    /// The query texts, in file order.
    pub queries: Vec<String>,
}

impl QuerySet {
    /// The set of the query file `path`.
    pub fn read(path: &Path) -> Result<QuerySet> {
        Ok(QuerySet {
            name: path.file_stem().map_or_else(
                || path.display().to_string(),
                |s| s.to_string_lossy().into(),
            ),
            queries: texts(read(path)?),
        })
    }

    /// The sets of `benches/queries/`, compiled in so that an installed
    /// `kors bench` has them.
    pub fn shipped() -> Vec<QuerySet> {
        [
            (
                "ko-topical",
                include_str!("../../benches/queries/ko-topical.txt"),
            ),
            (
                "en-topical",
                include_str!("../../benches/queries/en-topical.txt"),
            ),
            (
                "korquad-200",
                include_str!("../../benches/queries/korquad-200.txt"),
            ),
        ]
        .into_iter()
        .map(|(name, text)| QuerySet {
            name: name.to_string(),
            queries: texts(parse(text)),
        })
        .collect()
    }
}

fn texts(queries: Vec<Query>) -> Vec<String> {
    queries.into_iter().map(|q| q.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_lines_with_and_without_ids() {
        let qs = parse("# comment\nq1\t러시아 가스\nplain query\n");
        assert_eq!(qs[0].id, "q1");
        assert_eq!(qs[0].text, "러시아 가스");
        assert_eq!(qs[1].id, "3");
    }

    #[test]
    fn beir_queries_are_json_lines() {
        let q = parse_jsonl(
            "{\"_id\": \"q 1\", \"text\": \"러시아 가스\", \"metadata\": {}}\n\n{\"id\": 7, \"text\": \"gas\"}\n",
        )
        .unwrap();
        assert_eq!(q[0].id, "q 1");
        assert_eq!(q[0].text, "러시아 가스");
        assert_eq!(q[1].id, "7");
        assert_eq!(parse_jsonl("{\"_id\": \"a\"}").unwrap_err().0, 1);
        assert_eq!(parse_jsonl("{\"text\": \"a\"}\n{").unwrap_err().0, 1);
    }

    #[test]
    fn shipped_sets_are_not_empty() {
        for s in QuerySet::shipped() {
            assert!(s.queries.len() >= 30, "{}", s.name);
        }
    }
}
