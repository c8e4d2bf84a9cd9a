//! Highlights a program can use without decoding UTF-8 by hand: byte ranges
//! as UTF-16 code units (JavaScript's string indexes) and as code points
//! (Python's), and the snippet with its matches between marks.

use std::ops::Range;

/// `ranges` (byte offsets into `text`, on char boundaries) in UTF-16 code
/// units.
pub fn utf16(text: &str, ranges: &[[usize; 2]]) -> Vec<[usize; 2]> {
    convert(text, ranges, char::len_utf16)
}

/// `ranges` (byte offsets into `text`, on char boundaries) in code points.
pub fn codepoints(text: &str, ranges: &[[usize; 2]]) -> Vec<[usize; 2]> {
    convert(text, ranges, |_| 1)
}

/// One pass over `text`, counting each char as `units` of it.
fn convert(text: &str, ranges: &[[usize; 2]], units: fn(char) -> usize) -> Vec<[usize; 2]> {
    let mut bounds: Vec<usize> = ranges.iter().flatten().copied().collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut at = Vec::with_capacity(bounds.len());
    let (mut next, mut count) = (0, 0);
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        while next < bounds.len() && bounds[next] <= i {
            at.push((bounds[next], count));
            next += 1;
        }
        count += units(c);
    }
    let find = |b: usize| at.iter().find(|(x, _)| *x == b).map_or(0, |(_, n)| *n);
    ranges.iter().map(|[s, e]| [find(*s), find(*e)]).collect()
}

/// `snippet` with every range of `marks` between `pair[0]` and `pair[1]`.
pub fn marked(snippet: &str, marks: &[Range<usize>], pair: &[String; 2]) -> String {
    let mut out = String::with_capacity(snippet.len() + marks.len() * 9);
    let mut at = 0;
    for m in marks {
        if m.start < at || m.end > snippet.len() || !snippet.is_char_boundary(m.start) {
            continue;
        }
        out.push_str(&snippet[at..m.start]);
        out.push_str(&pair[0]);
        out.push_str(&snippet[m.start..m.end]);
        out.push_str(&pair[1]);
        at = m.end;
    }
    out.push_str(&snippet[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_in_each_unit() {
        // 러 is 3 bytes, 1 code point, 1 UTF-16 unit; 𝕏 is 4, 1, 2.
        let t = "𝕏 러시아 x";
        let r = [[5, 14], [15, 16]];
        assert_eq!(&t[5..14], "러시아");
        assert_eq!(codepoints(t, &r), [[2, 5], [6, 7]]);
        assert_eq!(utf16(t, &r), [[3, 6], [7, 8]]);
        let pair = ["<em>".to_string(), "</em>".to_string()];
        assert_eq!(
            marked(t, &[5..14, 15..16], &pair),
            "𝕏 <em>러시아</em> <em>x</em>"
        );
    }
}
