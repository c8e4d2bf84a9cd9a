//! A prepared corpus document → its tantivy documents, one per passage,
//! in the fields of [`super::schema`].

use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::TantivyDocument;

use super::ingest::Tokenize;
use super::KorsIndex;
use crate::analysis;
pub use crate::corpus::date::{FIRST_DAY, LAST_DAY};
use crate::corpus::Document;

/// `text` analysed by this thread's kept analyzer of `kind`, as tantivy
/// indexes it.
fn pre_tokenize(kind: analysis::AnalyzerKind, text: &str) -> PreTokenizedString {
    let tokens = analysis::with_kept(kind, false, |a| {
        let mut stream = a.token_stream(text);
        let mut tokens: Vec<Token> = Vec::new();
        while stream.advance() {
            tokens.push(stream.token().clone());
        }
        tokens
    });
    PreTokenizedString {
        text: text.to_string(),
        tokens,
    }
}

/// A day as the `date` field holds it: midnight UTC. Exact for the days a
/// document may carry ([`FIRST_DAY`] to [`LAST_DAY`]); tantivy clamps the
/// others.
pub fn day_value(d: time::Date) -> tantivy::DateTime {
    tantivy::DateTime::from_utc(d.midnight().assume_utc())
}

/// Helper to read optional string-ish metadata whatever its exact type.
pub trait OptStr {
    /// The value, if present and not empty.
    fn opt_str(&self) -> Option<&str>;
}
impl OptStr for String {
    fn opt_str(&self) -> Option<&str> {
        Some(self.as_str()).filter(|s| !s.trim().is_empty())
    }
}
impl OptStr for Option<String> {
    fn opt_str(&self) -> Option<&str> {
        self.as_deref().filter(|s| !s.trim().is_empty())
    }
}

/// The tantivy documents (one per non-empty passage) for a corpus document;
/// the loader adds each one's `story`.
pub fn to_tantivy(idx: &KorsIndex, doc: &Document, tokenize: Tokenize) -> Vec<TantivyDocument> {
    let f = &idx.fields;
    let title = doc.meta.title.opt_str();
    // Analysed once here, whichever side tokenizes the text: the title goes
    // into two fields.
    let title_tokens = title
        .filter(|_| !doc.passages.is_empty())
        .map(|t| pre_tokenize(idx.analyzer, t));
    let date = doc.meta.date.map(day_value);
    let mut out = Vec::with_capacity(doc.passages.len());
    let mut title_indexed = false;
    for p in &doc.passages {
        let text = &doc.text[p.range.clone()];
        if text.trim().is_empty() {
            continue;
        }
        let mut t = TantivyDocument::default();
        // The first passage carries the title: in `title` (for `title:`
        // queries) and as a first value of `text`, which is all a plain query
        // searches: one scorer per query term instead of two, so tantivy's
        // block-max WAND prunes better, and a title counts once per document.
        if !title_indexed {
            if let Some(tok) = &title_tokens {
                t.add_pre_tokenized_text(f.title, tok.clone());
                t.add_pre_tokenized_text(f.text, tok.clone());
            }
            // And the sketch, once per document (`index::copies`).
            t.add_bytes(f.sketch, &doc.sketch.to_bytes());
            title_indexed = true;
        }
        match tokenize {
            Tokenize::Tantivy => t.add_text(f.text, text),
            Tokenize::Rayon => t.add_pre_tokenized_text(f.text, pre_tokenize(idx.analyzer, text)),
        }
        t.add_text(f.stored_text, text);
        if let Some(title) = title {
            t.add_text(f.stored_title, title);
        }
        t.add_text(f.doc, &doc.id);
        t.add_u64(f.ordinal, p.ordinal as u64);
        if let Some(a) = doc.meta.author.opt_str() {
            t.add_text(f.author, a);
        }
        if let Some(s) = doc.meta.source.opt_str() {
            t.add_text(f.source, s);
        }
        t.add_text(f.lang, &p.lang);
        for tag in &doc.meta.tags {
            t.add_text(f.tag, tag);
        }
        if let Some(d) = date {
            t.add_date(f.date, d);
        }
        if let Some(u) = doc.meta.url.opt_str() {
            t.add_text(f.url, u);
        }
        t.add_text(f.path, &doc.rel_path);
        t.add_u64(f.hash, doc.content_hash);
        t.add_u64(f.start, p.range.start as u64);
        t.add_u64(f.end, p.range.end as u64);
        out.push(t);
    }
    out
}
