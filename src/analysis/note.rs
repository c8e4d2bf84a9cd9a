//! What became of a token, and why: shown by `kors analyze`, and used for
//! positions (a compound's first part and a name's identity share the
//! position of the token before them).

use std::fmt;

use super::lexicon::Reason;
use super::names::Origin;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    /// A compound noun, indexed whole and by its parts.
    Compound,
    /// A compound's first part: shares the whole's position.
    CompoundPartFirst,
    CompoundPart,
    /// A stem of an inflected form (갔다 → 가).
    Stem,
    /// Dropped: a part of speech nori drops.
    StopTag,
    /// Dropped: an English stop word.
    StopWord,
    /// Indexed as another form (the token's text is that form).
    Normalized(Reason),
    /// A name's identity, after the words that spell it: shares the last
    /// word's position.
    Name(Origin),
}

impl Note {
    pub fn as_str(self) -> &'static str {
        match self {
            Note::Compound => "compound",
            Note::CompoundPartFirst | Note::CompoundPart => "compound part",
            Note::Stem => "stem",
            Note::StopTag => "stop tag",
            Note::StopWord => "stop word",
            Note::Normalized(r) => r.as_str(),
            Note::Name(o) => Reason::Name(o).as_str(),
        }
    }

    /// Whether the token takes the position of the kept token before it.
    pub fn shares_position(self) -> bool {
        matches!(self, Note::CompoundPartFirst | Note::Name(_))
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
