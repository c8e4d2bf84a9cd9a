//! Damaged index files: `kors check` names them; search and stats fail
//! with a message, never a panic.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::{assert_no_crash, batch, kors, stderr_of};

/// A small index of several segments (kept per test: each test damages copies).
fn build(tmp: &Path) -> PathBuf {
    let b = batch();
    let index = tmp.join("good");
    let out = kors(
        tmp,
        &index,
        &["add", "--no-progress", "--commit-every", "60"],
    )
    .arg(b.data.join("part-00.jsonl"))
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr_of(&out));
    index
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The segment files with extension `ext`, largest first.
fn files_with(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).unwrap().len()));
    v
}

/// Runs check, search and stats on a damaged copy: check must fail naming
/// `file` (with `reason`), the others must not crash.
fn expect_named(tmp: &Path, index: &Path, file: &str, reason: &str, what: &str) {
    let check = kors(tmp, index, &["check"]).output().unwrap();
    let out = String::from_utf8_lossy(&check.stdout);
    let err = stderr_of(&check);
    assert_no_crash(check.status, &err, what);
    assert_eq!(check.status.code(), Some(2), "{what}: {out}{err}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("damaged: ") && l.contains(file) && l.contains(reason)),
        "{what}: kors check should name {file} ({reason}): {out}"
    );
    assert!(
        err.contains("damaged") && err.contains(file),
        "{what}: {err}"
    );
    for args in [
        &["search", "--json", "-n", "500", "Korea"][..],
        &[
            "search",
            "--group",
            "-n",
            "50",
            "\"Workers' Party\" OR Russia",
        ],
        &["stats", "--json"],
    ] {
        let o = kors(tmp, index, args).output().unwrap();
        let err = stderr_of(&o);
        assert_no_crash(o.status, &err, &format!("{what}: kors {args:?}"));
        // A failure says the index is damaged and names the file (an answer
        // is possible too: a flipped byte may lie where this query does not
        // read).
        if o.status.code() != Some(0) && o.status.code() != Some(1) {
            assert!(
                err.contains("is damaged") && err.contains(file),
                "{what}: kors {args:?}: {err}"
            );
        }
    }
}

#[test]
fn kors_check_passes_a_sound_index() {
    let tmp = TempDir::new().unwrap();
    let index = build(tmp.path());
    let check = kors(tmp.path(), &index, &["check", "--json"])
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", stderr_of(&check));
    let r: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(r["damaged"].as_array().unwrap().len(), 0);
    assert!(r["segments"].as_u64().unwrap() >= 2, "{r}");
    assert!(r["files_checked"].as_u64().unwrap() >= 12, "{r}");
}

#[test]
fn truncated_altered_or_missing_segment_files_are_named() {
    let tmp = TempDir::new().unwrap();
    let good = build(tmp.path());
    for ext in ["idx", "pos", "term", "store", "fast", "fieldnorm"] {
        let victim = files_with(&good, ext)[0].file_name().unwrap().to_owned();
        let name = victim.to_string_lossy().into_owned();

        let d = tmp.path().join(format!("trunc-{ext}"));
        copy_dir(&good, &d);
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(d.join(&victim))
            .unwrap();
        let len = f.metadata().unwrap().len();
        f.set_len(len / 2).unwrap();
        expect_named(
            tmp.path(),
            &d,
            &name,
            "truncated",
            &format!("{name} truncated"),
        );
        // Opening maps every file, so a truncated one stops search too.
        let o = kors(tmp.path(), &d, &["search", "Korea"]).output().unwrap();
        assert_eq!(o.status.code(), Some(2));

        // Bytes flipped inside the data, not the footer (its last bytes), at
        // a few places: tantivy's decoders trust their input, so some of
        // these panic inside it (kors turns that into an error).
        for frac in [0.2, 0.5, 0.85] {
            let d = tmp.path().join(format!("alter-{ext}-{frac}"));
            copy_dir(&good, &d);
            let p = d.join(&victim);
            let mut bytes = std::fs::read(&p).unwrap();
            let at = ((bytes.len() - 40) as f64 * frac) as usize;
            for b in &mut bytes[at..at + 16] {
                *b ^= 0x5A;
            }
            std::fs::write(&p, &bytes).unwrap();
            expect_named(
                tmp.path(),
                &d,
                &name,
                "checksum mismatch",
                &format!("{name} altered at {frac}"),
            );
        }

        let d = tmp.path().join(format!("missing-{ext}"));
        copy_dir(&good, &d);
        std::fs::remove_file(d.join(&victim)).unwrap();
        expect_named(tmp.path(), &d, &name, "missing", &format!("{name} missing"));
    }
}

#[test]
fn damaged_meta_files_are_named() {
    let tmp = TempDir::new().unwrap();
    let good = build(tmp.path());
    for (file, content) in [
        ("meta.json", &b"{\"segments\": [{\"segment_id\": "[..]),
        ("meta.json", b""),
        ("kors.json", b"\x00\x01garbage"),
    ] {
        let d = tmp.path().join(format!("meta-{file}-{}", content.len()));
        copy_dir(&good, &d);
        std::fs::write(d.join(file), content).unwrap();
        let what = format!("{file} = {content:?}");
        let check = kors(tmp.path(), &d, &["check"]).output().unwrap();
        let out = String::from_utf8_lossy(&check.stdout);
        assert_eq!(check.status.code(), Some(2), "{what}: {out}");
        assert!(out.contains(&format!("damaged: {file}")), "{what}: {out}");
        for args in [
            &["search", "Korea"][..],
            &["stats"],
            &["add", "--no-progress", "nothing.md"],
        ] {
            let o = kors(tmp.path(), &d, args).output().unwrap();
            assert_no_crash(o.status, &stderr_of(&o), &format!("{what}: kors {args:?}"));
            assert_eq!(
                o.status.code(),
                Some(2),
                "{what}: kors {args:?}: {}",
                stderr_of(&o)
            );
        }
    }
}

/// Files that pass their checksums but do not belong where they are: two
/// segments' `.store` (or `.fast`) files swapped, or a `max_doc` edited in
/// `meta.json`. `kors check` reads every segment as a search would and
/// fails; search and stats do not crash.
#[test]
fn swapped_segment_files_and_an_edited_max_doc_fail_check() {
    let tmp = TempDir::new().unwrap();
    let good = build(tmp.path());
    let ok = kors(tmp.path(), &good, &["check"]).output().unwrap();
    assert!(ok.status.success(), "{}", stderr_of(&ok));
    let mut cases = Vec::new();
    for ext in ["store", "fast"] {
        let copy = tmp.path().join(format!("swapped-{ext}"));
        copy_dir(&good, &copy);
        let f = files_with(&copy, ext);
        assert!(f.len() >= 2, "the index needs two segments: {f:?}");
        let (a, b) = (&f[0], &f[f.len() - 1]);
        let aside = copy.join("aside");
        std::fs::rename(a, &aside).unwrap();
        std::fs::rename(b, a).unwrap();
        std::fs::rename(&aside, b).unwrap();
        cases.push((copy, format!(".{ext} files of two segments swapped")));
    }
    let copy = tmp.path().join("max-doc");
    copy_dir(&good, &copy);
    let meta = copy.join("meta.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    let seg = &mut v["segments"][0]["max_doc"];
    *seg = (seg.as_u64().unwrap() + 7).into();
    std::fs::write(&meta, v.to_string()).unwrap();
    cases.push((copy, "max_doc edited in meta.json".into()));
    for (index, what) in cases {
        let check = kors(tmp.path(), &index, &["check"]).output().unwrap();
        let out = String::from_utf8_lossy(&check.stdout);
        assert_no_crash(check.status, &stderr_of(&check), &what);
        assert_eq!(check.status.code(), Some(2), "{what}: check passed: {out}");
        assert!(out.contains("damaged: (index)"), "{what}: {out}");
        for args in [&["search", "korea"][..], &["stats"]] {
            let o = kors(tmp.path(), &index, args).output().unwrap();
            assert_no_crash(o.status, &stderr_of(&o), &what);
        }
    }
}
