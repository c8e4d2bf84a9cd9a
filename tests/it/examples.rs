//! The README's examples and those in `--help` are run, on a copy of the
//! bundled `corpus/`: an example that stops working, or a README output
//! that is not what kors prints, fails here.
//!
//! README: every fenced block whose first line starts with `$ kors` is a
//! session: each `$ ` line is run by `sh` (so quotes and `| jq` work, with
//! this build's `kors` first on `PATH`), in order, in one directory; the
//! lines up to the next `$ ` are its expected output (stderr, then stdout).
//! Timings (`in 0.06 s (0.05 MB/s)`) are masked on both sides.
//! `--help`: every `  kors …` line under `Examples:` must exit 0.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A directory holding a copy of `corpus/` (and `benches/queries`), with
/// `HOME` inside it, where examples run.
fn workdir() -> TempDir {
    let tmp = TempDir::new().unwrap();
    copy_tree(&repo().join("corpus"), &tmp.path().join("corpus"));
    copy_tree(
        &repo().join("benches/queries"),
        &tmp.path().join("benches/queries"),
    );
    for d in [
        ".local/share/bash-completion/completions",
        ".zfunc",
        ".config/fish/completions",
        ".local/share/man/man1",
    ] {
        std::fs::create_dir_all(tmp.path().join(d)).unwrap();
    }
    tmp
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Runs `line` with `sh` in `dir`: (exit code, stderr then stdout).
fn sh(dir: &Path, line: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_kors")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir)
        .env_remove("KORS_INDEX")
        .env_remove("KORS_USER_DICT")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out.status.code().unwrap_or(-1), text)
}

/// `… in 0.06 s (0.05 MB/s)` → `… in _ s (_ MB/s)`.
fn mask(text: &str) -> String {
    text.lines()
        .map(|l| match (l.rfind(" in "), l.rfind(" MB/s)")) {
            (Some(i), Some(_)) => format!("{} in _ s (_ MB/s)", &l[..i]),
            _ => l.trim_end().to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The README's sessions: (commands with their expected output).
fn readme_sessions() -> Vec<Vec<(String, String)>> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut sessions = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("```") {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        if !block.first().is_some_and(|l| l.starts_with("$ kors")) {
            continue;
        }
        let mut session: Vec<(String, String)> = Vec::new();
        for l in block {
            match l.strip_prefix("$ ") {
                Some(cmd) => session.push((cmd.to_string(), String::new())),
                None => {
                    let out = &mut session.last_mut().unwrap().1;
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
        sessions.push(session);
    }
    sessions
}

#[test]
fn the_readme_examples_print_what_the_readme_shows() {
    let sessions = readme_sessions();
    assert!(
        sessions.len() >= 3,
        "the README shows {} sessions",
        sessions.len()
    );
    let tmp = workdir();
    let mut commands = 0;
    for session in sessions {
        for (cmd, expected) in session {
            let (code, got) = sh(tmp.path(), &cmd);
            assert!(code == 0, "`{cmd}` exited {code}:\n{got}");
            assert_eq!(
                mask(&got),
                mask(&expected),
                "`{cmd}` printed something else than the README shows"
            );
            commands += 1;
        }
    }
    assert!(commands >= 5, "{commands} commands");
}

/// The example lines of one `--help` text.
fn help_examples(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_examples = false;
    for l in help.lines() {
        if l.trim_end().ends_with("Examples:") {
            in_examples = true;
            continue;
        }
        if in_examples {
            let Some(rest) = l.strip_prefix("  kors ") else {
                in_examples = !l.trim().is_empty() && l.starts_with("  ");
                continue;
            };
            // `kors index      build the index…`: the description follows two spaces.
            let cmd = rest.split("   ").next().unwrap().trim_end();
            out.push(format!("kors {cmd}"));
        }
    }
    out
}

#[test]
fn every_help_example_runs_on_the_bundled_corpus() {
    let tmp = workdir();
    // An index first, as a reader of the help would have made with `kors index`.
    let (code, out) = sh(tmp.path(), "kors index --no-progress");
    assert_eq!(code, 0, "{out}");
    let subcommands = [
        "",
        "index",
        "add",
        "search",
        "completions",
        "bench",
        "stats",
        "analyze",
    ];
    let mut ran = 0;
    for sub in subcommands {
        let (code, help) = sh(tmp.path(), &format!("kors {sub} --help"));
        assert_eq!(code, 0, "{help}");
        for example in help_examples(&help) {
            let (code, out) = sh(tmp.path(), &example);
            assert_eq!(
                code, 0,
                "`{example}` (from `kors {sub} --help`) exited {code}:\n{out}"
            );
            ran += 1;
        }
    }
    assert!(ran >= 15, "{ran} examples ran");
}
