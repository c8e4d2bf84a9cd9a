//! Turning the user's query and filters into a tantivy query.
//!
//! The user's query is read by tantivy's query grammar over `text` (which
//! holds each document's title in its first passage): terms, "phrases", AND/OR/NOT,
//! `+`/`-`, `field:term`, `field:"a phrase"`. Terms are combined with OR by
//! default and ranked by BM25; a word that analyzes to several terms ORs them
//! (see [`Converter`]). Filters (`--lang`, `--source`, `--doc`,
//! `--since`, `--until`) are added as score-neutral conjuncts.

use std::ops::Bound;

use crate::error::Result;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    QueryParser, QueryParserError, RangeQuery, TermQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::time::Date;
use tantivy::{Searcher, Term};

use super::keyword::{KeywordQuery, Longer};
use crate::analysis::AnalyzerKind;
use crate::error::Error;
use crate::index::document::{day_value, FIRST_DAY, LAST_DAY};
use crate::index::schema::name;
use crate::index::KorsIndex;

/// Field names users may write before a colon.
pub const QUERY_FIELDS: &[&str] = &[
    name::TITLE,
    name::TEXT,
    name::LANG,
    name::SOURCE,
    name::AUTHOR,
    name::DOC,
    name::TAG,
];

/// Filters that restrict which passages may match.
#[derive(Debug, Clone)]
pub struct Filters {
    /// Passage language (e.g. `en`, `ko`; `en` also matches `en-gb`),
    /// case-insensitive.
    pub lang: Option<String>,
    /// Source, case-insensitive: its whole name or its first words.
    pub source: Option<String>,
    /// Only documents dated on or after this day (undated ones are excluded).
    pub since: Option<Date>,
    /// Only documents dated on or before this day (undated ones are excluded).
    pub until: Option<Date>,
    /// Only this document id.
    pub doc: Option<String>,
}

impl Filters {
    /// No filter.
    pub const NONE: Filters = Filters {
        lang: None,
        source: None,
        since: None,
        until: None,
        doc: None,
    };

    /// Whether no filter is set.
    pub fn none(&self) -> bool {
        !self.any()
    }

    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        self.lang.is_some()
            || self.source.is_some()
            || self.since.is_some()
            || self.until.is_some()
            || self.doc.is_some()
    }

    /// (flag, value) of each filter set.
    pub fn flags(&self) -> Vec<(&'static str, String)> {
        let day = |d: &Option<Date>| d.map(|d| d.to_string());
        [
            ("lang", self.lang.clone()),
            ("source", self.source.clone()),
            ("since", day(&self.since)),
            ("until", day(&self.until)),
            ("doc", self.doc.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect()
    }
}

impl Default for Filters {
    fn default() -> Self {
        Filters::NONE
    }
}

/// As the flags that set them: `{"lang": "en", "since": "2011-06-01"}`.
impl serde::Serialize for Filters {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (key, value) in self.flags() {
            m.serialize_entry(key, &value)?;
        }
        m.end()
    }
}

/// What to highlight in passage text: analyzed terms that match anywhere,
/// and phrases (analyzed terms at consecutive positions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HighlightSpec {
    /// Single terms.
    pub terms: Vec<String>,
    /// Phrases, each a sequence of terms at consecutive positions unless
    /// `offsets` says otherwise.
    pub phrases: Vec<Vec<String>>,
    /// For a phrase of `phrases` (same index), each term's position after
    /// the first's, when not consecutive (a Korean compound's parts are
    /// left out of a phrase, their positions kept: `"미제 침략자 격멸"` is
    /// 미제 +0, 침략자 +1, 격멸 +3). Empty: consecutive.
    pub offsets: Vec<Vec<usize>>,
}

impl HighlightSpec {
    /// The highlights of `query` on `field` (excluded clauses left out).
    pub fn of(query: &dyn Query, field: Field) -> HighlightSpec {
        HighlightSpec::with_offsets(query, field, &[])
    }

    /// [`HighlightSpec::of`], with the offsets of phrases built with gaps
    /// (term, offset from the first).
    pub fn with_offsets(
        query: &dyn Query,
        field: Field,
        known: &[Vec<(usize, String)>],
    ) -> HighlightSpec {
        let mut spec = HighlightSpec::default();
        spec.walk(query, field);
        for phrase in &spec.phrases {
            let offsets = known
                .iter()
                .find(|k| k.iter().map(|(_, t)| t).eq(phrase.iter()))
                .map(|k| k.iter().map(|(o, _)| *o).collect())
                .unwrap_or_default();
            spec.offsets.push(offsets);
        }
        spec
    }

    /// The position of a phrase's `k`th term after its first.
    pub fn offset(&self, phrase: usize, k: usize) -> usize {
        self.offsets
            .get(phrase)
            .and_then(|o| o.get(k))
            .copied()
            .unwrap_or(k)
    }

    fn walk(&mut self, q: &dyn Query, field: Field) {
        if let Some(b) = q.downcast_ref::<BooleanQuery>() {
            for (occur, sub) in b.clauses() {
                if *occur != Occur::MustNot {
                    self.walk(sub.as_ref(), field);
                }
            }
        } else if let Some(p) = q.downcast_ref::<PhraseQuery>() {
            if p.field() == field {
                let terms: Vec<String> = p
                    .phrase_terms()
                    .iter()
                    .filter_map(|t| t.value().as_str().map(str::to_string))
                    .collect();
                if !terms.is_empty() && !self.phrases.contains(&terms) {
                    self.phrases.push(terms);
                }
            }
        } else {
            q.query_terms(&mut |term, _| {
                if term.field() == field {
                    if let Some(s) = term.value().as_str() {
                        if !self.terms.iter().any(|t| t == s) {
                            self.terms.push(s.to_string());
                        }
                    }
                }
            });
        }
    }

    /// Whether there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }
}

/// A parsed query: the full query and what to highlight.
pub struct Parsed {
    /// Query to run.
    pub query: Box<dyn Query>,
    /// What to highlight in the `text` field.
    pub highlight: HighlightSpec,
    /// Set when the query's syntax could not be used and its words were
    /// searched instead.
    pub warning: Option<String>,
    /// With `--since`/`--until`: the query and the other filters, without
    /// the dates (to count what the dates left out).
    pub without_dates: Option<Box<dyn Query>>,
}

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 64 * 1024;
/// Most terms in a query, after analysis.
pub const MAX_QUERY_TERMS: usize = 4096;
/// Deepest nesting of parentheses and `NOT`s. tantivy's parser recurses once
/// per level and overflows the stack (an abort, not an error) at a few
/// thousand.
pub const MAX_QUERY_DEPTH: usize = 32;

/// Refuses queries over the limits above, before the parser sees them.
fn check_size(input: &str) -> Result<(), Error> {
    if input.len() > MAX_QUERY_BYTES {
        return Err(Error::Query(format!(
            "the query is {} bytes long; the limit is {} KiB",
            input.len(),
            MAX_QUERY_BYTES / 1024
        )));
    }
    // Over-estimates on purpose: parentheses count even inside quotes, and
    // every run of `NOT`s adds to the depth of the parentheses around it.
    let (mut parens, mut max_parens, mut nots, mut max_nots) = (0usize, 0, 0usize, 0);
    for token in input.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if token == "NOT" {
            nots += 1;
            max_nots = max_nots.max(nots);
        } else if !token.is_empty() {
            nots = 0;
        }
    }
    for c in input.chars() {
        match c {
            '(' => {
                parens += 1;
                max_parens = max_parens.max(parens);
            }
            ')' => parens = parens.saturating_sub(1),
            _ => {}
        }
    }
    if max_parens + max_nots > MAX_QUERY_DEPTH {
        return Err(Error::Query(format!(
            "the query nests parentheses or NOTs {} deep; the limit is {MAX_QUERY_DEPTH}",
            max_parens + max_nots
        )));
    }
    Ok(())
}

/// The query as shown in messages: a long one is cut.
pub(super) fn shown(input: &str) -> String {
    const MAX: usize = 80;
    match input.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &input[..i]),
        None => input.to_string(),
    }
}

/// Parses `input` and adds `filters`.
pub fn build(idx: &KorsIndex, input: &str, filters: &Filters) -> Result<Parsed> {
    build_in(idx, None, input, filters)
}

/// [`build`] with the searcher the query will run on (fuzzy and prefix
/// words read its terms; without one, a reader is opened when needed).
pub fn build_in(
    idx: &KorsIndex,
    searcher: Option<&Searcher>,
    input: &str,
    filters: &Filters,
) -> Result<Parsed> {
    check_size(input)?;
    let f = &idx.fields;
    let mut warning = None;
    let mut known_phrases = Vec::new();
    let user: Box<dyn Query> = if input.trim().is_empty() {
        if !filters.any() {
            return Err(Error::Query("the query is empty".into()));
        }
        Box::new(AllQuery)
    } else {
        let parser = QueryParser::for_index(&idx.index, vec![f.text]);
        let mut conv = Converter {
            idx,
            searcher: searcher.cloned(),
            refusal: None,
            phrases: Vec::new(),
            parser: &parser,
            kind: idx.analyzer,
            text: f.text,
            title: f.title,
            lang: f.lang,
            source: f.source,
        };
        let lucene = super::boolean::lucene_operators(input);
        let fuzzy = super::expand::fuzzy_syntax(&lucene).map_err(Error::Query)?;
        let parsed = conv.parse(&protect_apostrophes(&fuzzy));
        if let Some(why) = conv.refusal.take() {
            return Err(Error::Query(why));
        }
        let q = match parsed {
            Ok(q) => q,
            // Text pasted from an article (`Doll Domination: The Mini`,
            // `잠보 - 하쿠나`, `<야마토 나데시코>`, `(KOC)가`) is not meant as
            // syntax: search its words, and say so.
            Err(e) if is_pasted_text(input, &e) => {
                let words = plain_words(input);
                match conv.parse(&words) {
                    Ok(q) if !words.trim().is_empty() => {
                        warning = Some(format!(
                            "{}; searched the words instead",
                            explain_parse_error(&shown(input), e)
                        ));
                        q
                    }
                    _ => return Err(Error::Query(explain_parse_error(&shown(input), e))),
                }
            }
            Err(e) => return Err(Error::Query(explain_parse_error(&shown(input), e))),
        };
        known_phrases = std::mem::take(&mut conv.phrases);
        q
    };
    let user = with_names_of_several_words(user, input, idx.analyzer, f.text);
    let mut terms = 0usize;
    user.query_terms(&mut |_, _| terms += 1);
    if terms > MAX_QUERY_TERMS {
        return Err(Error::Query(format!(
            "the query has {terms} terms after analysis; the limit is {MAX_QUERY_TERMS}"
        )));
    }
    let highlight = HighlightSpec::with_offsets(user.as_ref(), f.text, &known_phrases);

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, user.box_clone())];
    let mut filter = |q: Box<dyn Query>| {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0))));
    };
    if let Some(l) = &filters.lang {
        filter(lang_query(f.lang, l));
    }
    if let Some(s) = &filters.source {
        filter(source_query(f.source, s));
    }
    if let Some(d) = &filters.doc {
        filter(Box::new(TermQuery::new(
            Term::from_field_text(f.doc, d),
            IndexRecordOption::Basic,
        )));
    }
    let without_dates = (filters.since.is_some() || filters.until.is_some()).then(|| {
        let q: Box<dyn Query> = Box::new(BooleanQuery::new(
            clauses.iter().map(|(o, q)| (*o, q.box_clone())).collect(),
        ));
        q
    });
    if filters.since.is_some() || filters.until.is_some() {
        clauses.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(
                date_range(f.date, filters.since, filters.until),
                0.0,
            )),
        ));
    }
    let query: Box<dyn Query> = if clauses.len() == 1 {
        user
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(Parsed {
        query,
        highlight,
        warning,
        without_dates,
    })
}

// `lang:` and `--lang`, `source:` and `--source` mean the same: `en` also
// matches `en-gb`; a source matches by its whole name or its first words
// (`kcna` matches "KCNA (kcna.kp, English)"), in any case.
fn lang_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(KeywordQuery::new(field, value, Longer::Lang))
}

fn source_query(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(KeywordQuery::new(field, value, Longer::Source))
}

/// Whether an indexed language (lowercased) is matched by `--lang wanted`.
pub fn lang_matches(indexed: &str, wanted: &str) -> bool {
    Longer::Lang.accepts(indexed, wanted)
}

/// Whether an indexed source (lowercased) is matched by `--source wanted`.
pub fn source_matches(indexed: &str, wanted: &str) -> bool {
    Longer::Source.accepts(indexed, wanted)
}

/// The passages dated `since..=until`. Both bounds are always set (an
/// unset or far one becomes the first or last day a document may carry), so
/// that undated passages are left out and tantivy gets a range it accepts.
fn date_range(field: Field, since: Option<Date>, until: Option<Date>) -> Box<dyn Query> {
    let first = since.map_or(FIRST_DAY, |d| d.max(FIRST_DAY));
    let last = until.map_or(LAST_DAY, |d| d.min(LAST_DAY));
    // LAST_DAY has a next day that tantivy holds exactly.
    match last.next_day() {
        Some(end) if first <= last => Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_date(field, day_value(first))),
            Bound::Excluded(Term::from_field_date(field, day_value(end))),
        )),
        _ => Box::new(EmptyQuery),
    }
}

/// A name spelt over several words (`Choe Son Hui`, `Kim Jong Un`) is found
/// by its identity too: the query parser hands the analyzer one word at a
/// time, so the whole input is analysed once more for such names, and each
/// one joins a query that is a disjunction of words.
fn with_names_of_several_words(
    user: Box<dyn Query>,
    input: &str,
    kind: AnalyzerKind,
    field: Field,
) -> Box<dyn Query> {
    if !matches!(kind, AnalyzerKind::Morph | AnalyzerKind::MorphFast) {
        return user;
    }
    let names = crate::analysis::names_of_several_words(input);
    if names.is_empty() {
        return user;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = match user.downcast_ref::<BooleanQuery>() {
        Some(b) if b.clauses().iter().all(|(o, _)| *o == Occur::Should) => b
            .clauses()
            .iter()
            .map(|(o, q)| (*o, q.box_clone()))
            .collect(),
        Some(_) => return user,
        None if user.downcast_ref::<TermQuery>().is_some() => vec![(Occur::Should, user)],
        None => return user,
    };
    for id in names {
        let term = Term::from_field_text(field, &id);
        clauses.push((
            Occur::Should,
            Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// A query being converted: a disjunction of clauses that a parent
/// disjunction may take in as its own, or any other query.
enum Conv {
    Or(Vec<Box<dyn Query>>),
    One(Box<dyn Query>),
}

impl Conv {
    fn into_query(self) -> Box<dyn Query> {
        match self {
            // One term alone (so `+a +b` is an intersection of terms, which
            // tantivy prunes too).
            Conv::Or(mut clauses) if clauses.len() == 1 => clauses.pop().expect("one clause"),
            Conv::Or(clauses) => Box::new(BooleanQuery::new(
                clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
            )),
            Conv::One(q) => q,
        }
    }
}

/// Builds tantivy queries from the grammar's syntax tree.
///
/// tantivy's `QueryParser` turns a word that analyzes to several terms
/// (`설립했다` → 설립 + 하, a compound and its parts, `bigram` pairs) into a
/// phrase query, and nests each word's terms in their own boolean query.
/// Both cost: a phrase only matches that exact form, and the ranking prunes
/// (tantivy's block-max WAND, kors's [`super::max_score`]) only over a flat
/// union of terms. So unquoted words
/// on the text fields become a flat OR of their terms (as Lucene's classic
/// parser does), and nested disjunctions are merged into their parent (the
/// BM25 sum is the same). Everything else (quoted phrases,
/// keyword fields, ranges, sets, regexes) goes through `QueryParser`.
struct Converter<'a> {
    idx: &'a KorsIndex,
    searcher: Option<Searcher>,
    /// Why an expansion cannot be searched (reported as is, not as a
    /// syntax error).
    refusal: Option<String>,
    /// Quoted phrases built here: (offset from the first term, term).
    phrases: Vec<Vec<(usize, String)>>,
    parser: &'a QueryParser,
    kind: crate::analysis::AnalyzerKind,
    text: Field,
    title: Field,
    lang: Field,
    source: Field,
}

impl Converter<'_> {
    fn parse(&mut self, input: &str) -> Result<Box<dyn Query>, QueryParserError> {
        let ast = tantivy::query_grammar::parse_query(input)
            .map_err(|_| QueryParserError::SyntaxError(input.to_string()))?;
        let ast = super::boolean::lucene_not(ast);
        if all_negative(&ast) {
            return Err(QueryParserError::AllButQueryForbidden);
        }
        Ok(match self.convert(ast)? {
            Some(c) => c.into_query(),
            // Only stop words: matches nothing, as tantivy's parser does.
            None => Box::new(BooleanQuery::new(Vec::new())),
        })
    }

    fn convert(&mut self, ast: UserInputAst) -> Result<Option<Conv>, QueryParserError> {
        match ast {
            UserInputAst::Clause(subs) => {
                let mut should: Vec<Box<dyn Query>> = Vec::new();
                let mut others: Vec<(Occur, Conv)> = Vec::new();
                for (occur, sub) in subs {
                    let occur = occur.unwrap_or(Occur::Should);
                    match self.convert(sub)? {
                        None => {}
                        Some(Conv::Or(list)) if occur == Occur::Should => should.extend(list),
                        Some(c) => others.push((occur, c)),
                    }
                }
                if others.is_empty() {
                    return Ok((!should.is_empty()).then_some(Conv::Or(should)));
                }
                if should.is_empty() && others.len() == 1 && others[0].0 != Occur::MustNot {
                    return Ok(others.pop().map(|(_, c)| c));
                }
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = others
                    .into_iter()
                    .map(|(o, c)| (o, c.into_query()))
                    .collect();
                clauses.extend(should.into_iter().map(|q| (Occur::Should, q)));
                Ok(Some(Conv::One(Box::new(BooleanQuery::new(clauses)))))
            }
            UserInputAst::Boost(sub, boost) => {
                let boost = boost.into_inner() as f32;
                let boosted =
                    |q: Box<dyn Query>| -> Box<dyn Query> { Box::new(BoostQuery::new(q, boost)) };
                // A boost distributes over a sum: each clause is boosted.
                Ok(self.convert(*sub)?.map(|c| match c {
                    Conv::Or(list) => Conv::Or(list.into_iter().map(boosted).collect()),
                    Conv::One(q) => Conv::One(boosted(q)),
                }))
            }
            UserInputAst::Leaf(leaf) => match *leaf {
                // `word*` (the grammar keeps the `*` in the word) and
                // `"word"*`: a prefix.
                UserInputLeaf::Literal(lit)
                    if self.word_field(lit.field_name.as_deref()).is_some()
                        && ((lit.prefix && !lit.phrase.contains(char::is_whitespace))
                            || (lit.delimiter == Delimiter::None && lit.phrase.contains('*'))) =>
                {
                    let field = self.word_field(lit.field_name.as_deref()).expect("checked");
                    let word = match lit.phrase.strip_suffix('*') {
                        Some(w) if !w.contains('*') => w,
                        None if lit.prefix => lit.phrase.as_str(),
                        _ => {
                            self.refusal = Some(format!(
                                "`{}`: only a `*` at the end of a word is supported (a prefix)",
                                lit.phrase
                            ));
                            return Err(QueryParserError::AllButQueryForbidden);
                        }
                    };
                    self.expand(field, word, None)
                }
                // `word~N`, which [`super::expand::fuzzy_syntax`] wrote as
                // `"word"~N`.
                UserInputLeaf::Literal(lit)
                    if self.word_field(lit.field_name.as_deref()).is_some()
                        && lit.delimiter != Delimiter::None
                        && super::expand::is_fuzzy(&lit.phrase, lit.slop).is_some() =>
                {
                    let field = self.word_field(lit.field_name.as_deref()).expect("checked");
                    let edits = super::expand::is_fuzzy(&lit.phrase, lit.slop);
                    self.expand(field, &lit.phrase, edits)
                }
                UserInputLeaf::Literal(lit)
                    if lit.delimiter != Delimiter::None
                        && !lit.prefix
                        && self.word_field(lit.field_name.as_deref()).is_some() =>
                {
                    Ok(self.phrase(lit.field_name.as_deref(), &lit.phrase, lit.slop))
                }
                UserInputLeaf::Literal(lit)
                    if lit.delimiter == Delimiter::None
                        && !lit.prefix
                        && self.word_field(lit.field_name.as_deref()).is_some() =>
                {
                    Ok(self.word(lit.field_name.as_deref(), &lit.phrase))
                }
                UserInputLeaf::Literal(lit)
                    if !lit.prefix
                        && matches!(lit.field_name.as_deref(), Some(name::LANG | name::SOURCE)) =>
                {
                    Ok(Some(Conv::One(
                        if lit.field_name.as_deref() == Some(name::LANG) {
                            lang_query(self.lang, &lit.phrase)
                        } else {
                            source_query(self.source, &lit.phrase)
                        },
                    )))
                }
                // `field:*`: tantivy's "has a value" query works on fast
                // fields only, and failed at search time with its own words.
                UserInputLeaf::Exists { field } => {
                    self.refusal = Some(format!(
                        "`{field}:*` (any value of a field) is not supported: search for \
                         words, or filter with --lang, --source, --since or --until"
                    ));
                    Err(QueryParserError::AllButQueryForbidden)
                }
                other => Ok(Some(Conv::One(
                    self.parser
                        .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(other)))?,
                ))),
            },
        }
    }

    /// A prefix word (`fuzzy` `None`) or a fuzzy one: the OR of the terms
    /// it stands for ([`super::expand`]).
    fn expand(
        &mut self,
        field: Field,
        word: &str,
        fuzzy: Option<u8>,
    ) -> Result<Option<Conv>, QueryParserError> {
        if self.searcher.is_none() {
            let reader = self.idx.reader().map_err(|e| {
                self.refusal = Some(e.to_string());
                QueryParserError::AllButQueryForbidden
            })?;
            self.searcher = Some(reader.searcher());
        }
        let searcher = self.searcher.as_ref().expect("opened");
        let terms = match fuzzy {
            None => super::expand::prefix(searcher, field, word),
            Some(n) => super::expand::fuzzy(searcher, field, word, n)
                .map(|v| v.into_iter().map(|(t, _)| t).collect()),
        };
        let terms = terms.map_err(|why| {
            self.refusal = Some(why);
            QueryParserError::AllButQueryForbidden
        })?;
        let clauses: Vec<Box<dyn Query>> = terms
            .iter()
            .map(|t| {
                let term = Term::from_field_text(field, t);
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect();
        // One clause, so that `+Russ*` requires any of its terms; no term
        // matches nothing.
        Ok(Some(Conv::One(match clauses.len() {
            1 => clauses.into_iter().next().expect("one"),
            _ => Box::new(BooleanQuery::new(
                clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
            )),
        })))
    }

    /// The analyzed field an unquoted word searches.
    fn word_field(&self, field: Option<&str>) -> Option<Field> {
        match field {
            // A document's title is indexed in its first passage's text.
            None | Some(name::TEXT) => Some(self.text),
            Some(name::TITLE) => Some(self.title),
            Some(_) => None,
        }
    }

    /// A quoted phrase: its analyzed terms at their positions, a compound's
    /// parts left out (they are indexed beside it, at the positions the
    /// phrase keeps), so that `"미제 침략자"` is 미제, 침략자 and its highlight
    /// covers exactly 미제침략자 in 미제침략자들과.
    fn phrase(&mut self, field: Option<&str>, text: &str, slop: u32) -> Option<Conv> {
        let field = self.word_field(field)?;
        let mut tokens: Vec<(String, usize, usize, usize)> = Vec::new();
        crate::analysis::with_kept(self.kind, false, |analyzer| {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                tokens.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
            }
        });
        let inside = |&(_, s, e, _): &(String, usize, usize, usize)| {
            tokens
                .iter()
                .any(|&(_, s2, e2, _)| s2 <= s && e <= e2 && (s2, e2) != (s, e))
        };
        let kept: Vec<(usize, String)> = tokens
            .iter()
            .filter(|t| !inside(t))
            .map(|(t, _, _, p)| (*p, t.clone()))
            .collect();
        let first = kept.first()?.0;
        let kept: Vec<(usize, String)> = kept.into_iter().map(|(p, t)| (p - first, t)).collect();
        if kept.len() == 1 {
            let term = Term::from_field_text(field, &kept[0].1);
            return Some(Conv::One(Box::new(TermQuery::new(
                term,
                IndexRecordOption::WithFreqs,
            ))));
        }
        self.phrases.push(kept.clone());
        let terms = kept
            .into_iter()
            .map(|(p, t)| (p, Term::from_field_text(field, &t)))
            .collect();
        Some(Conv::One(Box::new(PhraseQuery::new_with_offset_and_slop(
            terms, slop,
        ))))
    }

    /// An unquoted word: the OR of its analyzed terms, a compound's parts
    /// left out.
    fn word(&mut self, field: Option<&str>, word: &str) -> Option<Conv> {
        let field = self.word_field(field)?;
        let mut tokens: Vec<(String, usize, usize)> = Vec::new();
        crate::analysis::with_kept(self.kind, false, |analyzer| {
            let mut stream = analyzer.token_stream(word);
            while stream.advance() {
                let t = stream.token();
                tokens.push((t.text.clone(), t.offset_from, t.offset_to));
            }
        });
        // A compound's parts (indexed beside it) are left out of queries:
        // single syllables such as 주 in 연해주 are among the commonest terms,
        // and searching the whole alone ranked KorQuAD better (MRR@10 0.9351
        // → 0.9385 over all questions) and ran its questions 17% faster.
        let inside = |&(_, s, e): &(String, usize, usize)| {
            tokens
                .iter()
                .any(|&(_, s2, e2)| s2 <= s && e <= e2 && (s2, e2) != (s, e))
        };
        let clauses: Vec<Box<dyn Query>> = tokens
            .iter()
            .filter(|t| !inside(t))
            .map(|(t, _, _)| {
                let term = Term::from_field_text(field, t);
                Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as Box<dyn Query>
            })
            .collect();
        (!clauses.is_empty()).then_some(Conv::Or(clauses))
    }
}

/// Whether a query only excludes (`-a -b`), which tantivy refuses too.
fn all_negative(ast: &UserInputAst) -> bool {
    match ast {
        UserInputAst::Clause(subs) => {
            !subs.is_empty()
                && subs.iter().all(|(occur, sub)| match occur {
                    Some(Occur::MustNot) => true,
                    Some(Occur::Must) => false,
                    _ => all_negative(sub),
                })
        }
        UserInputAst::Boost(sub, _) => all_negative(sub),
        UserInputAst::Leaf(_) => false,
    }
}

/// Whether a parse error comes from text that was not meant as syntax: any
/// syntax error, or an unknown "field" whose colon is followed by a space
/// (`Domination: The Mini`; `kim:jong` stays an error).
fn is_pasted_text(input: &str, e: &QueryParserError) -> bool {
    match e {
        QueryParserError::SyntaxError(_) => true,
        // `<야마토 나데시코>` reads as an open range; a /regex/ is meant.
        QueryParserError::UnsupportedQuery(what) => !what.contains("Regex"),
        QueryParserError::FieldDoesNotExist(field) => {
            input.contains(&format!("{field}: "))
                || input.trim_end().ends_with(&format!("{field}:"))
        }
        _ => false,
    }
}

/// `input` with every character of the query syntax replaced by a space,
/// so that only words remain (a ':' inside a word, as in 10:30, too).
fn plain_words(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '+' | '-' | '!' | '(' | ')' | '{' | '}' | '[' | ']' | '<' | '>' | '^' | '"' | '\''
            | '~' | '*' | '?' | ':' | '\\' | '/' | '=' => ' ',
            c => c,
        })
        .collect()
}

/// A one-line explanation of a query parse error, naming the problem.
/// tantivy's grammar reads `'` as a quote, so `Kim Il Sung's works` or
/// `the Koreas' talks` would not parse. An apostrophe after a letter that
/// does not close a `'quoted phrase'` becomes ’, which the analyzer treats
/// the same way (a possessive `’s` is dropped). And Korean attaches
/// particles to a quotation (`'철학'은`), which the grammar only accepts
/// with a space after the closing quote: one is added.
fn protect_apostrophes(input: &str) -> std::borrow::Cow<'_, str> {
    if !input.contains(['\'', '"']) {
        return input.into();
    }
    let mut out = String::with_capacity(input.len() + 4);
    let mut open_single = false;
    let mut open_double = false;
    let mut prev: Option<char> = None;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let closes = match c {
            '"' => {
                open_double = !open_double;
                !open_double
            }
            '\'' if !open_double => {
                if prev.is_some_and(char::is_alphanumeric) && !open_single {
                    out.push('’');
                    prev = Some('’');
                    continue;
                }
                open_single = !open_single;
                !open_single
            }
            _ => false,
        };
        out.push(c);
        prev = Some(c);
        // Slop (~2), boost (^2) and prefix (*) may follow a phrase directly.
        if closes
            && chars
                .peek()
                .is_some_and(|&n| !n.is_whitespace() && !matches!(n, ')' | '~' | '^' | '*'))
        {
            out.push(' ');
        }
    }
    out.into()
}

fn explain_parse_error(input: &str, e: QueryParserError) -> String {
    use QueryParserError as E;
    let fields = QUERY_FIELDS.join(", ");
    match e {
        E::SyntaxError(_) => format!(
            "cannot parse `{input}`: check for unbalanced quotes or parentheses, or a \
             dangling AND/OR/NOT (quote special characters: \"...\")"
        ),
        E::FieldDoesNotExist(field) => format!(
            "unknown field `{field}:` in `{input}` (fields: {fields}; put a colon that is \
             part of a word inside quotes)"
        ),
        E::FieldNotIndexed(field) => {
            format!("field `{field}:` cannot be searched (fields: {fields})")
        }
        E::AllButQueryForbidden => {
            format!("`{input}` only excludes terms; add at least one term to look for")
        }
        E::FieldDoesNotHavePositionsIndexed(field) => {
            format!("field `{field}:` does not support phrase queries")
        }
        E::ExpectedInt(_) | E::ExpectedFloat(_) | E::ExpectedBool(_) => {
            format!("a value in `{input}` has the wrong type for its field: {e}")
        }
        E::RangeMustNotHavePhrase => {
            format!("a range in `{input}` must not contain a phrase")
        }
        E::DateFormatError(_) => {
            format!("a date in `{input}` is not RFC 3339 (use --since/--until YYYY-MM-DD instead)")
        }
        other => format!("cannot use `{input}`: {other}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn apostrophes_in_words_are_not_quotes() {
        use super::protect_apostrophes as p;
        assert_eq!(p("Kim Il Sung's works"), "Kim Il Sung’s works");
        assert_eq!(p("the Koreas' talks"), "the Koreas’ talks");
        assert_eq!(p("'quoted phrase' and don't"), "'quoted phrase' and don’t");
        assert_eq!(p("\"it's\" here"), "\"it's\" here");
        assert_eq!(p("plain"), "plain");
        assert_eq!(p("'철학'은 어디에서"), "'철학' 은 어디에서");
        assert_eq!(p("\"철학\"은"), "\"철학\" 은");
        assert_eq!(p("'가', '나'는"), "'가' , '나' 는");
        assert_eq!(p("\"big wolf\"~1"), "\"big wolf\"~1");
    }

    use super::*;

    fn terms_of(clauses: &[(Occur, Box<dyn Query>)]) -> Vec<String> {
        clauses
            .iter()
            .filter_map(|(_, q)| q.downcast_ref::<TermQuery>())
            .filter_map(|t| t.term().value().as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn words_become_one_flat_union_of_terms() {
        let dir = tempfile::tempdir().unwrap();
        let idx = KorsIndex::create(dir.path()).unwrap();
        let build = |q: &str| build(&idx, q, &Filters::default()).map(|p| p.query);
        // An inflected verb and a noun compound give several terms each: all are
        // OR-ed at one level (tantivy's block-max WAND needs that shape).
        let q = build("설립했다 손해배상 Russia's").unwrap();
        let b = q.downcast_ref::<BooleanQuery>().expect("a boolean query");
        assert!(b.clauses().iter().all(|(o, _)| *o == Occur::Should));
        let terms = terms_of(b.clauses());
        assert_eq!(terms.len(), b.clauses().len(), "only term queries: {q:?}");
        // Russia is a name of the name table: its identity is 러시아.
        for t in ["설립", "손해", "배상", "러시아"] {
            assert!(terms.iter().any(|x| x == t), "{t} not in {terms:?}");
        }
        // A quoted phrase stays a phrase; a required word's terms stay
        // together under MUST.
        let q = build("\"손해배상 청구\" +러시아").unwrap();
        let b = q.downcast_ref::<BooleanQuery>().expect("a boolean query");
        assert!(b
            .clauses()
            .iter()
            .any(|(o, q)| *o == Occur::Should && q.downcast_ref::<PhraseQuery>().is_some()));
        assert!(b.clauses().iter().any(|(o, q)| *o == Occur::Must
            && q.downcast_ref::<TermQuery>()
                .is_some_and(|t| t.term().value().as_str() == Some("러시아"))));
        // A compound is searched whole: its parts are indexed beside it.
        let q = build("연해주 고려인").unwrap();
        let b = q.downcast_ref::<BooleanQuery>().expect("a boolean query");
        assert_eq!(terms_of(b.clauses()), ["연해주", "고려인"]);
        // Only exclusions, or only stop words.
        assert!(build("-russia -moscow").is_err());
        assert!(build("the").is_ok());
        // `title:` searches the title field (Moscow is a name of the name
        // table, indexed as 모스크바 in every script).
        let q = build("title:moscow").unwrap();
        let t = q.downcast_ref::<TermQuery>().expect("one term").term();
        assert_eq!(
            (t.field(), t.value().as_str()),
            (idx.fields.title, Some("모스크바"))
        );
    }
}
