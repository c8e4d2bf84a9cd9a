//! kors's analyzer on real text: golden analyses, offsets, phrase positions
//! through tantivy, agreement with mecab-ko, and no panics on any input.

use kors::analysis::korean::Lattice;
use kors::analysis::{explain, Analyzer, Term};
use proptest::prelude::*;

use crate::shared;

fn terms(text: &str) -> Vec<Term> {
    let mut out = Vec::new();
    Analyzer::new().terms(text, &mut out);
    out
}

fn words(text: &str) -> Vec<String> {
    terms(text).into_iter().map(|t| t.text).collect()
}

/// Every term's offsets lie on char boundaries inside the text.
fn assert_offsets_valid(text: &str, terms: &[Term]) {
    for t in terms {
        assert!(
            t.start <= t.end && t.end <= text.len(),
            "{t:?} outside text"
        );
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "{t:?} not on char boundaries"
        );
    }
}

#[test]
fn particles_and_endings_are_dropped() {
    // The issue's own example: the query form finds the plain form.
    assert_eq!(words("러시아와의 관계를"), words("러시아 관계"));
    assert_eq!(words("러시아 관계"), vec!["러시아", "관계"]);
    // The query parser analyses each word alone: a fragment ending in a
    // particle must still drop it.
    assert_eq!(words("러시아와의"), vec!["러시아"]);
    // The Northern spelling of Russia is indexed as the Southern one.
    assert_eq!(words("로씨야와의"), vec!["러시아"]);
    assert_eq!(words("관계를"), vec!["관계"]);
    // The copula 이 goes too (it would be the commonest term of all).
    assert_eq!(words("수도는 서울이다"), vec!["수도", "서울"]);
}

#[test]
fn inflected_forms_index_their_stems() {
    let w = words("그는 모스크바에 갔다");
    assert!(w.contains(&"가".to_string()), "{w:?}");
    assert!(w.contains(&"모스크바".to_string()), "{w:?}");
    assert!(!w.iter().any(|t| t == "다" || t == "에"), "{w:?}");
}

#[test]
fn compound_nouns_index_whole_and_parts() {
    // 핵전쟁 is a ko-dic compound (핵 + 전쟁).
    let text = "북한의 핵전쟁 위협";
    let t = terms(text);
    let w: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
    for want in ["핵전쟁", "핵", "전쟁"] {
        assert!(w.contains(&want), "{want} missing from {w:?}");
    }
    // The whole and its first part share a position; the parts follow on.
    let pos = |s: &str| t.iter().find(|t| t.text == s).unwrap().position;
    assert_eq!(pos("핵전쟁"), pos("핵"));
    assert_eq!(pos("전쟁"), pos("핵") + 1);
    let part = t.iter().find(|t| t.text == "전쟁").unwrap();
    assert_eq!(&text[part.start..part.end], "전쟁");
}

#[test]
fn russian_names_in_three_scripts() {
    let text = "푸틴(Путин, Putin) 대통령은 Путина 만났다";
    let t = terms(text);
    assert_offsets_valid(text, &t);
    let w: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
    // One identity in every script (the name table), the Russian genitive
    // included; each keeps its own offsets.
    assert_eq!(w, ["푸틴", "푸틴", "푸틴", "대통령", "푸틴", "만나"]);
    let written: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
    assert_eq!(written[..3], ["푸틴", "Путин", "Putin"]);
    assert_eq!(written[4], "Путина");
}

#[test]
fn english_is_stemmed_and_stop_worded() {
    assert_eq!(
        words("The LNG tankers of Samsung Heavy Industries"),
        vec!["lng", "tanker", "samsung", "heavi", "industri"]
    );
}

#[test]
fn decomposed_hangul_and_full_width_latin_match_their_usual_forms() {
    use unicode_normalization::UnicodeNormalization;
    let nfd: String = "러시아와 북한의 조약".nfd().collect();
    assert_ne!(nfd, "러시아와 북한의 조약");
    let t = terms(&nfd);
    assert_eq!(
        t.iter().map(|t| t.text.clone()).collect::<Vec<_>>(),
        words("러시아와 북한의 조약")
    );
    assert_offsets_valid(&nfd, &t);
    let first = &t[0];
    assert_eq!(
        nfd[first.start..first.end].nfc().collect::<String>(),
        "러시아"
    );
    assert_eq!(words("ＮＡＴＯ 확대"), words("NATO 확대"));
}

#[test]
fn hanja_is_one_character_a_token_and_numbers_are_kept() {
    let w = words("朝露 관계 2024년");
    assert!(
        w.contains(&"朝".to_string()) && w.contains(&"露".to_string()),
        "{w:?}"
    );
    assert!(w.contains(&"2024".to_string()), "{w:?}");
}

#[test]
fn offsets_slice_the_original_on_real_korean_text() {
    let text = std::fs::read_to_string(shared("corpora/nk-newyear-speeches-ko/2017.txt")).unwrap();
    let t = terms(&text);
    assert!(t.len() > 1000);
    assert_offsets_valid(&text, &t);
    // Plain nouns are the text itself at their offsets.
    let reports = explain(&text);
    let mut checked = 0;
    for r in reports.iter().filter(|r| r.kept && r.note.is_none()) {
        if r.pos.as_deref().is_some_and(|p| p.starts_with("NN")) {
            assert_eq!(&text[r.start..r.end], r.text, "{r:?}");
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} nouns checked");
    // Positions increase along the text.
    assert!(t.windows(2).all(|w| w[0].position <= w[1].position));
}

#[test]
fn north_korean_spelling_of_russia_is_found() {
    let text = std::fs::read_to_string(shared("corpora/nk-newyear-speeches-ko/1949.txt")).unwrap();
    assert!(text.contains("쏘련"));
    // Indexed as the Southern spellings (소련, 러시아), so either finds both.
    assert!(words(&text).iter().any(|w| w == "소련"));
    assert!(!words(&text).iter().any(|w| w == "쏘련"));
    let w = words("로씨야와의 친선관계를 발전시켰다");
    assert!(w.contains(&"러시아".to_string()), "{w:?}");
    // Pair abbreviations are one word, as 한러 is in ko-dic.
    assert_eq!(
        words("북러 관계와 조로 친선"),
        ["북러", "관계", "조로", "친선"]
    );
    assert_eq!(words("한러 관계"), ["한러", "관계"]);
}

#[test]
fn phrase_queries_match_across_particles() {
    use tantivy::collector::Count;
    use tantivy::query::QueryParser;
    use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{doc, Index};

    let mut schema = Schema::builder();
    let opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(kors::analysis::TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let body = schema.add_text_field("body", opts);
    let index = Index::create_in_ram(schema.build());
    kors::analysis::register(&index);
    let mut w = index.writer(15_000_000).unwrap();
    w.add_document(doc!(body => "북한은 러시아와의 군사협력을 강화했다."))
        .unwrap();
    w.add_document(doc!(body => "삼성중공업은 러시아 선박을 건조한다."))
        .unwrap();
    w.add_document(doc!(body => "Putin met Kim in Pyongyang."))
        .unwrap();
    w.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();
    let qp = QueryParser::for_index(&index, vec![body]);
    let count = |q: &str| {
        searcher
            .search(&qp.parse_query(q).unwrap(), &Count)
            .unwrap()
    };
    assert_eq!(count("\"러시아 군사협력\""), 1);
    assert_eq!(count("\"러시아와의 군사협력을\""), 1);
    assert_eq!(count("\"군사협력 러시아\""), 0);
    // Unquoted, each word is analysed alone (particles dropped all the same).
    qp_and(&index, body, &searcher, "러시아와의 군사협력을", 1);
    // The Northern spelling finds the Southern text.
    qp_and(&index, body, &searcher, "로씨야와의 군사협력을", 1);
    // 삼성중공업 is found by the whole name and by each of its parts.
    assert_eq!(count("삼성중공업"), 1);
    assert_eq!(count("삼성"), 1);
    assert_eq!(count("중공업"), 1);
    assert_eq!(count("핵전쟁"), 0);
    assert_eq!(count("\"putin met kim\""), 1);
    assert_eq!(count("러시아"), 2);
}

/// Runs `q` with every word required, expecting `n` hits.
fn qp_and(
    index: &tantivy::Index,
    body: tantivy::schema::Field,
    searcher: &tantivy::Searcher,
    q: &str,
    n: usize,
) {
    let mut qp = tantivy::query::QueryParser::for_index(index, vec![body]);
    qp.set_conjunction_by_default();
    let query = qp.parse_query(q).unwrap();
    assert_eq!(
        searcher.search(&query, &tantivy::collector::Count).unwrap(),
        n,
        "{q}"
    );
}

/// Span and span+POS F1 of kors's segmentation against mecab-ko on the
/// 1,000 reference news sentences (the same scoring as compare.py).
fn agreement(eojeol_cache: bool) -> (f64, f64) {
    let dir = shared("reference/mecab-ko");
    let input = std::fs::read_to_string(dir.join("korean-english-park.dev.ko")).unwrap();
    let reference = std::fs::read_to_string(dir.join("korean-english-park.dev.ko.mecab")).unwrap();
    let mut out = Vec::new();
    kors::analysis::write_mecab_with(input.as_bytes(), &mut out, eojeol_cache).unwrap();
    let hyp = String::from_utf8(out).unwrap();
    score(&input, &reference, &hyp)
}

#[test]
fn agreement_with_mecab_ko() {
    let (span, pos) = agreement(false);
    eprintln!("agreement with mecab-ko: span F1 {span:.3}%, span+POS F1 {pos:.3}%");
    assert!(span >= 99.9, "span F1 {span}");
    assert!(pos >= 99.5, "span+POS F1 {pos}");
}

/// The memoised variant (`--analyzer morph-fast`) gives up a little
/// agreement for speed, but stays within the goals.
#[test]
fn agreement_with_mecab_ko_memoised() {
    let (span, pos) = agreement(true);
    eprintln!("morph-fast agreement with mecab-ko: span F1 {span:.3}%, span+POS F1 {pos:.3}%");
    assert!(span >= 99.5, "span F1 {span}");
    assert!(pos >= 98.0, "span+POS F1 {pos}");
}

#[test]
fn memoised_analysis_hits_its_cache_and_keeps_offsets() {
    let mut text = String::new();
    for year in 2010..=2017 {
        let p = shared(&format!("corpora/nk-newyear-speeches-ko/{year}.txt"));
        text += &std::fs::read_to_string(p).unwrap();
    }
    let mut fast = Analyzer::with_eojeol_cache();
    let mut t = Vec::new();
    fast.terms(&text, &mut t);
    assert_offsets_valid(&text, &t);
    let (hits, misses) = fast.eojeol_cache_stats().unwrap();
    // Eojeols repeat: a good share of them come from the cache.
    assert!(hits * 4 > misses, "hits {hits}, misses {misses}");
    // Nearly every term is one the sentence lattice gives too (as bags).
    let mut exact = std::collections::HashMap::new();
    for w in words(&text) {
        *exact.entry(w).or_insert(0i64) += 1;
    }
    let total: i64 = exact.values().sum();
    let mut same = 0;
    for term in &t {
        if let Some(n) = exact.get_mut(&term.text).filter(|n| **n > 0) {
            *n -= 1;
            same += 1;
        }
    }
    assert!(same * 100 >= total * 97, "{same} of {total}");
}

fn score(input: &str, reference: &str, hyp: &str) -> (f64, f64) {
    fn sentences(out: &str) -> Vec<Vec<(String, String)>> {
        let mut all = Vec::new();
        let mut cur = Vec::new();
        for line in out.lines() {
            if line == "EOS" {
                all.push(std::mem::take(&mut cur));
            } else if !line.is_empty() {
                let (s, f) = line.split_once('\t').unwrap_or((line, ""));
                cur.push((s.to_string(), f.split(',').next().unwrap_or("").to_string()));
            }
        }
        all
    }
    fn spans(text: &str, toks: &[(String, String)]) -> Vec<(usize, usize, String)> {
        let mut pos = 0;
        toks.iter()
            .map(|(s, p)| {
                let i = text[pos..].find(s.as_str()).map_or(pos, |i| pos + i);
                pos = i + s.len();
                (i, i + s.len(), p.clone())
            })
            .collect()
    }
    let (r, h) = (sentences(reference), sentences(hyp));
    assert_eq!(r.len(), h.len(), "sentence counts differ");
    let (mut nr, mut nh, mut span, mut pos) = (0, 0, 0, 0);
    for ((text, rs), hs) in input.lines().zip(&r).zip(&h) {
        let (a, b) = (spans(text, rs), spans(text, hs));
        nr += a.len();
        nh += b.len();
        let bs: std::collections::HashSet<_> = b.iter().map(|(s, e, _)| (*s, *e)).collect();
        let bp: std::collections::HashSet<_> = b.iter().cloned().collect();
        span += a.iter().filter(|(s, e, _)| bs.contains(&(*s, *e))).count();
        pos += a.iter().filter(|x| bp.contains(*x)).count();
    }
    let f1 = |c: usize| 200.0 * c as f64 / (nr + nh) as f64;
    (f1(span), f1(pos))
}

#[test]
fn a_long_text_without_spaces_is_analysed_in_pieces() {
    let text = "러시아와북한의관계".repeat(38_000); // 1 MB, no space at all
    let t = terms(&text);
    assert_offsets_valid(&text, &t);
    assert!(t.iter().filter(|t| t.text == "러시아").count() >= 37_000);
    let mut m = Vec::new();
    Lattice::new().analyze(&text, 0, &mut m);
    assert_eq!(m.first().unwrap().start, 0);
    assert_eq!(m.last().unwrap().end, text.len());
    assert!(m.windows(2).all(|w| w[0].end <= w[1].start));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn no_input_panics_or_yields_bad_offsets(text in "\\PC{0,200}") {
        let t = terms(&text);
        assert_offsets_valid(&text, &t);
        let r = explain(&text);
        for x in &r {
            prop_assert!(x.start <= x.end && x.end <= text.len());
            prop_assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
        }
    }

    #[test]
    fn mixed_scripts_controls_and_marks(
        parts in proptest::collection::vec(
            prop_oneof![
                "[가-힣]{1,6}", "[a-zA-Z]{1,8}", "[а-яА-Я]{1,8}", "[0-9]{1,4}",
                "[\\u{1100}-\\u{1112}][\\u{1161}-\\u{1175}][\\u{11A8}-\\u{11C2}]?",
                "[\\u{0300}-\\u{036F}]{1,3}", "[\\u{0000}-\\u{001F}]{1,3}",
                "[\\u{1F600}-\\u{1F64F}]", "[\\u{FF21}-\\u{FF5A}]{1,4}", "[一-龥]{1,3}", " ",
            ],
            0..40,
        )
    ) {
        let text: String = parts.concat();
        let t = terms(&text);
        assert_offsets_valid(&text, &t);
        let mut m = Vec::new();
        Lattice::new().analyze(&text, 0, &mut m);
        for x in &m {
            prop_assert!(x.start < x.end && x.end <= text.len());
            prop_assert!(text.is_char_boundary(x.start) && text.is_char_boundary(x.end));
        }
    }
}
