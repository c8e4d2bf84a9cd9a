//! Queries, ranking and snippets.
//!
//! [`search`] runs a [`SearchRequest`] against an index and returns
//! [`Results`]: ranked [`Hit`]s (BM25 over passage text and title, see
//! [`query`]) and the query's warning; [`output`] prints them for a
//! terminal, as plain text or as JSON Lines.

pub mod boolean;
pub mod collapse;
pub mod distinct;
pub mod expand;
pub mod facets;
pub mod group;
pub mod keyword;
pub mod marks;
pub mod max_score;
pub mod notes;
pub mod output;
pub mod query;
pub mod snippet;
pub mod sort;
pub mod tally;

use crate::error::{Context, Result};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::index::KorsIndex;
pub use facets::FacetKind;
pub use query::Filters;
pub use sort::Sort;
use tally::{Count, Total};

/// Fewer matching passages than this is "little": a search then suggests
/// the nearest words for those of its words that find nothing.
pub const FEW_PASSAGES: u64 = 5;

/// Approximate length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// A search.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Query in tantivy's query language.
    pub query: String,
    /// Restrictions.
    pub filters: Filters,
    /// Maximum number of hits.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Keep only the best passage of each document.
    pub group: bool,
    /// Attach a score explanation to each hit.
    pub explain: bool,
    /// The order of hits.
    pub sort: Sort,
    /// Fields to count matching documents by.
    pub facets: Vec<FacetKind>,
    /// Count every match exactly (a full pass over the matches), rather
    /// than state a lower bound when the ranking stops early.
    pub count: bool,
    /// What `snippet_marked` puts before and after each match.
    pub marks: [String; 2],
    /// Show each story (a document and its copies) once (`--no-collapse`
    /// clears it).
    pub collapse: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            limit: 10,
            offset: 0,
            group: false,
            explain: false,
            sort: Sort::Score,
            facets: Vec::new(),
            count: false,
            marks: ["<em>".into(), "</em>".into()],
            collapse: true,
        }
    }
}

/// One ranked passage. Serialized as one JSON Lines object by `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank (after `--offset`).
    pub rank: usize,
    /// BM25 score.
    pub score: f32,
    /// Corpus document id.
    pub doc_id: String,
    /// Passage ordinal within the document.
    pub passage: u64,
    /// Document title.
    pub title: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// Source.
    pub source: Option<String>,
    /// Date (YYYY-MM-DD).
    pub date: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Passage language.
    pub lang: Option<String>,
    /// Source file, relative to the ingested root.
    pub path: Option<String>,
    /// Byte range of the passage in the cleaned document text.
    pub range: [u64; 2],
    /// Passage text.
    pub text: String,
    /// A window of the text around the matches.
    pub snippet: String,
    /// Matched words: byte ranges `[start, end)` into `text` (in a passage
    /// over 1 KiB, those around the snippet: see
    /// [`snippet::highlights_for_snippet`]).
    pub highlights: Vec<[usize; 2]>,
    /// The same ranges in UTF-16 code units, as JavaScript indexes strings.
    pub highlights_utf16: Vec<[usize; 2]>,
    /// The same ranges in code points, as Python indexes strings.
    pub highlights_codepoints: Vec<[usize; 2]>,
    /// The snippet with each match between the marks (`<em>…</em>` by
    /// default; the rest of the text as it is, not escaped).
    pub snippet_marked: String,
    /// How many other documents are copies of this one's story (its own
    /// copies, or the one it copies: see `index::copies`).
    pub copies: u64,
    /// The first of them ([`collapse::MAX_LISTED`]), by id.
    pub copy_docs: Vec<collapse::CopyRef>,
    /// Score explanation (`--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<serde_json::Value>,
    /// Highlight ranges into `snippet` (for terminal output).
    #[serde(skip)]
    pub snippet_marks: Vec<std::ops::Range<usize>>,
}

/// What a search found.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Set when the query's syntax could not be used and its words were
    /// searched instead.
    pub warning: Option<String>,
    /// How many passages and documents matched.
    pub total: Total,
    /// Facets asked for.
    pub facets: Vec<facets::Facet>,
    /// Matching passages without a date, sorted last (`--sort date`).
    pub undated: Option<u64>,
    /// What the filters left out, when they left everything out.
    pub notes: Vec<String>,
    /// When the query finds nothing or little (fewer than
    /// [`FEW_PASSAGES`]): the query with its words that find nothing
    /// replaced by the nearest indexed ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// Print the summary (total, facets) as its own JSON line: with `-n 0`
    /// or `--facet`.
    #[serde(skip)]
    pub summary_line: bool,
}

impl SearchRequest {
    /// Most hits one search returns (`-n`), as Elasticsearch's result window.
    pub const MAX_LIMIT: usize = 10_000;
    /// Most hits one search skips (`--offset`).
    pub const MAX_OFFSET: usize = 1_000_000;
}

/// Runs `req` on `idx`.
pub fn search(idx: &KorsIndex, req: &SearchRequest) -> Result<Results> {
    let reader = idx.reader()?;
    search_in(idx, &reader.searcher(), req)
}

/// [`search`] with a searcher the caller keeps (`kors bench` opens the
/// index once and runs many queries through this).
pub fn search_in(idx: &KorsIndex, searcher: &Searcher, req: &SearchRequest) -> Result<Results> {
    let parsed = query::build_in(idx, Some(searcher), &req.query, &req.filters)?;
    let (
        Ranked {
            hits: ranked,
            matches,
            ..
        },
        mut total,
    ) = rank_and_tally(searcher, &parsed, req)?;
    let mut undated = None;
    let mut facets = Vec::new();
    let ranked = if req.sort != Sort::Score || !req.facets.is_empty() {
        let scan = tally::scan(searcher, &*parsed.query)?;
        total = scan.total();
        facets = facets::compute(&scan, &req.facets);
        if req.sort == Sort::Score {
            ranked
        } else {
            let limit = req.limit.min(SearchRequest::MAX_LIMIT);
            let stories = collapse::Stories::of(searcher)?;
            let page = sort::by_date(
                searcher,
                &*parsed.query,
                req.sort == Sort::DateDesc,
                req.offset,
                limit,
                req.collapse.then_some(&stories),
            )?;
            undated = Some(page.undated);
            page.page
        }
    } else {
        ranked
    };
    let mut hits = Vec::with_capacity(ranked.len());
    let (stories, ids) = if ranked.is_empty() {
        (None, None)
    } else {
        (
            Some(collapse::Stories::of(searcher)?),
            Some(crate::index::doc_ids::DocIds::of(searcher)?),
        )
    };
    for (i, (score, addr)) in ranked.into_iter().enumerate() {
        let doc: TantivyDocument = searcher.doc(addr).context("reading a stored passage")?;
        let mut hit = to_hit(idx, &doc, req.offset + i + 1, score);
        if let (Some(story), Some(ids)) = (
            stories
                .as_ref()
                .and_then(|s| s.key(addr, collapse::By::Story)),
            &ids,
        ) {
            (hit.copies, hit.copy_docs) =
                collapse::copies_of(idx, searcher, ids, story, &hit.doc_id, addr)?;
        }
        let marks = snippet::with_highlighter(idx.analyzer, |analyzer| {
            snippet::highlights_for_snippet(analyzer, &hit.text, &parsed.highlight, SNIPPET_CHARS)
        });
        let snip = snippet::snippet(&hit.text, &marks, SNIPPET_CHARS);
        hit.highlights = marks.iter().map(|r| [r.start, r.end]).collect();
        hit.highlights_utf16 = marks::utf16(&hit.text, &hit.highlights);
        hit.highlights_codepoints = marks::codepoints(&hit.text, &hit.highlights);
        hit.snippet_marked = marks::marked(&snip.text, &snip.marks, &req.marks);
        hit.snippet = snip.text;
        hit.snippet_marks = snip.marks;
        if req.explain {
            let e = parsed
                .query
                .explain(searcher, addr)
                .context("explaining a score")?;
            hit.explain = Some(explanation_json(idx, &e)?);
        }
        hits.push(hit);
    }
    // Documents: exact when every match was seen (collapsed) or is a hit.
    if total.documents.value == 0 && !matches.is_empty() {
        total.documents = Count::exact(tally::documents_of(searcher, &matches)?);
    }
    if total.documents.value == 0 && !hits.is_empty() {
        let ids: std::collections::HashSet<&str> = hits.iter().map(|h| h.doc_id.as_str()).collect();
        total.documents = Count {
            value: ids.len() as u64,
            relation: if total.passages.relation == tally::Relation::Eq
                && total.passages.value == hits.len() as u64
            {
                tally::Relation::Eq
            } else {
                tally::Relation::Gte
            },
        };
    }
    let notes = if total.passages.value == 0 {
        notes::left_out(idx, searcher, &parsed, &req.filters)?
    } else {
        notes::undated_left_out(searcher, &parsed, &req.filters)?
    };
    let did_you_mean = (total.passages.value < FEW_PASSAGES)
        .then(|| expand::did_you_mean(searcher, idx.fields.text, idx.analyzer, &req.query))
        .flatten();
    let summary_line =
        req.limit == 0 || !req.facets.is_empty() || (hits.is_empty() && did_you_mean.is_some());
    Ok(Results {
        hits,
        warning: parsed.warning,
        total,
        facets,
        undated,
        notes,
        summary_line,
        did_you_mean,
    })
}

/// [`rank`] and the total it implies at no extra cost where it can (see
/// [`tally`]); a full count when asked for (`count`, `-n 0`, `--group`) or
/// when the page lies past the last hit. A total's `documents` is left at
/// 0 when only the hits, or every match (returned when a collapsed ranking
/// saw them all), can tell it ([`search_in`] counts them).
pub fn rank_and_tally(
    searcher: &Searcher,
    parsed: &query::Parsed,
    req: &SearchRequest,
) -> Result<(Ranked, Total)> {
    let Ranked {
        hits: ranked,
        seen,
        matches,
    } = if req.sort == Sort::Score {
        rank(searcher, parsed, req)?
    } else {
        Ranked::default()
    };
    let full = req.count || req.limit == 0 || req.group || (ranked.is_empty() && req.offset > 0);
    if full && req.facets.is_empty() && req.sort == Sort::Score {
        let total = tally::scan(searcher, &*parsed.query)?.total();
        return Ok((Ranked::page(ranked), total));
    }
    let seen_all = match seen {
        // Collapsed: the passages read, all of them or not.
        Some(Count {
            value,
            relation: tally::Relation::Eq,
        }) => Some(value),
        Some(_) => None,
        None => tally::seen_all(ranked.len(), req.offset, req.limit),
    };
    let passages = match seen_all {
        Some(n) => Count::exact(n),
        None => match tally::one_term(searcher, &*parsed.query)? {
            Some(n) => Count::exact(n),
            None => seen.unwrap_or(Count::at_least((req.offset + ranked.len()) as u64)),
        },
    };
    let documents = if passages.value == 0 {
        Count::exact(0)
    } else {
        Count::at_least(0)
    };
    Ok((
        Ranked {
            hits: ranked,
            seen,
            matches,
        },
        Total {
            passages,
            documents,
        },
    ))
}

/// A ranking's page.
#[derive(Debug, Default)]
pub struct Ranked {
    /// (score, address) of each hit.
    pub hits: Vec<(f32, DocAddress)>,
    /// The matching passages a collapsed ranking read: all of them
    /// (exact) or a lower bound. `None` when not collapsed.
    pub seen: Option<Count>,
    /// Every match, when a collapsed ranking saw them all (for counting
    /// their documents).
    pub matches: Vec<DocAddress>,
}

impl Ranked {
    /// Just these hits.
    fn page(hits: Vec<(f32, DocAddress)>) -> Ranked {
        Ranked {
            hits,
            seen: None,
            matches: Vec::new(),
        }
    }
}

/// The ranked passages of a parsed request (score, address), after
/// `offset`, at most `limit`: [`search_in`] without reading stored text.
/// Collectors are sized by what the index can return, never by the
/// requested count alone (a heap of `-n 1500000000` would abort).
pub fn rank(searcher: &Searcher, parsed: &query::Parsed, req: &SearchRequest) -> Result<Ranked> {
    let total = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let limit = req.limit.min(total.saturating_sub(req.offset));
    if limit == 0 {
        return Ok(Ranked::default());
    }
    let stories = if req.collapse {
        Some(collapse::Stories::of(searcher)?)
    } else {
        None
    };
    let want = req.offset + limit;
    // An OR of terms and phrases, filtered or not, is ranked by MaxScore;
    // anything else by tantivy.
    let union = max_score::union_of(&*parsed.query);
    let query: &dyn tantivy::query::Query = match &union {
        Some(u) => u,
        None => &*parsed.query,
    };
    if req.group {
        let hits = group::best_per_document(searcher, query, want, stories.as_deref())?
            .into_iter()
            .skip(req.offset)
            .map(|b| (b.score, b.addr))
            .collect();
        return Ok(Ranked {
            hits,
            seen: None,
            matches: Vec::new(),
        });
    }
    let top = |k: usize| {
        searcher
            .search(query, &TopDocs::with_limit(k).order_by_score())
            .context("searching")
    };
    if let Some(stories) = stories.as_ref().filter(|s| s.plain_first()) {
        let hits = top(want)?;
        let met = stories.repeats(&hits, collapse::By::Passage);
        stories.met_copies(met);
        if !met {
            // The first `want` are distinct: the collapsed page itself.
            return Ok(Ranked {
                hits: hits.into_iter().skip(req.offset).collect(),
                seen: None,
                matches: Vec::new(),
            });
        }
    }
    match &stories {
        Some(stories) => {
            let found = searcher
                .search(
                    query,
                    &distinct::DistinctTop {
                        stories,
                        by: collapse::By::Passage,
                        k: want,
                    },
                )
                .context("searching")?;
            let seen = if found.all {
                Count::exact(found.visited)
            } else {
                Count::at_least(found.visited)
            };
            Ok(Ranked {
                hits: found.hits.into_iter().skip(req.offset).collect(),
                seen: Some(seen),
                matches: found.matches,
            })
        }
        None => Ok(Ranked {
            hits: searcher
                .search(
                    query,
                    &TopDocs::with_limit(limit)
                        .and_offset(req.offset)
                        .order_by_score(),
                )
                .context("searching")?,
            seen: None,
            matches: Vec::new(),
        }),
    }
}

/// The explanation as JSON, with field numbers replaced by field names.
fn explanation_json(idx: &KorsIndex, e: &tantivy::query::Explanation) -> Result<serde_json::Value> {
    let mut json = serde_json::to_string(e)?;
    let schema = idx.index.schema();
    for (field, entry) in schema.fields() {
        json = json.replace(
            &format!("field={},", field.field_id()),
            &format!("field={},", entry.name()),
        );
    }
    Ok(serde_json::from_str(&json)?)
}

/// A stored text field's first value.
pub(crate) fn stored_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// A stored date as YYYY-MM-DD.
pub(crate) fn stored_day(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    doc.get_first(field)
        .and_then(|v| v.as_datetime())
        .map(|d| d.into_utc().date().to_string())
}

fn to_hit(idx: &KorsIndex, doc: &TantivyDocument, rank: usize, score: f32) -> Hit {
    let f = &idx.fields;
    let s = |field| stored_str(doc, field);
    let u = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    Hit {
        rank,
        score,
        doc_id: s(f.doc).unwrap_or_default(),
        passage: u(f.ordinal),
        title: s(f.stored_title),
        author: s(f.author),
        source: s(f.source),
        date: stored_day(doc, f.date),
        url: s(f.url),
        lang: s(f.lang),
        path: s(f.path),
        range: [u(f.start), u(f.end)],
        text: s(f.stored_text).unwrap_or_default(),
        snippet: String::new(),
        highlights: Vec::new(),
        highlights_utf16: Vec::new(),
        highlights_codepoints: Vec::new(),
        snippet_marked: String::new(),
        copies: 0,
        copy_docs: Vec::new(),
        explain: None,
        snippet_marks: Vec::new(),
    }
}
