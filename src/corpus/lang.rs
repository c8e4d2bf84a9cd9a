//! Script-based language guess: Hangul → "ko", Cyrillic → "ru",
//! Latin → "en", anything else (or no letters) → "und".
//!
//! This is deliberately only a script count: it cannot tell English from
//! Spanish or Russian from Ukrainian, and says so by mapping a script to one
//! language. Han characters (hanja) are not counted, since Korean legal text
//! mixes them in and they would otherwise pull such text towards "und".
//! A Hangul syllable counts as two letters: one syllable block spells two or
//! three jamo, so this keeps a Korean sentence quoting an English name from
//! being called English on raw character counts.

pub use crate::script::Script;

/// Letter counts per script (Hangul syllables weighted ×2, see module doc).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScriptCounts {
    pub hangul: usize,
    pub cyrillic: usize,
    pub latin: usize,
}

impl ScriptCounts {
    pub fn of(text: &str) -> Self {
        // ASCII is counted by byte (most of an English text); only the rest
        // is decoded.
        let mut c = ScriptCounts {
            latin: text.bytes().filter(u8::is_ascii_alphabetic).count(),
            ..ScriptCounts::default()
        };
        for ch in text.chars().filter(|ch| !ch.is_ascii()) {
            match script_of_char(ch) {
                Some(Script::Hangul) => {
                    c.hangul += if ('\u{AC00}'..='\u{D7A3}').contains(&ch) {
                        2
                    } else {
                        1
                    }
                }
                Some(Script::Cyrillic) => c.cyrillic += 1,
                Some(Script::Latin) => c.latin += 1,
                _ => {}
            }
        }
        c
    }

    /// The script with the most letters; ties go Hangul, Cyrillic, Latin.
    pub fn majority(&self) -> Script {
        let best = self.hangul.max(self.cyrillic).max(self.latin);
        if best == 0 {
            Script::Other
        } else if self.hangul == best {
            Script::Hangul
        } else if self.cyrillic == best {
            Script::Cyrillic
        } else {
            Script::Latin
        }
    }
}

/// The script of a letter, `None` for non-letters and the scripts not
/// counted (Han, see the module doc).
pub fn script_of_char(ch: char) -> Option<Script> {
    match crate::script::script_of(ch) {
        s @ (Script::Hangul | Script::Cyrillic | Script::Latin) => Some(s),
        Script::Other if ch.is_alphabetic() => Some(Script::Other),
        _ => None,
    }
}

/// The language a script stands for.
pub fn lang_of_script(s: Script) -> &'static str {
    match s {
        Script::Hangul => "ko",
        Script::Cyrillic => "ru",
        Script::Latin => "en",
        Script::Han | Script::Number | Script::Other => "und",
    }
}

/// The script a language tag is written in, as far as this module knows.
pub fn script_of_lang(lang: &str) -> Script {
    let primary = lang.split(['-', '_']).next().unwrap_or("");
    match primary.to_ascii_lowercase().as_str() {
        "ko" | "kor" => Script::Hangul,
        "ru" | "rus" | "uk" | "be" | "bg" | "sr" | "mk" | "kk" | "ky" | "mn" | "tg" => {
            Script::Cyrillic
        }
        "und" | "" | "zh" | "ja" | "ar" | "he" | "el" | "hi" | "th" => Script::Other,
        _ => Script::Latin,
    }
}

/// Guess a document's language from its text.
pub fn detect(text: &str) -> &'static str {
    lang_of_script(ScriptCounts::of(text).majority())
}

/// A passage's language: the document's language when the passage is in the
/// document language's script (or has no letters), else the script's guess.
pub fn passage_lang(text: &str, doc_lang: &str) -> String {
    let script = ScriptCounts::of(text).majority();
    if script == Script::Other || script == script_of_lang(doc_lang) {
        doc_lang.to_string()
    } else {
        lang_of_script(script).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_script() {
        assert_eq!(detect("러시아와 북한의 관계가 깊어지고 있다."), "ko");
        assert_eq!(detect("Россия и Северная Корея подписали договор."), "ru");
        assert_eq!(detect("Russia and North Korea signed a treaty."), "en");
        assert_eq!(detect("2024 — 12,345"), "und");
        assert_eq!(detect(""), "und");
        assert_eq!(detect("日本語のテキスト"), "und");
    }

    #[test]
    fn mixed_text_takes_the_majority() {
        // A Korean sentence quoting an English name stays Korean.
        assert_eq!(
            detect("Samsung Heavy Industries 관계자는 계약이 유지된다고 말했다."),
            "ko"
        );
        // An English sentence with one Korean word stays English.
        assert_eq!(detect("The word 평화 means peace in Korean."), "en");
        // Hanja are not counted against Korean.
        assert_eq!(detect("상거소(常居所)를 가지고 있다"), "ko");
    }

    #[test]
    fn passage_lang_respects_document_language() {
        assert_eq!(passage_lang("La delegación llegó el lunes.", "es"), "es");
        assert_eq!(passage_lang("Москва заявила.", "ko"), "ru");
        assert_eq!(passage_lang("1994. 3. 15.", "ko"), "ko");
        assert_eq!(passage_lang("러시아 외무부는 성명을 냈다.", "en"), "ko");
    }
}
