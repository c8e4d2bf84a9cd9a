//! The script of a character: one classifier for the language guess
//! (`corpus::lang`) and the analyzer (`analysis::script`). A leaf any
//! module may import.

use serde::Serialize;

/// The script a character or token is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Script {
    Hangul,
    Latin,
    Cyrillic,
    Han,
    Number,
    Other,
}

impl Script {
    pub fn as_str(self) -> &'static str {
        match self {
            Script::Hangul => "hangul",
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
            Script::Han => "han",
            Script::Number => "number",
            Script::Other => "other",
        }
    }
}

pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{D7B0}'..='\u{D7FF}')
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// The script of one character: digits are `Number`; Latin letters
/// (Latin-1, Extended-A/B, Extended Additional), Cyrillic (with its
/// Supplement and Extended-A/B/C) and Hangul (syllables and jamo) by
/// block; anything else `Other`, letters or not.
pub fn script_of(c: char) -> Script {
    match c {
        _ if c.is_ascii_digit() => Script::Number,
        'a'..='z' | 'A'..='Z' => Script::Latin,
        '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' if c.is_alphabetic() => Script::Latin,
        '\u{400}'..='\u{52F}'
        | '\u{1C80}'..='\u{1C8F}'
        | '\u{2DE0}'..='\u{2DFF}'
        | '\u{A640}'..='\u{A69F}' => Script::Cyrillic,
        _ if is_hangul(c) => Script::Hangul,
        _ if is_han(c) => Script::Han,
        _ if c.is_numeric() => Script::Number,
        _ => Script::Other,
    }
}
