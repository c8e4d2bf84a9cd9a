//! The `kors` command: parse flags, resolve them, run, print one error.
//! Exit codes: see `kors::error` (0 ok, 1 no match, 2 error, 3 rejected
//! inputs, 130 interrupted). `anyhow` is used here and in `commands.rs`
//! only: the library returns `kors::error::Error`.

mod cli;
mod commands;
mod config;

use clap::Parser;
use kors::error::{Error, Exit};

use config::Config;

fn main() {
    // A write past `ulimit -f` should fail with EFBIG, reported like any
    // other write error, rather than kill kors mid-commit.
    #[cfg(unix)]
    // SAFETY: setting a signal to SIG_IGN before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let opts = cli::Opts::parse();
    let exit = match Config::from_opts(opts).and_then(commands::run) {
        Ok(exit) => exit,
        Err(e) if is_broken_pipe(&e) => Exit::Ok,
        Err(e) => {
            eprintln!("kors: {e:#}");
            exit_of(&e)
        }
    };
    std::process::exit(exit.code());
}

/// The exit code for an error chain: the library's [`Error`] in it decides;
/// the binary's own failures are [`Exit::Error`].
fn exit_of(err: &anyhow::Error) -> Exit {
    err.chain()
        .find_map(|e| e.downcast_ref::<Error>())
        .map_or(Exit::Error, Error::exit)
}

/// Whether an error chain is (or wraps) a broken pipe on output, which kors
/// treats as a quiet, successful end (`kors search x | head -1`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
