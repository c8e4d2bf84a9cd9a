//! Issue 5: what users trust an index for. Whatever happens during a load
//! (SIGKILL, SIGINT, a second writer, a write error, hostile files), the
//! index opens and holds exactly what was committed; no query or file makes
//! kors panic; a damaged index is named, not crashed on.
//!
//! Everything runs the built `kors` binary as a child process (a debug build:
//! batches are small), in temporary directories. The shared KCNA 2024 JSONL
//! (`../shared/corpora`) is split once into a data directory that the tests
//! reuse, and loaded once, uninterrupted, as the reference.

mod concurrent;
mod damaged;
mod hostile_files;
mod hostile_inputs;
mod hostile_queries;
mod kill;
mod ownership;
mod permissions;
mod swap;
mod write_failure;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use kors::index::{schema::name, KorsIndex};
use tempfile::TempDir;

/// The `kors` binary under test; `KORS_TEST_BIN` runs these tests against
/// another build (say, the one before a fix, to see a test fail).
pub fn bin() -> PathBuf {
    std::env::var_os("KORS_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kors")))
}

/// `kors --index <dir> ARGS…`, in `cwd`, with no environment leaking in.
/// `add` and `index` run with `--strict`: these tests count KCNA's items
/// without text as rejections (exit code 3), as every load did before such
/// items became counted skips.
pub fn kors(cwd: &Path, index: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(cwd)
        .env_remove("KORS_INDEX")
        .env_remove("KORS_CORPUS")
        .arg("--index")
        .arg(index)
        .args(strict(args))
        .stdin(Stdio::null());
    c
}

fn strict<'a>(args: &[&'a str]) -> Vec<&'a str> {
    match args {
        [load @ ("add" | "index"), rest @ ..] => [*load, "--strict"]
            .into_iter()
            .chain(rest.iter().copied())
            .collect(),
        _ => args.to_vec(),
    }
}

/// `kors add` of a batch's data, committing every [`COMMIT_EVERY`] documents.
pub fn add_batch(cwd: &Path, index: &Path, data: &Path) -> Command {
    let mut c = kors(
        cwd,
        index,
        &["add", "--no-progress", "--commit-every", COMMIT_EVERY],
    );
    c.arg(data);
    c
}

/// `kors add` of the batch's first part into `index`: an index to start
/// from (exit code 3: a few of KCNA's items have no text).
pub fn add_first_part(cwd: &Path, index: &Path) {
    let out = kors(cwd, index, &["add", "--no-progress"])
        .arg(batch().data.join("part-00.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
}

/// `kors check` finds every file of the index's last commit intact.
pub fn assert_check_passes(cwd: &Path, index: &Path, what: &str) {
    let check = kors(cwd, index, &["check"]).output().unwrap();
    assert!(
        check.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// `../shared/corpora/<rel>`, failing with a clear message if it is missing.
pub fn shared_corpus(rel: &str) -> PathBuf {
    crate::shared(&format!("corpora/{rel}"))
}

/// Fails with a clear message when `strace` (which these tests use to hold
/// or watch a system call) is missing: `.ci/run` installs it.
pub fn require_strace(test: &str) {
    let found = Command::new("strace").arg("-V").output().is_ok();
    assert!(
        found,
        "{test}: needs strace, which is not installed (apt-get install strace; .ci/run installs it)"
    );
}

/// The load used by the kill, SIGINT and concurrency tests: the KCNA 2024
/// JSONL (about 2,000 lines, 1,800 documents) split into files of 250 lines.
pub struct Batch {
    _dir: TempDir,
    /// Directory holding the split files.
    pub data: PathBuf,
    /// Document id → number of passages, from an uninterrupted load.
    pub reference: HashMap<String, u64>,
    /// Document id → position in input order (the order the loader reads).
    pub order: HashMap<String, usize>,
    /// Seconds the uninterrupted load took (to place kills within a run).
    pub load_secs: f64,
}

/// Commit interval for the batch loads: with batches of 64 documents inside
/// kors, about eight commits per full load.
pub const COMMIT_EVERY: &str = "200";

/// The prepared batch, made once per test run.
pub fn batch() -> &'static Batch {
    static BATCH: OnceLock<Batch> = OnceLock::new();
    BATCH.get_or_init(|| {
        let src = shared_corpus("kcna-en-2024/kcna_en_2024.jsonl");
        let dir = TempDir::new().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let text = std::fs::read_to_string(&src).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut order = HashMap::new();
        for (i, chunk) in lines.chunks(250).enumerate() {
            // Zero-padded so that the loader's sorted order is this order.
            std::fs::write(
                data.join(format!("part-{i:02}.jsonl")),
                chunk.join("\n") + "\n",
            )
            .unwrap();
        }
        for (pos, line) in lines.iter().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if let Some(id) = v["id"].as_str() {
                order.insert(id.to_string(), pos);
            }
        }
        let index = dir.path().join("reference");
        let start = Instant::now();
        let out = add_batch(dir.path(), &index, &data).output().unwrap();
        let load_secs = start.elapsed().as_secs_f64();
        // 3: some KCNA items are photo captions without text, rejected.
        assert_eq!(
            out.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let listing = Listing::of(&index);
        assert!(listing.duplicates.is_empty());
        let reference: HashMap<String, u64> = listing
            .passages
            .iter()
            .map(|(id, ords)| (id.clone(), ords.len() as u64))
            .collect();
        assert!(reference.len() > 1500, "{} documents", reference.len());
        for id in reference.keys() {
            assert!(order.contains_key(id), "{id} not in the input");
        }
        eprintln!(
            "reliability: reference load of {} documents took {load_secs:.1} s",
            reference.len()
        );
        Batch {
            _dir: dir,
            data,
            reference,
            order,
            load_secs,
        }
    })
}

/// What an index holds, read with the library (which also proves it opens).
#[derive(Debug, Default)]
pub struct Listing {
    /// Document id → passage ordinals, sorted.
    pub passages: BTreeMap<String, Vec<u64>>,
    /// (id, ordinal) pairs found more than once.
    pub duplicates: Vec<(String, u64)>,
}

impl Listing {
    /// Reads every live passage of the index in `dir`.
    pub fn of(dir: &Path) -> Listing {
        let idx = KorsIndex::open(dir)
            .unwrap_or_else(|e| panic!("the index at {} does not open: {e:#}", dir.display()));
        let reader = idx.reader().unwrap();
        let searcher = reader.searcher();
        let mut l = Listing::default();
        let mut id = String::new();
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let Some(ids) = ff.str(name::DOC).unwrap() else {
                continue;
            };
            let ords = ff.u64(name::ORDINAL).unwrap();
            for d in seg.doc_ids_alive() {
                let ord = ids.term_ords(d).next().expect("a passage without a doc id");
                ids.ord_to_str(ord, &mut id).unwrap();
                let o = ords.first(d).expect("a passage without an ordinal");
                l.passages.entry(id.clone()).or_default().push(o);
            }
        }
        for (id, ords) in &mut l.passages {
            ords.sort_unstable();
            for w in ords.windows(2) {
                if w[0] == w[1] {
                    l.duplicates.push((id.clone(), w[0]));
                }
            }
        }
        l
    }

    /// Checks the index is a consistent committed state of the batch: no
    /// duplicate, every document whole (passages 0..n of the reference), and
    /// the documents a prefix of the input order (kors commits whole batches
    /// in the order it reads). Returns the number of documents.
    pub fn check_prefix_of(&self, b: &Batch, what: &str) -> usize {
        assert!(
            self.duplicates.is_empty(),
            "{what}: duplicate passages {:?}",
            &self.duplicates[..self.duplicates.len().min(5)]
        );
        let mut last = None;
        for (id, ords) in &self.passages {
            let n = *b
                .reference
                .get(id)
                .unwrap_or_else(|| panic!("{what}: unknown document {id}"));
            let want: Vec<u64> = (0..n).collect();
            assert_eq!(ords, &want, "{what}: document {id} is not whole");
            last = last.max(Some(b.order[id]));
        }
        if let Some(last) = last {
            let missing: Vec<&String> = b
                .reference
                .keys()
                .filter(|id| b.order[*id] < last && !self.passages.contains_key(*id))
                .collect();
            assert!(
                missing.is_empty(),
                "{what}: not a prefix of the input: {} documents before the last one are missing, e.g. {:?}",
                missing.len(),
                &missing[..missing.len().min(3)]
            );
        }
        self.passages.len()
    }
}

/// Waits for `child` with a hang guard; returns its status and peak RSS in
/// KiB (from `wait4`, this child only).
pub fn wait_rss(child: &mut Child, limit: Duration) -> (ExitStatus, u64) {
    let start = Instant::now();
    let pid = child.id() as libc::pid_t;
    loop {
        let mut status = 0;
        // SAFETY: plain wait4 on our own child, with valid out-pointers.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r < 0 {
            let e = std::io::Error::last_os_error();
            // Already reaped by `try_wait`: its status is cached, its RSS gone.
            assert_eq!(e.raw_os_error(), Some(libc::ECHILD), "wait4: {e}");
            return (child.wait().unwrap(), 0);
        }
        if r == pid {
            use std::os::unix::process::ExitStatusExt;
            return (ExitStatus::from_raw(status), ru.ru_maxrss as u64);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("kors did not finish within {limit:?} (hang guard)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until `path` exists (e.g. the writer's pid file), or panics.
pub fn wait_for(path: &Path, child: &mut Child, limit: Duration) {
    let start = Instant::now();
    while !path.exists() {
        if let Some(st) = child.try_wait().unwrap() {
            panic!("kors exited ({st}) before {} appeared", path.display());
        }
        assert!(start.elapsed() < limit, "{} did not appear", path.display());
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sends `sig` to `child`.
pub fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: kill on our own child's pid.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(r, 0, "kill: {}", std::io::Error::last_os_error());
}

/// SplitMix64: a seeded generator for kill moments, printed so a failing
/// run can be replayed (`KORS_TEST_SEED=…`).
pub struct Rng(u64);

impl Rng {
    /// Seeded from `KORS_TEST_SEED`, else from the clock; says which.
    pub fn from_env(what: &str) -> Rng {
        let seed = std::env::var("KORS_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{what}: seed {seed} (replay with KORS_TEST_SEED={seed})");
        Rng(seed)
    }

    /// Next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    pub fn range_f64(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// stderr of a finished command, for messages.
pub fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts kors did not panic or abort (exit 101, or killed by a signal).
pub fn assert_no_crash(status: ExitStatus, stderr: &str, what: &str) {
    use std::os::unix::process::ExitStatusExt;
    assert!(
        status.signal().is_none() && status.code() != Some(101) && !stderr.contains("panicked"),
        "{what}: kors crashed ({status}): {stderr}"
    );
}
