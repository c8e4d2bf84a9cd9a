//! Reading, cleaning and splitting documents into passages (issue 3).
//!
//! The ingest front end, in order:
//! 1. [`discover`] walks the given paths and lists the source files
//!    (`.txt`, `.md`/`.markdown`, `.jsonl`/`.ndjson`); hidden files and
//!    directories are skipped, and files of other extensions found while
//!    walking a directory are *skipped* (listed in [`Discovery::skipped`],
//!    not rejected). A file named explicitly with an unsupported extension
//!    is a [`Rejection`], since the user asked for it.
//! 2. [`read()`] turns one source file into [`RawDocument`]s: one for a
//!    text/Markdown file (with optional YAML front matter), one per line for
//!    JSONL, streamed so a large JSONL file is never held in memory.
//! 3. [`prepare`] cleans the text ([`clean`]), detects the language
//!    ([`lang`]) and splits it into [`Passage`]s ([`passage`]).
//!
//! Identity: `id` from the front matter or the JSONL object, else the path
//! relative to the corpus root (`relpath#lineno` for a JSONL line).
//!
//! No input makes this module panic: every problem becomes a [`Rejection`]
//! naming the file, the line and the field where that makes sense. Limits:
//! 64 MiB for one document (a text file or a JSONL line,
//! [`read::MAX_DOC_BYTES`]), 64 KiB of front matter
//! ([`frontmatter::MAX_FRONT_MATTER`]); the dropped-line report lists at most
//! [`clean::MAX_DROPPED_LISTED`] lines.

pub mod clean;
pub mod date;
pub mod frontmatter;
pub mod lang;
pub mod passage;
pub mod read;
pub mod sketch;
pub mod skip;

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

pub use clean::{CleanOutput, Dropped};
pub use read::{discover, discover_all, read, Discovery, Reader, SourceFile, SourceKind};
pub use skip::{SkipReason, SkipRules, Skipped};

/// Default corpus directory (relative to the working directory): what
/// `kors index` reads without paths, and a first `kors search` indexes.
pub const DEFAULT_DIR: &str = "corpus";

/// Bumped whenever cleaning or passage splitting changes, so that
/// [`Document::content_hash`] changes and stored documents are re-indexed.
pub const PIPELINE_VERSION: u32 = 1;

/// Document metadata; every field is optional (only the text is required).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub source: Option<String>,
    /// Calendar date as written (an RFC 3339 timestamp keeps its local date).
    pub date: Option<time::Date>,
    /// Lower-cased language tag as given, e.g. "ko", "en", "ko-kp".
    pub lang: Option<String>,
    pub url: Option<String>,
    pub tags: Vec<String>,
}

/// A document as read, before cleaning.
#[derive(Debug, Clone)]
pub struct RawDocument {
    /// The file as given/discovered (not canonicalised).
    pub path: PathBuf,
    /// Path relative to the corpus root, with `/` separators on every platform.
    pub rel_path: String,
    /// 1-based line number for JSONL documents; `None` for whole files.
    pub line: Option<usize>,
    pub meta: Meta,
    /// The body text (front matter removed), UTF-8.
    pub text: String,
    /// Size of the source: the file's bytes, or the JSONL line's bytes.
    pub bytes: usize,
    /// Lines of the file before `text` (the front matter block), so that
    /// line numbers in `text` can be reported as file lines; 0 for JSONL.
    pub body_line: usize,
}

impl RawDocument {
    /// Identity: `meta.id`, else `rel_path`, else `rel_path#line` for JSONL.
    pub fn id(&self) -> String {
        match (&self.meta.id, self.line) {
            (Some(id), _) => id.clone(),
            (None, Some(line)) => format!("{}#{}", self.rel_path, line),
            (None, None) => self.rel_path.clone(),
        }
    }
}

/// A cleaned document with its passages.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    /// Metadata as given; `title` is filled from the text's first line when
    /// none was given and the cleaner found a title line (see [`clean`]).
    pub meta: Meta,
    /// `meta.lang` if given, else detected from the cleaned text.
    pub lang: String,
    /// The cleaned text; passage ranges index into it.
    pub text: String,
    pub passages: Vec<Passage>,
    /// Lines the cleaner removed, and why (for `kors index --dry-run`).
    pub dropped: Vec<Dropped>,
    /// Stable FNV-1a 64 hash of [`PIPELINE_VERSION`], the metadata and the raw
    /// text; the same on every run and platform.
    pub content_hash: u64,
    /// The cleaned text's hash and 4-gram sketch, for finding copies.
    pub sketch: sketch::Sketch,
    pub rel_path: String,
}

impl Document {
    /// The text of one passage (`&self.text[p.range]`).
    pub fn passage_text(&self, p: &Passage) -> &str {
        &self.text[p.range.clone()]
    }
}

/// A span of a document's cleaned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 0-based position within the document.
    pub ordinal: u32,
    /// Byte range in [`Document::text`], on char boundaries.
    pub range: Range<usize>,
    /// Language of the passage by majority script; the document's language
    /// when the scripts agree (so Spanish stays "es", not "en").
    pub lang: String,
}

/// Why a file, a JSONL line or a document was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub path: PathBuf,
    /// 1-based line, where one applies.
    pub line: Option<usize>,
    /// The offending field (`date`, `text`, `front matter`...), where one applies.
    pub field: Option<String>,
    pub reason: String,
    /// A document with no text: counted as a skip unless `--strict`.
    pub empty: bool,
}

impl Rejection {
    pub fn new(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Rejection {
            path: path.into(),
            line: None,
            field: None,
            reason: reason.into(),
            empty: false,
        }
    }

    /// Marks a document that has no text (see [`Rejection::empty`]).
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Rejection {
    /// `path:line: field: reason`, leaving out the parts that do not apply.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl serde::Serialize for Rejection {
    /// Its parts, and the whole as `message` (`path:line: field: reason`).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rejection", 5)?;
        st.serialize_field("path", &self.path)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("reason", &self.reason)?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

impl std::error::Error for Rejection {}

/// Longest document id, in bytes: more than any path Linux accepts
/// (`PATH_MAX`), far below tantivy's limit on a term (65,530 bytes), past
/// which an id would not be indexed and so never found or replaced.
pub const MAX_ID_BYTES: usize = 4096;

/// Clean the raw text, detect languages and split into passages.
pub fn prepare(raw: RawDocument) -> Result<Document, Rejection> {
    let id = raw.id();
    if id.len() > MAX_ID_BYTES {
        let given = if raw.meta.id.is_some() {
            "the id"
        } else {
            "the id taken from the path (give the document an `id`)"
        };
        return Err(Rejection::new(
            raw.path.clone(),
            format!(
                "{given} is {} bytes long; the limit is {MAX_ID_BYTES}",
                id.len()
            ),
        )
        .at_line(raw.line)
        .field("id"));
    }
    let content_hash = content_hash(&raw.meta, &raw.text);
    let reject = |reason: &str| {
        Rejection::new(raw.path.clone(), reason)
            .at_line(raw.line)
            .field("text")
    };
    if raw.text.trim().is_empty() {
        return Err(reject("empty document").empty());
    }
    let CleanOutput {
        text,
        mut dropped,
        title,
    } = clean::clean(&raw.text, raw.meta.title.as_deref());
    if text.trim().is_empty() {
        return Err(reject("empty document (nothing left after cleaning)").empty());
    }
    for d in &mut dropped {
        d.line_no += raw.body_line;
    }
    let mut meta = raw.meta;
    if meta.title.is_none() {
        meta.title = title;
    }
    let lang = match &meta.lang {
        Some(l) => l.clone(),
        None => lang::detect(&text).to_string(),
    };
    let passages = passage::split(&text)
        .into_iter()
        .enumerate()
        .map(|(i, range)| Passage {
            ordinal: u32::try_from(i).unwrap_or(u32::MAX),
            lang: lang::passage_lang(&text[range.clone()], &lang),
            range,
        })
        .collect();
    let sketch = sketch::Sketch::of(&text);
    Ok(Document {
        id,
        meta,
        lang,
        text,
        passages,
        dropped,
        content_hash,
        sketch,
        rel_path: raw.rel_path,
    })
}

/// FNV-1a 64: tiny, fixed and documented, so hashes stay comparable across
/// runs, platforms and Rust versions (unlike `DefaultHasher`).
#[derive(Debug, Clone, Copy)]
pub struct Fnv1a64(u64);

impl Default for Fnv1a64 {
    fn default() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a64 {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// A length-prefixed field, so ("ab","c") and ("a","bc") differ.
    pub fn field(&mut self, tag: u8, bytes: &[u8]) {
        self.write(&[tag]);
        self.write(&(bytes.len() as u64).to_le_bytes());
        self.write(bytes);
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash of what a document says: pipeline version, metadata and raw text.
/// Not where it was read from: a moved file whose documents keep their ids
/// is unchanged (the `path` an index shows stays the one it was indexed
/// from), and a path-derived id changes with the path anyway.
pub fn content_hash(meta: &Meta, raw_text: &str) -> u64 {
    let mut h = Fnv1a64::default();
    h.field(b'v', &PIPELINE_VERSION.to_le_bytes());
    let opt = |s: &Option<String>| s.as_deref().unwrap_or("\u{0}none").as_bytes().to_vec();
    h.field(b'i', &opt(&meta.id));
    h.field(b't', &opt(&meta.title));
    h.field(b'a', &opt(&meta.author));
    h.field(b's', &opt(&meta.source));
    let date = meta.date.map(|d| d.to_string());
    h.field(b'd', &opt(&date));
    h.field(b'l', &opt(&meta.lang));
    h.field(b'u', &opt(&meta.url));
    h.field(b'g', &(meta.tags.len() as u64).to_le_bytes());
    for t in &meta.tags {
        h.field(b'g', t.as_bytes());
    }
    h.field(b'x', raw_text.as_bytes());
    h.finish()
}

/// `../shared/<rel>` beside the repository, where the unit tests find the
/// shared corpora; fails with a message naming the path when it is missing.
#[cfg(test)]
pub(crate) fn test_data(rel: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    assert!(
        p.exists(),
        "test data {} is missing: these tests read the shared corpora next to the repo (../shared from {})",
        p.display(),
        env!("CARGO_MANIFEST_DIR")
    );
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawDocument {
        RawDocument {
            path: PathBuf::from("t.txt"),
            rel_path: "t.txt".into(),
            line: None,
            meta: Meta::default(),
            text: text.into(),
            bytes: text.len(),
            body_line: 0,
        }
    }

    #[test]
    fn fnv1a64_matches_reference_vectors() {
        // Published FNV-1a 64 test vectors.
        let h = |s: &str| {
            let mut f = Fnv1a64::default();
            f.write(s.as_bytes());
            f.finish()
        };
        assert_eq!(h(""), 0xcbf29ce484222325);
        assert_eq!(h("a"), 0xaf63dc4c8601ec8c);
        assert_eq!(h("foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn content_hash_depends_on_meta_and_text() {
        let m = Meta::default();
        let a = content_hash(&m, "hello");
        assert_eq!(a, content_hash(&m, "hello"));
        assert_ne!(a, content_hash(&m, "hello!"));
        let m2 = Meta {
            title: Some("T".into()),
            ..Meta::default()
        };
        assert_ne!(a, content_hash(&m2, "hello"));
        let m3 = Meta {
            tags: vec!["ab".into(), "c".into()],
            ..Meta::default()
        };
        let m4 = Meta {
            tags: vec!["a".into(), "bc".into()],
            ..Meta::default()
        };
        assert_ne!(content_hash(&m3, "x"), content_hash(&m4, "x"));
    }

    #[test]
    fn rejection_display_names_path_line_field() {
        let r = Rejection::new("c/x.jsonl", "expected a date")
            .at_line(Some(7))
            .field("date");
        assert_eq!(r.to_string(), "c/x.jsonl:7: date: expected a date");
        assert_eq!(Rejection::new("a.txt", "empty").to_string(), "a.txt: empty");
    }

    #[test]
    fn prepare_rejects_empty_and_fills_title() {
        let err = prepare(raw("  \n\t\n")).unwrap_err();
        assert!(err.reason.contains("empty document"), "{err}");
        let doc = prepare(raw(
            "A Short Title\n\nThis is the body of the document. It has two sentences.",
        ))
        .unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("A Short Title"));
        assert_eq!(doc.id, "t.txt");
        assert_eq!(doc.lang, "en");
        assert!(doc.text.starts_with("This is the body"), "{:?}", doc.text);
        assert_eq!(doc.passages.len(), 1);
        assert_eq!(doc.passage_text(&doc.passages[0]), doc.text);
    }

    fn check_document(doc: &Document) {
        let mut prev = 0;
        for (i, p) in doc.passages.iter().enumerate() {
            assert_eq!(p.ordinal as usize, i);
            assert!(p.range.start >= prev && p.range.start < p.range.end);
            assert!(doc.text.is_char_boundary(p.range.start));
            assert!(doc.text.is_char_boundary(p.range.end));
            let t = doc.passage_text(p);
            assert!(t.split_whitespace().count() <= passage::MAX_WORDS);
            assert!(t.chars().count() <= passage::MAX_CHARS);
            assert!(doc.text[prev..p.range.start].trim().is_empty());
            prev = p.range.end;
        }
        assert!(doc.text[prev..].trim().is_empty());
        assert!(!doc.passages.is_empty());
    }

    proptest::proptest! {
        #[test]
        fn prepare_never_panics_on_any_string(s in proptest::prelude::any::<String>()) {
            if let Ok(doc) = prepare(raw(&s)) {
                check_document(&doc);
            }
        }

        #[test]
        fn prepare_never_panics_on_texty_strings(
            s in "([A-Za-z가-힣Жж]{1,12}|[ \\t\\n\\r.!?,:#【】()\"”\u{3000}\u{FEFF}-]|Read more|Share|다\\. |2015\\. 9\\. ){0,600}"
        ) {
            if let Ok(doc) = prepare(raw(&s)) {
                check_document(&doc);
            }
        }

        #[test]
        fn dates_never_panic(s in "[0-9T:+Z. -]{0,40}") {
            let _ = date::parse_date(&s);
        }
    }

    #[test]
    fn many_short_lines_and_one_huge_line() {
        // Half a million one-word lines: passages stay within bounds.
        let doc = prepare(raw(&"Word.\n".repeat(500_000))).unwrap();
        check_document(&doc);
        // Passages grow forward until they reach TARGET_WORDS.
        assert_eq!(
            doc.passages.len(),
            500_000usize.div_ceil(passage::TARGET_WORDS)
        );
        // A megabyte without whitespace: cut at char boundaries.
        let doc = prepare(raw(&"평화".repeat(200_000))).unwrap();
        check_document(&doc);
        assert_eq!(
            doc.passages.len(),
            400_000usize.div_ceil(passage::MAX_CHARS)
        );
    }

    #[test]
    fn prepare_uses_jsonl_identity() {
        let mut r = raw("본문입니다. 짧은 문서입니다.");
        r.rel_path = "k/a.jsonl".into();
        r.line = Some(3);
        let doc = prepare(r).unwrap();
        assert_eq!(doc.id, "k/a.jsonl#3");
        assert_eq!(doc.lang, "ko");
        assert_eq!(doc.passages[0].lang, "ko");
    }
}
