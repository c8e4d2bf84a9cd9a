use std::path::PathBuf;

/// Everything that can go wrong reading a compiled dictionary or writing the
/// source form. Every variant names the file concerned, so a message such as
/// `sys.dic: truncated: header needs 72 bytes, file has 10` is enough to act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", .file.display())]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// sys.dic / unk.dic: the magic word is not `0xef718f77 ^ file size`
    /// (wrong file, or a file cut short or padded).
    #[error("{}: bad magic {found:#010x}: expected {expected:#010x} (0xef718f77 ^ file size {len})", .file.display())]
    BadMagic {
        file: PathBuf,
        found: u32,
        expected: u32,
        len: u64,
    },

    /// sys.dic / unk.dic: a dictionary version other than MeCab 0.996's 102.
    #[error("{}: dictionary version {found}, only {expected} is supported", .file.display())]
    BadVersion {
        file: PathBuf,
        found: u32,
        expected: u32,
    },

    /// The file ends before a part its header announces.
    #[error("{}: truncated: {what} needs {need} bytes, file has {have}", .file.display())]
    Truncated {
        file: PathBuf,
        what: &'static str,
        need: u64,
        have: u64,
    },

    /// Sizes that must agree do not (header vs file length, matrix
    /// dimensions vs dictionary header, trailing bytes...).
    #[error("{}: inconsistent sizes: {detail}", .file.display())]
    SizeMismatch { file: PathBuf, detail: String },

    /// The text encoding is not UTF-8, or a string is not valid in it.
    #[error("{}: encoding: {detail}", .file.display())]
    Encoding { file: PathBuf, detail: String },

    /// The content is structurally wrong (double array, token coverage,
    /// character categories...).
    #[error("{}: malformed: {detail}", .file.display())]
    Malformed { file: PathBuf, detail: String },
}

impl Error {
    /// The file the error is about.
    pub fn file(&self) -> &std::path::Path {
        match self {
            Error::Io { file, .. }
            | Error::BadMagic { file, .. }
            | Error::BadVersion { file, .. }
            | Error::Truncated { file, .. }
            | Error::SizeMismatch { file, .. }
            | Error::Encoding { file, .. }
            | Error::Malformed { file, .. } => file,
        }
    }

    pub(crate) fn io(file: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            file: file.into(),
            source,
        }
    }

    pub(crate) fn malformed(file: &std::path::Path, detail: impl Into<String>) -> Self {
        Error::Malformed {
            file: file.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn size(file: &std::path::Path, detail: impl Into<String>) -> Self {
        Error::SizeMismatch {
            file: file.to_path_buf(),
            detail: detail.into(),
        }
    }
}

/// Reads a little-endian u32 at `off`; callers check the length first.
pub(crate) fn le_u32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

pub(crate) fn le_u16(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

/// Reads a whole file, mapping the error to [`Error::Io`].
pub(crate) fn read_all(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}
