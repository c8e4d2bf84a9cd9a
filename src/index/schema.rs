//! The tantivy schema: one tantivy document per passage.
//!
//! Field names are the ones users type in queries (`title:`, `text:`,
//! `lang:`, `source:`, `author:`, `doc:`, `tag:`), so they are short and
//! stable; changing any of this bumps [`SCHEMA_VERSION`].

use crate::error::{Context, Result};
use tantivy::schema::{
    BytesOptions, DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, STORED, STRING,
};
use tantivy::tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer};

use crate::analysis;

/// Version of this schema (and of how documents are put into it).
// v2: text and title are indexed only, their text is stored in plain
// fields (a stored pre-tokenized value keeps its tokens too), and the title
// is indexed on a document's first passage only.
// v3: `story` and `copy_key` (copies share them) and `sketch` (see
// `index::copies`).
pub const SCHEMA_VERSION: u32 = 3;

/// Tokenizer for keyword fields (lang, source, author, tag): the whole value,
/// lowercased, so that `source:hankyoreh` and `--source Hankyoreh` both match.
pub const KEYWORD_TOKENIZER: &str = "kors_keyword";

/// Field names, as used in queries.
pub mod name {
    /// Passage text (analyzed, positions; stored as [`STORED_TEXT`]).
    pub const TEXT: &str = "text";
    /// Document title (analyzed, positions), indexed on the document's first
    /// passage only, so a title counts once per document and its posting
    /// lists stay short; stored on every passage as [`STORED_TITLE`].
    pub const TITLE: &str = "title";
    /// The passage text, stored only.
    pub const STORED_TEXT: &str = "stored_text";
    /// The document title, stored only (on every passage, for display).
    pub const STORED_TITLE: &str = "stored_title";
    /// Corpus document id (raw, indexed, stored, fast).
    pub const DOC: &str = "doc";
    /// Passage ordinal within its document.
    pub const ORDINAL: &str = "passage";
    /// Author (keyword).
    pub const AUTHOR: &str = "author";
    /// Source / outlet (keyword, fast).
    pub const SOURCE: &str = "source";
    /// Language of the passage (keyword, fast).
    pub const LANG: &str = "lang";
    /// Tags (keyword, multi-valued).
    pub const TAG: &str = "tag";
    /// Publication date (optional).
    pub const DATE: &str = "date";
    /// URL (stored only).
    pub const URL: &str = "url";
    /// Path of the source file relative to the ingested root (stored only).
    pub const PATH: &str = "path";
    /// Content hash of the cleaned document (fast, stored).
    pub const HASH: &str = "hash";
    /// Byte offset where the passage starts in the cleaned document text.
    pub const START: &str = "start";
    /// Byte offset where the passage ends in the cleaned document text.
    pub const END: &str = "end";
    /// The document's story: the text hash of the first document of its
    /// copies (indexed, fast, on every passage; see `index::copies`).
    pub const STORY: &str = "story";
    /// The passage's place in its story: its story and ordinal, mixed into
    /// one value (fast, on every passage), which a search collapses on.
    pub const COPY_KEY: &str = "copy_key";
    /// The document's text hash and sketch (`corpus::sketch`), as bytes,
    /// fast, on its first passage only.
    pub const SKETCH: &str = "sketch";
}

/// The schema's fields, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// See [`name::TEXT`].
    pub text: Field,
    /// See [`name::TITLE`].
    pub title: Field,
    /// See [`name::STORED_TEXT`].
    pub stored_text: Field,
    /// See [`name::STORED_TITLE`].
    pub stored_title: Field,
    /// See [`name::DOC`].
    pub doc: Field,
    /// See [`name::ORDINAL`].
    pub ordinal: Field,
    /// See [`name::AUTHOR`].
    pub author: Field,
    /// See [`name::SOURCE`].
    pub source: Field,
    /// See [`name::LANG`].
    pub lang: Field,
    /// See [`name::TAG`].
    pub tag: Field,
    /// See [`name::DATE`].
    pub date: Field,
    /// See [`name::URL`].
    pub url: Field,
    /// See [`name::PATH`].
    pub path: Field,
    /// See [`name::HASH`].
    pub hash: Field,
    /// See [`name::START`].
    pub start: Field,
    /// See [`name::END`].
    pub end: Field,
    /// See [`name::STORY`].
    pub story: Field,
    /// See [`name::COPY_KEY`].
    pub copy_key: Field,
    /// See [`name::SKETCH`].
    pub sketch: Field,
}

/// Builds kors's schema with `kind` analyzing `text` and `title`.
pub fn build(kind: analysis::AnalyzerKind) -> Schema {
    let mut b = Schema::builder();
    let analyzed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(kind.tokenizer_name())
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let keyword = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_stored();
    let u64_stored = NumericOptions::default().set_stored();

    b.add_text_field(name::TEXT, analyzed.clone());
    b.add_text_field(name::TITLE, analyzed);
    b.add_text_field(name::STORED_TEXT, STORED);
    b.add_text_field(name::STORED_TITLE, STORED);
    b.add_text_field(name::DOC, STRING | STORED | tantivy::schema::FAST);
    b.add_u64_field(name::ORDINAL, u64_stored.clone().set_indexed().set_fast());
    b.add_text_field(name::AUTHOR, keyword.clone());
    b.add_text_field(name::SOURCE, keyword.clone().set_fast("raw"));
    b.add_text_field(name::LANG, keyword.clone().set_fast("raw"));
    b.add_text_field(name::TAG, keyword);
    b.add_date_field(
        name::DATE,
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    b.add_text_field(name::URL, STORED);
    b.add_text_field(name::PATH, STORED);
    b.add_u64_field(name::HASH, u64_stored.clone().set_fast());
    b.add_u64_field(name::START, u64_stored.clone());
    b.add_u64_field(name::END, u64_stored);
    b.add_u64_field(
        name::STORY,
        NumericOptions::default().set_indexed().set_fast(),
    );
    b.add_u64_field(name::COPY_KEY, NumericOptions::default().set_fast());
    b.add_bytes_field(name::SKETCH, BytesOptions::default().set_fast());
    b.build()
}

impl Fields {
    /// Resolves the fields of `schema` (an index's schema must be kors's).
    pub fn of(schema: &Schema) -> Result<Fields> {
        let f = |n: &str| {
            schema
                .get_field(n)
                .with_context(|| format!("index schema has no field `{n}`"))
        };
        Ok(Fields {
            text: f(name::TEXT)?,
            title: f(name::TITLE)?,
            stored_text: f(name::STORED_TEXT)?,
            stored_title: f(name::STORED_TITLE)?,
            doc: f(name::DOC)?,
            ordinal: f(name::ORDINAL)?,
            author: f(name::AUTHOR)?,
            source: f(name::SOURCE)?,
            lang: f(name::LANG)?,
            tag: f(name::TAG)?,
            date: f(name::DATE)?,
            url: f(name::URL)?,
            path: f(name::PATH)?,
            hash: f(name::HASH)?,
            start: f(name::START)?,
            end: f(name::END)?,
            story: f(name::STORY)?,
            copy_key: f(name::COPY_KEY)?,
            sketch: f(name::SKETCH)?,
        })
    }
}

/// The keyword analyzer (whole value, lowercased).
pub fn keyword_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers every tokenizer the schema names on `index`.
pub fn register_tokenizers(index: &tantivy::Index) {
    analysis::register(index);
    index
        .tokenizers()
        .register(KEYWORD_TOKENIZER, keyword_analyzer());
}

/// Normalizes a keyword the way [`KEYWORD_TOKENIZER`] does.
pub fn normalize_keyword(s: &str) -> String {
    s.to_lowercase()
}
