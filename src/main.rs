//! The `kors` command: parse flags, resolve them, run, print one error.
//! Exit codes: see `kors::error` (0 ok, 1 no match, 2 error, 3 rejected
//! inputs, 130 interrupted).

mod cli;
mod commands;
mod config;

use clap::Parser;
use kors::error::{is_broken_pipe, Exit};

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
            Exit::of(&e)
        }
    };
    std::process::exit(exit.code());
}
