//! Builds the lindera form of mecab-ko-dic from the committed source in
//! `dict-src/` (no download), then derives the per-word space-penalty table.
//! The main crate embeds the result with `include_bytes!`.

use std::fs;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::Dictionary;

const SOURCES: &[&str] = &[
    "lex.csv.zst",
    "matrix.bin.zst",
    "char.def",
    "unk.def",
    "metadata.json",
    "context_id_freq.txt",
    "kors-extra.csv",
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let src = manifest.join("dict-src");
    for f in SOURCES {
        println!("cargo:rerun-if-changed=dict-src/{f}");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let work = out.join("mecab-src");
    let dict_dir = out.join("ko-dic");
    fs::create_dir_all(&work).unwrap();

    // lex.csv: stored compressed, the builder reads plain CSV.
    let lex = zstd_read(&src.join("lex.csv.zst"));
    fs::write(work.join("lex.csv"), lex).unwrap();
    // matrix: stored as MeCab's matrix.bin; the builder reads matrix.def text.
    write_matrix_def(
        &zstd_read(&src.join("matrix.bin.zst")),
        &work.join("matrix.def"),
    );
    // kors's own additions (North Korean spellings of Russia and the Soviet
    // Union, which mecab-ko-dic lacks), with the ids and costs of the South
    // Korean spelling's entry; see dict-src/README.md.
    fs::copy(src.join("kors-extra.csv"), work.join("kors-extra.csv")).unwrap();
    fs::copy(src.join("char.def"), work.join("char.def")).unwrap();
    fs::copy(src.join("unk.def"), work.join("unk.def")).unwrap();

    let metadata: Metadata =
        serde_json::from_slice(&fs::read(src.join("metadata.json")).unwrap()).unwrap();
    DictionaryBuilder::new(metadata)
        .with_context_id_freq(src.join("context_id_freq.txt"))
        .build_dictionary(&work, &dict_dir)
        .expect("building the lindera dictionary from dict-src/");
    fs::remove_dir_all(&work).ok();

    write_space_penalty(&dict_dir);
    println!("cargo:rustc-env=LINDERA_WORKDIR={}", out.display());
}

fn zstd_read(path: &Path) -> Vec<u8> {
    let file = fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dec = zstd::stream::read::Decoder::new(file).unwrap();
    dec.set_parameter(zstd::stream::raw::DParameter::WindowLogMax(31))
        .unwrap();
    let mut buf = Vec::new();
    dec.read_to_end(&mut buf).unwrap();
    buf
}

/// MeCab's matrix.bin: u16 lsize, u16 rsize, then i16 cost(l, r) at `l + lsize * r`.
fn write_matrix_def(bin: &[u8], out: &Path) {
    let lsize = u16::from_le_bytes([bin[0], bin[1]]) as usize;
    let rsize = u16::from_le_bytes([bin[2], bin[3]]) as usize;
    assert_eq!(bin.len(), 4 + 2 * lsize * rsize, "matrix.bin size");
    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(out).unwrap());
    writeln!(w, "{lsize} {rsize}").unwrap();
    for r in 0..rsize {
        for l in 0..lsize {
            let i = 4 + 2 * (l + lsize * r);
            let c = i16::from_le_bytes([bin[i], bin[i + 1]]);
            writeln!(w, "{l} {r} {c}").unwrap();
        }
    }
    w.flush().unwrap();
}

/// mecab-ko's `left-space-penalty-factor` is keyed on pos-id.def ids, which
/// lindera does not keep. Recompute each entry's pos-id class from its
/// features (pos-id.def's first-match rules) and store one byte per word id:
/// 0 no penalty, 1 = 3000, 2 = 6000.
fn write_space_penalty(dict_dir: &Path) {
    let dict = Dictionary::load_from_path_with_options(dict_dir, false).unwrap();
    let n = dict.prefix_dictionary.word_count();
    let mut table = vec![0u8; n];
    for (id, slot) in table.iter_mut().enumerate() {
        let f = dict.word_details(id);
        *slot = penalty_class(&f);
    }
    let mut unk = Vec::new();
    for id in 0.. {
        let f = match dict.unknown_dictionary.word_details(id) {
            Some(f) => f,
            None => break,
        };
        unk.push(penalty_class(&f));
    }
    fs::write(dict_dir.join("space_penalty.bin"), &table).unwrap();
    fs::write(dict_dir.join("space_penalty_unk.bin"), &unk).unwrap();
}

fn penalty_class(f: &[&str]) -> u8 {
    let pos = f.first().copied().unwrap_or("*");
    let typ = f.get(4).copied().unwrap_or("*");
    let first = f.get(5).copied().unwrap_or("*");
    let tag = match typ {
        "Compound" | "Preanalysis" => return 0,
        "Inflect" => first,
        _ => pos,
    };
    match tag {
        "EC" | "EF" | "EP" | "ETM" | "ETN" | "VCP" | "XSA" | "XSN" | "XSV" => 1,
        "JC" | "JKB" | "JKC" | "JKG" | "JKO" | "JKQ" | "JKS" | "JKV" | "JX" => 2,
        _ => 0,
    }
}
