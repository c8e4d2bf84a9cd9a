//! MeCab's output format for kors's Korean segmentation (before filtering),
//! so that any MeCab tool can score it against mecab-ko.

use std::io::{self, BufRead, Write};

use super::korean::{Lattice, Morpheme};

/// Reads lines from `input` and writes, for each, its morphemes as
/// `surface<TAB>features` lines followed by `EOS`, as `mecab` does.
pub fn write_mecab(input: impl BufRead, mut out: impl Write) -> io::Result<()> {
    let mut lattice = Lattice::new();
    let mut morphs: Vec<Morpheme> = Vec::new();
    for line in input.lines() {
        let line = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        morphs.clear();
        lattice.analyze(line, 0, &mut morphs);
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
