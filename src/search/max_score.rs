//! The best passages of a flat OR of terms and phrases by MaxScore (as
//! Lucene's `MaxScoreBulkScorer`), in place of tantivy's block-max WAND.
//!
//! WAND keeps every term's cursor sorted by document and re-sorts at each
//! step: on a long question of common words (a KorQuAD question has 20–30
//! terms: 년, 월, 일, 등 …) that bookkeeping was 60–70% of the search, and a
//! phrase beside words turned WAND off altogether (every match scored).
//! MaxScore splits the clauses instead: those whose best possible scores
//! together cannot beat the current `k`-th score are *non-essential*:
//! never walked, only looked up for a document that the rarer, essential
//! clauses bring, and only while it can still win, each bounded by the
//! best score of its block of 128 postings where that block reaches the
//! document. The essential clauses are added up window by window, term by
//! term (a tight loop per term, no merging of cursors). Under filters
//! (`--lang`, `--source`, dates) a candidate must also match each filter
//! before any non-essential clause is read.
//!
//! Scores are the same BM25 sums tantivy computes (each term's
//! [`Bm25Weight`], a phrase's own scorer); only the order of the additions
//! may differ, in the last bit. Everything but the pruned top-k (`scorer`,
//! `explain`, `count`) is tantivy's own boolean weight.

use std::fmt;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{
    Bm25Weight, BooleanQuery, ConstScoreQuery, EnableScoring, Explanation, Occur, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SeekDangerResult, SegmentReader, Term, TERMINATED};

/// Postings per block (tantivy's `COMPRESSION_BLOCK_SIZE`).
const BLOCK: usize = 128;

/// A flat OR of terms and phrases; a term the query names twice is one
/// clause counted twice (년 of `1868년 4년`: the same BM25 sum, one cursor). With
/// filters (`--lang`, `--source`, dates: constant-score clauses every hit
/// must match), the OR is required and the filters' constant added.
#[derive(Clone)]
pub struct Union {
    terms: Vec<(Term, Score)>,
    phrases: Vec<PhraseQuery>,
    filters: Vec<ConstScoreQuery>,
    /// The query it stands for, for everything but the pruned top-k.
    query: BooleanQuery,
}

impl fmt::Debug for Union {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Union({:?})", self.query)
    }
}

/// The query as a [`Union`]: an OR of two or more plain terms or phrases
/// (unquoted words and quoted ones: kors's commonest queries), or any OR of
/// them (one word too) under filters; `None` for anything else, which
/// tantivy runs as it is.
pub fn union_of(query: &dyn Query) -> Option<Union> {
    let b = query.downcast_ref::<BooleanQuery>()?;
    let (words, filters) = match or_of(b) {
        Some(words) if words.len() >= 2 => (words, Vec::new()),
        Some(_) => return None,
        None => {
            // The words (one MUST clause) and the filters.
            let mut words = None;
            let mut filters = Vec::new();
            for (occur, q) in b.clauses() {
                if *occur != Occur::Must {
                    return None;
                }
                match q.downcast_ref::<ConstScoreQuery>() {
                    Some(f) => filters.push(f.clone()),
                    None if words.is_none() => words = Some(&**q),
                    None => return None,
                }
            }
            let words = words?;
            let words = match words.downcast_ref::<BooleanQuery>() {
                Some(w) => or_of(w)?,
                None => vec![words],
            };
            if filters.is_empty() || words.is_empty() {
                return None;
            }
            (words, filters)
        }
    };
    let mut terms: Vec<(Term, Score)> = Vec::new();
    let mut phrases = Vec::new();
    for q in words {
        if let Some(p) = q.downcast_ref::<PhraseQuery>() {
            phrases.push(p.clone());
            continue;
        }
        let t = q.downcast_ref::<TermQuery>()?;
        match terms.iter_mut().find(|(held, _)| held == t.term()) {
            Some((_, times)) => *times += 1.0,
            None => terms.push((t.term().clone(), 1.0)),
        }
    }
    Some(Union {
        terms,
        phrases,
        filters,
        query: b.clone(),
    })
}

/// The clauses of an OR (only SHOULD clauses, one enough).
fn or_of(b: &BooleanQuery) -> Option<Vec<&dyn Query>> {
    (b.get_minimum_number_should_match() <= 1
        && b.clauses().iter().all(|(o, _)| *o == Occur::Should))
    .then(|| b.clauses().iter().map(|(_, q)| &**q).collect())
}

impl Query for Union {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(scoring)?;
        let EnableScoring::Enabled {
            statistics_provider,
            ..
        } = scoring
        else {
            return Ok(inner);
        };
        let terms = self
            .terms
            .iter()
            .map(|(t, times)| {
                let w = Bm25Weight::for_terms(statistics_provider, std::slice::from_ref(t))?;
                Ok((t.clone(), w.boost_by(*times)))
            })
            .collect::<tantivy::Result<_>>()?;
        // A phrase scores as BM25 over its terms' summed idf (tantivy's
        // `PhraseWeight`), so that weight's best is the phrase's best.
        let phrases = self
            .phrases
            .iter()
            .map(|p| {
                let best = Bm25Weight::for_terms(statistics_provider, &p.phrase_terms())?;
                Ok((p.weight(scoring)?, best.max_score()))
            })
            .collect::<tantivy::Result<_>>()?;
        let filters = self
            .filters
            .iter()
            .map(|f| f.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(UnionWeight {
            inner,
            terms,
            phrases,
            filters,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor)
    }
}

struct UnionWeight {
    /// tantivy's weight of the same query.
    inner: Box<dyn Weight>,
    terms: Vec<(Term, Bm25Weight)>,
    /// Each phrase's weight and best score.
    phrases: Vec<(Box<dyn Weight>, Score)>,
    /// Constant-score clauses every hit must match.
    filters: Vec<Box<dyn Weight>>,
}

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let mut cursors = Vec::with_capacity(self.terms.len() + self.phrases.len());
        for (term, bm25) in &self.terms {
            let index = reader.inverted_index(term.field())?;
            let Some(postings) = index.read_block_postings(term, IndexRecordOption::WithFreqs)?
            else {
                continue;
            };
            // Without frequencies (`doc:`, `source:`) tantivy keeps no block
            // maxima, and computes 0 for a loaded block: bound by the best.
            let blocks = (reader.schema().get_field_entry(term.field()).field_type())
                .get_index_record_option()
                .is_some_and(IndexRecordOption::has_freq);
            cursors.push(Cursor {
                max: bm25.max_score(),
                source: Source::Term(TermPostings {
                    postings,
                    at: 0,
                    bm25: bm25.clone(),
                    norms: reader.get_fieldnorms_reader(term.field())?,
                    blocks,
                    block_end: TERMINATED,
                    block_max: 0.0,
                }),
            });
        }
        for (weight, max) in &self.phrases {
            cursors.push(Cursor {
                max: *max,
                source: Source::Scorer(weight.scorer(reader, 1.0)?),
            });
        }
        // A filter adds its constant to every hit (kors's add 0).
        let mut filters = Vec::with_capacity(self.filters.len());
        let mut constant: Score = 0.0;
        for weight in &self.filters {
            let mut f = weight.scorer(reader, 1.0)?;
            if f.doc() == TERMINATED {
                return Ok(());
            }
            constant += f.score();
            filters.push(Filter { scorer: f, from: 0 });
        }
        top_k(
            cursors,
            &mut filters,
            threshold - constant,
            &mut |doc, score| callback(doc, score + constant) - constant,
        );
        Ok(())
    }
}

/// One clause's matches, and the best score any of them can have.
struct Cursor {
    source: Source,
    max: Score,
}

// Term postings are the common case, read in the innermost loop: boxing
// them would add a pointer chase per posting.
#[allow(clippy::large_enum_variant)]
enum Source {
    /// A term's postings, read block by block for their best scores.
    Term(TermPostings),
    /// Any other scorer (a phrase): no block bounds.
    Scorer(Box<dyn Scorer>),
}

/// A term's postings, read as tantivy's `SegmentPostings` reads them.
struct TermPostings {
    postings: BlockSegmentPostings,
    /// Index of the current posting in the loaded block.
    at: usize,
    bm25: Bm25Weight,
    norms: FieldNormReader,
    /// Whether blocks carry their best scores.
    blocks: bool,
    /// The last document of the block whose best score is `block_max`
    /// (tantivy's own cache of it sits behind a call).
    block_end: DocId,
    block_max: Score,
}

impl Cursor {
    #[inline]
    fn doc(&self) -> DocId {
        match &self.source {
            Source::Term(t) => t.postings.doc(t.at),
            Source::Scorer(s) => s.doc(),
        }
    }

    /// Adds the scores of the matches before `end` (from `base` on) to
    /// `scores`, marking them in `matched`; the cursor stops at `end`.
    #[inline]
    fn add_up(&mut self, base: DocId, end: DocId, scores: &mut [Score], matched: &mut [u64]) {
        let mut add = |doc: DocId, score: Score| {
            let i = (doc - base) as usize;
            scores[i] += score;
            matched[i / 64] |= 1 << (i % 64);
        };
        match &mut self.source {
            // A block at a time, over its decoded arrays.
            Source::Term(t) => loop {
                let docs = t.postings.docs();
                let mut i = t.at;
                while i < docs.len() && docs[i] < end {
                    // (`freq` is 1 where the field keeps no frequencies:
                    // `doc:`, `source:`; `freqs()` is then empty.)
                    let tf = t.postings.freq(i);
                    add(docs[i], t.bm25.score(t.norms.fieldnorm_id(docs[i]), tf));
                    i += 1;
                }
                // Stopped inside the block, or at the end of the last one
                // (past it, `doc` reads TERMINATED).
                if i < docs.len() || docs.len() < BLOCK {
                    t.at = i;
                    return;
                }
                t.at = 0;
                t.postings.advance();
            },
            Source::Scorer(s) => {
                while s.doc() < end {
                    let doc = s.doc();
                    add(doc, s.score());
                    s.advance();
                }
            }
        }
    }

    /// To the first match at or after `target`.
    #[inline]
    fn seek(&mut self, target: DocId) {
        if self.doc() < target {
            match &mut self.source {
                Source::Term(t) => t.at = t.postings.seek(target),
                Source::Scorer(s) => {
                    s.seek(target);
                }
            }
        }
    }

    #[inline]
    fn score(&mut self) -> Score {
        match &mut self.source {
            Source::Term(t) => {
                let doc = t.postings.doc(t.at);
                t.bm25
                    .score(t.norms.fieldnorm_id(doc), t.postings.freq(t.at))
            }
            Source::Scorer(s) => s.score(),
        }
    }

    /// Where the cursor is, for [`Hot::bound`].
    #[inline]
    fn hot(&mut self) -> Hot {
        let (doc, max) = (self.doc(), self.max);
        let Source::Term(t) = &mut self.source else {
            return Hot {
                doc,
                block_end: doc,
                block_max: max,
                max,
            };
        };
        let last = t.postings.docs().last().copied().unwrap_or(TERMINATED);
        if last != t.block_end {
            t.block_end = last;
            t.block_max = match t.blocks {
                true => t.postings.block_max_score(&t.norms, &t.bm25),
                false => max,
            };
        }
        Hot {
            doc,
            block_end: last,
            block_max: t.block_max,
            max,
        }
    }
}

/// A filter asked of one candidate at a time, in document order: with
/// tantivy's `seek_danger`, which a fast field's range (`--since`) answers
/// by reading the candidate's value instead of scanning on to its next
/// match (that scan was a third of a date-filtered search).
struct Filter {
    scorer: Box<dyn Scorer>,
    /// No match below this.
    from: DocId,
}

impl Filter {
    /// Whether the filter matches `doc`, past every document asked before.
    #[inline]
    fn holds(&mut self, doc: DocId) -> bool {
        if doc < self.from {
            return false;
        }
        match self.scorer.seek_danger(doc) {
            SeekDangerResult::Found => true,
            SeekDangerResult::SeekLowerBound(next) => {
                self.from = next;
                false
            }
        }
    }
}

/// A non-essential cursor's position and bounds, kept apart from its
/// postings (a cursor is over a kilobyte: its decoded block) so that
/// bounding a candidate reads one small array.
#[derive(Clone, Copy, Default)]
struct Hot {
    doc: DocId,
    /// The last document of the loaded block, and its best score.
    block_end: DocId,
    block_max: Score,
    max: Score,
}

impl Hot {
    /// The most the clause can add to document `doc`, the cursor being at
    /// or before it: nothing when its next match is past `doc`, its
    /// block's best when that block reaches `doc`, else its best.
    #[inline]
    fn bound(&self, doc: DocId) -> Score {
        if self.doc > doc {
            0.0
        } else if self.block_end >= doc {
            self.block_max
        } else {
            self.max
        }
    }
}

/// Documents scored together: the essential terms' postings in a window
/// are added up term by term (a tight loop per term, no merging of
/// cursors), then its matches are taken in document order. The first
/// window is short and each next one twice as long, up to the longest, so
/// that the threshold rises (and terms become non-essential) early.
const WINDOW: u32 = 4096;
const FIRST_WINDOW: u32 = 128;

/// Calls `callback` with every document that all `filters` match and whose
/// score may beat `threshold` (at least every one that does), in document
/// order; `callback` returns the new threshold, as tantivy's
/// `Weight::for_each_pruning` asks.
fn top_k(
    mut cursors: Vec<Cursor>,
    filters: &mut [Filter],
    mut threshold: Score,
    callback: &mut dyn FnMut(DocId, Score) -> Score,
) {
    // Least best score first; `prefix[i]` is the sum of the first i bests.
    cursors.sort_by(|a, b| a.max.total_cmp(&b.max));
    let n = cursors.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0 as Score);
    for c in &cursors {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + c.max);
    }
    // The first essential term: those before it cannot win together.
    let essential = |threshold: Score| prefix.iter().rposition(|&p| p <= threshold).unwrap_or(0);
    let mut first = essential(threshold);
    let mut scores = vec![0.0 as Score; WINDOW as usize];
    let mut matched = [0u64; WINDOW as usize / 64];
    let mut bounds: Vec<Score> = vec![0.0; n];
    let mut hot: Vec<Hot> = vec![Hot::default(); n];
    let mut window = FIRST_WINDOW;
    while first < n {
        let (rest, ess) = cursors.split_at_mut(first);
        for (h, c) in hot.iter_mut().zip(rest.iter_mut()) {
            *h = c.hot();
        }
        let base = ess.iter().map(Cursor::doc).min().unwrap_or(TERMINATED);
        if base == TERMINATED {
            return;
        }
        let end = base.saturating_add(window);
        window = (window * 2).min(WINDOW);
        for c in ess.iter_mut() {
            c.add_up(base, end, &mut scores, &mut matched);
        }
        // The non-essential terms can add at most this.
        let most = prefix[first];
        for (word, bits) in matched.iter_mut().enumerate() {
            while *bits != 0 {
                let i = word * 64 + bits.trailing_zeros() as usize;
                *bits &= *bits - 1;
                let (doc, mut score) = (base + i as DocId, std::mem::take(&mut scores[i]));
                if score + most <= threshold {
                    continue;
                }
                if !filters.iter_mut().all(|f| f.holds(doc)) {
                    continue;
                }
                // The non-essential terms, best first, while the document
                // can still win.
                let mut left: Score = 0.0;
                for (b, h) in bounds.iter_mut().zip(&hot[..first]) {
                    *b = h.bound(doc);
                    left += *b;
                }
                let mut k = rest.len();
                while k > 0 && score + left > threshold {
                    k -= 1;
                    left -= bounds[k];
                    if bounds[k] > 0.0 {
                        let c = &mut rest[k];
                        c.seek(doc);
                        hot[k] = c.hot();
                        if hot[k].doc == doc {
                            score += c.score();
                        }
                    }
                }
                // Scored in full (no term left unread) and better.
                if k == 0 && score > threshold {
                    threshold = threshold.max(callback(doc, score));
                }
            }
        }
        first = essential(threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::{build, Filters};
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, STRING, TEXT};
    use tantivy::{doc, DocAddress, Index};

    /// Every sentence of the bundled corpus (KCNA stories, New Year
    /// addresses, headlines, parallel news) a document, in two segments:
    /// posting lists of many blocks, and many windows; and a keyword of
    /// fifty (`k0`…`k49`) in a field without frequencies.
    fn lines_index() -> (
        Index,
        tantivy::schema::Field,
        tantivy::schema::Field,
        Vec<String>,
    ) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        // A keyword field keeps no frequencies (as kors's `doc`, `source`).
        let id = schema.add_text_field("id", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut lines = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md") {
                let body = std::fs::read_to_string(entry.path()).unwrap();
                let sentences = body.split(['.', '\n']).filter(|l| l.len() > 20);
                lines.extend(sentences.map(str::to_string));
            }
        }
        assert!(
            lines.len() > 4000,
            "the bundled corpus has {} sentences",
            lines.len()
        );
        let mut writer = index.writer_with_num_threads(1, 50_000_000).unwrap();
        for (i, line) in lines.iter().enumerate() {
            let key = format!("k{}", i % 50);
            writer
                .add_document(doc!(text => line.as_str(), id => key))
                .unwrap();
            if i == lines.len() / 3 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, text, id, lines)
    }

    fn top(searcher: &tantivy::Searcher, q: &dyn Query, k: usize) -> Vec<(Score, DocAddress)> {
        searcher
            .search(q, &TopDocs::with_limit(k).order_by_score())
            .unwrap()
    }

    #[test]
    fn ranks_as_tantivy_does() {
        let (index, text, id, lines) = lines_index();
        let searcher = index.reader().unwrap().searcher();
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(text, &w.to_lowercase()),
                IndexRecordOption::WithFreqs,
            ))
        };
        // Queries from the text itself: long runs of common words (what
        // MaxScore is for), short ones of two or three words of similar
        // weight (where a passage of the rarer words alone makes the top),
        // a word named twice, and a phrase beside words.
        let mut queries: Vec<Vec<(Occur, Box<dyn Query>)>> = Vec::new();
        for line in lines.iter().step_by(31) {
            let words: Vec<&str> = line
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if words.len() < 6 {
                continue;
            }
            let or = |ws: &[&str]| ws.iter().map(|w| (Occur::Should, term(w))).collect();
            queries.push(or(&words[..words.len().min(16)]));
            queries.push(or(&words[1..3]));
            queries.push(or(&words[3..6]));
            queries.push(or(&[words[0], words[2], words[0]]));
            let phrase = PhraseQuery::new(
                words[1..3]
                    .iter()
                    .map(|w| Term::from_field_text(text, &w.to_lowercase()))
                    .collect(),
            );
            let mut with_phrase: Vec<(Occur, Box<dyn Query>)> = or(&words[3..6]);
            with_phrase.push((Occur::Should, Box::new(phrase)));
            queries.push(with_phrase);
            // A word of a field without frequencies (`doc:k1` beside words:
            // found by the query fuzzer).
            let mut with_key: Vec<(Occur, Box<dyn Query>)> = or(&words[1..3]);
            let key = Term::from_field_text(id, &format!("k{}", words.len() % 50));
            with_key.push((
                Occur::Should,
                Box::new(TermQuery::new(key, IndexRecordOption::Basic)),
            ));
            queries.push(with_key);
        }
        assert!(queries.len() > 300, "{} queries", queries.len());
        let near = |a: Score, b: Score| (a - b).abs() <= 1e-4 * a.abs().max(1.0);
        // Each also under filters, as `--lang` and dates make them: one
        // common word (constant 0, as kors's filters), or two, one adding
        // 1.5; and one word alone under a filter.
        let filter = |w: &str, score: Score| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(term(w), score)))
        };
        let mut all: Vec<BooleanQuery> = Vec::new();
        for clauses in queries {
            let or = BooleanQuery::new(clauses);
            let first = or.clauses()[0].1.box_clone();
            all.push(BooleanQuery::new(vec![
                (Occur::Must, Box::new(or.clone())),
                filter("the", 0.0),
            ]));
            all.push(BooleanQuery::new(vec![
                (Occur::Must, Box::new(or.clone())),
                filter("of", 1.5),
                filter("and", 0.0),
            ]));
            all.push(BooleanQuery::new(vec![
                (Occur::Must, first),
                filter("of", 0.0),
            ]));
            all.push(or);
        }
        for query in all {
            let union = union_of(&query).expect("a flat union");
            for k in [1, 10, 100] {
                let want = top(&searcher, &query, k);
                let got = top(&searcher, &union, k);
                assert_eq!(want.len(), got.len(), "{query:?}, top {k}");
                // The same sums in another order: equal to the last bits.
                for (w, g) in want.iter().zip(&got) {
                    assert!(near(w.0, g.0), "{query:?}, top {k}: {want:?} {got:?}");
                }
                // The same documents, but where scores tie at the last
                // place (either may be kept).
                let last = want.last().map_or(0.0, |w| w.0);
                for w in want.iter().filter(|w| !near(w.0, last)) {
                    let found = got.iter().any(|g| g.1 == w.1 && near(w.0, g.0));
                    assert!(found, "{query:?}, top {k}: {w:?} is not in {got:?}");
                }
            }
        }
    }

    #[test]
    fn takes_only_flat_unions() {
        use crate::index::KorsIndex;
        let dir = tempfile::tempdir().unwrap();
        let idx = KorsIndex::create(dir.path()).unwrap();
        let union = |q: &str| {
            let parsed = build(&idx, q, &Filters::default()).unwrap();
            union_of(&*parsed.query).map(|u| (u.terms.len(), u.phrases.len()))
        };
        // A word typed twice is one clause already (the grammar's); a term
        // that two words share (년 of 1868년 and 4년) is one cursor counted
        // twice: the same BM25 sum.
        assert_eq!(union("인민 경제 인민"), Some((2, 0)));
        let parsed = build(&idx, "1868년 4년 4월", &Filters::default()).unwrap();
        let counts: Vec<(String, Score)> = union_of(&*parsed.query)
            .unwrap()
            .terms
            .iter()
            .map(|(t, n)| (t.value().as_str().unwrap_or_default().to_string(), *n))
            .collect();
        let want = [("1868", 1.0), ("년", 2.0), ("4", 2.0), ("월", 1.0)];
        let want: Vec<(String, Score)> = want.iter().map(|(t, n)| (t.to_string(), *n)).collect();
        assert_eq!(counts, want);
        assert_eq!(union("\"strategic partnership\" Korea"), Some((1, 1)));
        // A quoted name is its one identity term (김일성).
        assert_eq!(union("\"Kim Il Sung\" Korea"), Some((2, 0)));
        // One term, a required word, a filter-like field: tantivy's own.
        assert_eq!(union("Korea"), None);
        assert_eq!(union("+Korea Russia"), None);
        assert_eq!(union("Korea lang:en"), None);
        // Filters, as `--lang` and dates add them, keep the words' union.
        let filtered = |q: &str| {
            let filters = Filters {
                lang: Some("en".into()),
                ..Filters::default()
            };
            let parsed = build(&idx, q, &filters).unwrap();
            union_of(&*parsed.query).map(|u| (u.terms.len(), u.filters.len()))
        };
        assert_eq!(filtered("Korea Russia"), Some((2, 1)));
        assert_eq!(filtered("Korea"), Some((1, 1)));
        assert_eq!(filtered("+Korea Russia"), None);
    }
}
