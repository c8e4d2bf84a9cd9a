//! Inputs read within a stated limit: a file read whole (query files,
//! qrels, a KorQuAD file) and a stream read line by line (`kors analyze`).
//! The limit is checked while reading, so `/dev/zero`, a FIFO or a file
//! that grows is refused at the limit instead of filling memory.

use std::io::{self, BufRead, Read};
use std::path::Path;

use crate::error::{Error, Result};

/// Largest file kors reads whole: 128 MiB (the largest BEIR qrels and query
/// files are a few tens of MB).
pub const MAX_FILE_BYTES: u64 = 128 << 20;

/// Longest line `kors analyze` takes: 4 MiB (its analysis needs some 35
/// times that in memory).
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// The file at `path` as text, refused past [`MAX_FILE_BYTES`].
pub fn read_to_string(path: &Path) -> Result<String> {
    let what = || format!("reading {}", path.display());
    let file = std::fs::File::open(path).map_err(|e| Error::io(what(), path, e))?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::io(what(), path, e))?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::io(
            what(),
            path,
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "more than the {} MiB kors reads of one file",
                    MAX_FILE_BYTES >> 20
                ),
            ),
        ));
    }
    Ok(text)
}

/// A [`BufRead`] whose lines may hold at most `max` bytes: a longer line is
/// an [`io::ErrorKind::InvalidData`] error naming the line and the limit,
/// raised before the line is held in memory.
pub struct LineLimit<R> {
    inner: R,
    max: usize,
    /// Bytes of the current line handed out so far.
    in_line: usize,
    /// 1-based number of the current line.
    line: usize,
}

impl<R: BufRead> LineLimit<R> {
    /// Lines of `inner`, each at most `max` bytes (newline excluded).
    pub fn new(inner: R, max: usize) -> Self {
        LineLimit {
            inner,
            max,
            in_line: 0,
            line: 1,
        }
    }
}

impl<R: BufRead> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineLimit<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let (max, in_line, line) = (self.max, self.in_line, self.line);
        let avail = self.inner.fill_buf()?;
        // Hand out at most the rest of the current line's allowance.
        let upto = match avail.iter().position(|&b| b == b'\n') {
            Some(i) if in_line + i <= max => i + 1,
            _ if in_line + avail.len() <= max => avail.len(),
            _ if in_line < max => max - in_line,
            _ if avail.is_empty() => 0,
            _ => {
                let limit = if max >= 1 << 20 {
                    format!("{} MiB", max >> 20)
                } else {
                    format!("{max} bytes")
                };
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("line {line} is longer than {limit}"),
                ));
            }
        };
        Ok(&avail[..upto])
    }

    fn consume(&mut self, amt: usize) {
        // Count the line's bytes: whatever follows its last newline.
        let avail = self.inner.fill_buf().unwrap_or(&[]);
        let taken = &avail[..amt.min(avail.len())];
        match taken.iter().rposition(|&b| b == b'\n') {
            Some(i) => {
                self.line += taken.iter().filter(|&&b| b == b'\n').count();
                self.in_line = amt - i - 1;
            }
            None => self.in_line += amt,
        }
        self.inner.consume(amt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> io::Result<Vec<String>> {
        LineLimit::new(io::BufReader::with_capacity(3, input), max)
            .lines()
            .collect()
    }

    #[test]
    fn lines_up_to_the_limit_pass_and_a_longer_one_is_named() {
        assert_eq!(
            lines(b"abcd\nab\n\nabcd", 4).unwrap(),
            ["abcd", "ab", "", "abcd"]
        );
        let e = lines(b"ab\nabcd\nabcde\nab", 4).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("line 3 is longer than"), "{e}");
        // An endless line fails after `max` bytes, holding no more.
        let e = LineLimit::new(io::BufReader::new(io::repeat(b'x')), 1 << 20)
            .lines()
            .next()
            .unwrap()
            .unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }
}
