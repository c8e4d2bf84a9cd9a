//! What a document says, in a few hundred bytes: the hash of its cleaned
//! text (exact copies share it) and a MinHash sketch of its word 4-grams
//! (near-copies have sketches that mostly agree). `index::copies` groups
//! documents into stories with them; `kors search` then shows a story once.
//!
//! The sketch is MinHash (Broder 1997) over [`BINS`] hash functions (the
//! 4-gram's hash xor a seed, through MurmurHash3's finaliser), each keeping
//! the least value over the text's 4-grams; the fraction of equal bins estimates the
//! Jaccard similarity of two texts' 4-gram sets (standard deviation 0.03
//! near 0.8). One-permutation hashing, one hash per 4-gram, was tried and
//! left: on short stories (a hundred words) most bins are filled by
//! borrowing, and templated notes ("Kim Jong Il's Work Posted on Website
//! of …", similarity 0.78) were estimated at 0.91. [`BINS`] hashes per word
//! cost a few percent of an ingest (see [`add`]). Every hash here is fixed (FNV-1a,
//! splitmix64), as sketches are stored in the index and compared across
//! builds.

use super::Fnv1a64;

/// Bins of a sketch.
pub const BINS: usize = 128;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 4;
/// Estimated Jaccard similarity of the 4-gram sets at or above which two
/// documents are near-copies: about one changed word in 80. Hand-checked on
/// KCNA and the court decisions: re-issues with a changed date or headline
/// score 0.89–0.97; stories on other events written from one template
/// ("… Work Posted on Website of Swiss / Swedish Organization", "Music
/// Director … Here / Leaves") 0.75–0.82 (see BENCHMARKS.md, "Copies").
pub const NEAR_COPY: f32 = 0.9;
/// Locality-sensitive hashing: a near-copy shares at least one band (of
/// [`BAND_ROWS`] bins) with its original with probability 0.9999 at
/// similarity 0.9, and a document at 0.5 with 0.06; candidates are then
/// checked against the whole sketch.
pub const BANDS: usize = 16;
/// Bins per band.
pub const BAND_ROWS: usize = 8;

/// A document's text hash and sketch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sketch {
    /// FNV-1a 64 of the cleaned text: equal for exact copies.
    pub text_hash: u64,
    /// The least hash of each bin, 8 of its bits (b-bit MinHash: Li &
    /// König 2010): unequal bins agree once in 256, which
    /// [`Sketch::similarity`] takes out; 16 bits cost a fifth more index on
    /// short stories for no better estimate.
    pub bins: [u8; BINS],
}

/// Bytes of a sketch as stored: the text hash, then the bins, little-endian.
pub const STORED_LEN: usize = 8 + BINS;

impl Sketch {
    /// The sketch of a cleaned text.
    pub fn of(text: &str) -> Sketch {
        let mut whole = Fnv1a64::default();
        whole.write(text.as_bytes());
        let mut window = [0u64; SHINGLE_WORDS];
        let mut words = 0usize;
        let mut hashes = Vec::with_capacity(text.len() / 6);
        let fold = |h: u64| (h ^ (h >> 32)) as u32;
        for_each_word(text, |word| {
            window[words % SHINGLE_WORDS] = word;
            words += 1;
            if words >= SHINGLE_WORDS {
                hashes.push(fold(shingle_hash(&window, words)));
            }
        });
        if words > 0 && words < SHINGLE_WORDS {
            // A text shorter than one shingle is its one shingle.
            hashes.push(fold(shingle_hash(&window, words)));
        }
        let mut mins = [u32::MAX; BINS];
        add_all(&mut mins, &hashes);
        Sketch {
            text_hash: whole.finish(),
            // The low bits of a least value are as random as any value's.
            bins: mins.map(|m| m as u8),
        }
    }

    /// The estimated Jaccard similarity of the two texts' 4-gram sets.
    pub fn similarity(&self, other: &Sketch) -> f32 {
        let same = self
            .bins
            .iter()
            .zip(&other.bins)
            .filter(|(a, b)| a == b)
            .count();
        // Unequal bins agree by chance with probability 1/256.
        let chance = 1.0 / 256.0;
        ((same as f32 / BINS as f32 - chance) / (1.0 - chance)).clamp(0.0, 1.0)
    }

    /// The band keys (band number and its bins, hashed) for candidate lookup.
    pub fn bands(&self) -> [u64; BANDS] {
        std::array::from_fn(|band| {
            let mut h = Fnv1a64::default();
            h.write(&(band as u64).to_le_bytes());
            h.write(&self.bins[band * BAND_ROWS..(band + 1) * BAND_ROWS]);
            h.finish()
        })
    }

    /// The stored form ([`STORED_LEN`] bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(STORED_LEN);
        out.extend_from_slice(&self.text_hash.to_le_bytes());
        out.extend_from_slice(&self.bins);
        out
    }

    /// Reads the stored form; `None` if it is not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sketch> {
        if bytes.len() != STORED_LEN {
            return None;
        }
        let text_hash = u64::from_le_bytes(bytes[..8].try_into().ok()?);
        let bins = bytes[8..].try_into().ok()?;
        Some(Sketch { text_hash, bins })
    }
}

/// Whether `b` starts with a Hangul syllable (U+AC00–U+D7A3: UTF-8
/// EA B0 80 to ED 9E A3).
#[inline]
fn hangul_syllable(b: &[u8]) -> bool {
    let c = match b {
        [x, y, z, ..] => u32::from(x & 0x0F) << 12 | u32::from(y & 0x3F) << 6 | u32::from(z & 0x3F),
        _ => return false,
    };
    (0xAC00..=0xD7A3).contains(&c)
}

/// The hash of each word (a run of letters and digits), case-folded:
/// "Putin" and "PUTIN" are one word. FNV-1a of the lower-cased UTF-8,
/// read byte by byte where the text is ASCII (most of an English ingest's
/// sketching was decoding characters).
fn for_each_word(text: &str, mut word: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let mut h = Fnv1a64::default();
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (alnum, len) = if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                h.write(&[b.to_ascii_lowercase()]);
            }
            (b.is_ascii_alphanumeric(), 1)
        } else if (0xEA..=0xED).contains(&b) && hangul_syllable(&bytes[i..]) {
            // A Hangul syllable (most of a Korean text): a letter without
            // case, hashed as it is (`is_alphanumeric` and `to_lowercase`
            // search Unicode's tables for every one).
            h.write(&bytes[i..i + 3]);
            (true, 3)
        } else {
            let c = text[i..].chars().next().expect("a char boundary");
            if c.is_alphanumeric() {
                let mut buf = [0u8; 4];
                for l in c.to_lowercase() {
                    h.write(l.encode_utf8(&mut buf).as_bytes());
                }
            }
            (c.is_alphanumeric(), c.len_utf8())
        };
        if alnum {
            in_word = true;
        } else if in_word {
            word(h.finish());
            h = Fnv1a64::default();
            in_word = false;
        }
        i += len;
    }
    if in_word {
        word(h.finish());
    }
}

/// The hash of the last `min(words, SHINGLE_WORDS)` words, in order, from
/// the ring `window` (the newest word at `(words - 1) % SHINGLE_WORDS`).
fn shingle_hash(window: &[u64; SHINGLE_WORDS], words: usize) -> u64 {
    let n = words.min(SHINGLE_WORDS);
    let mut h = 0x9e37_79b9_7f4a_7c15u64;
    for k in 0..n {
        let w = window[(words - n + k) % SHINGLE_WORDS];
        h = splitmix64(h ^ w);
    }
    h
}

/// The seeds of the [`BINS`] hash functions.
const SEEDS: [u32; BINS] = {
    let mut out = [0u32; BINS];
    let mut state = 0x6b6f_7273_u64; // "kors"
    let mut i = 0;
    while i < BINS {
        state = splitmix64(state);
        out[i] = state as u32;
        i += 1;
    }
    out
};

/// Takes the 4-grams' hashes into every bin. 32-bit arithmetic
/// throughout, so the loop over the bins runs in vector registers: eight
/// bins at a time where the processor has AVX2 (chosen at run time; the
/// result is the same either way), four with the SSE2 every x86-64 has,
/// whose lack of a 32-bit multiply and minimum left sketching at 9% of an
/// English ingest.
fn add_all(mins: &mut [u32; BINS], hashes: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has just been found to support AVX2.
        unsafe { add_avx2(mins, hashes) };
        return;
    }
    add_lanes(mins, hashes);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn add_avx2(mins: &mut [u32; BINS], hashes: &[u32]) {
    add_lanes(mins, hashes);
}

#[inline(always)]
fn add_lanes(mins: &mut [u32; BINS], hashes: &[u32]) {
    for &x in hashes {
        for (m, &seed) in mins.iter_mut().zip(SEEDS.iter()) {
            *m = (*m).min(fmix32(x ^ seed));
        }
    }
}

/// MurmurHash3's finaliser: a bijection of u32 that mixes every bit.
#[inline(always)]
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A story of 130 words, for tests here and in `index::copies`.
#[cfg(test)]
pub(crate) const TEST_STORY: &str =
    "Pyongyang, June 19 (KCNA) -- Kim Jong Un and Vladimir Putin signed \
    the Treaty on Comprehensive Strategic Partnership between the DPRK and the Russian \
    Federation at the Kumsusan State Guesthouse on Wednesday. The treaty provides for \
    mutual assistance in case of aggression against either party, and for cooperation \
    in trade, science, culture and education between the two countries. Present at the \
    signing ceremony were members of the delegations of both sides, who applauded as the \
    leaders exchanged the documents and shook hands. The Russian President arrived in \
    Pyongyang early in the morning and was greeted at the airport by the Korean leader. \
    The two leaders then held talks in a friendly atmosphere, reviewing the development \
    of bilateral relations over the past years and discussing the international \
    situation, including the situation on the Korean peninsula and in Europe. They \
    agreed to expand exchanges in every field and to meet again in Moscow.";

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = TEST_STORY;

    #[test]
    fn exact_copies_share_hash_and_sketch() {
        let a = Sketch::of(STORY);
        assert_eq!(a, Sketch::of(STORY));
        assert_eq!(a.similarity(&Sketch::of(STORY)), 1.0);
        assert_ne!(
            a.text_hash,
            Sketch::of(&STORY.replace("June 19", "June 20")).text_hash
        );
    }

    #[test]
    fn a_changed_dateline_is_a_near_copy_and_another_story_is_not() {
        let a = Sketch::of(STORY);
        let b = Sketch::of(&STORY.replace("June 19", "June 20"));
        assert!(a.similarity(&b) >= NEAR_COPY, "{}", a.similarity(&b));
        let other = Sketch::of(
            "Pyongyang, June 19 (KCNA) -- A delegation of the Ministry of Culture left \
             Pyongyang for Moscow on Wednesday to attend the festival of Korean films.",
        );
        assert!(a.similarity(&other) < 0.3, "{}", a.similarity(&other));
        // A dozen words changed of sixty: no longer a near-copy.
        let edited = STORY
            .replace("mutual assistance", "joint drills")
            .replace("science, culture", "sport, tourism")
            .replace("Wednesday", "Monday");
        let e = Sketch::of(&edited);
        assert!(a.similarity(&e) < NEAR_COPY, "{}", a.similarity(&e));
    }

    #[test]
    fn case_and_punctuation_do_not_matter_to_the_sketch() {
        let a = Sketch::of(STORY);
        let b = Sketch::of(&STORY.to_uppercase().replace(',', " "));
        assert_eq!(a.bins, b.bins);
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_in_any_script_case_folded() {
        let text = "Putin's VISIT: 뿌찐 방문, Путин-2024 ÉTÉ… ok 가힣·ㄱㅏ 漢字 ힰ\u{D7A4}";
        let mut got = Vec::new();
        for_each_word(text, |h| got.push(h));
        let want: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| {
                let mut h = Fnv1a64::default();
                h.write(w.to_lowercase().as_bytes());
                h.finish()
            })
            .collect();
        assert_eq!(got.len(), 13);
        assert_eq!(got, want);
    }

    #[test]
    fn stored_form_round_trips_and_short_or_empty_texts_are_sketched() {
        for text in [STORY, "뿌찐 방문", "", "..."] {
            let s = Sketch::of(text);
            assert_eq!(Sketch::from_bytes(&s.to_bytes()), Some(s));
        }
        assert_eq!(Sketch::from_bytes(&[1, 2, 3]), None);
        assert_ne!(Sketch::of("뿌찐 방문").bins, Sketch::of("뿌찐 귀국").bins);
    }
}
