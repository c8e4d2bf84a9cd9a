//! The name table: people, places, organisations, treaties and events of
//! Korea–Russia relations, each one identity written many ways (Southern
//! and Northern Hangul, Latin romanisations, Cyrillic), and the user's own
//! table in the same format (`--user-dict`, as nori's `user_dictionary`).
//!
//! Every spelling of an identity is indexed as one term, the identity's
//! Southern Hangul spelling, so `Shoigu`, `쇼이구` and `Шойгу` find each
//! other. Single Hangul words go into the lattice (`lexicon`); the rest
//! (Latin and Cyrillic words, multi-word names) are matched on the
//! analysed terms by [`NameFilter`].

use std::fmt;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

use super::lexicon::Reason;
use super::script::Script;
use super::{Note, Sink};

/// The table shipped in the binary.
pub const TABLE: &str = include_str!("../../crates/kors-dict/dict-src/names.tsv");

/// What an identity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Person,
    Place,
    Country,
    Org,
    Treaty,
    Event,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "person" => Kind::Person,
            "place" => Kind::Place,
            "country" => Kind::Country,
            "org" => Kind::Org,
            "treaty" => Kind::Treaty,
            "event" => Kind::Event,
            _ => return None,
        })
    }

    /// Whether a one-word Hangul spelling goes into the lattice as a word
    /// of its own; organisations and treaties are matched on their parts,
    /// so that 조선로동당 is still found by 노동당.
    pub fn is_single_word(self) -> bool {
        matches!(self, Kind::Person | Kind::Place | Kind::Country)
    }
}

/// Where an identity comes from (shown by `kors analyze`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    Builtin,
    User,
}

/// One line of a table.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The term every spelling is indexed as.
    pub id: String,
    pub kind: Kind,
    /// Every spelling, the id first.
    pub spellings: Vec<String>,
    pub origin: Origin,
}

/// A line of a name table that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub file: PathBuf,
    pub line: usize,
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.field,
            self.message
        )
    }
}

impl std::error::Error for TableError {}

/// Column names, in order (`id kind ko ko_kp en ru source`); a user's
/// table may stop after any column past `kind`.
const COLUMNS: [&str; 7] = ["id", "kind", "ko", "ko_kp", "en", "ru", "source"];

/// Parses a table; `file` names it in errors.
pub fn parse(text: &str, file: &Path, origin: Origin) -> Result<Vec<Identity>, TableError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |field: &'static str, message: String| TableError {
            file: file.to_path_buf(),
            line: i + 1,
            field,
            message,
        };
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if cols.len() < 2 || cols.len() > COLUMNS.len() {
            return Err(err(
                "line",
                format!(
                    "expected 2 to 7 tab-separated columns ({}), found {}",
                    COLUMNS.join(" "),
                    cols.len()
                ),
            ));
        }
        let id = cols[0].split_whitespace().collect::<Vec<_>>().join(" ");
        if id.is_empty() {
            return Err(err("id", "empty".to_string()));
        }
        let kind = Kind::parse(cols[1]).ok_or_else(|| {
            err(
                "kind",
                format!(
                    "{:?} is not one of person, place, country, org, treaty, event",
                    cols[1]
                ),
            )
        })?;
        let mut spellings = vec![id.clone()];
        for (c, field) in cols.iter().zip(COLUMNS).take(6).skip(2) {
            if *c == "-" || c.is_empty() {
                continue;
            }
            for s in c.split('|') {
                let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
                if s.is_empty() {
                    return Err(err(field, "an empty spelling between '|'".to_string()));
                }
                if !spellings.contains(&s) {
                    spellings.push(s);
                }
            }
        }
        out.push(Identity {
            id,
            kind,
            spellings,
            origin,
        });
    }
    Ok(out)
}

/// Whether a spelling is one Hangul word (it goes into the lattice).
pub fn is_hangul_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The names matched on analysed terms: single terms replaced by their
/// identity, sequences of terms (`kim jong un`) adding it. Keyed by the
/// terms' hashes, so a token costs one hash and two integer lookups.
#[derive(Default)]
pub struct NameMap {
    single: FxHashMap<u64, Match>,
    /// By the last term of the sequence.
    sequences: FxHashMap<u64, Vec<Sequence>>,
    longest: usize,
}

/// A name of several terms (their hashes) and what it indexes.
pub type Sequence = (Box<[u64]>, Match);

/// What a match indexes, and why.
#[derive(Clone, Debug)]
pub struct Match {
    pub id: Box<str>,
    pub origin: Origin,
}

/// The hash a term is known by.
pub fn term_hash(term: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    term.hash(&mut h);
    h.finish()
}

impl NameMap {
    /// Adds one spelling, analysed into `terms`; a later spelling of the
    /// same terms replaces an earlier one (a user's table overrides kors's).
    pub fn add(&mut self, terms: &[String], m: Match) {
        match terms {
            [] => {}
            [t] => {
                if **t != *m.id {
                    self.single.insert(term_hash(t), m);
                }
            }
            _ => {
                self.longest = self.longest.max(terms.len());
                let seq: Box<[u64]> = terms.iter().map(|t| term_hash(t)).collect();
                let v = self.sequences.entry(seq[seq.len() - 1]).or_default();
                v.retain(|(s, _)| *s != seq);
                v.push((seq, m));
            }
        }
    }

    /// The identity a single term stands for.
    pub fn single(&self, hash: u64) -> Option<&Match> {
        self.single.get(&hash)
    }

    /// The sequences that end with the term of `hash`.
    pub fn ending_with(&self, hash: u64) -> &[Sequence] {
        self.sequences.get(&hash).map_or(&[], Vec::as_slice)
    }

    /// The most terms in one sequence.
    pub fn longest(&self) -> usize {
        self.longest
    }
}

/// The last few terms kept (hash and start offset), for matching sequences.
#[derive(Default)]
pub struct Recent {
    ring: Vec<(u64, usize)>,
    next: usize,
    len: usize,
}

impl Recent {
    pub fn clear(&mut self) {
        self.len = 0;
    }

    pub fn push(&mut self, hash: u64, start: usize, cap: usize) {
        if cap == 0 {
            return;
        }
        if self.ring.len() != cap {
            self.ring = vec![(0, 0); cap];
            self.next = 0;
            self.len = 0;
        }
        self.ring[self.next] = (hash, start);
        self.next = (self.next + 1) % cap;
        self.len = (self.len + 1).min(cap);
    }

    /// If the last terms kept are `seq`, the start of the first of them.
    pub fn ends_with(&self, seq: &[u64]) -> Option<usize> {
        let cap = self.ring.len();
        if seq.len() > self.len || cap == 0 {
            return None;
        }
        let at = |k: usize| self.ring[(self.next + cap - 1 - k) % cap];
        seq.iter()
            .rev()
            .enumerate()
            .all(|(k, h)| at(k).0 == *h)
            .then(|| at(seq.len() - 1).1)
    }
}

/// A sink that puts names' identities into the token stream: a term that
/// is a spelling of a name becomes its identity; after the terms of a
/// multi-word spelling, the identity is added at the last one's position.
pub(super) struct NameFilter<'a> {
    pub map: &'a NameMap,
    pub recent: &'a mut Recent,
    pub inner: &'a mut dyn Sink,
}

impl Sink for NameFilter<'_> {
    fn keep(
        &mut self,
        text: &str,
        start: usize,
        end: usize,
        script: Script,
        pos: Option<&str>,
        note: Option<Note>,
    ) {
        let h = term_hash(text);
        match self.map.single(h) {
            Some(m) if !matches!(note, Some(Note::Normalized(_))) => self.inner.keep(
                &m.id,
                start,
                end,
                script,
                pos,
                Some(Note::Normalized(Reason::Name(m.origin))),
            ),
            _ => self.inner.keep(text, start, end, script, pos, note),
        }
        let cap = self.map.longest();
        if cap == 0 {
            return;
        }
        self.recent.push(h, start, cap);
        // Every name that ends here: "Communist Party of the Soviet Union"
        // is the party and the Soviet Union.
        for (seq, m) in self.map.ending_with(h) {
            if let Some(first) = self.recent.ends_with(seq) {
                let note = Some(Note::Name(m.origin));
                self.inner.keep(&m.id, first, end, script, pos, note);
            }
        }
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
        self.inner.drop_token(text, start, end, script, pos, note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses() {
        let ids = parse(TABLE, Path::new("names.tsv"), Origin::Builtin).expect("names.tsv");
        assert!(ids.len() >= 300, "{} identities", ids.len());
        let mut seen = std::collections::HashSet::new();
        for i in &ids {
            assert!(seen.insert(i.id.as_str()), "duplicate id {}", i.id);
        }
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = parse(
            "# c\n쇼이구\tperson\n라브로프\tpeople\n",
            Path::new("u.tsv"),
            Origin::User,
        )
        .unwrap_err();
        assert_eq!((e.line, e.field), (3, "kind"));
        assert!(e.to_string().starts_with("u.tsv:3: kind: "), "{e}");
    }

    #[test]
    fn sequences_match_the_last_terms_only() {
        let mut r = Recent::default();
        for (i, t) in ["visit", "kim", "jong", "un"].into_iter().enumerate() {
            r.push(term_hash(t), i * 10, 3);
        }
        let seq = ["kim", "jong", "un"].map(term_hash);
        assert_eq!(r.ends_with(&seq), Some(10));
        r.push(term_hash("said"), 40, 3);
        assert_eq!(r.ends_with(&seq), None);
    }
}
