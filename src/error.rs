//! kors's one error type and its exit codes.
//!
//! The library returns [`Error`]: each variant names what failed (the file,
//! the line, the index directory, the query) and keeps its cause as its
//! `source`. The binary alone uses `anyhow`: it prints the chain once
//! (`kors: what: cause`) and takes the exit code from [`Error::exit`].
//! Codes 1, 3 and 130 come from reports, not errors (`report::Report::exit`).
//!
//! | code | meaning |
//! | ---: | --- |
//! | 0 | success (for `search`: at least one passage matched) |
//! | 1 | `search`: nothing matched (like grep) |
//! | 2 | error: bad usage or input (malformed query, bad date, incompatible or missing index, I/O failure…) |
//! | 3 | `index`/`add` finished, but some inputs were rejected (each is listed on stderr as `path:line: field: reason`) |
//! | 130 | interrupted by Ctrl-C (SIGINT); `add` committed what was done |

use std::path::PathBuf;

/// A result whose error is kors's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Process exit codes. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Success.
    Ok = 0,
    /// `search` found nothing.
    NoMatch = 1,
    /// Usage error, bad input, or a failure.
    Error = 2,
    /// Ingestion finished but rejected some inputs.
    Rejected = 3,
    /// Interrupted by SIGINT.
    Interrupted = 130,
}

impl Exit {
    /// The numeric process exit code.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Everything that can fail in the library, each naming what failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line usage that clap could not catch (e.g. a bad date).
    #[error("{0}")]
    Usage(String),
    /// A query that cannot be parsed; the message names the problem.
    #[error("bad query: {0}")]
    Query(String),
    /// There is no index where one was expected.
    #[error("no index at {}: build one with `kors index [PATH…]`", .0.display())]
    NoIndex(PathBuf),
    /// The index was written by another schema or analyzer version.
    #[error(
        "the index at {} was built with {found}, but this kors needs {expected}: \
         rebuild it with `kors index [PATH…]`",
        dir.display()
    )]
    Incompatible {
        /// Index directory.
        dir: PathBuf,
        /// What the index's kors.json says.
        found: String,
        /// What this build expects.
        expected: String,
    },
    /// Another process is writing the index (see `index::lock`).
    #[error(
        "the index at {} is being written by another process{}; wait for it to finish \
         or stop it (only one `kors index`/`kors add` may write an index at a time)",
        dir.display(),
        pid.map_or(String::new(), |p| format!(" (kors, pid {p})"))
    )]
    Busy {
        /// Index directory.
        dir: PathBuf,
        /// The writer's pid, when its note is there and it is alive.
        pid: Option<u32>,
    },
    /// Index files fail their checks (`kors check` lists them).
    #[error("the index at {} is damaged: {what}; rebuild it with `kors index [PATH…]`", dir.display())]
    Damaged {
        /// Index directory.
        dir: PathBuf,
        /// What is wrong, naming the files.
        what: String,
    },
    /// A file or directory could not be read or written; `what` says what
    /// was being done, naming `path` ("reading corpus/x.md").
    #[error("{what}")]
    Io {
        /// What was being done, with the path.
        what: String,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// tantivy (or a file format kors reads through a library) failed;
    /// `what` says what was being done ("opening the index at index/").
    #[error("{what}")]
    Failed {
        /// What was being done.
        what: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A line of an input file that kors cannot read.
    #[error("{}: line {line}: {reason}", path.display())]
    BadLine {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A tantivy error met while reading an index (its message says what).
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
    /// An I/O error without a path of its own (a stream, a mapped column).
    #[error(transparent)]
    Stream(#[from] std::io::Error),
    /// A JSON value that could not be written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A failure of kors's own: a bug to report.
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// This error's exit code: every error is exit 2 (rejected inputs and
    /// an interruption are reports, not errors: see `index::report`).
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_)
            | Error::Query(_)
            | Error::NoIndex(_)
            | Error::Incompatible { .. }
            | Error::Busy { .. }
            | Error::Damaged { .. }
            | Error::Io { .. }
            | Error::Failed { .. }
            | Error::BadLine { .. }
            | Error::Tantivy(_)
            | Error::Stream(_)
            | Error::Json(_)
            | Error::Internal(_) => Exit::Error,
        }
    }

    /// An I/O failure while `what` (which names `path`).
    pub fn io(what: impl Into<String>, path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            what: what.into(),
            path: path.into(),
            source,
        }
    }

    /// A library's failure while `what`.
    pub fn failed(
        what: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Failed {
            what: what.into(),
            source: source.into(),
        }
    }

    /// Whether the error came from reading or writing files (rather than
    /// from the user's input), so that damaged files may explain it.
    pub fn from_files(&self) -> bool {
        matches!(
            self,
            Error::Io { .. } | Error::Failed { .. } | Error::Tantivy(_) | Error::Stream(_)
        )
    }

    /// Whether a file was missing where it was looked for (an index being
    /// swapped under a reader, not damage).
    pub fn vanished_file(&self) -> bool {
        self.causes().any(|c| {
            matches!(
                c.downcast_ref::<tantivy::TantivyError>(),
                Some(tantivy::TantivyError::OpenReadError(
                    tantivy::directory::error::OpenReadError::FileDoesNotExist(_)
                ))
            ) || matches!(
                c.downcast_ref::<tantivy::directory::error::OpenReadError>(),
                Some(tantivy::directory::error::OpenReadError::FileDoesNotExist(
                    _
                ))
            ) || c
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        })
    }

    /// Whether the cause is a permission refused (a read-only index, another
    /// user's files): to be named as such, never as damage.
    pub fn permission_denied(&self) -> bool {
        self.causes().any(|c| {
            let io = |e: &std::io::Error| {
                e.kind() == std::io::ErrorKind::PermissionDenied
                    || e.raw_os_error() == Some(libc::EROFS)
            };
            c.downcast_ref::<std::io::Error>().is_some_and(io)
                || c.to_string().contains("Permission denied")
        })
    }

    /// This error and its causes, outermost first.
    fn causes(&self) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(self);
        std::iter::from_fn(move || {
            let cur = next?;
            next = cur.source();
            Some(cur)
        })
    }

    /// The message and its causes, `: `-separated, as the binary prints it.
    pub fn chain(&self) -> String {
        let mut s = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            s.push_str(": ");
            s.push_str(&c.to_string());
            cause = c.source();
        }
        s
    }
}

/// `.at(what, path)` for I/O results: the error becomes an [`Error::Io`]
/// saying "`what` `path`".
pub trait IoContext<T> {
    /// Names what was being done, and on which path.
    fn at(self, what: &str, path: &std::path::Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, what: &str, path: &std::path::Path) -> Result<T> {
        self.map_err(|e| Error::io(format!("{what} {}", path.display()), path, e))
    }
}

/// `.context(…)` for results whose error is a library's: the error becomes
/// an [`Error::Failed`] saying what was being done.
pub trait Context<T> {
    /// Names what was being done when the error happened.
    fn context(self, what: &str) -> Result<T>;
    /// [`Context::context`], the name made only on error.
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Context<T> for std::result::Result<T, E> {
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| Error::failed(what, e))
    }
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::failed(what(), e))
    }
}
