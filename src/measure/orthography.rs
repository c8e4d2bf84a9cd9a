//! Term recall across the two Korean orthographies, on line-aligned pairs
//! of the same sentence in Southern (`.ko`) and Northern (`.nk`) spelling
//! (the parallel news corpus): of the terms kors indexes for one side, the
//! share it also finds in the other; and the share of Northern terms that
//! a normalisation mapped to a word the Southern sentence does not have.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use crate::analysis::{Analyzer, Note};

/// Figures over a set of pairs.
#[derive(Debug, Default, Serialize)]
pub struct OrthographyReport {
    /// Aligned pairs read.
    pub pairs: usize,
    /// Pairs that differ beyond spacing (the recall figures are over these).
    pub differing: usize,
    /// Southern terms, and how many the Northern side also has.
    pub south_terms: usize,
    pub south_found: usize,
    /// Northern terms, and how many the Southern side also has.
    pub north_terms: usize,
    pub north_found: usize,
    /// Northern terms that a normalisation produced (initial-sound rule,
    /// Northern spelling, name), and those the Southern side lacks.
    pub normalized: usize,
    pub normalized_wrong: usize,
    /// Pairs that differ only by spacing, and their Southern-term recall.
    pub spacing_pairs: usize,
    pub spacing_terms: usize,
    pub spacing_found: usize,
    /// Of those, the pairs whose Northern side writes a dependent noun or
    /// an auxiliary verb together (할것이다, 있을수 있다, 하고있다).
    pub spacing_forms_pairs: usize,
    pub spacing_forms_terms: usize,
    pub spacing_forms_found: usize,
    /// Southern terms most often missed on the Northern side.
    pub missed: Vec<(String, usize)>,
    /// The same, in the pairs that differ only by spacing.
    pub spacing_missed: Vec<(String, usize)>,
    /// Normalised Northern terms the Southern side lacks, with the text.
    pub wrong: Vec<(String, String, usize)>,
}

impl OrthographyReport {
    pub fn south_recall(&self) -> f64 {
        ratio(self.south_found, self.south_terms)
    }
    pub fn north_recall(&self) -> f64 {
        ratio(self.north_found, self.north_terms)
    }
    /// Wrongly mapped Northern terms, as a share of all Northern terms.
    pub fn wrong_share(&self) -> f64 {
        ratio(self.normalized_wrong, self.north_terms)
    }
    pub fn spacing_recall(&self) -> f64 {
        ratio(self.spacing_found, self.spacing_terms)
    }
    pub fn spacing_forms_recall(&self) -> f64 {
        ratio(self.spacing_forms_found, self.spacing_forms_terms)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Whether `nk` writes together what `ko` spaces: 것 or 수 after a word
/// (할것이다, 있을수 있다) or 있다 after -고 (하고있다).
fn has_northern_spacing(ko: &str, nk: &str) -> bool {
    [" 것", " 수 ", "고 있"]
        .iter()
        .any(|m| ko.matches(m).count() > nk.matches(m).count())
}

/// The 40 commonest, commonest first.
fn most(counts: BTreeMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(40);
    v
}

fn unspaced(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Compares each Southern line with the Northern line of the same number.
pub fn measure<'a>(
    south: impl IntoIterator<Item = &'a str>,
    north: impl IntoIterator<Item = &'a str>,
) -> OrthographyReport {
    let mut analyzer = Analyzer::new();
    let mut r = OrthographyReport::default();
    let mut missed: BTreeMap<String, usize> = BTreeMap::new();
    let mut spacing_missed: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (ko, nk) in south.into_iter().zip(north) {
        r.pairs += 1;
        let ko_tokens = analyzer.explain(ko);
        let nk_tokens = analyzer.explain(nk);
        let kept = |t: &[crate::analysis::TokenReport]| -> Vec<String> {
            t.iter()
                .filter(|t| t.kept)
                .map(|t| t.text.clone())
                .collect()
        };
        let (ko_terms, nk_terms) = (kept(&ko_tokens), kept(&nk_tokens));
        let ko_set: HashSet<&str> = ko_terms.iter().map(String::as_str).collect();
        let nk_set: HashSet<&str> = nk_terms.iter().map(String::as_str).collect();
        let found = ko_terms
            .iter()
            .filter(|t| nk_set.contains(t.as_str()))
            .count();
        if unspaced(ko) == unspaced(nk) {
            r.spacing_pairs += 1;
            r.spacing_terms += ko_terms.len();
            r.spacing_found += found;
            if has_northern_spacing(ko, nk) {
                r.spacing_forms_pairs += 1;
                r.spacing_forms_terms += ko_terms.len();
                r.spacing_forms_found += found;
            }
            for t in ko_terms.iter().filter(|t| !nk_set.contains(t.as_str())) {
                *spacing_missed.entry(t.clone()).or_default() += 1;
            }
            continue;
        }
        r.differing += 1;
        r.south_terms += ko_terms.len();
        r.south_found += found;
        for t in ko_terms.iter().filter(|t| !nk_set.contains(t.as_str())) {
            *missed.entry(t.clone()).or_default() += 1;
        }
        r.north_terms += nk_terms.len();
        r.north_found += nk_terms
            .iter()
            .filter(|t| ko_set.contains(t.as_str()))
            .count();
        let ko_unspaced = unspaced(ko);
        for t in nk_tokens.iter().filter(|t| t.kept) {
            if matches!(t.note, Some(Note::Normalized(_) | Note::Name(_))) {
                r.normalized += 1;
                // Right if the Southern sentence has the term, or writes it
                // (연례 행사 for 년례행사, indexed whole on one side only).
                if !ko_set.contains(t.text.as_str()) && !ko_unspaced.contains(t.text.as_str()) {
                    r.normalized_wrong += 1;
                    let written = t.written.clone().unwrap_or_default();
                    *wrong.entry((written, t.text.clone())).or_default() += 1;
                }
            }
        }
    }
    r.missed = most(missed);
    r.spacing_missed = most(spacing_missed);
    let mut wrong: Vec<_> = wrong.into_iter().map(|((w, t), n)| (w, t, n)).collect();
    wrong.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    r.wrong = wrong;
    r
}
