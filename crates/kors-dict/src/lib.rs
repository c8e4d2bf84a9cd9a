//! mecab-ko-dic 2.1.1-20180720 in lindera's format, built by `build.rs` from
//! the committed source in `dict-src/` and embedded in the binary, so that
//! kors analyses Korean with no file beside it and no download at build time.

use std::sync::OnceLock;

pub use lindera_dictionary;
use lindera_dictionary::dictionary::Dictionary;

mod embedded {
    lindera_dictionary::embedded_dictionary!("/ko-dic", EmbeddedKoDicLoader);
}

static SPACE_PENALTY: &[u8] = include_bytes!(concat!(
    env!("LINDERA_WORKDIR"),
    "/ko-dic/space_penalty.bin"
));
static SPACE_PENALTY_UNK: &[u8] = include_bytes!(concat!(
    env!("LINDERA_WORKDIR"),
    "/ko-dic/space_penalty_unk.bin"
));

/// The embedded dictionary, loaded once per process (about a millisecond:
/// every part is read in place from the binary's data).
pub fn dictionary() -> &'static Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(|| embedded::load().expect("embedded mecab-ko-dic is valid"))
}

/// mecab-ko's left-space penalty for a system word id: the extra cost of
/// that entry when it begins right after whitespace (particles, endings,
/// copula and suffixes rarely do).
#[inline]
pub fn space_penalty(word_id: u32) -> i32 {
    class_cost(SPACE_PENALTY.get(word_id as usize).copied().unwrap_or(0))
}

/// The same for an unknown-word entry id.
#[inline]
pub fn space_penalty_unknown(word_id: u32) -> i32 {
    class_cost(
        SPACE_PENALTY_UNK
            .get(word_id as usize)
            .copied()
            .unwrap_or(0),
    )
}

#[inline]
fn class_cost(class: u8) -> i32 {
    match class {
        1 => 3000,
        2 => 6000,
        _ => 0,
    }
}
