//! sys.dic / unk.dic (MeCab 0.996 dictionary.cpp) and their source forms.
//!
//! Layout, little endian: `u32 magic (0xef718f77 ^ file size), version (102),
//! type, lexsize, lsize, rsize, dsize, tsize, fsize, dummy; char[32] charset`;
//! then the Darts double array (dsize bytes), the token array (tsize bytes of
//! 16-byte tokens `{u16 lcAttr, u16 rcAttr, u16 posid, i16 wcost, u32
//! feature, u32 compound}`) and the feature blob (fsize bytes of
//! NUL-terminated strings). The Darts value of a surface is
//! `(first token index << 8) | token count`.

use std::io::Write;
use std::path::Path;

use crate::darts::darts_keys;
use crate::error::{le_u16, le_u32, read_all, Error};

/// XORed with the file size to give the magic word.
pub const DIC_MAGIC: u32 = 0xef71_8f77;
/// The only dictionary version MeCab 0.996 reads and writes.
pub const DIC_VERSION: u32 = 102;
/// Header size: ten u32 fields and a 32-byte charset name.
pub const DIC_HEADER_SIZE: usize = 72;
/// Size of one token record.
pub const TOKEN_SIZE: usize = 16;

/// The header of a compiled dictionary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DicHeader {
    /// 0 system (sys.dic), 1 user, 2 unknown-word (unk.dic).
    pub dic_type: u32,
    /// Number of tokens (rows).
    pub lexsize: u32,
    /// Connection matrix dimensions the dictionary was compiled against.
    pub lsize: u32,
    pub rsize: u32,
    /// Byte sizes of the double array, token array and feature blob.
    pub dsize: u32,
    pub tsize: u32,
    pub fsize: u32,
    /// Text encoding of surfaces and features (only UTF-8 is accepted).
    pub charset: String,
}

/// One dictionary row: a token with its surface and feature string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub surface: String,
    /// Left context id (MeCab lcAttr).
    pub left_id: u16,
    /// Right context id (MeCab rcAttr).
    pub right_id: u16,
    pub pos_id: u16,
    pub cost: i16,
    /// Comma-separated features, exactly as stored (already CSV).
    pub feature: String,
}

/// A decoded sys.dic or unk.dic: rows in token-array order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dictionary {
    pub header: DicHeader,
    pub entries: Vec<Entry>,
}

/// Order of same-surface rows in lex.csv.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LexOrder {
    /// Reverse each run of same-surface rows (decompile.py `--mecab-ties`).
    /// lindera keeps the *last* of equal-cost candidates, MeCab the *first*,
    /// so this makes lindera break exact ties the way MeCab does.
    #[default]
    MecabTies,
    /// Token-array order, i.e. what an official lindera-ko-dic build sees.
    Source,
}

/// Reads and decodes a compiled dictionary file (sys.dic or unk.dic).
pub fn read_dic(path: &Path) -> Result<Dictionary, Error> {
    parse_dic(path, &read_all(path)?)
}

/// Decodes a compiled dictionary held in memory; `file` only names it in errors.
pub fn parse_dic(file: &Path, data: &[u8]) -> Result<Dictionary, Error> {
    let len = data.len() as u64;
    if data.len() < DIC_HEADER_SIZE {
        return Err(Error::Truncated {
            file: file.into(),
            what: "header",
            need: DIC_HEADER_SIZE as u64,
            have: len,
        });
    }
    let f = |i: usize| le_u32(data, 4 * i);
    let magic = f(0);
    // The magic encodes the file size, so a cut or padded file fails here.
    if u64::from(magic ^ DIC_MAGIC) != len {
        return Err(Error::BadMagic {
            file: file.into(),
            found: magic,
            expected: DIC_MAGIC ^ (len as u32),
            len,
        });
    }
    if f(1) != DIC_VERSION {
        return Err(Error::BadVersion {
            file: file.into(),
            found: f(1),
            expected: DIC_VERSION,
        });
    }
    let charset_raw = &data[40..72];
    let charset_raw = &charset_raw[..charset_raw.iter().position(|&b| b == 0).unwrap_or(32)];
    let charset = std::str::from_utf8(charset_raw)
        .map_err(|_| Error::Encoding {
            file: file.into(),
            detail: format!("charset name {charset_raw:?} is not UTF-8"),
        })?
        .to_string();
    let header = DicHeader {
        dic_type: f(2),
        lexsize: f(3),
        lsize: f(4),
        rsize: f(5),
        dsize: f(6),
        tsize: f(7),
        fsize: f(8),
        charset,
    };
    if !matches!(
        header.charset.to_ascii_lowercase().as_str(),
        "utf-8" | "utf8"
    ) {
        return Err(Error::Encoding {
            file: file.into(),
            detail: format!("charset {:?} is not supported (only UTF-8)", header.charset),
        });
    }
    let body = DIC_HEADER_SIZE as u64
        + u64::from(header.dsize)
        + u64::from(header.tsize)
        + u64::from(header.fsize);
    if body != len {
        return Err(Error::size(
            file,
            format!(
                "header + dsize {} + tsize {} + fsize {} = {body} bytes, file has {len}",
                header.dsize, header.tsize, header.fsize
            ),
        ));
    }
    let d0 = DIC_HEADER_SIZE;
    let t0 = d0 + header.dsize as usize;
    let f0 = t0 + header.tsize as usize;
    let da = &data[d0..t0];
    let tok = &data[t0..f0];
    let feat = &data[f0..];

    let mut keys =
        darts_keys(da).map_err(|e| Error::malformed(file, format!("double array: {e}")))?;
    // Stable, like Python's sort: the token ranges must tile the token array.
    keys.sort_by_key(|k| k.value >> 8);
    let ntok = tok.len() / TOKEN_SIZE;
    let lexsize = header.lexsize as usize;
    // surface index per token, into `keys`
    let mut surface_of = vec![u32::MAX; ntok.min(lexsize)];
    let mut expect = 0usize;
    for (ki, k) in keys.iter().enumerate() {
        let (idx, cnt) = ((k.value >> 8) as usize, (k.value & 0xff) as usize);
        if idx != expect {
            return Err(Error::malformed(
                file,
                format!("token gap/overlap at {idx} (expected {expect})"),
            ));
        }
        expect = idx + cnt;
        if expect > surface_of.len() {
            return Err(Error::size(
                file,
                format!("keys cover tokens up to {expect}, lexsize {lexsize}, token array {ntok}"),
            ));
        }
        surface_of[idx..expect].fill(ki as u32);
    }
    if expect != lexsize || lexsize > ntok {
        return Err(Error::size(
            file,
            format!("keys cover {expect} tokens, lexsize {lexsize}, token array {ntok}"),
        ));
    }

    let mut surfaces = Vec::with_capacity(keys.len());
    for k in &keys {
        surfaces.push(utf8(file, &k.key, "surface")?);
    }
    let mut entries = Vec::with_capacity(lexsize);
    for (i, &s) in surface_of.iter().enumerate() {
        let o = i * TOKEN_SIZE;
        let foff = le_u32(tok, o + 8) as usize;
        let end = feat
            .get(foff..)
            .and_then(|t| t.iter().position(|&b| b == 0))
            .ok_or_else(|| {
                Error::malformed(
                    file,
                    format!("token {i}: feature offset {foff} has no NUL-terminated string"),
                )
            })?;
        entries.push(Entry {
            surface: surfaces[s as usize].clone(),
            left_id: le_u16(tok, o),
            right_id: le_u16(tok, o + 2),
            pos_id: le_u16(tok, o + 4),
            cost: le_u16(tok, o + 6) as i16,
            feature: utf8(file, &feat[foff..foff + end], "feature")?,
        });
    }
    Ok(Dictionary { header, entries })
}

fn utf8(file: &Path, b: &[u8], what: &str) -> Result<String, Error> {
    String::from_utf8(b.to_vec()).map_err(|_| Error::Encoding {
        file: file.into(),
        detail: format!("{what} {b:?} is not valid UTF-8"),
    })
}

/// Python's `str.isspace`: Unicode White_Space plus the four ASCII
/// separators U+001C..U+001F, which Rust's `char::is_whitespace` leaves out.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Quotes a CSV field the way decompile.py's `csv_field` does: when it holds
/// `,` `"` CR or LF, or starts or ends with whitespace (so that a reader that
/// trims fields keeps it), doubling inner quotes.
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    let needs =
        s.contains([',', '"', '\r', '\n']) || s.starts_with(py_isspace) || s.ends_with(py_isspace);
    if needs {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// Writes lex.csv (`surface,left_id,right_id,cost,features`, one row per
/// token, LF endings), byte for byte as decompile.py does.
pub fn write_lex_csv<W: Write>(
    entries: &[Entry],
    order: LexOrder,
    w: &mut W,
) -> std::io::Result<()> {
    let row = |w: &mut W, e: &Entry| {
        writeln!(
            w,
            "{},{},{},{},{}",
            csv_field(&e.surface),
            e.left_id,
            e.right_id,
            e.cost,
            e.feature
        )
    };
    match order {
        LexOrder::Source => entries.iter().try_for_each(|e| row(w, e)),
        LexOrder::MecabTies => entries
            .chunk_by(|a, b| a.surface == b.surface)
            .try_for_each(|run| run.iter().rev().try_for_each(|e| row(w, e))),
    }
}

/// lex.csv as bytes; see [`write_lex_csv`].
pub fn lex_csv(entries: &[Entry], order: LexOrder) -> Vec<u8> {
    // about 71 bytes a row for mecab-ko-dic
    let mut v = Vec::with_capacity(entries.len() * 80);
    write_lex_csv(entries, order, &mut v).expect("writing to a Vec cannot fail");
    v
}

/// unk.def text from unk.dic rows: the category name is written unquoted,
/// rows in token order (decompile.py does the same; lindera's reader takes
/// no blank lines).
pub fn unk_def(entries: &[Entry]) -> String {
    let mut s = String::new();
    for e in entries {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            e.surface, e.left_id, e.right_id, e.cost, e.feature
        ));
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::darts::tests::build;

    /// (surface, lc, rc, posid, cost, feature) rows, grouped by surface in
    /// the order the tokens are laid out.
    pub(crate) type Row<'a> = (&'a str, u16, u16, u16, i16, &'a str);

    /// Builds a compiled dictionary the way mecab-dict-index lays it out.
    pub(crate) fn make_dic(rows: &[Row], dic_type: u32, lsize: u32, rsize: u32) -> Vec<u8> {
        // token index ranges per surface (surfaces of a run are contiguous)
        let mut keys: Vec<(Vec<u8>, u32)> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            match keys.last_mut() {
                Some((k, v)) if k.as_slice() == r.0.as_bytes() => *v += 1,
                _ => keys.push((r.0.as_bytes().to_vec(), (i as u32) << 8 | 1)),
            }
        }
        keys.sort();
        let kref: Vec<(&[u8], u32)> = keys.iter().map(|(k, v)| (k.as_slice(), *v)).collect();
        let da = build(&kref);
        let mut feat = Vec::new();
        let mut tok = Vec::new();
        for r in rows {
            let off = feat.len() as u32;
            feat.extend_from_slice(r.5.as_bytes());
            feat.push(0);
            tok.extend_from_slice(&r.1.to_le_bytes());
            tok.extend_from_slice(&r.2.to_le_bytes());
            tok.extend_from_slice(&r.3.to_le_bytes());
            tok.extend_from_slice(&r.4.to_le_bytes());
            tok.extend_from_slice(&off.to_le_bytes());
            tok.extend_from_slice(&0u32.to_le_bytes());
        }
        let total = DIC_HEADER_SIZE + da.len() + tok.len() + feat.len();
        let mut v = Vec::with_capacity(total);
        for x in [
            DIC_MAGIC ^ total as u32,
            DIC_VERSION,
            dic_type,
            rows.len() as u32,
            lsize,
            rsize,
            da.len() as u32,
            tok.len() as u32,
            feat.len() as u32,
            0,
        ] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        let mut cs = [0u8; 32];
        cs[..5].copy_from_slice(b"UTF-8");
        v.extend_from_slice(&cs);
        v.extend_from_slice(&da);
        v.extend_from_slice(&tok);
        v.extend_from_slice(&feat);
        v
    }

    pub(crate) const ROWS: &[Row] = &[
        ("가", 10, 20, 1, 100, "NNG,*,F,가,*,*,*,*"),
        ("가", 11, 21, 2, 100, "VV,*,F,가,*,*,*,*"),
        ("가", 12, 22, 3, -5, "JKS,*,F,가,*,*,*,*"),
        (",", 1, 2, 4, 0, "SC,*,*,*,*,*,*,*"),
        ("\"", 1, 2, 5, 7, "SSO,*,*,*,*,*,*,*"),
        ("a,\"b\"", 3, 4, 6, 8, "SL,*,*,*,*,*,*,*"),
        ("x ", 5, 6, 7, 9, "SL,*,*,*,*,*,*,*"),
        ("가다", 7, 8, 8, -32768, "VV,*,F,가다,*,*,*,*"),
        ("b", 9, 9, 9, 32767, "SL,*,*,*,*,*,*,*"),
    ];

    fn p() -> &'static Path {
        Path::new("sys.dic")
    }

    #[test]
    fn decodes_rows_in_token_order() {
        let d = parse_dic(p(), &make_dic(ROWS, 0, 30, 40)).unwrap();
        assert_eq!(d.header.lexsize, ROWS.len() as u32);
        assert_eq!((d.header.lsize, d.header.rsize), (30, 40));
        assert_eq!(d.header.charset, "UTF-8");
        let got: Vec<_> = d
            .entries
            .iter()
            .map(|e| {
                (
                    e.surface.as_str(),
                    e.left_id,
                    e.right_id,
                    e.pos_id,
                    e.cost,
                    e.feature.as_str(),
                )
            })
            .collect();
        assert_eq!(got, ROWS);
    }

    #[test]
    fn lex_csv_quotes_and_reverses_ties() {
        let d = parse_dic(p(), &make_dic(ROWS, 0, 30, 40)).unwrap();
        let ties = String::from_utf8(lex_csv(&d.entries, LexOrder::MecabTies)).unwrap();
        assert_eq!(
            ties,
            "가,12,22,-5,JKS,*,F,가,*,*,*,*\n\
             가,11,21,100,VV,*,F,가,*,*,*,*\n\
             가,10,20,100,NNG,*,F,가,*,*,*,*\n\
             \",\",1,2,0,SC,*,*,*,*,*,*,*\n\
             \"\"\"\",1,2,7,SSO,*,*,*,*,*,*,*\n\
             \"a,\"\"b\"\"\",3,4,8,SL,*,*,*,*,*,*,*\n\
             \"x \",5,6,9,SL,*,*,*,*,*,*,*\n\
             가다,7,8,-32768,VV,*,F,가다,*,*,*,*\n\
             b,9,9,32767,SL,*,*,*,*,*,*,*\n"
        );
        let src = String::from_utf8(lex_csv(&d.entries, LexOrder::Source)).unwrap();
        let first: Vec<_> = src.lines().take(3).collect();
        assert_eq!(
            first,
            [
                "가,10,20,100,NNG,*,F,가,*,*,*,*",
                "가,11,21,100,VV,*,F,가,*,*,*,*",
                "가,12,22,-5,JKS,*,F,가,*,*,*,*"
            ]
        );
        assert_eq!(
            src.lines().skip(3).collect::<Vec<_>>(),
            ties.lines().skip(3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn csv_field_matches_python_rules() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a b"), "a b");
        assert_eq!(csv_field(" a"), "\" a\"");
        assert_eq!(csv_field("a\u{3000}"), "\"a\u{3000}\"");
        // Python's isspace counts U+001F; Rust's is_whitespace does not.
        assert_eq!(csv_field("a\u{1f}"), "\"a\u{1f}\"");
        // U+200B is not whitespace for either.
        assert_eq!(csv_field("a\u{200b}"), "a\u{200b}");
        assert_eq!(csv_field("a\rb"), "\"a\rb\"");
        assert_eq!(csv_field("\"\""), "\"\"\"\"\"\"");
    }

    #[test]
    fn unk_def_rows_are_unquoted() {
        let rows: &[Row] = &[
            ("ALPHA", 1, 2, 0, 3, "SL,*,*,*,*,*,*,*"),
            ("DEFAULT", 4, 5, 0, -6, "SY,*,*,*,*,*,*,*"),
            ("DEFAULT", 7, 8, 0, 9, "SF,*,*,*,*,*,*,*"),
        ];
        let d = parse_dic(Path::new("unk.dic"), &make_dic(rows, 2, 30, 40)).unwrap();
        assert_eq!(d.header.dic_type, 2);
        assert_eq!(
            unk_def(&d.entries),
            "ALPHA,1,2,3,SL,*,*,*,*,*,*,*\nDEFAULT,4,5,-6,SY,*,*,*,*,*,*,*\nDEFAULT,7,8,9,SF,*,*,*,*,*,*,*\n"
        );
    }

    /// Re-stamps the magic after editing a valid file, so the edit itself is
    /// what gets detected.
    fn fix_magic(v: &mut [u8]) {
        let m = DIC_MAGIC ^ v.len() as u32;
        v[..4].copy_from_slice(&m.to_le_bytes());
    }

    /// Corrupting any single byte or cutting the file anywhere gives an
    /// `Ok` or an `Err`, never a panic.
    #[test]
    fn corruption_never_panics() {
        let good = make_dic(ROWS, 0, 30, 40);
        let mut errors = 0;
        for i in 4..good.len() {
            for x in [0x01u8, 0x80, 0xff] {
                let mut v = good.clone();
                v[i] ^= x;
                errors += parse_dic(p(), &v).is_err() as usize;
            }
        }
        for n in 0..good.len() {
            let mut v = good[..n].to_vec();
            if n >= 4 {
                fix_magic(&mut v);
            }
            assert!(parse_dic(p(), &v).is_err(), "cut at {n}");
        }
        // Many flips land in feature text or unused units and stay valid;
        // still, a good share must be caught or the checks are not running.
        assert!(
            errors * 4 > good.len(),
            "{errors} errors in {} bytes",
            good.len()
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let good = make_dic(ROWS, 0, 30, 40);

        let e = parse_dic(p(), &good[..10]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Truncated {
                    need: 72,
                    have: 10,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().starts_with("sys.dic: truncated"), "{e}");

        let e = parse_dic(p(), &good[..good.len() - 1]).unwrap_err();
        assert!(matches!(e, Error::BadMagic { .. }), "{e}");

        let mut v = good.clone();
        v[0] ^= 1;
        assert!(matches!(parse_dic(p(), &v), Err(Error::BadMagic { .. })));

        let mut v = good.clone();
        v[4] = 101;
        assert!(matches!(
            parse_dic(p(), &v),
            Err(Error::BadVersion { found: 101, .. })
        ));

        // cut short with a matching magic: the section sizes disagree
        let mut v = good[..good.len() - 3].to_vec();
        fix_magic(&mut v);
        let e = parse_dic(p(), &v).unwrap_err();
        assert!(matches!(e, Error::SizeMismatch { .. }), "{e}");

        let mut v = good.clone();
        v[40..45].copy_from_slice(b"EUC-K");
        assert!(matches!(parse_dic(p(), &v), Err(Error::Encoding { .. })));

        // lexsize larger than what the keys cover
        let mut v = good.clone();
        v[12] += 1;
        let e = parse_dic(p(), &v).unwrap_err();
        assert!(e.to_string().contains("keys cover"), "{e}");

        // feature offset of the first token beyond the blob
        let mut v = good.clone();
        let dsize = le_u32(&v, 24) as usize;
        let t0 = DIC_HEADER_SIZE + dsize;
        v[t0 + 8..t0 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let e = parse_dic(p(), &v).unwrap_err();
        assert!(e.to_string().contains("token 0: feature offset"), "{e}");

        // garbage in the double array
        let mut v = good.clone();
        for b in &mut v[DIC_HEADER_SIZE + 8..DIC_HEADER_SIZE + 64] {
            *b = 0x80;
        }
        let e = parse_dic(p(), &v).unwrap_err();
        assert!(matches!(e, Error::Malformed { .. }), "{e}");
    }
}
