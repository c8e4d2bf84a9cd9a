//! What a directory walk leaves out, beyond hidden files and unknown types:
//! paths matched by a `.korsignore` (gitignore syntax, read in every walked
//! directory, as ripgrep and fd read `.ignore`), by `--exclude GLOB`, and
//! files that describe a collection rather than belong to it (`README`,
//! `SOURCE`, `SOURCES`, `LICENSE`, `CHANGELOG` … with a `.md` or `.txt`
//! extension). A file named on the command line is always read; `--no-ignore`
//! turns off the `.korsignore` files and the describing-file rule.

use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// The name of the ignore file read in each walked directory.
pub const IGNORE_FILE: &str = ".korsignore";

/// File stems (case-insensitive) of files that describe a collection.
const DESCRIBING: &[&str] = &[
    "readme",
    "source",
    "sources",
    "license",
    "licence",
    "copying",
    "changelog",
    "notice",
];

/// How a walk chooses what to leave out (from `--exclude` and `--no-ignore`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipRules {
    /// Gitignore-style globs, relative to each walked root.
    pub excludes: Vec<String>,
    /// Ignore `.korsignore` files and read describing files too.
    pub no_ignore: bool,
}

/// Why a path was left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "rule")]
pub enum SkipReason {
    /// A line of this `.korsignore` file.
    Korsignore(PathBuf),
    /// This `--exclude` glob.
    Exclude(String),
    /// A README, SOURCE(S), LICENSE … file.
    Describes,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Korsignore(file) => write!(f, "{}", file.display()),
            SkipReason::Exclude(glob) => write!(f, "--exclude {glob}"),
            SkipReason::Describes => f.write_str("describes the collection; --no-ignore reads it"),
        }
    }
}

/// A path left out of a walk, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// A bad `--exclude` glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadGlob {
    pub glob: String,
    pub reason: String,
}

impl SkipRules {
    /// Checks every `--exclude` glob, so that a bad one is a usage error before any walk.
    pub fn check(&self) -> Result<(), BadGlob> {
        let mut b = GitignoreBuilder::new("/");
        for glob in &self.excludes {
            b.add_line(None, glob).map_err(|e| BadGlob {
                glob: glob.clone(),
                reason: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// The rules in force while walking one root.
pub(crate) struct Walk<'a> {
    rules: &'a SkipRules,
    /// One matcher per `--exclude` glob (to name the glob that matched).
    excludes: Vec<(String, Gitignore)>,
    /// `.korsignore` files met so far, outermost first, with their directory.
    ignores: RefCell<Vec<(PathBuf, Gitignore)>>,
    /// Problems reading a `.korsignore`: (file, reason).
    pub(crate) errors: RefCell<Vec<(PathBuf, String)>>,
    pub(crate) skipped: RefCell<Vec<Skipped>>,
}

impl<'a> Walk<'a> {
    /// The rules for walking `root`, whose own `.korsignore` is read at once
    /// (the root is always entered: the user named it).
    pub(crate) fn new(root: &Path, rules: &'a SkipRules) -> Self {
        let excludes = rules
            .excludes
            .iter()
            .filter_map(|glob| {
                let mut b = GitignoreBuilder::new(root);
                b.add_line(None, glob).ok()?;
                Some((glob.clone(), b.build().ok()?))
            })
            .collect();
        let walk = Walk {
            rules,
            excludes,
            ignores: RefCell::new(Vec::new()),
            errors: RefCell::new(Vec::new()),
            skipped: RefCell::new(Vec::new()),
        };
        if !rules.no_ignore {
            walk.read_ignore_file(root);
        }
        walk
    }

    /// Whether the walk enters or reads `path` (`is_dir` when it is a
    /// directory); a path left out is recorded with its reason. A directory
    /// entered has its `.korsignore` read first, so it applies to its children.
    pub(crate) fn keep(&self, path: &Path, is_dir: bool) -> bool {
        if let Some(reason) = self.reason(path, is_dir) {
            self.skipped.borrow_mut().push(Skipped {
                path: path.to_path_buf(),
                reason,
            });
            return false;
        }
        if is_dir && !self.rules.no_ignore {
            self.read_ignore_file(path);
        }
        true
    }

    fn reason(&self, path: &Path, is_dir: bool) -> Option<SkipReason> {
        for (glob, m) in &self.excludes {
            if m.matched(path, is_dir).is_ignore() {
                return Some(SkipReason::Exclude(glob.clone()));
            }
        }
        if self.rules.no_ignore {
            return None;
        }
        // The deepest `.korsignore` that says anything decides (`!` re-includes).
        for (dir, m) in self.ignores.borrow().iter().rev() {
            if !path.starts_with(dir) {
                continue;
            }
            match m.matched(path, is_dir) {
                Match::Ignore(_) => return Some(SkipReason::Korsignore(dir.join(IGNORE_FILE))),
                Match::Whitelist(_) => return None,
                Match::None => {}
            }
        }
        (!is_dir && describes(path)).then_some(SkipReason::Describes)
    }

    fn read_ignore_file(&self, dir: &Path) {
        let file = dir.join(IGNORE_FILE);
        if !file.is_file() {
            return;
        }
        let mut b = GitignoreBuilder::new(dir);
        if let Some(e) = b.add(&file) {
            self.errors.borrow_mut().push((file.clone(), e.to_string()));
        }
        match b.build() {
            Ok(m) => self.ignores.borrow_mut().push((dir.to_path_buf(), m)),
            Err(e) => self.errors.borrow_mut().push((file, e.to_string())),
        }
    }
}

/// `README.md`, `SOURCE.md`, `LICENSE.txt` …: a note about files, not one of them.
fn describes(path: &Path) -> bool {
    let ext_ok = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown" | "txt"));
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    ext_ok && DESCRIBING.contains(&stem.to_ascii_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describing_files_are_named_by_stem_and_extension() {
        assert!(describes(Path::new("c/SOURCE.md")));
        assert!(describes(Path::new("c/readme.txt")));
        assert!(!describes(Path::new("c/sources-of-conflict.md")));
        assert!(!describes(Path::new("c/README.jsonl")));
    }

    #[test]
    fn a_bad_exclude_glob_is_named() {
        let rules = SkipRules {
            excludes: vec!["{a,b".into()],
            no_ignore: false,
        };
        let e = rules.check().unwrap_err();
        assert_eq!(e.glob, "{a,b");
        assert!(e.reason.contains("unclosed"), "{}", e.reason);
    }
}
