//! `--lang`/`lang:` and `--source`/`source:`: the passages whose keyword
//! is the value asked for or a longer form of it (`en` matches `en-gb`;
//! `kcna` matches "kcna (kcna.kp, english)").
//!
//! Each segment's term dictionary is read from the value on, and the
//! postings of the terms that match are joined. (A `RegexQuery` did this
//! before: it compiled an automaton per query and filled a bitset of every
//! match, nine tenths of a filtered search's time.)

use tantivy::query::{
    BooleanQuery, EmptyScorer, EnableScoring, Explanation, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

use crate::index::schema::normalize_keyword;

/// What may follow the value in a longer form of it.
#[derive(Clone, Copy, Debug)]
pub enum Longer {
    /// A language's region or script: `en-gb`.
    Lang,
    /// A source's details: `kcna (kcna.kp)`, `yonhap, seoul`.
    Source,
}

impl Longer {
    fn continues(self, rest: &str) -> bool {
        match self {
            Longer::Lang => rest.starts_with('-'),
            Longer::Source => rest.starts_with([' ', ',', ';', ':', '(', '/']),
        }
    }

    /// Whether `indexed` (a keyword as indexed) is `wanted` (as the user
    /// typed it) or a longer form of it.
    pub fn accepts(self, indexed: &str, wanted: &str) -> bool {
        self.matches(indexed, &normalize_keyword(wanted.trim()))
    }

    /// [`Longer::accepts`] for a `value` already normalized.
    fn matches(self, indexed: &str, value: &str) -> bool {
        indexed
            .strip_prefix(value)
            .is_some_and(|rest| rest.is_empty() || self.continues(rest))
    }
}

/// The passages whose keyword `field` is `value` or a longer form of it.
#[derive(Clone, Debug)]
pub struct KeywordQuery {
    field: Field,
    value: String,
    longer: Longer,
}

impl KeywordQuery {
    /// `value` as the user typed it (compared as keywords are indexed).
    pub fn new(field: Field, value: &str, longer: Longer) -> Self {
        KeywordQuery {
            field,
            value: normalize_keyword(value.trim()),
            longer,
        }
    }

    /// The segment's terms that match, in order.
    fn terms(&self, reader: &SegmentReader) -> tantivy::Result<Vec<Term>> {
        let index = reader.inverted_index(self.field)?;
        let mut stream = index
            .terms()
            .range()
            .ge(self.value.as_bytes())
            .into_stream()?;
        let mut terms = Vec::new();
        while stream.advance() {
            let Ok(key) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !key.starts_with(&self.value) {
                break;
            }
            if self.longer.matches(key, &self.value) {
                terms.push(Term::from_field_text(self.field, key));
            }
        }
        Ok(terms)
    }
}

impl Query for KeywordQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for KeywordQuery {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let terms = self.terms(reader)?;
        if terms.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        // One term's postings, or the union of a few (`en`, `en-gb`).
        let clauses = terms
            .into_iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        BooleanQuery::new(clauses)
            .weight(EnableScoring::disabled_from_schema(reader.schema()))?
            .scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not one of {:?}",
                self.value
            )));
        }
        Ok(Explanation::new_with_string(
            format!("keyword {:?}", self.value),
            1.0,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::RegexQuery;
    use tantivy::schema::{Schema, STORED, STRING};
    use tantivy::{doc, Index};

    const KEYWORDS: &[&str] = &[
        "en",
        "en-gb",
        "eng",
        "e",
        "ko",
        "ko-kp",
        "kcna",
        "kcna (kcna.kp, english)",
        "kcna.kp",
        "kcnaz",
        "yonhap, seoul",
        "yonhap news agency",
        "yonhap",
        "rodong sinmun/editorial",
    ];

    /// What the regexes of the filter before it (value, then `(-.*)?` or
    /// `([ ,;:(/].*)?`) matched, over the same index.
    fn by_regex(
        searcher: &tantivy::Searcher,
        field: Field,
        value: &str,
        longer: Longer,
    ) -> Vec<u32> {
        let rest = match longer {
            Longer::Lang => "(-.*)?",
            Longer::Source => "([ ,;:(/].*)?",
        };
        let escaped: String = value
            .chars()
            .flat_map(|c| {
                let meta = "\\.+*?()|[]{}^$#&-~".contains(c);
                meta.then_some('\\').into_iter().chain([c])
            })
            .collect();
        let q = RegexQuery::from_pattern(&format!("{escaped}{rest}"), field).unwrap();
        docs(searcher, &q)
    }

    fn docs(searcher: &tantivy::Searcher, q: &dyn Query) -> Vec<u32> {
        let mut v: Vec<u32> = searcher
            .search(q, &DocSetCollector)
            .unwrap()
            .into_iter()
            .map(|a| a.segment_ord * 1000 + a.doc_id)
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn matches_the_value_and_its_longer_forms_as_the_regex_did() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("k", STRING | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        // Two segments, the second without some of the first's keywords.
        for (i, k) in KEYWORDS.iter().enumerate() {
            writer.add_document(doc!(field => *k)).unwrap();
            if i == KEYWORDS.len() / 2 {
                writer.commit().unwrap();
            }
        }
        for k in ["en-gb", "kcna", "yonhap, seoul"] {
            writer.add_document(doc!(field => k)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);

        let values = [
            "en",
            "e",
            "ko",
            "kcna",
            "kcna.kp",
            "yonhap",
            "yonhap,",
            "rodong sinmun",
            "x",
            "",
        ];
        for value in values {
            for longer in [Longer::Lang, Longer::Source] {
                let q = KeywordQuery::new(field, value, longer);
                assert_eq!(
                    docs(&searcher, &q),
                    by_regex(&searcher, field, value, longer),
                    "{value:?} {longer:?}"
                );
            }
        }
        // Named outright: `en` is en and en-gb, not eng; `kcna` is the
        // agency in either form, not kcnaz or kcna.kp.
        let keywords = |value: &str, longer| {
            let q = KeywordQuery::new(field, value, longer);
            let mut found: Vec<String> = Vec::new();
            for a in searcher.search(&q, &DocSetCollector).unwrap() {
                let d: tantivy::TantivyDocument = searcher.doc(a).unwrap();
                let v = d
                    .get_first(field)
                    .and_then(|v| tantivy::schema::Value::as_str(&v))
                    .unwrap();
                found.push(v.to_string());
            }
            found.sort();
            found
        };
        assert_eq!(keywords("en", Longer::Lang), ["en", "en-gb", "en-gb"]);
        assert_eq!(
            keywords("kcna", Longer::Source),
            ["kcna", "kcna", "kcna (kcna.kp, english)"]
        );
    }
}
