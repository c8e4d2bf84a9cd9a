//! Dictionary lookups remembered by eojeol (space-separated word).
//!
//! A lookup at a character (MeCab's `Tokenizer::lookup`: the dictionary
//! words that start there, kors's own words, respelt Northern readings,
//! unknown-word candidates) reads only the characters from there to the end
//! of its eojeol, and the one before it, which at an eojeol's start is a
//! space or nothing, both of which read the same. So the nodes found in an
//! eojeol are the same wherever it occurs, and are kept by its text: the
//! lattice then only connects them. The connections, which depend on the
//! words before, are computed as before, so the best path is exactly the
//! same (same nodes, in the same order, the same tie-breaks).
//!
//! Two things could make a lookup read past its eojeol, and an eojeol they
//! could touch is never remembered: a dictionary word with a space in it
//! (내셔날␠, 영치기 영차; its eojeol may end with what comes before the
//! space, read directly or respelt by the initial-sound rule), and an
//! unknown-word run that groups a space with letters (no character
//! category of char.def does: checked when the table is built).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::WordRef;

/// One node of a remembered lookup, in 16 bytes.
#[derive(Clone, Copy)]
pub(super) struct Found {
    /// Char index one past the node's end, from the eojeol's start.
    pub end: u16,
    pub left_id: u16,
    pub right_id: u16,
    pub word_cost: i32,
    word: u32,
}

impl Found {
    pub fn new(end: u16, left_id: u16, right_id: u16, word_cost: i32, word: WordRef) -> Found {
        // The kind in the top two bits: every id is far below 2^30
        // (mecab-ko-dic has about 820,000 words).
        let (kind, id) = match word {
            WordRef::Known(id) => (0, id),
            WordRef::Unknown(id) => (1, id),
            WordRef::Extra(id) => (2, id),
            WordRef::Southern(id) => (3, id),
        };
        assert!(id < 1 << 30, "word id {id} too large for the lookup memo");
        Found {
            end,
            left_id,
            right_id,
            word_cost,
            word: kind << 30 | id,
        }
    }

    #[inline]
    pub fn word(self) -> WordRef {
        let id = self.word & ((1 << 30) - 1);
        match self.word >> 30 {
            0 => WordRef::Known(id),
            1 => WordRef::Unknown(id),
            2 => WordRef::Extra(id),
            _ => WordRef::Southern(id),
        }
    }
}

/// Longer eojeols are looked up afresh: they seldom repeat.
pub(super) const MAX_EOJEOL_CHARS: usize = 24;
/// Bound on the nodes kept (16 bytes each), so a thread's memory stays
/// flat on any input. Once it is reached, eojeols not yet seen are looked
/// up afresh: the ones seen first are mostly the frequent ones, and
/// emptying the memo instead would pay again for refilling it.
const MAX_FOUND: usize = 1 << 20;

/// A lattice's remembered lookups.
#[derive(Default)]
pub(super) struct LookupMemo {
    /// Eojeol text → its index in `eojeols`.
    index: FxHashMap<Box<str>, u32>,
    /// Per eojeol: its first entry in `starts` (one per char, then one past).
    eojeols: Vec<u32>,
    /// Per char of each eojeol: the first of its nodes in `found`.
    starts: Vec<u32>,
    found: Vec<Found>,
    pub hits: u64,
    pub misses: u64,
}

impl LookupMemo {
    /// Whether the memo holds [`MAX_FOUND`] nodes and takes no more.
    pub fn full(&self) -> bool {
        self.found.len() >= MAX_FOUND
    }

    pub fn get(&mut self, eojeol: &str) -> Option<u32> {
        let found = self.index.get(eojeol).copied();
        if found.is_some() {
            self.hits += 1;
        }
        found
    }

    /// Starts remembering `eojeol`; push each char's nodes with
    /// [`Self::push_char`], in order.
    pub fn begin(&mut self, eojeol: &str) -> u32 {
        self.misses += 1;
        let id = self.eojeols.len() as u32;
        self.eojeols.push(self.starts.len() as u32);
        self.starts.push(self.found.len() as u32);
        self.index.insert(Box::from(eojeol), id);
        id
    }

    /// The nodes found at the next char of the eojeol being remembered.
    pub fn push_char(&mut self, nodes: impl Iterator<Item = Found>) {
        self.found.extend(nodes);
        self.starts.push(self.found.len() as u32);
    }

    /// The nodes found at char `offset` of eojeol `id`.
    #[inline]
    pub fn at(&self, id: u32, offset: usize) -> &[Found] {
        let s = self.eojeols[id as usize] as usize + offset;
        &self.found[self.starts[s] as usize..self.starts[s + 1] as usize]
    }
}

/// Whether a lookup inside `eojeol` can never read past its end: no word
/// with a space begins inside it, whether read as written or respelt by the
/// initial-sound rule (its first syllable's ㄹ/ㄴ read as ㅇ/ㄴ).
pub(super) fn self_contained(eojeol: &str) -> bool {
    heads().iter().all(|head| {
        if eojeol.ends_with(&**head) {
            return false;
        }
        let mut chars = head.chars();
        let Some(first) = chars.next() else {
            return true;
        };
        let rest = chars.as_str();
        !eojeol.strip_suffix(rest).is_some_and(|before| {
            before
                .chars()
                .next_back()
                .is_some_and(|c| crate::analysis::northern::initial_sound_char(c) == Some(first))
        })
    })
}

/// What comes before the first space of each word that contains one
/// (mecab-ko-dic's, kors's own): the end an eojeol must not have to be
/// remembered.
fn heads() -> &'static [Box<str>] {
    static HEADS: OnceLock<Vec<Box<str>>> = OnceLock::new();
    HEADS.get_or_init(|| {
        let table = super::char_table();
        let is_space = |c: char| table.get(c).mask & table.space_bit != 0;
        let lex = crate::analysis::lexicon::lexicon();
        let mut heads: Vec<Box<str>> = kors_dict::spaced_surfaces()
            .chain(lex.surfaces())
            .filter_map(|s| s.find(is_space).map(|i| &s[..i]))
            // A word cannot begin with a space: lookups skip spaces.
            .filter(|h| !h.is_empty())
            .map(Box::from)
            .collect();
        heads.sort();
        heads.dedup();
        heads
    })
}
