//! Finding source files and reading them into [`RawDocument`]s.
//!
//! Formats: `.txt` and `.md`/`.markdown` (one document per file, optional
//! YAML front matter), `.jsonl`/`.ndjson` (one JSON object per line, read
//! line by line). Extensions are matched case-insensitively.
//!
//! Fields, in front matter and JSONL alike: `id` (or `_id`, as BEIR names it), `title`, `author`,
//! `source`, `date`, `lang`, `url`, `tags`, and for JSONL `text`. Unknown
//! fields are ignored; `null` means absent. `id` may be a string or an
//! integer; `tags` a list of strings or one comma-separated string; `date`
//! `YYYY-MM-DD` or an RFC 3339 timestamp (its local date is kept). Anything
//! else is a [`Rejection`] naming the field.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::date::parse_date;
use super::frontmatter;
use super::skip::{SkipRules, Skipped, Walk};
use super::{Meta, RawDocument, Rejection};

/// Largest text/Markdown file, and longest JSONL line, that is read. A
/// document beyond this is almost surely not prose, and the cap keeps one bad
/// file from exhausting memory.
pub const MAX_DOC_BYTES: usize = 64 * 1024 * 1024;

/// The kind of a source file, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Txt,
    Markdown,
    Jsonl,
}

impl SourceKind {
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" => Some(SourceKind::Txt),
            "md" | "markdown" => Some(SourceKind::Markdown),
            "jsonl" | "ndjson" => Some(SourceKind::Jsonl),
            _ => None,
        }
    }
}

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's path as found (the given root joined with the walked path).
    pub path: PathBuf,
    /// The corpus root it was found under (its parent dir for a named file).
    pub root: PathBuf,
    /// `path` relative to `root`, `/`-separated on every platform.
    pub rel_path: String,
    pub kind: SourceKind,
    /// Size in bytes when discovered.
    pub len: u64,
}

/// Everything [`discover_all`] found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Files to read, sorted by path within each given root.
    pub files: Vec<SourceFile>,
    /// Paths that could not be used (missing, unreadable, or named
    /// explicitly with an unsupported extension).
    pub rejected: Vec<Rejection>,
    /// Files met while walking a directory whose extension kors does not read
    /// (e.g. `.csv`, `.json`); skipped quietly, listed for `--dry-run`.
    pub skipped: Vec<PathBuf>,
    /// Paths left out by a `.korsignore`, `--exclude` or as describing files
    /// ([`super::skip`]); the summary says so.
    pub excluded: Vec<Skipped>,
}

/// Walk `paths` (files or directories, recursively) for source files.
pub fn discover(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<Rejection>) {
    let d = discover_all(paths, &SkipRules::default());
    (d.files, d.rejected)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn rel_string(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Like [`discover`] under `rules`, also listing the skipped files.
pub fn discover_all(paths: &[PathBuf], rules: &SkipRules) -> Discovery {
    let mut d = Discovery::default();
    let mut seen = std::collections::HashSet::new();
    for given in paths {
        let meta = match std::fs::metadata(given) {
            Ok(m) => m,
            Err(e) => {
                d.rejected
                    .push(Rejection::new(given, format!("cannot open: {e}")));
                continue;
            }
        };
        if !meta.is_file() && !meta.is_dir() {
            d.rejected
                .push(Rejection::new(given, "not a regular file or directory"));
            continue;
        }
        if meta.is_file() {
            // Named explicitly: an unsupported type is an error, not a skip.
            let Some(kind) = SourceKind::from_path(given) else {
                d.rejected.push(Rejection::new(
                    given,
                    "unsupported file type (kors reads .txt, .md, .markdown, .jsonl, .ndjson)",
                ));
                continue;
            };
            let root = match given.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let rel_path = given
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| given.to_string_lossy().into_owned());
            if seen.insert(std::fs::canonicalize(given).unwrap_or_else(|_| given.clone())) {
                d.files.push(SourceFile {
                    path: given.clone(),
                    root,
                    rel_path,
                    kind,
                    len: meta.len(),
                });
            }
            continue;
        }
        let walk = Walk::new(given, rules);
        let walker = walkdir::WalkDir::new(given)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            // The root itself may be hidden (`./.corpus`): the user named it.
            .filter_entry(|e| {
                e.depth() == 0
                    || (!is_hidden(e.file_name()) && walk.keep(e.path(), e.file_type().is_dir()))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or(given.clone());
                    let reason = walk_error(&path, &e);
                    d.rejected.push(Rejection::new(path, reason));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path().to_path_buf();
            let Some(kind) = SourceKind::from_path(&path) else {
                d.skipped.push(path);
                continue;
            };
            let rel = path.strip_prefix(given).unwrap_or(&path);
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            if seen.insert(std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone())) {
                d.files.push(SourceFile {
                    rel_path: rel_string(rel),
                    root: given.clone(),
                    path,
                    kind,
                    len,
                });
            }
        }
        for (file, reason) in walk.errors.take() {
            d.rejected.push(Rejection::new(file, reason));
        }
        d.excluded.extend(walk.skipped.take());
    }
    d
}

/// The reason for a walk error, without the path (the rejection names it).
fn walk_error(path: &Path, e: &walkdir::Error) -> String {
    if let Some(ancestor) = e.loop_ancestor() {
        return format!(
            "symbolic link loop: it points back to {}",
            ancestor.display()
        );
    }
    let symlink = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    match (e.io_error(), symlink) {
        (Some(io), true) => format!("broken symbolic link: {io}"),
        (Some(io), false) => format!("cannot read: {io}"),
        (None, _) => format!("cannot read directory entry: {e}"),
    }
}

/// Read one source file. Yields one item for a text/Markdown file and one
/// per non-blank line for JSONL (streamed: memory stays at one line).
pub fn read(file: &SourceFile) -> Reader {
    match file.kind {
        SourceKind::Txt | SourceKind::Markdown => Reader {
            state: State::Once(Some(read_whole(file))),
        },
        SourceKind::Jsonl => Reader {
            state: State::Jsonl(JsonlReader {
                file: file.clone(),
                reader: None,
                done: false,
                line_no: 0,
                offset: 0,
                first_content: true,
                buf: Vec::new(),
            }),
        },
    }
}

/// The iterator returned by [`read`].
pub struct Reader {
    state: State,
}

enum State {
    Once(Option<Result<RawDocument, Rejection>>),
    Jsonl(JsonlReader),
}

impl Iterator for Reader {
    type Item = Result<RawDocument, Rejection>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.state {
            State::Once(item) => item.take(),
            State::Jsonl(r) => r.next_doc(),
        }
    }
}

fn line_of_offset(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Decode a whole file: UTF-8 (BOM optional) or UTF-16 with a BOM.
/// Errors carry the 1-based line where that is known.
fn decode(bytes: &[u8]) -> Result<String, (Option<usize>, String)> {
    if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) || bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        return Err((
            None,
            "UTF-32 text is not supported; convert it to UTF-8".into(),
        ));
    }
    let utf16 = if bytes.starts_with(&[0xFF, 0xFE]) {
        Some(true)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Some(false)
    } else {
        None
    };
    if let Some(le) = utf16 {
        let body = &bytes[2..];
        if !body.len().is_multiple_of(2) {
            return Err((None, "truncated UTF-16 text (odd number of bytes)".into()));
        }
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(body.len());
        let mut offset = 2;
        for r in char::decode_utf16(units) {
            match r {
                Ok('\0') => {
                    return Err((
                        None,
                        format!("binary data: NUL character at byte offset {offset}"),
                    ))
                }
                Ok(c) => {
                    offset += c.len_utf16() * 2;
                    out.push(c);
                }
                Err(_) => {
                    return Err((
                        None,
                        format!("invalid UTF-16 (unpaired surrogate) at byte offset {offset}"),
                    ))
                }
            }
        }
        return Ok(out);
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(bytes);
    let bom = bytes.len() - body.len();
    if let Some(i) = body.iter().position(|&b| b == 0) {
        return Err((
            Some(line_of_offset(body, i)),
            format!("binary data: NUL byte at byte offset {}", i + bom),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let at = e.valid_up_to();
            Err((
                Some(line_of_offset(body, at)),
                format!("invalid UTF-8 at byte offset {}", at + bom),
            ))
        }
    }
}

fn read_whole(file: &SourceFile) -> Result<RawDocument, Rejection> {
    let reject = |line: Option<usize>, reason: String| {
        Rejection::new(file.path.clone(), reason).at_line(line)
    };
    if file.len > MAX_DOC_BYTES as u64 {
        return Err(reject(
            None,
            format!(
                "file is {} bytes, more than the {} MiB limit for one document",
                file.len,
                MAX_DOC_BYTES >> 20
            ),
        ));
    }
    // Bounded while reading: the file may be a FIFO or still growing.
    let mut bytes = Vec::new();
    File::open(&file.path)
        .and_then(|f| f.take(MAX_DOC_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| reject(None, format!("cannot read: {e}")))?;
    if bytes.len() > MAX_DOC_BYTES {
        return Err(reject(
            None,
            "file grew past the size limit while reading".into(),
        ));
    }
    let text = decode(&bytes).map_err(|(line, reason)| reject(line, reason))?;
    let split =
        frontmatter::split(&text).map_err(|e| reject(e.line, e.reason).field("front matter"))?;
    let meta = meta_from_fields(&split.fields)
        .map_err(|(field, reason)| reject(Some(1), reason).field(field))?;
    if split.body.trim().is_empty() {
        return Err(reject(None, "empty document".into()).field("text").empty());
    }
    Ok(RawDocument {
        path: file.path.clone(),
        rel_path: file.rel_path.clone(),
        line: None,
        meta,
        text: split.body.to_string(),
        bytes: bytes.len(),
        body_line: split.body_line_offset,
    })
}

struct JsonlReader {
    file: SourceFile,
    reader: Option<BufReader<File>>,
    done: bool,
    line_no: usize,
    /// Byte offset of the next line in the file.
    offset: u64,
    /// No non-blank line seen yet.
    first_content: bool,
    buf: Vec<u8>,
}

/// Read one line (without holding more than `cap` bytes of it). Returns the
/// bytes consumed (0 at end of file) and whether the line was over `cap`.
fn read_line_capped(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<(usize, bool)> {
    buf.clear();
    let mut consumed = 0;
    let mut overflow = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        let (take, end) = match avail.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (avail.len(), false),
        };
        if !overflow {
            if buf.len() + take > cap + 1 {
                overflow = true;
                buf.clear();
                buf.shrink_to_fit();
            } else {
                buf.extend_from_slice(&avail[..take]);
            }
        }
        r.consume(take);
        consumed += take;
        if end {
            break;
        }
    }
    Ok((consumed, overflow))
}

impl JsonlReader {
    fn reject(&self, reason: impl Into<String>) -> Rejection {
        Rejection::new(self.file.path.clone(), reason).at_line(Some(self.line_no))
    }

    fn next_doc(&mut self) -> Option<Result<RawDocument, Rejection>> {
        loop {
            if self.done {
                return None;
            }
            if self.reader.is_none() {
                match File::open(&self.file.path) {
                    Ok(f) => self.reader = Some(BufReader::with_capacity(1 << 16, f)),
                    Err(e) => {
                        self.done = true;
                        return Some(Err(Rejection::new(
                            self.file.path.clone(),
                            format!("cannot open: {e}"),
                        )));
                    }
                }
            }
            let reader = self.reader.as_mut()?;
            let mut buf = std::mem::take(&mut self.buf);
            let res = read_line_capped(reader, &mut buf, MAX_DOC_BYTES);
            let line_start = self.offset;
            let (n, overflow) = match res {
                Ok(x) => x,
                Err(e) => {
                    self.done = true;
                    self.line_no += 1;
                    return Some(Err(self.reject(format!("read error: {e}"))));
                }
            };
            if n == 0 {
                self.done = true;
                return None;
            }
            self.line_no += 1;
            self.offset += n as u64;
            if overflow {
                self.buf = buf;
                return Some(Err(self.reject(format!(
                    "line is longer than the {} MiB limit for one document",
                    MAX_DOC_BYTES >> 20
                ))));
            }
            if self.line_no == 1
                && (buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]))
            {
                self.done = true;
                return Some(Err(Rejection::new(
                    self.file.path.clone(),
                    "UTF-16 JSONL is not supported; convert the file to UTF-8",
                )));
            }
            if self.first_content && buf.trim_ascii_start().starts_with(b"[") {
                // A pretty-printed JSON array would give one rejection per
                // line; say what it is once instead.
                self.done = true;
                return Some(Err(self.reject(
                    "this is a JSON array, not JSON Lines (one JSON object per line)",
                )));
            }
            if !buf.trim_ascii().is_empty() {
                self.first_content = false;
            }
            let item = self.parse_line(&buf, line_start);
            self.buf = buf;
            if let Some(item) = item {
                return Some(item);
            }
        }
    }

    /// `None` for a blank line (skipped without complaint).
    fn parse_line(&self, raw: &[u8], line_start: u64) -> Option<Result<RawDocument, Rejection>> {
        let mut bytes = raw;
        let mut start = line_start;
        if self.line_no == 1 {
            if let Some(b) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF][..]) {
                bytes = b;
                start += 3;
            }
        }
        while let Some((&last, rest)) = bytes.split_last() {
            if last == b'\n' || last == b'\r' {
                bytes = rest;
            } else {
                break;
            }
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        if let Some(i) = bytes.iter().position(|&b| b == 0) {
            return Some(Err(self.reject(format!(
                "binary data: NUL byte at byte offset {} of the file",
                start + i as u64
            ))));
        }
        let s = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                return Some(Err(self.reject(format!(
                    "invalid UTF-8 at byte offset {} of the file (column {})",
                    start + e.valid_up_to() as u64,
                    e.valid_up_to() + 1
                ))))
            }
        };
        let value: Value = match serde_json::from_str(s) {
            Ok(v) => v,
            Err(e) => return Some(Err(self.reject(format!("malformed JSON: {e}")))),
        };
        let Value::Object(fields) = value else {
            return Some(Err(self.reject(format!(
                "expected a JSON object on each line, got {}",
                kind_of(&value)
            ))));
        };
        let meta = match meta_from_fields(&fields) {
            Ok(m) => m,
            Err((field, reason)) => return Some(Err(self.reject(reason).field(field))),
        };
        let text = match fields.get("text") {
            None | Some(Value::Null) => {
                return Some(Err(self.reject("missing field \"text\"").field("text")))
            }
            Some(Value::String(t)) => t,
            Some(other) => {
                return Some(Err(self
                    .reject(format!("expected a string, got {}", kind_of(other)))
                    .field("text")))
            }
        };
        if text.contains('\0') {
            return Some(Err(self
                .reject("binary data: the text contains a NUL character")
                .field("text")));
        }
        if text.trim().is_empty() {
            return Some(Err(self.reject("empty document").field("text").empty()));
        }
        Some(Ok(RawDocument {
            path: self.file.path.clone(),
            rel_path: self.file.rel_path.clone(),
            line: Some(self.line_no),
            meta,
            text: text.clone(),
            bytes: raw.len(),
            body_line: 0,
        }))
    }
}

/// "expected a string" message, with a hint for YAML's unquoted numbers.
fn not_a_string(v: &Value) -> String {
    match v {
        Value::Number(_) | Value::Bool(_) => {
            format!("expected a string, got {} (put it in quotes)", kind_of(v))
        }
        _ => format!("expected a string, got {}", kind_of(v)),
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Check the known fields of a front matter block or a JSONL object.
/// Errors are `(field, reason)`.
pub fn meta_from_fields(fields: &Map<String, Value>) -> Result<Meta, (String, String)> {
    let err = |field: &str, reason: String| (field.to_string(), reason);
    let string = |field: &str| -> Result<Option<String>, (String, String)> {
        match fields.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(other) => Err(err(field, not_a_string(other))),
        }
    };
    // BEIR's corpus files call it `_id`.
    let id_field = if fields.contains_key("id") {
        "id"
    } else {
        "_id"
    };
    let id = match fields.get(id_field) {
        // Integer ids are common in exported data; take them as their digits.
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => string(id_field)?,
    };
    let date = match fields.get("date") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(parse_date(s).map_err(|reason| err("date", reason))?),
        Some(other) => {
            return Err(err(
                "date",
                format!(
                    "expected a date string like \"2024-06-19\", got {}",
                    kind_of(other)
                ),
            ))
        }
    };
    let lang = match string("lang")? {
        None => None,
        Some(l) => {
            let ok = l.len() <= 35
                && l.split(['-', '_'])
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
            if !ok {
                return Err(err(
                    "lang",
                    format!("{l:?} is not a language tag like \"ko\" or \"en\""),
                ));
            }
            Some(l.to_ascii_lowercase().replace('_', "-"))
        }
    };
    let tags = match fields.get("tags") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        Some(Value::Array(items)) => {
            let mut tags = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) if !s.trim().is_empty() => tags.push(s.trim().to_string()),
                    Value::String(_) => {}
                    other => {
                        return Err(err(
                            "tags",
                            format!("item {}: {}", i + 1, not_a_string(other)),
                        ))
                    }
                }
            }
            tags
        }
        Some(other) => {
            return Err(err(
                "tags",
                format!("expected a list of strings, got {}", kind_of(other)),
            ))
        }
    };
    Ok(Meta {
        id,
        title: string("title")?,
        author: string("author")?,
        source: string("source")?,
        date,
        lang,
        // Scraped corpora often call it `link` (the KCNA dumps do).
        url: match string("url")? {
            Some(u) => Some(u),
            None => string("link")?,
        },
        tags,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::File::create(&p).unwrap().write_all(bytes).unwrap();
        p
    }

    fn source(dir: &Path, rel: &str) -> SourceFile {
        let path = dir.join(rel);
        SourceFile {
            kind: SourceKind::from_path(&path).unwrap(),
            len: std::fs::metadata(&path).unwrap().len(),
            root: dir.to_path_buf(),
            rel_path: rel.to_string(),
            path,
        }
    }

    fn read_one(dir: &Path, rel: &str) -> Result<RawDocument, Rejection> {
        let mut it = read(&source(dir, rel));
        let r = it.next().expect("one item");
        assert!(it.next().is_none());
        r
    }

    #[test]
    fn discover_walks_skips_hidden_and_other_types() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.txt", b"x");
        write(root, "sub/b.MD", b"x");
        write(root, "sub/deeper/c.jsonl", b"{}");
        write(root, "sub/data.csv", b"x");
        write(root, ".hidden.txt", b"x");
        write(root, ".git/d.txt", b"x");
        write(root, "sub/.cache/e.md", b"x");
        let d = discover_all(&[root.to_path_buf()], &SkipRules::default());
        let rels: Vec<_> = d.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(rels, ["a.txt", "sub/b.MD", "sub/deeper/c.jsonl"]);
        assert_eq!(d.files[1].kind, SourceKind::Markdown);
        assert_eq!(d.skipped, vec![root.join("sub/data.csv")]);
        assert!(d.rejected.is_empty(), "{:?}", d.rejected);

        // Named files: unsupported type, missing paths and devices are
        // rejections.
        #[cfg(unix)]
        {
            let (files, rej) = discover(&[PathBuf::from("/dev/null")]);
            assert!(files.is_empty());
            assert!(rej[0].reason.contains("not a regular file"), "{}", rej[0]);
        }
        let (files, rej) = discover(&[
            root.join("sub/data.csv"),
            root.join("nope.txt"),
            root.join("a.txt"),
            root.join("a.txt"),
        ]);
        assert_eq!(files.len(), 1, "duplicates are read once");
        assert_eq!(files[0].rel_path, "a.txt");
        assert_eq!(rej.len(), 2);
        assert!(
            rej[0].reason.contains("unsupported file type"),
            "{}",
            rej[0]
        );
        assert!(rej[1].reason.contains("cannot open"), "{}", rej[1]);
    }

    #[test]
    fn markdown_with_front_matter() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "doc.md",
            "---\nid: seoul-moscow-1\ntitle: Seoul and Moscow\nauthor: A. Writer\nsource: Hankyoreh\ndate: 2024-06-19\nlang: EN\nurl: https://example.org/a\ntags: [russia, diplomacy]\nextra: ignored\n---\nThe body.\n"
                .as_bytes(),
        );
        let doc = read_one(dir.path(), "doc.md").unwrap();
        assert_eq!(doc.meta.id.as_deref(), Some("seoul-moscow-1"));
        assert_eq!(doc.meta.title.as_deref(), Some("Seoul and Moscow"));
        assert_eq!(doc.meta.author.as_deref(), Some("A. Writer"));
        assert_eq!(doc.meta.source.as_deref(), Some("Hankyoreh"));
        assert_eq!(doc.meta.date.unwrap().to_string(), "2024-06-19");
        assert_eq!(doc.meta.lang.as_deref(), Some("en"));
        assert_eq!(doc.meta.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(doc.meta.tags, ["russia", "diplomacy"]);
        assert_eq!(doc.text, "The body.\n");
        assert_eq!(doc.id(), "seoul-moscow-1");
        assert_eq!(doc.line, None);
    }

    #[test]
    fn txt_without_front_matter_uses_path_identity() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "k/러시아.txt",
            "\u{FEFF}러시아와의 관계.\n".as_bytes(),
        );
        let doc = read_one(dir.path(), "k/러시아.txt").unwrap();
        assert_eq!(doc.meta, Meta::default());
        assert_eq!(doc.text, "러시아와의 관계.\n", "BOM stripped");
        assert_eq!(doc.id(), "k/러시아.txt");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        let text = "평화 and peace";
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        write(dir.path(), "le.txt", &le);
        write(dir.path(), "be.txt", &be);
        assert_eq!(read_one(dir.path(), "le.txt").unwrap().text, text);
        assert_eq!(read_one(dir.path(), "be.txt").unwrap().text, text);
        write(dir.path(), "odd.txt", &le[..le.len() - 1]);
        let e = read_one(dir.path(), "odd.txt").unwrap_err();
        assert!(e.reason.contains("UTF-16"), "{e}");
    }

    #[test]
    fn hostile_text_files_are_rejected_with_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "utf8.txt", b"line one\nbad \xC3\x28 byte\n");
        write(d, "nul.txt", b"text\x00with nul");
        write(d, "empty.txt", b"  \n\t\n");
        write(d, "fm-empty.md", b"---\ntitle: T\n---\n\n  \n");
        write(d, "fm-date.md", b"---\ndate: 5\n---\nbody");
        write(d, "fm-baddate.md", b"---\ndate: 2024-02-31\n---\nbody");
        write(d, "fm-tags.md", b"---\ntags: [a, {b: 1}]\n---\nbody");
        let mut huge = b"---\n".to_vec();
        huge.extend(
            std::iter::repeat_n(b"# comment line of front matter\n".as_slice(), 3000).flatten(),
        );
        huge.extend(b"---\nbody");
        write(d, "fm-huge.md", &huge);

        let e = read_one(d, "utf8.txt").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.reason.contains("invalid UTF-8 at byte offset 13"), "{e}");
        let e = read_one(d, "nul.txt").unwrap_err();
        assert!(e.reason.contains("NUL byte at byte offset 4"), "{e}");
        for f in ["empty.txt", "fm-empty.md"] {
            let e = read_one(d, f).unwrap_err();
            assert_eq!(e.reason, "empty document", "{f}");
            assert!(e.to_string().contains(f));
        }
        let e = read_one(d, "fm-date.md").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("date"));
        assert!(e.reason.contains("got a number (5)"), "{e}");
        let e = read_one(d, "fm-baddate.md").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("date"));
        assert!(e.reason.contains("no day 31"), "{e}");
        let e = read_one(d, "fm-tags.md").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("tags"));
        let e = read_one(d, "fm-huge.md").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("front matter"));
        assert!(e.reason.contains("64 KiB"), "{e}");
    }

    #[test]
    fn jsonl_streams_good_lines_around_bad_ones() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<&[u8]> = vec![
            br#"{"id": "a", "title": "First", "date": "2011-12-01", "lang": "en", "text": "Kim Jong Il sent a message."}"#,
            br#"{"title": "no id", "text": "Second document."}"#,
            br#"{"id": "c", "text": "broken json"#,
            b"",
            br#"{"id": "d", "date": 5, "text": "wrong type"}"#,
            br#"{"id": "e", "title": "no text"}"#,
            br#"{"id": "f", "date": "2012-02-30", "text": "bad date"}"#,
            b"{\"id\": \"g\", \"text\": \"bad \xFF utf8\"}",
            br#"["not", "an", "object"]"#,
            br#"{"id": "h", "text": "   "}"#,
            br#"{"id": 42, "tags": "a, b", "url": null, "text": "Integer id."}"#,
            br#"{"id": "i", "text": 7}"#,
            br#"{"id": "j", "text": "nul \u0000 inside"}"#,
            br#"{"id": "k", "lang": "not a tag!", "text": "x"}"#,
        ];
        let mut bytes = lines.join(&b'\n');
        bytes.extend(b"\r\n");
        write(dir.path(), "sub/k.jsonl", &bytes);
        let items: Vec<_> = read(&source(dir.path(), "sub/k.jsonl")).collect();
        let ok: Vec<_> = items.iter().filter_map(|r| r.as_ref().ok()).collect();
        let ids: Vec<_> = ok.iter().map(|d| d.id()).collect();
        assert_eq!(ids, ["a", "sub/k.jsonl#2", "42"]);
        assert_eq!(ok[0].meta.date.unwrap().to_string(), "2011-12-01");
        assert_eq!(ok[2].line, Some(11));
        assert_eq!(ok[2].meta.tags, ["a", "b"]);
        let rej: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
        let summary: Vec<_> = rej
            .iter()
            .map(|r| (r.line.unwrap(), r.field.as_deref().unwrap_or("-")))
            .collect();
        assert_eq!(
            summary,
            [
                (3, "-"),
                (5, "date"),
                (6, "text"),
                (7, "date"),
                (8, "-"),
                (9, "-"),
                (10, "text"),
                (12, "text"),
                (13, "text"),
                (14, "lang")
            ]
        );
        assert!(rej[0].reason.starts_with("malformed JSON"), "{}", rej[0]);
        assert!(
            rej[2].reason.contains("missing field \"text\""),
            "{}",
            rej[2]
        );
        assert!(rej[4].reason.contains("invalid UTF-8"), "{}", rej[4]);
        assert!(rej[5].reason.contains("JSON object"), "{}", rej[5]);
        assert_eq!(rej[6].reason, "empty document");
        assert!(
            rej[1].to_string().contains("k.jsonl:5: date: "),
            "{}",
            rej[1]
        );
    }

    #[test]
    fn jsonl_overlong_line_is_rejected_and_reading_goes_on() {
        let mut data = Vec::new();
        data.extend(std::iter::repeat_n(b'x', 100));
        data.extend(b"\n{\"text\": \"after\"}\n");
        let mut r = io::Cursor::new(data);
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 10).unwrap(), (101, true));
        assert!(buf.is_empty());
        let (n, over) = read_line_capped(&mut r, &mut buf, 64).unwrap();
        assert_eq!((n, over), (18, false));
        assert_eq!(buf, b"{\"text\": \"after\"}\n");
        assert_eq!(read_line_capped(&mut r, &mut buf, 64).unwrap(), (0, false));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Arbitrary bytes as a text file and as a JSONL file: items or
        /// rejections, never a panic.
        #[test]
        fn arbitrary_files_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600),
            json in proptest::collection::vec("\\{\"(id|text|date|tags|title)\": ?(\"[a-z가 0-9-]{0,8}\"|[0-9]{1,3}|null|\\[\\]|\\{\\})(, ?\"text\": \"[a-z ]{0,9}\")?\\}\r?", 0..8),
        ) {
            let dir = tempfile::tempdir().unwrap();
            write(dir.path(), "a.txt", &bytes);
            write(dir.path(), "b.jsonl", &bytes);
            write(dir.path(), "c.jsonl", json.join("\n").as_bytes());
            for f in ["a.txt", "b.jsonl", "c.jsonl"] {
                for raw in read(&source(dir.path(), f)).flatten() {
                    let _ = crate::corpus::prepare(raw);
                }
            }
        }
    }

    #[test]
    fn json_array_file_is_one_rejection() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "arr.jsonl",
            b"\n[\n  {\"text\": \"a\"},\n  {\"text\": \"b\"}\n]\n",
        );
        let items: Vec<_> = read(&source(dir.path(), "arr.jsonl")).collect();
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.reason.contains("JSON array"), "{e}");
    }

    #[test]
    fn utf16_jsonl_is_rejected_clearly() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "u.jsonl", &[0xFF, 0xFE, b'{', 0, b'}', 0]);
        let items: Vec<_> = read(&source(dir.path(), "u.jsonl")).collect();
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().reason.contains("UTF-16"));
    }
}
