//! North Korean spellings and their Southern forms: the table
//! `crates/kors-dict/dict-src/northern.tsv`, and how it is derived from
//! NK-HanDic (`kors dict import-northern`).
//!
//! The North does not apply the initial-sound rule (두음법칙): 로동, 력사,
//! 녀성 are the South's 노동, 역사, 여성. Rewriting every first ㄹ or ㄴ
//! would wreck loanwords (라디오, 뉴스, 리그), so the decision is made per
//! word from two dictionaries: a pair is kept when NK-HanDic gives the
//! Northern word with Hanja (so it is Sino-Korean) and mecab-ko-dic has its
//! Southern reading as a word of the same part of speech. NK-HanDic's own
//! "‘X’의 북한어" glosses add the other spelling differences (사이시옷, 렬/열,
//! loanword vowels), when the two spellings are a few jamo apart.

use std::fmt;

/// Why a Northern word maps to a Southern one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The initial-sound rule: 로동 → 노동, 력사 → 역사.
    InitialSound,
    /// Another Northern spelling of the same word (NK-HanDic's gloss).
    Spelling,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::InitialSound => "initial-sound",
            Rule::Spelling => "spelling",
        }
    }

    fn parse(s: &str) -> Option<Rule> {
        match s {
            "initial-sound" => Some(Rule::InitialSound),
            "spelling" => Some(Rule::Spelling),
            _ => None,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub northern: String,
    pub southern: String,
    /// Sejong tag shared by both (NNG, NNP, XR …).
    pub tag: String,
    pub rule: Rule,
    /// NK-HanDic's Hanja for the word, or `*`.
    pub hanja: String,
}

/// The table shipped in the binary.
pub const TABLE: &str = include_str!("../../crates/kors-dict/dict-src/northern.tsv");

/// Parses the table (`northern TAB southern TAB tag TAB rule TAB hanja`;
/// `#` comments). Rows it cannot read are skipped: the shipped table is
/// checked by a test.
pub fn parse(table: &str) -> impl Iterator<Item = Pair> + '_ {
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (n, s, tag, rule, hanja) = (f.next()?, f.next()?, f.next()?, f.next()?, f.next()?);
            Some(Pair {
                northern: n.to_string(),
                southern: s.to_string(),
                tag: tag.to_string(),
                rule: Rule::parse(rule)?,
                hanja: hanja.to_string(),
            })
        })
}

const HANGUL_BASE: u32 = 0xAC00;
const JUNG: u32 = 21;
const JONG: u32 = 28;
/// Initial consonant indexes.
const NIEUN: u32 = 2;
const RIEUL: u32 = 5;
const IEUNG: u32 = 11;

/// (initial, medial, final) of a precomposed syllable.
fn jamo(c: char) -> Option<(u32, u32, u32)> {
    let o = (c as u32).checked_sub(HANGUL_BASE)?;
    (o < 19 * JUNG * JONG).then_some((o / (JUNG * JONG), (o / JONG) % JUNG, o % JONG))
}

fn syllable(i: u32, m: u32, f: u32) -> char {
    char::from_u32(HANGUL_BASE + (i * JUNG + m) * JONG + f).expect("valid syllable")
}

/// Medials ㅑ ㅕ ㅖ ㅛ ㅠ ㅣ, before which ㄹ and ㄴ become ㅇ.
fn is_y_or_i(m: u32) -> bool {
    matches!(m, 2 | 6 | 7 | 12 | 17 | 20)
}

/// The Southern spelling of `word` under the initial-sound rule, if its
/// first syllable is one the rule changes: ㄹ → ㅇ before ㅑㅕㅖㅛㅠㅣ and
/// ㄹ → ㄴ elsewhere (력사 → 역사, 로동 → 노동), ㄴ → ㅇ before ㅑㅕㅖㅛㅠㅣ
/// (녀성 → 여성).
pub fn initial_sound_rule(word: &str) -> Option<String> {
    let mut chars = word.chars();
    let first = initial_sound_char(chars.next()?)?;
    let mut out = String::with_capacity(word.len());
    out.push(first);
    out.extend(chars);
    Some(out)
}

/// The rule's other half: 렬 and 률 after a vowel or ㄴ are 열 and 율 in
/// the South (분렬 → 분열, 비률 → 비율); the North keeps ㄹ.
pub fn medial_rule(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut prev: Option<(u32, u32, u32)> = None;
    for c in word.chars() {
        let j = jamo(c);
        let after_vowel_or_nieun = prev.is_some_and(|(_, _, f)| f == 0 || f == 4);
        match j {
            Some((RIEUL, m @ (6 | 17), f)) if after_vowel_or_nieun && f == 8 => {
                out.push(syllable(IEUNG, m, f))
            }
            _ => out.push(c),
        }
        prev = j;
    }
    out
}

/// The Northern spellings `word` may have under the initial-sound rule
/// (노동 → 로동, 여성 → 녀성 and 려성): the rule run backwards on the first
/// syllable.
pub fn northern_candidates(word: &str) -> Vec<String> {
    let mut chars = word.chars();
    let Some((i, m, f)) = chars.next().and_then(jamo) else {
        return Vec::new();
    };
    let rest: String = chars.collect();
    let from: &[u32] = match i {
        NIEUN if !is_y_or_i(m) => &[RIEUL],
        IEUNG if is_y_or_i(m) => &[RIEUL, NIEUN],
        _ => &[],
    };
    from.iter()
        .map(|&to| format!("{}{rest}", syllable(to, m, f)))
        .collect()
}

/// [`initial_sound_rule`] for one syllable.
pub fn initial_sound_char(c: char) -> Option<char> {
    let (i, m, f) = jamo(c)?;
    let to = match i {
        RIEUL if is_y_or_i(m) => IEUNG,
        RIEUL => NIEUN,
        NIEUN if is_y_or_i(m) => IEUNG,
        _ => return None,
    };
    Some(syllable(to, m, f))
}

/// Jamo of a word, for an edit distance in letters rather than syllables.
fn letters(word: &str) -> Vec<u32> {
    let mut v = Vec::with_capacity(word.len());
    for c in word.chars() {
        match jamo(c) {
            Some((i, m, f)) => v.extend([i, 100 + m, 200 + f]),
            None => v.push(c as u32 + 1000),
        }
    }
    v
}

fn edit_distance(a: &[u32], b: &[u32]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, x) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(x != y))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Whether two spellings of one word differ only a little (at most two
/// jamo, same number of syllables): 수레길/수렛길, 메터원기/미터원기, but not
/// the synonyms NK-HanDic also glosses (두벌농사/이모작).
pub fn is_spelling_variant(northern: &str, southern: &str) -> bool {
    northern.chars().count() == southern.chars().count()
        && edit_distance(&letters(northern), &letters(southern)) <= 2
}

/// Splits one MeCab feature string (CSV with quoted fields).
fn csv_fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn is_han_char(c: char) -> bool {
    super::script::is_han(c)
}

/// Parts of speech the table covers: nouns, roots and adverbs (verbs are
/// conjugated, and their Northern spellings are rare).
fn covered(tag: &str) -> bool {
    matches!(tag, "NNG" | "NNP" | "NNB" | "NR" | "XR" | "MAG")
}

/// Derives the table from NK-HanDic's entries. `is_southern(word, tag)`
/// says whether mecab-ko-dic has `word` with that first tag.
pub fn derive(nk: &[mecab_dic::Entry], is_southern: impl Fn(&str, &str) -> bool) -> Vec<Pair> {
    use unicode_normalization::UnicodeNormalization;
    // NK-HanDic keys are decomposed jamo.
    let rows: Vec<(String, Vec<String>)> = nk
        .iter()
        .map(|e| {
            let f = csv_fields(&e.feature.nfc().collect::<String>());
            (e.surface.nfc().collect(), f)
        })
        .collect();
    // Surfaces that are also another word: not Sino-Korean (로마 is Rome
    // as well as 老馬, 로비 a lobby as well as 奴婢), or not only Northern
    // (파리 is a fly as well as the North's 바리). Such a word keeps its
    // spelling: the rule cannot tell which one the text means.
    let mut not_sino = rustc_hash::FxHashSet::<&str>::default();
    let mut not_northern = rustc_hash::FxHashSet::<&str>::default();
    for (s, f) in &rows {
        // A person's name (리유 the given name) is too rare to count.
        let personal = f.get(1).map(String::as_str) == Some("固有名詞")
            && f.get(2)
                .is_some_and(|c| matches!(c.as_str(), "名" | "姓" | "人名" | "外国姓" | "外国名"));
        let sino = f
            .get(7)
            .and_then(|h| h.chars().next())
            .is_some_and(is_han_char);
        if !sino && !personal {
            not_sino.insert(s);
        }
        if f.get(11).map(String::as_str) != Some("&북한어") {
            not_northern.insert(s);
        }
    }
    let mut pairs: Vec<Pair> = Vec::new();
    let mut seen = rustc_hash::FxHashMap::<(String, String), usize>::default();
    for (northern, f) in &rows {
        let northern = northern.clone();
        if northern.chars().count() < 2 || !northern.chars().all(|c| jamo(c).is_some()) {
            continue;
        }
        let tag = f.get(10).map_or("", |t| t.split('+').next().unwrap_or(t));
        if !covered(tag) {
            continue;
        }
        let hanja = f.get(7).map_or("*", String::as_str);
        let mut candidate = None;
        if !not_sino.contains(northern.as_str()) {
            let initial = initial_sound_rule(&northern).unwrap_or_else(|| northern.clone());
            let s = medial_rule(&initial);
            if s != northern && is_southern(&s, tag) {
                candidate = Some((s, Rule::InitialSound));
            }
        }
        if candidate.is_none() && !not_northern.contains(northern.as_str()) {
            let gloss = f.get(12).map_or("", String::as_str);
            if let Some(s) = gloss
                .split_once('‘')
                .and_then(|(_, r)| r.split_once("’의 북한어"))
                .map(|(s, _)| s.to_string())
            {
                if s != northern && is_spelling_variant(&northern, &s) && is_southern(&s, tag) {
                    candidate = Some((s, Rule::Spelling));
                }
            }
        }
        let Some((southern, rule)) = candidate else {
            continue;
        };
        let key = (northern.clone(), tag.to_string());
        match seen.get(&key) {
            // One Southern form per Northern word and tag; the
            // initial-sound rule wins over a gloss.
            Some(&i) => {
                if pairs[i].rule == Rule::Spelling && rule == Rule::InitialSound {
                    pairs[i].southern = southern;
                    pairs[i].rule = rule;
                }
            }
            None => {
                seen.insert(key, pairs.len());
                pairs.push(Pair {
                    northern,
                    southern,
                    tag: tag.to_string(),
                    rule,
                    hanja: if hanja.is_empty() { "*" } else { hanja }.to_string(),
                });
            }
        }
    }
    pairs.sort_by(|a, b| (&a.northern, &a.tag).cmp(&(&b.northern, &b.tag)));
    pairs
}

/// Reads NK-HanDic's compiled `sys.dic` in `dicdir` and derives the table
/// against the embedded mecab-ko-dic.
pub fn import(dicdir: &std::path::Path) -> Result<Vec<Pair>, mecab_dic::Error> {
    let nk = mecab_dic::read_dic(&dicdir.join("sys.dic"))?;
    let dict = kors_dict::dictionary();
    Ok(derive(&nk.entries, |word, tag| {
        dict.prefix_dictionary.find_surface(word).iter().any(|e| {
            let f = dict.word_details(e.word_id().id() as usize);
            f.first().is_some_and(|t| t.split('+').next() == Some(tag))
        })
    }))
}

/// The table's text, as `kors dict import-northern` writes it.
pub fn to_tsv(pairs: &[Pair], source: &str) -> String {
    let mut out = format!(
        "# North Korean spellings and their Southern forms, derived by `kors dict import-northern`\n\
         # from {source} and mecab-ko-dic (see README.md beside this file). Columns:\n\
         # northern\tsouthern\ttag\trule\thanja\n"
    );
    for p in pairs {
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            p.northern, p.southern, p.tag, p.rule, p.hanja
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_changes_first_syllables_only_where_it_applies() {
        let cases = [
            ("로동", Some("노동")),
            ("력사", Some("역사")),
            ("녀성", Some("여성")),
            ("량국", Some("양국")),
            ("래일", Some("내일")),
            ("리익", Some("이익")),
            ("뉴대", Some("유대")),
            ("락원", Some("낙원")),
            ("노동", None),
            ("가로", None),
        ];
        for (n, s) in cases {
            assert_eq!(initial_sound_rule(n).as_deref(), s, "{n}");
        }
        assert_eq!(medial_rule("분렬"), "분열");
        assert_eq!(medial_rule("비률"), "비율");
        assert_eq!(medial_rule("계렬"), "계열");
        assert_eq!(medial_rule("법률"), "법률");
        assert_eq!(medial_rule("행렬"), "행렬");
    }

    #[test]
    fn spelling_variants_are_close_and_synonyms_are_not() {
        assert!(is_spelling_variant("수레길", "수렛길"));
        assert!(is_spelling_variant("메터원기", "미터원기"));
        assert!(!is_spelling_variant("두벌농사", "이모작"));
        assert!(!is_spelling_variant("경악극", "오페라"));
    }

    #[test]
    fn quoted_features_keep_their_commas() {
        let f = csv_fields(r#"Noun,普通,*,"a, b",x"#);
        assert_eq!(f, ["Noun", "普通", "*", "a, b", "x"]);
    }

    /// The committed table is what `kors dict import-northern` derives
    /// from NK-HanDic, byte for byte (CI downloads the wheel; see .ci/run).
    #[test]
    #[ignore = "needs KORS_NKHANDIC_DIR, the unpacked nkhandic==26.10.17 wheel's nkhandic/dicdir (CI sets it)"]
    fn the_table_is_reproduced_from_nk_handic() {
        let dir = std::env::var_os("KORS_NKHANDIC_DIR").expect("KORS_NKHANDIC_DIR");
        let pairs = import(std::path::Path::new(&dir)).expect("NK-HanDic reads");
        let text = to_tsv(&pairs, "NK-HanDic 26.10.17 (PyPI nkhandic)");
        assert!(
            text == TABLE,
            "northern.tsv differs from its derivation: rerun `kors dict import-northern`"
        );
    }

    #[test]
    fn the_shipped_table_parses_whole() {
        let rows = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        assert_eq!(parse(TABLE).count(), rows);
        assert!(rows > 1000, "{rows} rows");
    }
}
