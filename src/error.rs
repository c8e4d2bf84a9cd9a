//! kors's one error type and its exit codes.
//!
//! Errors bubble up as `anyhow::Error` with context; the binary prints the
//! chain once and maps it to an [`Exit`] code with [`Exit::of`], which looks
//! for an [`Error`] anywhere in the chain (anything else is exit 2).
//!
//! | code | meaning |
//! | ---: | --- |
//! | 0 | success (for `search`: at least one passage matched) |
//! | 1 | `search`: nothing matched (like grep) |
//! | 2 | error: bad usage or input (malformed query, bad date, incompatible or missing index, I/O failure…) |
//! | 3 | `index`/`add` finished, but some inputs were rejected (each is listed on stderr as `path:line: field: reason`) |
//! | 130 | interrupted by Ctrl-C (SIGINT); `add` committed what was done |

use std::path::PathBuf;

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

    /// The exit code for an error chain: the first [`Error`] in it decides,
    /// anything else is [`Exit::Error`].
    pub fn of(err: &anyhow::Error) -> Exit {
        err.chain()
            .find_map(|e| e.downcast_ref::<Error>())
            .map_or(Exit::Error, Error::exit)
    }
}

/// Errors that kors reports to the user with a specific exit code.
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
    /// Some inputs were rejected during ingestion (they were listed already).
    #[error("{0} input(s) rejected")]
    Rejected(usize),
    /// Interrupted by SIGINT.
    #[error("interrupted")]
    Interrupted,
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
}

impl Error {
    /// This error's exit code.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Rejected(_) => Exit::Rejected,
            Error::Interrupted => Exit::Interrupted,
            Error::Usage(_)
            | Error::Query(_)
            | Error::NoIndex(_)
            | Error::Incompatible { .. }
            | Error::Busy { .. }
            | Error::Damaged { .. } => Exit::Error,
        }
    }
}

/// Whether an error chain is (or wraps) a broken pipe on output, which kors
/// treats as a quiet, successful end (`kors search x | head -1`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
