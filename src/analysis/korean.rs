//! Korean morphological analysis: a MeCab-compatible Viterbi search over
//! lindera's build of mecab-ko-dic (embedded by `kors-dict`).
//!
//! Why not lindera's own `Segmenter`: lindera puts every space into the
//! lattice as a word with its own connection costs, whereas MeCab skips
//! spaces and connects the words on either side directly, and mecab-ko adds
//! a penalty to particles and endings that follow a space. On spaced news
//! text that difference costs lindera about one point of span F1 against
//! mecab-ko. This lattice reproduces MeCab's `Tokenizer::lookup` and
//! `Viterbi::connect` (tie-breaking included) and mecab-ko's
//! `left-space-penalty-factor`, reading the dictionary in place.

use std::sync::OnceLock;

use kors_dict::lindera_dictionary::dictionary::character_definition::CategoryId;
use kors_dict::lindera_dictionary::dictionary::Dictionary;

/// MeCab's default `max-grouping-size`.
const MAX_GROUPING_SIZE: usize = 24;
/// Size of a serialized lindera `WordEntry`: u32 id, i16 cost, u16 left, u16 right.
const ENTRY_LEN: usize = 10;
/// Extra cost of a respelt reading inside an eojeol. Measured on the
/// parallel news (dev) and 2.9 MB of court decisions: 4000 finds 98.3% of
/// Southern terms in the Northern sentences and reads the mecab-ko
/// reference exactly as before, the court text differently in 5 places
/// (2500: 98.4%, 11 places; 6000: 98.0%, 2; word starts only: 97.9%; no
/// extra cost: 98.6%, 9 reference sentences read differently).
const INSIDE_WORD_COST: i32 = 4000;
/// The longest dictionary word read from a respelt Northern word.
const MAX_RESPELT_CHARS: usize = 32;
/// Longest text handed to one lattice; longer input is cut at a space. It
/// also keeps path costs in i32: a step costs well under 2^17, so 4096
/// steps stay far from overflow.
pub const MAX_LATTICE_CHARS: usize = 4096;

/// One morpheme of the best path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Morpheme {
    /// Byte range in the analysed text.
    pub start: usize,
    pub end: usize,
    pub word: WordRef,
}

/// A dictionary entry: the system lexicon, an unknown-word template, or an
/// entry of kors's own lexicon (Northern spellings, names: `lexicon`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordRef {
    Known(u32),
    Unknown(u32),
    Extra(u32),
    /// A system-lexicon word read from its Northern spelling by the
    /// initial-sound rule (노동당 from 로동당).
    Southern(u32),
}

impl WordRef {
    /// The entry's features (POS, meaning, final consonant, reading, type,
    /// first POS, last POS, expression), borrowed from the dictionary.
    pub fn features(self) -> Vec<&'static str> {
        let d = kors_dict::dictionary();
        match self {
            WordRef::Known(id) | WordRef::Southern(id) => d.word_details(id as usize),
            WordRef::Unknown(id) => d.unknown_word_details(id as usize),
            WordRef::Extra(i) => super::lexicon::lexicon()
                .resolved(i)
                .map_or_else(Vec::new, |r| r.features.split(',').collect()),
        }
    }

    /// mecab-ko's left-space penalty of the entry.
    fn space_penalty(self) -> i32 {
        match self {
            WordRef::Known(id) | WordRef::Southern(id) => kors_dict::space_penalty(id),
            WordRef::Unknown(id) => kors_dict::space_penalty_unknown(id),
            WordRef::Extra(i) => super::lexicon::lexicon()
                .resolved(i)
                .and_then(|r| r.base)
                .map_or(0, kors_dict::space_penalty),
        }
    }
}

/// Per-character data MeCab's `CharProperty` gives: the default category and
/// the bit set of every category the character belongs to.
#[derive(Clone, Copy, Default)]
struct CharInfo {
    default: u8,
    mask: u32,
}

struct CharTable {
    bmp: Vec<CharInfo>,
    space_bit: u32,
    /// Outside the BMP MeCab's table has nothing: such characters are DEFAULT.
    default_info: CharInfo,
}

fn char_table() -> &'static CharTable {
    static TABLE: OnceLock<CharTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let cd = &kors_dict::dictionary().character_definition;
        let info_of = |c: char| {
            let cats = cd.lookup_categories(c);
            let mut mask = 0u32;
            for cat in cats {
                mask |= 1 << cat.0;
            }
            CharInfo {
                default: cats.first().map_or(0, |c| c.0 as u8),
                mask,
            }
        };
        let bmp = (0u32..0x10000)
            .map(|cp| char::from_u32(cp).map_or_else(|| info_of('\u{FFFD}'), info_of))
            .collect();
        let space_bit = cd.category_id_by_name("SPACE").map_or(0, |c| 1 << c.0);
        let default_id = cd.category_id_by_name("DEFAULT").map_or(0, |c| c.0);
        CharTable {
            bmp,
            space_bit,
            default_info: CharInfo {
                default: default_id as u8,
                mask: 1 << default_id,
            },
        }
    })
}

impl CharTable {
    #[inline]
    fn get(&self, c: char) -> CharInfo {
        self.bmp
            .get(c as usize)
            .copied()
            .unwrap_or(self.default_info)
    }
}

/// The left id of a plain common noun (관계/NNG), the word the eojeol cache
/// assumes comes next.
fn noun_left_id() -> u32 {
    static ID: OnceLock<u32> = OnceLock::new();
    *ID.get_or_init(|| {
        let d = kors_dict::dictionary();
        d.prefix_dictionary
            .prefix("관계")
            .filter(|(len, _)| *len == "관계".len())
            .find(|(_, e)| {
                let f = d.word_details(e.word_id().id() as usize);
                f.first() == Some(&"NNG") && f.get(1) == Some(&"*")
            })
            .map_or(0, |(_, e)| e.left_id())
    })
}

/// Loads the dictionary and the character table; the first call costs a few
/// milliseconds, later calls nothing.
pub fn warm_up() {
    char_table();
}

#[derive(Clone, Copy)]
struct Node {
    /// Char index where the lookup began (before skipping spaces).
    pos: u32,
    /// Char index one past the node's last character.
    end: u32,
    /// Char index of the node's first character (after skipped spaces).
    begin: u32,
    left_id: u16,
    right_id: u16,
    word_cost: i32,
    word: WordRef,
    /// Best path cost up to and including this node.
    total: i32,
    prev: u32,
}

/// A node in the list of nodes ending at one position, kept contiguous so
/// the connect loop reads it without chasing pointers.
#[derive(Clone, Copy)]
struct EndRef {
    right_id: u16,
    node: u32,
    total: i32,
}

const NIL: u32 = u32::MAX;

/// What precedes and follows the text handed to the lattice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Context {
    /// Right context id of the word before (0: sentence start).
    pub left_right_id: u16,
    /// Whether a space separates the text from that word.
    pub space_before: bool,
    /// Whether the text ends the sentence (connect to EOS).
    pub eos: bool,
}

impl Context {
    pub const SENTENCE: Context = Context {
        left_right_id: 0,
        space_before: false,
        eos: true,
    };
}

/// Reusable buffers for one thread's analyses.
#[derive(Default)]
pub struct Lattice {
    chars: Vec<char>,
    info: Vec<CharInfo>,
    byte_at: Vec<usize>,
    nodes: Vec<Node>,
    /// Nodes ending at each char position, oldest first.
    ends: Vec<Vec<EndRef>>,
    /// Per left id: (stamp of the lookup it was computed for, best cost,
    /// best node).
    best_by_left: Vec<(u32, i32, u32)>,
    stamp: u32,
    path: Vec<u32>,
    /// The text respelt by the initial-sound rule, for a Northern word.
    respelt: Vec<char>,
}

impl Lattice {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the best segmentation of `text` to `out` (byte offsets are
    /// relative to `text` plus `base`). Long input is analysed in pieces of
    /// at most [`MAX_LATTICE_CHARS`] characters, cut at spaces.
    pub fn analyze(&mut self, text: &str, base: usize, out: &mut Vec<Morpheme>) {
        let mut rest = text;
        let mut offset = base;
        while !rest.is_empty() {
            let cut = cut_point(rest);
            let (piece, tail) = rest.split_at(cut);
            self.analyze_piece(piece, offset, out, Context::SENTENCE);
            offset += cut;
            rest = tail;
        }
    }

    /// Analyses `text` in `ctx` (for the eojeol cache: one eojeol as the
    /// continuation of a sentence whose previous word ended with right id
    /// `ctx.left_right_id`); returns the right id of its last morpheme.
    fn analyze_piece(
        &mut self,
        text: &str,
        base: usize,
        out: &mut Vec<Morpheme>,
        ctx: Context,
    ) -> u16 {
        let table = char_table();
        let dict = kors_dict::dictionary();
        self.chars.clear();
        self.info.clear();
        self.byte_at.clear();
        for (i, c) in text.char_indices() {
            self.chars.push(c);
            self.info.push(table.get(c));
            self.byte_at.push(i);
        }
        self.byte_at.push(text.len());
        // MeCab never starts a word inside leading or trailing spaces; trim
        // them here so that the first word carries no space penalty.
        let is_space = |ci: &CharInfo| ci.mask & table.space_bit != 0;
        let n_total = self.chars.len();
        let lead = self.info.iter().take_while(|c| is_space(c)).count();
        if lead == n_total {
            return ctx.left_right_id;
        }
        let trail = self.info.iter().rev().take_while(|c| is_space(c)).count();
        let (lo, hi) = (lead, n_total - trail);

        self.nodes.clear();
        for list in self.ends.iter_mut().take(n_total + 1) {
            list.clear();
        }
        if self.ends.len() < n_total + 1 {
            self.ends.resize_with(n_total + 1, Vec::new);
        }
        // BOS
        self.nodes.push(Node {
            pos: lo as u32,
            end: lo as u32,
            begin: lo as u32,
            left_id: 0,
            right_id: ctx.left_right_id,
            word_cost: 0,
            word: WordRef::Unknown(u32::MAX),
            total: 0,
            prev: NIL,
        });
        self.ends[lo].push(EndRef {
            right_id: ctx.left_right_id,
            node: 0,
            total: 0,
        });

        let matrix = &dict.connection_cost_matrix;
        let left_ids = matrix.backward_size as usize;
        if self.best_by_left.len() != left_ids || self.stamp > u32::MAX - (hi as u32) - 1 {
            self.best_by_left.clear();
            self.best_by_left.resize(left_ids, (0, 0, NIL));
            self.stamp = 0;
        }
        for pos in lo..hi {
            if self.ends[pos].is_empty() {
                continue;
            }
            let first = self.nodes.len();
            self.lookup(dict, table, pos, hi);
            self.stamp += 1;
            // Connect in MeCab's order: the node found last is connected (and
            // put at the head of its end list) first.
            for i in (first..self.nodes.len()).rev() {
                let r = self.nodes[i];
                // The best left neighbour depends only on the right node's
                // left id (the space penalty is added after), so it is found
                // once per distinct left id at this position.
                let slot = &mut self.best_by_left[r.left_id as usize];
                let (best, best_node) = if slot.0 == self.stamp {
                    (slot.1, slot.2)
                } else {
                    let row = matrix.row(r.left_id as u32);
                    // MeCab walks its end list newest first and keeps the
                    // first of equal costs: the least (cost, age) wins, age
                    // 0 being the newest. Folded into one integer so the
                    // loop has no branch to mispredict (it was a third of
                    // the lattice's time).
                    let ends = &self.ends[pos];
                    let last = ends.len() - 1;
                    let mut key = i64::MAX;
                    for (i, e) in ends.iter().enumerate() {
                        let cost = e.total + row[e.right_id as usize] as i32;
                        key = key.min(((cost as i64) << 32) | (last - i) as i64);
                    }
                    let best = (key >> 32) as i32;
                    let best_node = ends[last - (key & 0xffff_ffff) as usize].node;
                    *slot = (self.stamp, best, best_node);
                    (best, best_node)
                };
                let penalty = if r.begin > r.pos || (ctx.space_before && r.begin as usize == lo) {
                    r.word.space_penalty()
                } else {
                    0
                };
                let total = best + r.word_cost + penalty;
                let node = &mut self.nodes[i];
                node.total = total;
                node.prev = best_node;
                self.ends[r.end as usize].push(EndRef {
                    right_id: r.right_id,
                    node: i as u32,
                    total,
                });
            }
        }

        // EOS, or a common noun as the next word
        let row = matrix.row(0);
        let next_row = matrix.row(noun_left_id());
        let mut best = i32::MAX;
        let mut best_node = NIL;
        for e in self.ends[hi].iter().rev() {
            let eos = row[e.right_id as usize] as i32;
            let noun = next_row[e.right_id as usize] as i32;
            // A text may end a sentence or be a fragment (a query such as
            // 러시아와의, a headline): score its end as whichever of the two
            // is cheaper, so a trailing particle stays a particle. On the
            // mecab-ko sentences this changes no span.
            let cost = e.total + if ctx.eos { eos.min(noun) } else { noun };
            if cost < best {
                best = cost;
                best_node = e.node;
            }
        }
        self.path.clear();
        let mut cur = best_node;
        while cur != NIL && cur != 0 {
            self.path.push(cur);
            cur = self.nodes[cur as usize].prev;
        }
        for &i in self.path.iter().rev() {
            let n = &self.nodes[i as usize];
            out.push(Morpheme {
                start: base + self.byte_at[n.begin as usize],
                end: base + self.byte_at[n.end as usize],
                word: n.word,
            });
        }
        self.path
            .first()
            .map_or(ctx.left_right_id, |&i| self.nodes[i as usize].right_id)
    }

    /// MeCab's `Tokenizer::lookup` at char `pos`: skip spaces, then every
    /// dictionary word starting there, then unknown-word candidates by the
    /// character category's invoke/group/length rules. Results go to
    /// `self.nodes` in the order MeCab creates them.
    fn lookup(&mut self, dict: &Dictionary, table: &CharTable, pos: usize, hi: usize) {
        let first = self.nodes.len();
        let mut begin = pos;
        while begin < hi && self.info[begin].mask & table.space_bit != 0 {
            begin += 1;
        }
        if begin >= hi {
            return;
        }
        let cinfo = self.info[begin];
        let mk = |end: usize, left: u16, right: u16, cost: i32, word: WordRef| Node {
            pos: pos as u32,
            end: end as u32,
            begin: begin as u32,
            left_id: left,
            right_id: right,
            word_cost: cost,
            word,
            total: 0,
            prev: NIL,
        };

        for (entries, len) in dict
            .prefix_dictionary
            .common_prefix_search(&self.chars[begin..hi])
        {
            // The committed lexicon lists a surface's homographs in reverse
            // MeCab order (decompile.py --mecab-ties, made for lindera's
            // keep-the-last tie-break); walking them backwards restores
            // MeCab's order, and with it MeCab's choice between equal costs.
            for e in entries.chunks_exact(ENTRY_LEN).rev() {
                let (id, cost, left, right) = decode_entry(e);
                self.nodes
                    .push(mk(begin + len, left, right, cost, WordRef::Known(id)));
            }
        }
        // kors's own words come after the system dictionary's, as a MeCab
        // user dictionary's do.
        let lex = super::lexicon::lexicon();
        // Lengths of kors's own entries here: a respelt reading of the same
        // length gives way to them (리설주 the name, not 이설주).
        let mut own_lens = 0u64;
        let dict_nodes = first..self.nodes.len();
        let northern = lex.prefixes(&self.chars[begin..hi], |len, i| {
            let Some(e) = lex.resolved(i) else {
                return;
            };
            own_lens |= 1 << len.min(63);
            self.nodes.push(mk(
                begin + len,
                e.left_id,
                e.right_id,
                e.cost,
                WordRef::Extra(i),
            ));
        });
        // ko-dic's proper noun of the Northern word's spelling keeps its
        // reading (라부 the name is not 나부).
        let named = northern > 0
            && self.nodes[dict_nodes].iter().any(|n| {
                n.end as usize == begin + northern
                    && matches!(n.word, WordRef::Known(id)
                        if dict.word_details(id as usize).first().is_some_and(|t| t.starts_with("NNP")))
            });
        let northern = if named { 0 } else { northern };
        // A Northern word of the initial-sound rule starts here: the
        // Southern words that begin with its Southern form (that word and
        // its compounds) are read from the text respelt.
        // The rule is about a word's first sound: inside an eojeol (the
        // North writes 버스련쇄폭발 as one) a respelt reading costs more, so
        // that 차례의 stays 차례 + 의, not 차 + 예의; never after a digit
        // (3년전 is 3 + 년 + 전, not 연전).
        let before = begin.checked_sub(1).map(|i| self.chars[i]);
        if northern > 0 && !before.is_some_and(char::is_numeric) {
            let word_start = !before.is_some_and(char::is_alphanumeric);
            let extra = if word_start { 0 } else { INSIDE_WORD_COST };
            let first = super::northern::initial_sound_char(self.chars[begin]);
            if let Some(first) = first {
                let end = hi.min(begin + MAX_RESPELT_CHARS);
                self.respelt.clear();
                self.respelt.push(first);
                self.respelt.extend_from_slice(&self.chars[begin + 1..end]);
                for (entries, len) in dict.prefix_dictionary.common_prefix_search(&self.respelt) {
                    if len < northern || own_lens & (1 << len.min(63)) != 0 {
                        continue;
                    }
                    for e in entries.chunks_exact(ENTRY_LEN).rev() {
                        let (id, cost, left, right) = decode_entry(e);
                        // The rule respells words, not people's names
                        // (허리숙임 is not 허 + 이숙임).
                        let tag = dict.word_details(id as usize);
                        if tag.first().is_some_and(|t| t.starts_with("NNP")) {
                            continue;
                        }
                        self.nodes.push(mk(
                            begin + len,
                            left,
                            right,
                            cost + extra,
                            WordRef::Southern(id),
                        ));
                    }
                }
            }
        }

        let cd = &dict.character_definition;
        let category = CategoryId(cinfo.default as usize);
        let def = cd.lookup_definition(category);
        if self.nodes.len() > first && !def.invoke {
            return;
        }
        let unk = &dict.unknown_dictionary;
        let add_unknown = |nodes: &mut Vec<Node>, end: usize| {
            for &wid in unk.lookup_word_ids(category) {
                let e = unk.word_entry(wid);
                nodes.push(mk(
                    end,
                    e.left_id() as u16,
                    e.right_id() as u16,
                    e.word_cost() as i32,
                    WordRef::Unknown(wid),
                ));
            }
        };
        let kind_of = |i: usize| self.info[i].mask & cinfo.mask != 0;

        let mut group_end = None;
        if def.group {
            let mut end = begin + 1;
            while end < hi && kind_of(end) {
                end += 1;
            }
            // MeCab counts the characters after the first.
            if end - begin - 1 <= MAX_GROUPING_SIZE {
                add_unknown(&mut self.nodes, end);
            }
            group_end = Some(end);
        }
        // Unknown words of 1..=length characters of the same kind.
        let length = def.length as usize;
        for (i, end) in (1..=length).zip(begin + 1..) {
            // MeCab `continue`s at the group's end without advancing, which
            // ends the loop.
            if end > hi || Some(end) == group_end {
                break;
            }
            add_unknown(&mut self.nodes, end);
            if i < length && !(end < hi && kind_of(end)) {
                break;
            }
        }
        if self.nodes.len() == first {
            add_unknown(&mut self.nodes, begin + 1);
        }
    }
}

/// A serialized lindera `WordEntry`: (word id, cost, left id, right id).
#[inline]
fn decode_entry(e: &[u8]) -> (u32, i32, u16, u16) {
    (
        u32::from_le_bytes([e[0], e[1], e[2], e[3]]),
        i16::from_le_bytes([e[4], e[5]]) as i32,
        u16::from_le_bytes([e[6], e[7]]),
        u16::from_le_bytes([e[8], e[9]]),
    )
}

/// Where to cut `text` so the piece has at most [`MAX_LATTICE_CHARS`]
/// characters: the last space (or, failing that, any char boundary) before
/// the limit. Returns `text.len()` when it already fits.
fn cut_point(text: &str) -> usize {
    let limit = match text.char_indices().nth(MAX_LATTICE_CHARS) {
        None => return text.len(),
        Some((i, _)) => i,
    };
    match text[..limit].rfind(char::is_whitespace) {
        Some(i) if i > 0 => i,
        _ => limit,
    }
}

/// Memoised analysis by eojeol (space-separated word), for bulk loads:
/// each eojeol is analysed once per (previous word's right id, eojeol) in a
/// lattice of its own, whose end is scored as if a common noun followed.
/// Faster on real text, where eojeols repeat, but it no longer sees the
/// next word, so it agrees with mecab-ko a little less often than the
/// sentence lattice (figures in the README).
#[derive(Default)]
pub struct EojeolCache {
    /// By eojeol, then by context: looked up with the borrowed eojeol, so
    /// a hit allocates nothing.
    map: rustc_hash::FxHashMap<Box<str>, Vec<(Context, Cached)>>,
    words: Vec<(usize, usize)>,
    entries: usize,
    scratch: Vec<Morpheme>,
    pub hits: u64,
    pub misses: u64,
}

struct Cached {
    /// (start, end) relative to the eojeol, and the entry.
    morphs: Box<[(u32, u32, WordRef)]>,
    right: u16,
}

/// Bound on the cache's entries, so memory stays flat on any input.
const MAX_CACHED_EOJEOLS: usize = 200_000;

impl EojeolCache {
    pub fn analyze(
        &mut self,
        lattice: &mut Lattice,
        text: &str,
        base: usize,
        out: &mut Vec<Morpheme>,
    ) {
        let table = char_table();
        let is_space = |c: char| table.get(c).mask & table.space_bit != 0;
        let mut words = std::mem::take(&mut self.words);
        words.clear();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (is_space(c), start) {
                (true, Some(s)) => {
                    words.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push((s, text.len()));
        }
        if self.entries > MAX_CACHED_EOJEOLS {
            self.map.clear();
            self.entries = 0;
        }
        let mut right = 0u16;
        for (k, &(s, e)) in words.iter().enumerate() {
            let word = &text[s..e];
            let ctx = Context {
                left_right_id: right,
                space_before: k > 0,
                eos: k + 1 == words.len(),
            };
            let found = self
                .map
                .get(word)
                .and_then(|v| v.iter().position(|(c, _)| *c == ctx));
            let cached = match found {
                Some(i) => {
                    self.hits += 1;
                    &self.map[word][i].1
                }
                None => {
                    self.misses += 1;
                    self.scratch.clear();
                    let r = lattice.analyze_piece(word, 0, &mut self.scratch, ctx);
                    let morphs = self
                        .scratch
                        .iter()
                        .map(|m| (m.start as u32, m.end as u32, m.word))
                        .collect();
                    self.entries += 1;
                    let v = self.map.entry(Box::from(word)).or_default();
                    v.push((ctx, Cached { morphs, right: r }));
                    &v.last().expect("just pushed").1
                }
            };
            for &(ms, me, w) in cached.morphs.iter() {
                out.push(Morpheme {
                    start: base + s + ms as usize,
                    end: base + s + me as usize,
                    word: w,
                });
            }
            right = cached.right;
        }
        self.words = words;
    }
}
