//! Query files, as `kors eval` and `kors bench` read them: one query a
//! line, `qid<TAB>query` or the query alone; blank lines and `#` comments
//! skipped. The sets `kors bench` runs by default are compiled in.

use std::path::Path;

use crate::error::Result;

/// One query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Query id (as in the qrels); for a line without a tab, its 1-based
    /// line number.
    pub id: String,
    /// Query text.
    pub text: String,
}

/// Reads a query file.
pub fn read(path: &Path) -> Result<Vec<Query>> {
    let text = crate::bounded::read_to_string(path)?;
    Ok(parse(&text))
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
    fn shipped_sets_are_not_empty() {
        for s in QuerySet::shipped() {
            assert!(s.queries.len() >= 30, "{}", s.name);
        }
    }
}
