//! Text analysis: one analyzer for mixed Korean, English and Russian text,
//! used for documents and queries alike.
//!
//! Steps: NFKC normalisation with offsets mapped back (`normalize`); lines
//! that contain Hangul go through the MeCab-compatible lattice over
//! mecab-ko-dic (`korean`), whose morphemes are filtered the way Lucene's
//! nori does and whose foreign-letter and number runs are handed to the
//! script rules; other lines are split into words by script (`script`).
//! `tokenizer` adapts the result to tantivy.

pub mod bigram;
pub mod korean;
pub mod lexicon;
pub mod mecab;
pub mod names;
pub mod normalize;
pub mod northern;
mod note;
pub mod script;
pub mod tokenizer;
pub mod whitespace;

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use korean::{Lattice, Morpheme, WordRef};
use lexicon::Reason;
pub use mecab::{write_mecab, write_mecab_with};
use normalize::Normalized;
pub use note::Note;
use script::Script;
pub use tokenizer::KorsTokenizer;

/// Name under which kors's analyzer is registered on every index.
pub const TOKENIZER_NAME: &str = "kors";

/// Version of the analyzer's output; recorded in the index so that an index
/// built by a different analyzer is refused. v2: the copula 이 (VCP) is
/// dropped. v3: Northern spellings and names indexed as one form.
pub const ANALYZER_VERSION: u32 = 3;

/// The analyzer used for passage text, titles and queries.
pub fn analyzer() -> tantivy::tokenizer::TextAnalyzer {
    tantivy::tokenizer::TextAnalyzer::from(KorsTokenizer::default())
}

/// Registers kors's tokenizers on `index` (every [`AnalyzerKind`], under
/// its own name, so any index can be opened); call on every open/create.
pub fn register(index: &tantivy::Index) {
    for kind in AnalyzerKind::ALL {
        index
            .tokenizers()
            .register(kind.tokenizer_name(), kind.analyzer());
    }
}

/// Which analyzer an index uses for `text` and `title`, chosen at index
/// time (`kors index --analyzer`); queries go through the same one because
/// the schema names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalyzerKind {
    /// kors's analyzer: Korean morphemes, English/Russian stems.
    #[default]
    Morph,
    /// The same, with Korean analyses memoised by eojeol: faster bulk loads,
    /// slightly lower agreement with mecab-ko (see `korean::EojeolCache`).
    MorphFast,
    /// CJK character bigrams, other words lower-cased (Lucene's CJKAnalyzer).
    Bigram,
    /// Whitespace-separated words, lower-cased.
    Whitespace,
}

impl AnalyzerKind {
    /// Every kind.
    pub const ALL: [AnalyzerKind; 4] = [
        AnalyzerKind::Morph,
        AnalyzerKind::MorphFast,
        AnalyzerKind::Bigram,
        AnalyzerKind::Whitespace,
    ];

    /// The name users type (`morph`, `bigram`, `whitespace`).
    pub fn name(self) -> &'static str {
        match self {
            AnalyzerKind::Morph => "morph",
            AnalyzerKind::MorphFast => "morph-fast",
            AnalyzerKind::Bigram => "bigram",
            AnalyzerKind::Whitespace => "whitespace",
        }
    }

    /// The tokenizer name in the schema (and in `kors.json`); morph keeps
    /// [`TOKENIZER_NAME`] so indexes built before the choice existed open.
    pub fn tokenizer_name(self) -> &'static str {
        match self {
            AnalyzerKind::Morph => TOKENIZER_NAME,
            AnalyzerKind::MorphFast => "kors_fast",
            AnalyzerKind::Bigram => "kors_bigram",
            AnalyzerKind::Whitespace => "kors_whitespace",
        }
    }

    /// Version of this analyzer's output (see [`ANALYZER_VERSION`]).
    pub fn version(self) -> u32 {
        match self {
            AnalyzerKind::Morph | AnalyzerKind::MorphFast => ANALYZER_VERSION,
            AnalyzerKind::Bigram | AnalyzerKind::Whitespace => 1,
        }
    }

    /// The kind whose tokenizer is registered under `name`.
    pub fn from_tokenizer_name(name: &str) -> Option<AnalyzerKind> {
        Self::ALL.into_iter().find(|k| k.tokenizer_name() == name)
    }

    /// A fresh analyzer of this kind.
    pub fn analyzer(self) -> tantivy::tokenizer::TextAnalyzer {
        match self {
            AnalyzerKind::Morph => analyzer(),
            AnalyzerKind::MorphFast => {
                tantivy::tokenizer::TextAnalyzer::from(KorsTokenizer::with_eojeol_cache())
            }
            AnalyzerKind::Bigram => {
                tantivy::tokenizer::TextAnalyzer::from(bigram::BigramTokenizer::default())
            }
            AnalyzerKind::Whitespace => {
                tantivy::tokenizer::TextAnalyzer::from(whitespace::WhitespaceTokenizer::default())
            }
        }
    }
}

impl AnalyzerKind {
    /// The analyzer that finds a query's terms in passages for highlights:
    /// this kind's, except that `morph` uses `morph-fast`'s memoised Korean
    /// analyses (the same terms for all but a fraction of a percent of
    /// words, and a highlight needs no more).
    pub fn highlighter(self) -> tantivy::tokenizer::TextAnalyzer {
        match self {
            AnalyzerKind::Morph => AnalyzerKind::MorphFast.analyzer(),
            other => other.analyzer(),
        }
    }
}

thread_local! {
    static KEPT: std::cell::RefCell<Vec<(AnalyzerKind, bool, tantivy::tokenizer::TextAnalyzer)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's kept analyzer of `kind` (its
/// [`AnalyzerKind::highlighter`] if `highlight`). A fresh analyzer starts
/// with empty buffers and caches, which a query's few words pay for again
/// and again; kept ones serve every search of a long-running process.
pub fn with_kept<R>(
    kind: AnalyzerKind,
    highlight: bool,
    f: impl FnOnce(&mut tantivy::tokenizer::TextAnalyzer) -> R,
) -> R {
    KEPT.with(|cell| {
        let mut kept = cell.borrow_mut();
        let i = match kept
            .iter()
            .position(|(k, h, _)| *k == kind && *h == highlight)
        {
            Some(i) => i,
            None => {
                let a = if highlight {
                    kind.highlighter()
                } else {
                    kind.analyzer()
                };
                kept.push((kind, highlight, a));
                kept.len() - 1
            }
        };
        f(&mut kept[i].2)
    })
}

impl fmt::Display for AnalyzerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Part-of-speech tags dropped by default, as Lucene's nori does
/// (KoreanPartOfSpeechStopFilter), plus punctuation and the copula 이
/// (VCP): the commonest stem in Korean text, it carries no meaning and made
/// the longest posting list of every question (`서울이다`, `북러` misread
/// as 북 + 이 + 러); dropping it ranked KorQuAD no worse (MRR@10 0.9376 →
/// 0.9380 over all questions).
fn is_stop_tag(tag: &str) -> bool {
    tag.starts_with('E')
        || tag.starts_with('J')
        || matches!(
            tag,
            "IC" | "MAG"
                | "MAJ"
                | "MM"
                | "SP"
                | "SSC"
                | "SSO"
                | "SC"
                | "SE"
                | "SF"
                | "SY"
                | "XPN"
                | "XSA"
                | "XSN"
                | "XSV"
                | "UNA"
                | "NA"
                | "VSV"
                | "VCP"
        )
}

/// One token, kept or dropped, with everything `kors analyze` shows.
#[derive(Clone, Debug, Serialize)]
pub struct TokenReport {
    /// The indexed term (or, when dropped, the normalised surface).
    pub text: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
    /// Position among kept tokens; `None` when dropped.
    pub position: Option<usize>,
    pub script: Script,
    /// mecab-ko-dic POS tag (Korean path only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pos: Option<String>,
    pub kept: bool,
    /// Why a token was dropped, or how a kept one was derived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
    /// The text as written, when the term is another form of it (a
    /// Northern spelling, a name's spelling).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

impl fmt::Display for TokenReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pos = self
            .position
            .map_or_else(|| "-".to_string(), |p| p.to_string());
        // Padded by display width: a Hangul syllable takes two columns.
        let width = unicode_width::UnicodeWidthStr::width(self.text.as_str());
        let pad = " ".repeat(16usize.saturating_sub(width));
        write!(
            f,
            "{}{pad} {:>6}..{:<6} pos {:>4}  {:<8} {:<10} {}",
            self.text,
            self.start,
            self.end,
            pos,
            self.script.as_str(),
            self.pos.as_deref().unwrap_or(""),
            if self.kept { "kept" } else { "dropped" },
        )?;
        match (self.note, &self.written) {
            (Some(note), Some(w)) => write!(f, " ({note}: {w})")?,
            (Some(note), None) => write!(f, " ({note})")?,
            _ => {}
        }
        Ok(())
    }
}

/// A kept token as the index sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

/// Terms as [`Analyzer::terms_into`] writes them.
#[derive(Debug, Default)]
pub struct TermBuf {
    text: String,
    spans: Vec<TermSpan>,
}

/// One term of a [`TermBuf`]: where its text is in the buffer, its byte
/// range in the analysed text, and its position.
#[derive(Debug, Clone)]
pub struct TermSpan {
    text: std::ops::Range<usize>,
    pub start: usize,
    pub end: usize,
    pub position: usize,
}

impl TermBuf {
    /// Empties the buffer, keeping its memory.
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }

    /// The terms, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &TermSpan)> {
        self.spans.iter().map(|s| (&self.text[s.text.clone()], s))
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The `i`-th term.
    pub fn get(&self, i: usize) -> Option<(&str, &TermSpan)> {
        self.spans.get(i).map(|s| (&self.text[s.text.clone()], s))
    }
}

/// Per-thread analysis state (the lattice's buffers are reused).
#[derive(Default)]
pub struct Analyzer {
    lattice: Lattice,
    morphs: Vec<Morpheme>,
    /// Parsed features by dictionary entry: a few thousand entries cover
    /// most running text, and parsing them is the analyser's second cost.
    infos: rustc_hash::FxHashMap<WordRef, Arc<MorphInfo>>,
    /// Set for the memoised (by eojeol) variant of the Korean analysis.
    eojeols: Option<korean::EojeolCache>,
    /// Names are not matched (while the name map itself is being built).
    without_names: bool,
    recent: names::Recent,
}

/// Bound on `Analyzer::infos`, so memory stays flat on any input.
const MAX_CACHED_INFOS: usize = 100_000;

/// What kors needs of a dictionary entry's features.
struct MorphInfo {
    /// The POS field as written (`VV+EP`).
    tag_full: Box<str>,
    /// Whether its first tag (`VV`) is one nori drops.
    stop: bool,
    kind: MorphKind,
    /// The form it is indexed as, when not its surface (a Northern
    /// spelling, a name), and why.
    normal: Option<(Box<str>, Reason)>,
}

enum MorphKind {
    /// Foreign letters, numbers, Hanja: handed to the script rules.
    Script,
    Plain,
    /// A compound noun and its parts.
    Compound(Vec<Part>),
    /// An inflected or pre-analysed form and the morphemes it stands for.
    Stems(Vec<Part>),
}

/// One morpheme of a compound or inflected form's expression.
struct Part {
    surface: Box<str>,
    tag: Box<str>,
    stop: bool,
}

impl MorphInfo {
    fn of(word: WordRef) -> MorphInfo {
        let lex = lexicon::lexicon();
        // The ko-dic word whose features it has: its own, or the Southern
        // word a Northern spelling is read as.
        let base = match word {
            WordRef::Extra(i) => lex.resolved(i).and_then(|r| r.base).map(WordRef::Known),
            WordRef::Southern(id) => Some(WordRef::Known(id)),
            WordRef::Known(_) | WordRef::Unknown(_) => None,
        };
        let feats = base.unwrap_or(word).features();
        let tag_full = feats.first().copied().unwrap_or("*");
        let tag = tag_full.split('+').next().unwrap_or(tag_full);
        // ko-dic's reading field is the word's (Southern) surface.
        let reading = feats.get(3).copied().unwrap_or("*");
        let normal = match word {
            WordRef::Extra(i) => {
                let e = lex.entry(i);
                Some((e.term.clone(), e.reason))
            }
            WordRef::Known(_) => lex.alias(reading, tag).map(|(t, r)| (t.into(), r)),
            WordRef::Southern(_) => Some((reading.into(), Reason::InitialSound)),
            WordRef::Unknown(_) => None,
        };
        let typ = feats.get(4).copied().unwrap_or("*");
        let expression = feats.get(7).copied().unwrap_or("*");
        let owned = |parts: Vec<(&str, &str)>| {
            parts
                .into_iter()
                .map(|(s, t)| Part {
                    surface: s.into(),
                    tag: t.into(),
                    stop: is_stop_tag(t),
                })
                .collect()
        };
        let kind = if matches!(tag, "SL" | "SN" | "SH") {
            MorphKind::Script
        } else {
            match (typ, parse_expression(expression)) {
                ("Compound", Some(parts)) => MorphKind::Compound(owned(parts)),
                ("Inflect" | "Preanalysis", Some(parts)) => MorphKind::Stems(owned(parts)),
                _ => MorphKind::Plain,
            }
        };
        MorphInfo {
            tag_full: tag_full.into(),
            stop: is_stop_tag(tag),
            kind,
            normal,
        }
    }
}

/// Receives the analyzer's output; `dropped` is called only when asked for.
trait Sink {
    fn keep(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        script: Script,
        pos: Option<&str>,
        note: Option<Note>,
    );
    fn drop_token(
        &mut self,
        _text: &str,
        _start: usize,
        _end: usize,
        _script: Script,
        _pos: Option<&str>,
        _note: Note,
    ) {
    }
}

/// Positions of kept tokens: one each, except that a compound's first part
/// shares the compound's position (so phrases match the whole and the parts).
struct Positions {
    next: usize,
}

impl Positions {
    fn assign(&mut self, note: Option<Note>) -> usize {
        if note.is_some_and(Note::shares_position) {
            self.next.saturating_sub(1)
        } else {
            self.next += 1;
            self.next - 1
        }
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The variant that memoises Korean analyses by eojeol (see
    /// [`korean::EojeolCache`]).
    pub fn with_eojeol_cache() -> Self {
        Analyzer {
            eojeols: Some(korean::EojeolCache::default()),
            ..Self::default()
        }
    }

    /// (hits, misses) of the eojeol cache, when there is one.
    pub fn eojeol_cache_stats(&self) -> Option<(u64, u64)> {
        self.eojeols.as_ref().map(|c| (c.hits, c.misses))
    }

    /// The indexed terms of `text`, with positions and original offsets,
    /// appended to `out` (positions continue from its last term).
    pub fn terms(&mut self, text: &str, out: &mut Vec<Term>) {
        let next = out.last().map_or(0, |t| t.position + 1);
        let mut buf = TermBuf::default();
        self.terms_into(text, &mut buf);
        out.extend(buf.iter().map(|(term, s)| Term {
            text: term.to_string(),
            start: s.start,
            end: s.end,
            position: next + s.position,
        }));
    }

    /// [`Analyzer::terms`] into one buffer: the term texts back to back,
    /// so that a passage costs no allocation per token (the tokenizer's path).
    pub fn terms_into(&mut self, text: &str, buf: &mut TermBuf) {
        struct Into<'b> {
            buf: &'b mut TermBuf,
            position: Positions,
        }
        impl Sink for Into<'_> {
            fn keep(
                &mut self,
                text: &str,
                start: usize,
                end: usize,
                _: Script,
                _: Option<&str>,
                note: Option<Note>,
            ) {
                let position = self.position.assign(note);
                let from = self.buf.text.len();
                self.buf.text.push_str(text);
                self.buf.spans.push(TermSpan {
                    text: from..self.buf.text.len(),
                    start,
                    end,
                    position,
                });
            }
        }
        let next = buf.spans.last().map_or(0, |t| t.position + 1);
        let position = Positions { next };
        self.run(text, &mut Into { buf, position });
    }

    /// Every token, kept or dropped, for `kors analyze`.
    pub fn explain(&mut self, text: &str) -> Vec<TokenReport> {
        struct Reports<'t> {
            original: &'t str,
            out: Vec<TokenReport>,
            position: Positions,
        }
        impl Sink for Reports<'_> {
            fn keep(
                &mut self,
                text: &str,
                start: usize,
                end: usize,
                script: Script,
                pos: Option<&str>,
                note: Option<Note>,
            ) {
                let position = self.position.assign(note);
                let written = matches!(note, Some(Note::Normalized(_) | Note::Name(_)))
                    .then(|| self.original[start..end].to_string());
                self.out.push(TokenReport {
                    text: text.to_string(),
                    start,
                    end,
                    position: Some(position),
                    script,
                    pos: pos.map(str::to_string),
                    kept: true,
                    note,
                    written,
                });
            }
            fn drop_token(
                &mut self,
                text: &str,
                start: usize,
                end: usize,
                script: Script,
                pos: Option<&str>,
                note: Note,
            ) {
                self.out.push(TokenReport {
                    text: text.to_string(),
                    start,
                    end,
                    position: None,
                    script,
                    pos: pos.map(str::to_string),
                    kept: false,
                    note: Some(note),
                    written: None,
                });
            }
        }
        let mut sink = Reports {
            original: text,
            out: Vec::new(),
            position: Positions { next: 0 },
        };
        self.run(text, &mut sink);
        sink.out
    }

    fn run(&mut self, original: &str, sink: &mut dyn Sink) {
        if self.without_names {
            return self.run_lines(original, sink);
        }
        let trimmed = original.trim();
        if trimmed.len() <= 64 {
            if let Some((id, reason)) = lexicon::lexicon().whole_name(trimmed) {
                let start = original.len() - original.trim_start().len();
                let note = Some(Note::Normalized(reason));
                let end = start + trimmed.len();
                sink.keep(id, start, end, Script::Hangul, Some("NNP"), note);
                return;
            }
        }
        let mut recent = std::mem::take(&mut self.recent);
        recent.clear();
        let mut filter = names::NameFilter {
            map: name_map(),
            recent: &mut recent,
            inner: sink,
        };
        self.run_lines(original, &mut filter);
        self.recent = recent;
    }

    fn run_lines(&mut self, original: &str, sink: &mut dyn Sink) {
        let norm = Normalized::new(original);
        let text: &str = &norm.text;
        let map = |s: usize, e: usize| norm.original_range(s, e);
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            if line.chars().any(script::is_hangul) {
                self.korean_line(text, line_start, line.len(), &map, sink);
            } else {
                script_words(
                    &text[line_start..line_start + line.len()],
                    line_start,
                    &map,
                    sink,
                );
            }
            line_start += line.len();
        }
    }

    fn korean_line(
        &mut self,
        text: &str,
        start: usize,
        len: usize,
        map: &dyn Fn(usize, usize) -> (usize, usize),
        sink: &mut dyn Sink,
    ) {
        self.morphs.clear();
        let line = &text[start..start + len];
        match &mut self.eojeols {
            Some(cache) => cache.analyze(&mut self.lattice, line, start, &mut self.morphs),
            None => self.lattice.analyze(line, start, &mut self.morphs),
        }
        if self.infos.len() > MAX_CACHED_INFOS {
            self.infos.clear();
        }
        for m in &self.morphs {
            let info = self
                .infos
                .entry(m.word)
                .or_insert_with(|| Arc::new(MorphInfo::of(m.word)));
            emit_morpheme(text, m, info, map, sink);
        }
    }
}

/// The names matched on terms (see `names`), built once per process by
/// analysing every spelling that the lattice does not take whole.
fn name_map() -> &'static names::NameMap {
    static MAP: std::sync::OnceLock<names::NameMap> = std::sync::OnceLock::new();
    MAP.get_or_init(|| {
        let mut analyzer = Analyzer {
            without_names: true,
            ..Analyzer::default()
        };
        let mut buf = TermBuf::default();
        let mut map = names::NameMap::default();
        for ident in lexicon::identities() {
            for s in &ident.spellings {
                if ident.kind.is_single_word() && names::is_hangul_word(s) {
                    continue; // the lattice reads it as the name (`lexicon`)
                }
                buf.clear();
                analyzer.terms_into(s, &mut buf);
                // A single term stands for the name only if it spans the
                // whole spelling (러우전쟁 → 전쟁 must not make every 전쟁 a
                // name).
                if let [(_, span)] = buf.iter().collect::<Vec<_>>()[..] {
                    if span.start != 0 || span.end != s.len() {
                        continue;
                    }
                }
                let terms: Vec<String> = buf.iter().map(|(t, _)| t.to_string()).collect();
                let m = names::Match {
                    id: ident.id.as_str().into(),
                    origin: ident.origin,
                };
                map.add(&terms, m);
            }
        }
        map
    })
}

fn emit_morpheme(
    text: &str,
    m: &Morpheme,
    info: &MorphInfo,
    map: &dyn Fn(usize, usize) -> (usize, usize),
    sink: &mut dyn Sink,
) {
    let surface = &text[m.start..m.end];
    let (os, oe) = map(m.start, m.end);
    let tag_full = Some(&*info.tag_full);
    // Hanja words (朝露/NNG) are indexed a character at a time, as the
    // script rules do for Hanja outside Korean text.
    if surface.chars().all(script::is_han) {
        script_words(surface, m.start, map, sink);
        return;
    }
    match &info.kind {
        // Foreign letters, numbers and Hanja follow the script rules.
        MorphKind::Script => script_words(surface, m.start, map, sink),
        MorphKind::Plain => {
            if info.stop {
                sink.drop_token(surface, os, oe, Script::Hangul, tag_full, Note::StopTag);
            } else if let Some((term, reason)) = &info.normal {
                let note = Some(Note::Normalized(*reason));
                sink.keep(term, os, oe, Script::Hangul, tag_full, note);
            } else {
                sink.keep(surface, os, oe, Script::Hangul, tag_full, None);
            }
        }
        MorphKind::Compound(parts) => {
            if info.stop {
                sink.drop_token(surface, os, oe, Script::Hangul, tag_full, Note::StopTag);
                return;
            }
            match &info.normal {
                Some((term, reason)) => {
                    let note = Some(Note::Normalized(*reason));
                    sink.keep(term, os, oe, Script::Hangul, tag_full, note);
                }
                None => sink.keep(
                    surface,
                    os,
                    oe,
                    Script::Hangul,
                    tag_full,
                    Some(Note::Compound),
                ),
            }
            // Parts get offsets inside the surface where they spell it out.
            let mut cursor = m.start;
            for (i, part) in parts.iter().enumerate() {
                let (ps, pe) = match text[cursor..m.end].find(&*part.surface) {
                    Some(off) => {
                        let s = cursor + off;
                        cursor = s + part.surface.len();
                        map(s, s + part.surface.len())
                    }
                    None => (os, oe),
                };
                let note = if i == 0 {
                    Note::CompoundPartFirst
                } else {
                    Note::CompoundPart
                };
                let ptag = Some(&*part.tag);
                if part.stop {
                    sink.drop_token(&part.surface, ps, pe, Script::Hangul, ptag, Note::StopTag);
                } else {
                    sink.keep(&part.surface, ps, pe, Script::Hangul, ptag, Some(note));
                }
            }
        }
        MorphKind::Stems(parts) => {
            // Inflected forms: index the stems the expression spells out
            // (갔다 → 가/VV), each over the whole surface.
            for part in parts {
                let ptag = Some(&*part.tag);
                if part.stop {
                    sink.drop_token(&part.surface, os, oe, Script::Hangul, ptag, Note::StopTag);
                } else {
                    sink.keep(
                        &part.surface,
                        os,
                        oe,
                        Script::Hangul,
                        ptag,
                        Some(Note::Stem),
                    );
                }
            }
        }
    }
}

/// ko-dic's expression field: `가/VV/*+았/EP/*` → [(가, VV), (았, EP)].
fn parse_expression(expr: &str) -> Option<Vec<(&str, &str)>> {
    if expr == "*" || expr.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for part in expr.split('+') {
        let mut f = part.split('/');
        let surface = f.next()?;
        let tag = f.next()?;
        if surface.is_empty() {
            return None;
        }
        parts.push((surface, tag));
    }
    Some(parts)
}

fn script_words(
    text: &str,
    base: usize,
    map: &dyn Fn(usize, usize) -> (usize, usize),
    sink: &mut dyn Sink,
) {
    script::words(text, |s, e, sc| {
        let word = &text[s..e];
        let (os, oe) = map(base + s, base + e);
        match sc {
            Script::Han => {
                sink.keep(word, os, oe, sc, None, None);
            }
            _ => script::with_normal_form(word, sc, |form| match form {
                Some(t) => sink.keep(t, os, oe, sc, None, None),
                None => sink.drop_token(word, os, oe, sc, None, Note::StopWord),
            }),
        }
    });
}

/// The identities of the names `text` spells over several words (`Kim Jong
/// Un` → 김정은), for a query whose words are analysed one at a time.
pub fn names_of_several_words(text: &str) -> Vec<String> {
    struct Names(Vec<String>);
    impl Sink for Names {
        fn keep(
            &mut self,
            t: &str,
            _: usize,
            _: usize,
            _: Script,
            _: Option<&str>,
            n: Option<Note>,
        ) {
            if matches!(n, Some(Note::Name(_))) && !self.0.iter().any(|x| x == t) {
                self.0.push(t.to_string());
            }
        }
    }
    thread_local! {
        // Kept, so that its caches serve every query of a process.
        static ANALYZER: std::cell::RefCell<Analyzer> = std::cell::RefCell::new(Analyzer::new());
    }
    // A name of several words needs a space, and a word that may begin
    // one: most queries skip the second analysis.
    let lex = lexicon::lexicon();
    let several = text.split_whitespace().nth(1).is_some();
    if !several || !text.split_whitespace().any(|w| lex.may_begin_name(w)) {
        return Vec::new();
    }
    let mut names = Names(Vec::new());
    ANALYZER.with(|a| a.borrow_mut().run(text, &mut names));
    names.0
}

/// `kors analyze`: every token of `text`, kept or dropped.
pub fn explain(text: &str) -> Vec<TokenReport> {
    Analyzer::new().explain(text)
}

/// `kors analyze` as an index of `kind` analyses `text`: [`explain`] for
/// `morph`, the memoised lattice for `morph-fast`, and for `bigram` and
/// `whitespace` the tokens their tokenizers index (all kept).
pub fn explain_as(kind: AnalyzerKind, text: &str) -> Vec<TokenReport> {
    match kind {
        AnalyzerKind::Morph => explain(text),
        AnalyzerKind::MorphFast => Analyzer::with_eojeol_cache().explain(text),
        AnalyzerKind::Bigram | AnalyzerKind::Whitespace => {
            let mut out = Vec::new();
            with_kept(kind, false, |analyzer| {
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    let t = stream.token();
                    let first = text[t.offset_from..].chars().next().unwrap_or(' ');
                    out.push(TokenReport {
                        text: t.text.clone(),
                        start: t.offset_from,
                        end: t.offset_to,
                        position: Some(t.position),
                        script: script::script_of(first),
                        pos: None,
                        kept: true,
                        note: None,
                        written: None,
                    });
                }
            });
            out
        }
    }
}
