//! MeCab's output format for kors's Korean segmentation (before filtering),
//! so that any MeCab tool can score it against mecab-ko.

use std::io::{self, BufRead, Write};

use super::korean::{EojeolCache, Lattice, Morpheme};

/// Reads lines from `input` and writes, for each, its morphemes as
/// `surface<TAB>features` lines followed by `EOS`, as `mecab` does.
pub fn write_mecab(input: impl BufRead, out: impl Write) -> io::Result<()> {
    write_mecab_with(input, out, false)
}

/// [`write_mecab`], optionally through the eojeol cache (`morph-fast`).
pub fn write_mecab_with(
    input: impl BufRead,
    mut out: impl Write,
    eojeol_cache: bool,
) -> io::Result<()> {
    let mut lattice = Lattice::new();
    let mut cache = eojeol_cache.then(EojeolCache::default);
    let mut morphs: Vec<Morpheme> = Vec::new();
    for line in input.lines() {
        let line = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        morphs.clear();
        match &mut cache {
            Some(c) => c.analyze(&mut lattice, line, 0, &mut morphs),
            None => lattice.analyze(line, 0, &mut morphs),
        }
        for m in &morphs {
            writeln!(
                out,
                "{}\t{}",
                &line[m.start..m.end],
                m.word.features().join(",")
            )?;
        }
        writeln!(out, "EOS")?;
    }
    out.flush()
}
