//! char.bin (MeCab 0.996 char_property.cpp) and char.def.
//!
//! Layout, little endian: `u32 n; char[32] name[n]; u32 CharInfo[0xffff]`
//! for code points 0..=0xfffe. CharInfo is a GCC bitfield, least significant
//! bit first: `type:18 default_type:8 length:4 group:1 invoke:1`, where
//! `type` has one bit per category the code point belongs to and
//! invoke/group/length are those of its default category.

use std::path::Path;

use crate::error::{le_u32, read_all, Error};

/// Number of CharInfo records: code points 0..=0xfffe (MeCab never stores 0xffff).
pub const CHAR_INFO_COUNT: usize = 0xffff;
/// Bytes per category name.
pub const CHAR_NAME_SIZE: usize = 32;

/// One code point's packed character information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CharInfo(pub u32);

impl CharInfo {
    /// Bit `i` set: the code point belongs to category `i`.
    pub fn type_mask(self) -> u32 {
        self.0 & 0x3ffff
    }
    /// Index of the primary (default) category.
    pub fn default_type(self) -> usize {
        ((self.0 >> 18) & 0xff) as usize
    }
    pub fn length(self) -> u8 {
        ((self.0 >> 26) & 0xf) as u8
    }
    pub fn group(self) -> bool {
        (self.0 >> 30) & 1 == 1
    }
    pub fn invoke(self) -> bool {
        (self.0 >> 31) == 1
    }
    fn params(self) -> CategoryParams {
        CategoryParams {
            invoke: self.invoke(),
            group: self.group(),
            length: self.length(),
        }
    }
}

/// The unknown-word parameters of a category (char.def `NAME invoke group length`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CategoryParams {
    pub invoke: bool,
    pub group: bool,
    pub length: u8,
}

/// A decoded, validated char.bin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharProperty {
    /// Category names in id order.
    pub names: Vec<String>,
    /// `info[cp]` for code points 0..=0xfffe.
    pub info: Vec<CharInfo>,
    /// Per category: its parameters, or `None` when no code point has it as
    /// default category (char.bin then does not record them).
    pub params: Vec<Option<CategoryParams>>,
}

/// Reads and validates char.bin.
pub fn read_char_bin(path: &Path) -> Result<CharProperty, Error> {
    parse_char_bin(path, &read_all(path)?)
}

/// Decodes char.bin held in memory; `file` only names it in errors.
///
/// Besides sizes, checks what char.def output relies on: every default
/// category exists and is among the code point's categories, no category bit
/// beyond the names, one set of parameters per category, and a `DEFAULT`
/// category.
pub fn parse_char_bin(file: &Path, data: &[u8]) -> Result<CharProperty, Error> {
    let have = data.len() as u64;
    if data.len() < 4 {
        return Err(Error::Truncated {
            file: file.into(),
            what: "category count",
            need: 4,
            have,
        });
    }
    let n = le_u32(data, 0) as u64;
    let need = 4 + CHAR_NAME_SIZE as u64 * n + 4 * CHAR_INFO_COUNT as u64;
    if have < need {
        return Err(Error::Truncated {
            file: file.into(),
            what: "category names and 0xffff char infos",
            need,
            have,
        });
    }
    if have > need {
        return Err(Error::size(
            file,
            format!("{n} categories + 0xffff char infos need {need} bytes, file has {have}"),
        ));
    }
    let n = n as usize;
    let mut names = Vec::with_capacity(n);
    for i in 0..n {
        let raw = &data[4 + CHAR_NAME_SIZE * i..4 + CHAR_NAME_SIZE * (i + 1)];
        let raw = &raw[..raw.iter().position(|&b| b == 0).unwrap_or(CHAR_NAME_SIZE)];
        names.push(
            std::str::from_utf8(raw)
                .map_err(|_| Error::Encoding {
                    file: file.into(),
                    detail: format!("category name {i} {raw:?} is not UTF-8"),
                })?
                .to_string(),
        );
    }
    let off = 4 + CHAR_NAME_SIZE * n;
    let info: Vec<CharInfo> = (0..CHAR_INFO_COUNT)
        .map(|cp| CharInfo(le_u32(data, off + 4 * cp)))
        .collect();

    // Categories with ids >= 18 cannot appear in the 18-bit type mask.
    let all = if n >= 18 { 0x3ffff } else { (1u32 << n) - 1 };
    let mut params: Vec<Option<CategoryParams>> = vec![None; n];
    for (cp, &ci) in info.iter().enumerate() {
        let dt = ci.default_type();
        if dt >= n {
            return Err(Error::malformed(
                file,
                format!("U+{cp:04X}: default category {dt}, only {n} categories"),
            ));
        }
        let t = ci.type_mask();
        // dt >= 18 has no bit in the mask, so it cannot be among the types
        if dt >= 18 || t & (1 << dt) == 0 || t & !all != 0 {
            return Err(Error::malformed(
                file,
                format!("U+{cp:04X}: type bits {t:#x} do not match categories (default {dt})"),
            ));
        }
        let p = ci.params();
        match params[dt] {
            None => params[dt] = Some(p),
            Some(q) if q != p => {
                return Err(Error::malformed(
                    file,
                    format!(
                        "inconsistent params for category {} at U+{cp:04X}",
                        names[dt]
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    if !names.iter().any(|s| s == "DEFAULT") {
        return Err(Error::malformed(file, "no DEFAULT category"));
    }
    Ok(CharProperty {
        names,
        info,
        params,
    })
}

impl CharProperty {
    /// Category names of a code point, its default category first (ids
    /// without a name, possible only for a `ci` not taken from `self.info`,
    /// are left out).
    pub fn categories(&self, ci: CharInfo, primary_only: bool) -> Vec<&str> {
        let dt = ci.default_type();
        let mut v: Vec<&str> = self.names.get(dt).map(String::as_str).into_iter().collect();
        if !primary_only {
            v.extend(
                (0..self.names.len())
                    .filter(|&i| i != dt && i < 18 && ci.type_mask() >> i & 1 == 1)
                    .map(|i| self.names[i].as_str()),
            );
        }
        v
    }

    /// char.def text exactly as decompile.py writes it: two comment lines,
    /// one `NAME invoke group length` line per category, a blank line, then
    /// one line per maximal run of identical CharInfo whose label is not
    /// plain `DEFAULT`. Runs never overlap: lindera merges overlapping
    /// ranges where MeCab lets later lines overwrite earlier ones, so only
    /// disjoint ranges mean the same to both.
    pub fn char_def(&self, primary_only: bool) -> String {
        let default_id = self
            .names
            .iter()
            .position(|s| s == "DEFAULT")
            .expect("validated by parse_char_bin");
        let missing: Vec<&str> = (0..self.names.len())
            .filter(|&i| self.params[i].is_none())
            .map(|i| self.names[i].as_str())
            .collect();
        let mut out = String::from("# decompiled from char.bin (MeCab char_property.cpp format)\n");
        out.push_str("# categories never used as a default type get params 0 1 0: ");
        out.push_str(&if missing.is_empty() {
            "(none)".to_string()
        } else {
            missing.join(" ")
        });
        out.push('\n');
        for (name, p) in self.names.iter().zip(&self.params) {
            // MeCab's own defaults for a category it has no code point for
            let p = p.unwrap_or(CategoryParams {
                invoke: false,
                group: true,
                length: 0,
            });
            out.push_str(&format!(
                "{name} {} {} {}\n",
                p.invoke as u8, p.group as u8, p.length
            ));
        }
        out.push('\n');
        let mut start = 0usize;
        for cp in 1..=CHAR_INFO_COUNT {
            if cp == CHAR_INFO_COUNT || self.info[cp] != self.info[start] {
                let label = self.categories(self.info[start], primary_only).join(" ");
                if label != self.names[default_id] {
                    if cp - 1 == start {
                        out.push_str(&format!("0x{start:04X} {label}\n"));
                    } else {
                        out.push_str(&format!("0x{start:04X}..0x{:04X} {label}\n", cp - 1));
                    }
                }
                start = cp;
            }
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("char.bin")
    }

    pub(crate) fn ci(types: &[usize], dt: usize, len: u32, group: bool, invoke: bool) -> u32 {
        let t: u32 = types.iter().map(|&i| 1u32 << i).sum();
        t | (dt as u32) << 18 | len << 26 | (group as u32) << 30 | (invoke as u32) << 31
    }

    pub(crate) fn make_char_bin(names: &[&str], info: &[u32]) -> Vec<u8> {
        let mut v = (names.len() as u32).to_le_bytes().to_vec();
        for n in names {
            let mut b = [0u8; 32];
            b[..n.len()].copy_from_slice(n.as_bytes());
            v.extend_from_slice(&b);
        }
        for x in info {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v
    }

    /// DEFAULT(0) everywhere, SPACE(1) at 0x20, ALPHA(2) at A-Z, KANJI(3)
    /// at 0x4E00..=0x4E02 with 0x4E01 also NUMERIC(4), and KATAKANA(5),
    /// never a default category, as secondary at 0xFFFE.
    fn sample() -> Vec<u32> {
        let mut info = vec![ci(&[0], 0, 0, true, false); CHAR_INFO_COUNT];
        info[0x20] = ci(&[1], 1, 0, true, false);
        for c in b'A'..=b'Z' {
            info[c as usize] = ci(&[2], 2, 0, true, true);
        }
        info[0x4E00..=0x4E02].fill(ci(&[3], 3, 2, false, false));
        info[0x4E01] = ci(&[3, 4], 3, 2, false, false);
        info[0xFFFE] = ci(&[0, 5], 0, 0, true, false);
        info
    }
    const NAMES: &[&str] = &["DEFAULT", "SPACE", "ALPHA", "KANJI", "NUMERIC", "KATAKANA"];

    #[test]
    fn decodes_bitfields_and_writes_char_def() {
        let info = sample();
        let cp = parse_char_bin(p(), &make_char_bin(NAMES, &info)).unwrap();
        assert_eq!(cp.names, NAMES);
        let a = cp.info[b'A' as usize];
        assert_eq!((a.default_type(), a.type_mask(), a.length()), (2, 4, 0));
        assert!(a.invoke() && a.group());
        let k = cp.info[0x4E01];
        assert_eq!(
            (k.default_type(), k.type_mask(), k.length()),
            (3, 0b11000, 2)
        );
        assert!(!k.invoke() && !k.group());
        let kanji = CategoryParams {
            invoke: false,
            group: false,
            length: 2,
        };
        assert_eq!((cp.params[3], cp.params[4]), (Some(kanji), None));
        assert_eq!(
            cp.char_def(false),
            "# decompiled from char.bin (MeCab char_property.cpp format)\n\
             # categories never used as a default type get params 0 1 0: NUMERIC KATAKANA\n\
             DEFAULT 0 1 0\n\
             SPACE 0 1 0\n\
             ALPHA 1 1 0\n\
             KANJI 0 0 2\n\
             NUMERIC 0 1 0\n\
             KATAKANA 0 1 0\n\
             \n\
             0x0020 SPACE\n\
             0x0041..0x005A ALPHA\n\
             0x4E00 KANJI\n\
             0x4E01 KANJI NUMERIC\n\
             0x4E02 KANJI\n\
             0xFFFE DEFAULT KATAKANA\n"
        );
        let primary = cp.char_def(true);
        assert!(primary.ends_with(
            "0x0020 SPACE\n0x0041..0x005A ALPHA\n0x4E00 KANJI\n0x4E01 KANJI\n0x4E02 KANJI\n"
        ));
    }

    #[test]
    fn errors() {
        let info = sample();
        let good = make_char_bin(NAMES, &info);
        let e = parse_char_bin(p(), &good[..3]).unwrap_err();
        assert!(matches!(e, Error::Truncated { need: 4, .. }), "{e}");
        let e = parse_char_bin(p(), &good[..good.len() - 4]).unwrap_err();
        assert!(matches!(e, Error::Truncated { .. }), "{e}");
        assert!(e.to_string().starts_with("char.bin: truncated"), "{e}");
        let mut long = good.clone();
        long.push(0);
        assert!(matches!(
            parse_char_bin(p(), &long),
            Err(Error::SizeMismatch { .. })
        ));
        // a huge category count must not overflow or allocate
        let mut huge = good.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            parse_char_bin(p(), &huge),
            Err(Error::Truncated { .. })
        ));

        let mut bad = info.clone();
        bad[0x41] = ci(&[2], 2, 3, true, true); // ALPHA with another length
        let e = parse_char_bin(p(), &make_char_bin(NAMES, &bad)).unwrap_err();
        assert!(
            e.to_string()
                .contains("inconsistent params for category ALPHA"),
            "{e}"
        );

        let mut bad = info.clone();
        bad[0x41] = ci(&[2], 9, 0, true, true);
        let e = parse_char_bin(p(), &make_char_bin(NAMES, &bad)).unwrap_err();
        assert!(e.to_string().contains("default category 9"), "{e}");

        let mut bad = info.clone();
        bad[0x41] = ci(&[1], 2, 0, true, true); // default not among its types
        let e = parse_char_bin(p(), &make_char_bin(NAMES, &bad)).unwrap_err();
        assert!(e.to_string().contains("type bits"), "{e}");

        // 40 categories: default type 39 cannot be in the 18-bit mask (and
        // must not overflow the shift)
        let many: Vec<String> = (0..40).map(|i| format!("C{i}")).collect();
        let mut many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
        many_refs[0] = "DEFAULT";
        let mut bad = info.clone();
        bad[0x41] = (1 << 17) | 39 << 18;
        let e = parse_char_bin(p(), &make_char_bin(&many_refs, &bad)).unwrap_err();
        assert!(e.to_string().contains("type bits"), "{e}");

        let mut bad = info.clone();
        bad[0x41] = ci(&[2, 7], 2, 0, true, true); // bit beyond the 6 names
        assert!(parse_char_bin(p(), &make_char_bin(NAMES, &bad)).is_err());

        let names = ["OTHER", "SPACE", "ALPHA", "KANJI", "NUMERIC", "KATAKANA"];
        let e = parse_char_bin(p(), &make_char_bin(&names, &info)).unwrap_err();
        assert!(e.to_string().contains("no DEFAULT"), "{e}");
    }
}
