//! kors's words beside mecab-ko-dic, looked up by the lattice at run time:
//! North Korean spellings (`northern`) and one-word Hangul names (`names`,
//! kors's table and the user's).
//!
//! Words spelt by the initial-sound rule's Northern side (로동, 량국) are
//! marked in the trie: where one starts, the lattice also looks the text
//! up respelt the Southern way, so 량국 is read as ko-dic's 양국 and
//! 조선로동당 as 조선 + 노동당, with the Southern words' own costs (the
//! lattice reads Northern text as it reads Southern text). Other Northern
//! spellings and one-word names are entries of their own, with the ids and
//! cost of their Southern form or of a proper noun. A word mecab-ko-dic
//! already has (it lists some Northern words: 로동, 력사, 녀성) keeps its
//! analysis and is indexed as the Southern form: an alias by its surface.
//! Built once per process, on the first Korean text.

use std::path::Path;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::names::{self, Identity, Kind, Origin, TableError};
use super::northern::{self, Rule};

/// Why a word is indexed as another form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A Northern spelling under the initial-sound rule (로동 → 노동).
    InitialSound,
    /// Another Northern spelling (NK-HanDic's gloss).
    NorthernSpelling,
    /// A spelling of an identity of the name table.
    Name(Origin),
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::InitialSound => "initial-sound rule",
            Reason::NorthernSpelling => "Northern spelling",
            Reason::Name(Origin::Builtin) => "name table",
            Reason::Name(Origin::User) => "user dictionary",
        }
    }
}

impl From<Rule> for Reason {
    fn from(r: Rule) -> Reason {
        match r {
            Rule::InitialSound => Reason::InitialSound,
            Rule::Spelling => Reason::NorthernSpelling,
        }
    }
}

/// A part-of-speech tag and the Southern form of a word of that tag.
type TagAndForm = (Box<str>, Box<str>);

/// One lattice entry of kors's own: a Northern spelling or a name, read
/// as a word whose ids and cost are found in ko-dic on first use (so that
/// starting kors costs no dictionary look-up per table row).
pub struct Entry {
    /// The term it is indexed as.
    pub term: Box<str>,
    pub reason: Reason,
    surface: Box<str>,
    source: Source,
    resolved: OnceLock<Option<Resolved>>,
}

/// What an entry is read as.
enum Source {
    /// ko-dic's word `southern` of this tag.
    Southern { tag: Box<str> },
    /// A new proper noun of this kind.
    Name(Kind),
}

/// An entry's place in the lattice.
pub struct Resolved {
    pub left_id: u16,
    pub right_id: u16,
    pub cost: i32,
    /// The mecab-ko-dic word it is read as (the Southern form; for a name,
    /// none: it is a proper noun of its own).
    pub base: Option<u32>,
    /// MeCab features, for `kors analyze --format mecab`.
    pub features: Box<str>,
}

/// mecab-ko-dic's entries for a surface: (id, cost, left, right, first tag).
fn ko_dic_entries(surface: &str) -> Vec<(u32, i32, u16, u16, String)> {
    let dict = kors_dict::dictionary();
    dict.prefix_dictionary
        .find_surface(surface)
        .into_iter()
        .map(|e| {
            let id = e.word_id().id();
            let f = dict.word_details(id as usize);
            let tag = f.first().map_or("", |t| t.split('+').next().unwrap_or(t));
            (
                id,
                e.word_cost() as i32,
                e.left_id() as u16,
                e.right_id() as u16,
                tag.to_string(),
            )
        })
        .collect()
}

impl Entry {
    fn resolve(&self) -> Option<Resolved> {
        let known = ko_dic_entries(&self.surface);
        match &self.source {
            Source::Southern { tag } => {
                // ko-dic's own reading of the Northern spelling stands (a
                // proper noun, 라부; a word of the same part of speech).
                if known.iter().any(|e| e.4 == "NNP" || *e.4 == **tag) {
                    return None;
                }
                let base = ko_dic_entries(&self.term)
                    .into_iter()
                    .filter(|e| *e.4 == **tag)
                    .min_by_key(|e| e.1)?;
                let features = kors_dict::dictionary()
                    .word_details(base.0 as usize)
                    .join(",");
                Some(Resolved {
                    left_id: base.2,
                    right_id: base.3,
                    cost: base.1,
                    base: Some(base.0),
                    features: features.into(),
                })
            }
            // A name ko-dic lacks (or has as no noun) is a word of its own,
            // costed as ko-dic's names are; one ko-dic has keeps ko-dic's
            // analysis, so Southern text reads as before (see `alias`).
            Source::Name(kind) => {
                if known.iter().any(|e| e.4.starts_with('N')) {
                    return None;
                }
                let s = &self.surface;
                let (left_id, right_id, cost, class, batchim) = proper_noun(*kind, s);
                let tf = if batchim { "T" } else { "F" };
                Some(Resolved {
                    left_id,
                    right_id,
                    cost,
                    base: None,
                    features: format!("NNP,{class},{tf},{s},*,*,*,*").into(),
                })
            }
        }
    }
}

/// The lexicon: a character trie over the entries' surfaces, and the
/// aliases of mecab-ko-dic words.
#[derive(Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// (node, next char) → node; node 0 is the root.
    trie: FxHashMap<(u32, char), u32>,
    /// Entries whose surface ends at each node.
    ends: Vec<Vec<u32>>,
    /// Nodes that end a Northern word of the initial-sound rule.
    northern: Vec<bool>,
    /// The first characters of every surface (a bit per BMP code point),
    /// so that most positions of a text cost one bit test.
    first: Vec<u64>,
    /// Northern words of the initial-sound rule by surface: (tag,
    /// Southern form). ko-dic's word of that surface and tag is read as it.
    initial: FxHashMap<Box<str>, Vec<TagAndForm>>,
    /// One-word Hangul spellings of names that differ from the identity.
    name_spellings: FxHashMap<Box<str>, (Box<str>, Reason)>,
    /// One-word Hangul spellings of names: a text that is nothing else (a
    /// query) is the name, whatever the lattice makes of it at the end of
    /// a text (쇼이구 alone reads as 쇼 + 이 + 구).
    whole: FxHashMap<Box<str>, (Box<str>, Reason)>,
    /// Spellings by the term they are indexed as.
    written: FxHashMap<Box<str>, Vec<Box<str>>>,
    /// The first words of names spelt with several words, lower-cased.
    heads: rustc_hash::FxHashSet<Box<str>>,
}

static USER: OnceLock<Vec<Identity>> = OnceLock::new();

/// Reads the user's name table (`--user-dict`); call before any analysis.
/// A second call is ignored (one table per process).
pub fn set_user_dictionary(path: &Path) -> Result<(), TableError> {
    use std::io::Read;
    // Bounded while reading (the path may be a FIFO or /dev/zero).
    const MAX_BYTES: u64 = 16 << 20;
    let fail = |message: String| TableError {
        file: path.to_path_buf(),
        line: 0,
        field: "file",
        message,
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| fail(e.to_string()))?;
    if text.len() as u64 > MAX_BYTES {
        return Err(fail(format!(
            "more than the {} MiB a name table may hold",
            MAX_BYTES >> 20
        )));
    }
    let ids = names::parse(&text, path, Origin::User)?;
    let _ = USER.set(ids);
    Ok(())
}

/// kors's name table and the user's, in that order.
pub fn identities() -> &'static [Identity] {
    static ALL: OnceLock<Vec<Identity>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = names::parse(names::TABLE, Path::new("names.tsv"), Origin::Builtin)
            .expect("the shipped names.tsv parses (tested)");
        all.extend(USER.get().into_iter().flatten().cloned());
        all
    })
}

/// The process's lexicon.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(Lexicon::build)
}

/// Context ids and cost of a new proper noun: those mecab-ko-dic gives
/// person (인명) and place (지명) names, by whether the last syllable has a
/// final consonant (particles connect by it); and its semantic class and
/// that final-consonant flag, for its features.
fn proper_noun(kind: Kind, surface: &str) -> (u16, u16, i32, &'static str, bool) {
    let batchim = surface
        .chars()
        .last()
        .is_some_and(|c| !(c as u32).wrapping_sub(0xAC00).is_multiple_of(28));
    let (left, right_f, cost, class) = match kind {
        Kind::Person => (1788, 3549, 4104, "인명"),
        _ => (1789, 3552, 5497, "지명"),
    };
    (left, right_f + u16::from(batchim), cost, class, batchim)
}

impl Lexicon {
    fn build() -> Lexicon {
        let mut lex = Lexicon {
            ends: vec![Vec::new()],
            northern: vec![false],
            first: vec![0; 1024],
            ..Lexicon::default()
        };
        for p in northern::parse(northern::TABLE) {
            let reason = Reason::from(p.rule);
            lex.written
                .entry(p.southern.as_str().into())
                .or_default()
                .push(p.northern.as_str().into());
            // A word ko-dic has under its Northern spelling is read as the
            // Southern one only by the initial-sound rule (로동 cannot be a
            // Southern spelling); by a gloss it may be a Southern word of
            // its own (파리, the fly, is not 바리).
            if p.rule == Rule::InitialSound {
                lex.initial
                    .entry(p.northern.as_str().into())
                    .or_default()
                    .push((p.tag.as_str().into(), p.southern.as_str().into()));
            }
            // Only the first syllable respelt: the lattice reads it (and
            // the compounds it begins) from the dictionary directly.
            let first_only =
                northern::initial_sound_rule(&p.northern).as_ref() == Some(&p.southern);
            if p.rule == Rule::InitialSound && first_only {
                let node = lex.node(&p.northern);
                lex.northern[node as usize] = true;
                continue;
            }
            lex.insert(Entry {
                term: p.southern.as_str().into(),
                reason,
                surface: p.northern.as_str().into(),
                source: Source::Southern {
                    tag: p.tag.as_str().into(),
                },
                resolved: OnceLock::new(),
            });
        }
        for ident in identities() {
            for s in &ident.spellings {
                if let Some((head, _)) = s.split_once(' ') {
                    lex.heads.insert(head.to_lowercase().into());
                }
            }
            lex.written
                .entry(ident.id.as_str().into())
                .or_default()
                .extend(ident.spellings.iter().map(|s| s.as_str().into()));
            if !ident.kind.is_single_word() {
                continue;
            }
            let reason = Reason::Name(ident.origin);
            for s in ident.spellings.iter().filter(|s| names::is_hangul_word(s)) {
                lex.whole
                    .insert(s.as_str().into(), (ident.id.as_str().into(), reason));
                if *s != ident.id {
                    lex.name_spellings
                        .insert(s.as_str().into(), (ident.id.as_str().into(), reason));
                }
                lex.insert(Entry {
                    term: ident.id.as_str().into(),
                    reason,
                    surface: s.as_str().into(),
                    source: Source::Name(ident.kind),
                    resolved: OnceLock::new(),
                });
            }
        }
        lex
    }

    /// The trie node of `surface`, made if missing.
    fn node(&mut self, surface: &str) -> u32 {
        if let Some(c) = surface.chars().next().filter(|c| (*c as u32) < 0x10000) {
            self.first[c as usize / 64] |= 1 << (c as u32 % 64);
        }
        let mut node = 0u32;
        for c in surface.chars() {
            node = match self.trie.get(&(node, c)) {
                Some(&n) => n,
                None => {
                    let n = self.ends.len() as u32;
                    self.ends.push(Vec::new());
                    self.northern.push(false);
                    self.trie.insert((node, c), n);
                    n
                }
            };
        }
        node
    }

    fn insert(&mut self, entry: Entry) {
        let surface = entry.surface.clone();
        let node = self.node(&surface);
        // A later entry for the same surface replaces an earlier one (the
        // user's table comes last).
        let i = self.entries.len() as u32;
        self.entries.push(entry);
        self.ends[node as usize] = vec![i];
    }

    /// Calls `f(length in chars, entry index)` for every entry that is a
    /// prefix of `chars`; returns the length of the shortest Northern word
    /// of the initial-sound rule that is one (0 if none).
    #[inline]
    pub fn prefixes(&self, chars: &[char], mut f: impl FnMut(usize, u32)) -> usize {
        match chars.first() {
            Some(&c) if (c as u32) < 0x10000 => {
                if self.first[c as usize / 64] & (1 << (c as u32 % 64)) == 0 {
                    return 0;
                }
            }
            Some(_) => {}
            None => return 0,
        }
        let mut node = 0u32;
        let mut northern = 0;
        for (k, &c) in chars.iter().enumerate() {
            match self.trie.get(&(node, c)) {
                Some(&n) => node = n,
                None => break,
            }
            if northern == 0 && self.northern[node as usize] {
                northern = k + 1;
            }
            for &i in &self.ends[node as usize] {
                f(k + 1, i);
            }
        }
        northern
    }

    pub fn entry(&self, i: u32) -> &Entry {
        &self.entries[i as usize]
    }

    /// Where entry `i` goes in the lattice; `None` when ko-dic's own word
    /// of that spelling stands instead.
    pub fn resolved(&self, i: u32) -> Option<&Resolved> {
        let e = &self.entries[i as usize];
        e.resolved.get_or_init(|| e.resolve()).as_ref()
    }

    /// The form a mecab-ko-dic word (`surface`, first tag `tag`) is indexed
    /// as, when it is a Northern spelling (로동/NNG → 노동) or a name's: the
    /// proper-noun reading is the name (조선 the country, not 조선
    /// shipbuilding), or, where ko-dic has none, the common noun (남한).
    pub fn alias(&self, surface: &str, tag: &str) -> Option<(&str, Reason)> {
        if let Some((id, reason)) = self.name_spellings.get(surface) {
            let named = tag == "NNP"
                || tag == "NNG" && !ko_dic_entries(surface).iter().any(|e| e.4 == "NNP");
            if named {
                return Some((id, *reason));
            }
        }
        self.initial
            .get(surface)?
            .iter()
            .find(|(t, _)| **t == *tag)
            .map(|(_, s)| (&**s, Reason::InitialSound))
    }

    /// How a term may be written in a text: itself, the spellings that
    /// are indexed as it (a name's, a Northern word's), and its Northern
    /// spellings by the initial-sound rule. For finding a term literally
    /// (the snippet's region); lower-cased.
    pub fn written_forms(&self, term: &str) -> Vec<String> {
        let mut out = vec![term.to_string()];
        if let Some(v) = self.written.get(term) {
            out.extend(v.iter().flat_map(|s| [s.to_string(), s.to_lowercase()]));
        }
        out.extend(northern::northern_candidates(term));
        out
    }

    /// Whether `word` may begin a name spelt with several words: it starts
    /// with such a name's first word (a particle may follow it).
    pub fn may_begin_name(&self, word: &str) -> bool {
        let lower = word.to_lowercase();
        lower
            .char_indices()
            .skip(1)
            .map(|(i, _)| &lower[..i])
            .chain(std::iter::once(lower.as_str()))
            .any(|prefix| self.heads.contains(prefix))
    }

    /// The name a whole text spells, if it is one name's one-word spelling.
    pub fn whole_name(&self, text: &str) -> Option<(&str, Reason)> {
        self.whole.get(text).map(|(t, r)| (&**t, *r))
    }
}
