//! A directory of hostile files, end to end through `kors add`.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use kors::index::lock::PID_FILE;
use tempfile::TempDir;

use super::{assert_no_crash, kors, wait_for, wait_rss, Listing};

/// Peak resident memory allowed for the load (KiB): generous, but a reader
/// that held whole files several times over would pass it.
const MAX_RSS_KIB: u64 = 1536 * 1024;
/// The file with no newline.
const HUGE: usize = 50 * 1024 * 1024;

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend(if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

/// Words of real prose, repeated up to `len` bytes, no newline.
pub(super) fn one_line(len: usize) -> Vec<u8> {
    let words = "Seoul and Moscow resumed talks on gas supplies while the delegation \
                 from Pyongyang visited the Far East of Russia and the Bolshoi Ballet "
        .split(' ')
        .collect::<Vec<_>>();
    let mut out = Vec::with_capacity(len + 16);
    let mut i = 0;
    while out.len() < len {
        out.extend_from_slice(words[i % words.len()].as_bytes());
        out.push(b' ');
        i += 7;
    }
    out.truncate(len);
    out
}

/// Problem files: (name, line if one applies, what the reason must say).
const PROBLEMS: &[(&str, Option<usize>, &str)] = &[
    ("bad-utf8.txt", Some(2), "invalid UTF-8"),
    ("binary.txt", Some(1), "binary data"),
    ("random.md", None, ""),
    ("empty.txt", None, "empty document"),
    ("blank.md", None, "empty document"),
    ("huge-line.jsonl", Some(1), "malformed JSON"),
    ("nul.md", Some(3), "binary data"),
    ("front.md", None, "front matter"),
    (
        "self.txt",
        None,
        "broken symbolic link: Too many levels of symbolic links",
    ),
    ("back", None, "symbolic link loop: it points back to"),
    ("dangling.txt", None, "broken symbolic link: No such file"),
    ("zzz-vanishes.txt", None, "No such file"),
];

/// JSONL lines that must be rejected: (file, line, reason).
const BAD_LINES: &[(&str, usize, &str)] = &[
    ("mixed.jsonl", 2, "malformed JSON"),
    ("mixed.jsonl", 5, "expected a JSON object"),
    ("mixed.jsonl", 6, "expected a JSON object"),
    ("mixed.jsonl", 8, "malformed JSON"),
    ("types.jsonl", 1, "text: expected a string"),
    ("types.jsonl", 2, "date: expected a date"),
    ("types.jsonl", 3, "tags: expected a list"),
    ("types.jsonl", 4, "title: expected a string"),
    ("types.jsonl", 5, "id: expected a string"),
    ("missing.jsonl", 1, "missing field \"text\""),
    ("missing.jsonl", 2, "missing field \"text\""),
    ("missing.jsonl", 3, "empty document"),
    ("nul.jsonl", 1, "binary data"),
    ("nul.jsonl", 2, "binary data"),
];

fn make_fixtures(d: &Path) {
    let w = |rel: &str, bytes: &[u8]| {
        let p = d.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    };
    w(
        "good.md",
        b"---\ntitle: Good\n---\nA good document about Seoul and Moscow.\n",
    );
    w(
        "bad-utf8.txt",
        b"A first line that is fine.\nthen \xFF\xFE\xFD bytes\n",
    );
    w(
        "utf16le.txt",
        &utf16("Gas talks between Seoul and Moscow resumed.\n", true),
    );
    w(
        "utf16be.md",
        &utf16(
            "# Ballet\n\nThe Bolshoi Ballet will tour Pyongyang.\n",
            false,
        ),
    );
    w(
        "binary.txt",
        &[
            0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0,
        ],
    );
    // Seeded noise: a file of random bytes.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let noise: Vec<u8> = (0..65536)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    w("random.md", &noise);
    w("empty.txt", b"");
    w("blank.md", b"  \n\t\n\r\n   ");
    w("huge-line.txt", &one_line(HUGE));
    let mut bad = b"{\"id\": \"huge\", \"text\": \"".to_vec();
    bad.extend(one_line(HUGE));
    w("huge-line.jsonl", &bad);
    w(
        "mixed.jsonl",
        concat!(
            "{\"id\":\"m1\",\"text\":\"First good line, about Russia.\"}\n",
            "{oops\n",
            "\n",
            "{\"id\":\"m2\",\"text\":\"Second good line, about Korea.\"}\n",
            "[1, 2]\n",
            "\"just a string\"\n",
            "{\"id\":\"m3\",\"text\":\"Third good line.\"}\n",
            "{\"id\":\"m4\",\"text\":\"cut off in the midd\n",
            "{\"id\":\"m5\",\"text\":\"Fifth good line, after the broken ones.\"}\n",
        )
        .as_bytes(),
    );
    w(
        "types.jsonl",
        concat!(
            "{\"id\":\"t1\",\"text\":5}\n",
            "{\"id\":\"t2\",\"text\":\"ok\",\"date\":20240101}\n",
            "{\"id\":\"t3\",\"text\":\"ok\",\"tags\":3}\n",
            "{\"id\":\"t4\",\"text\":\"ok\",\"title\":[\"a\"]}\n",
            "{\"id\":{\"x\":1},\"text\":\"ok\"}\n",
            "{\"id\":\"t6\",\"text\":\"A good one among the wrong types.\"}\n",
        )
        .as_bytes(),
    );
    w(
        "missing.jsonl",
        b"{\"id\":\"n1\",\"title\":\"no text\"}\n{\"id\":\"n2\",\"text\":null}\n{\"id\":\"n3\",\"text\":\"  \"}\n",
    );
    w("nul.md", b"Title\n\nbody with a \0 NUL inside\n");
    w(
        "nul.jsonl",
        b"{\"id\":\"z1\",\"text\":\"escaped \\u0000 NUL\"}\n{\"id\":\"z2\",\"text\":\"raw \0 NUL\"}\n{\"id\":\"z3\",\"text\":\"A clean line after the NULs.\"}\n",
    );
    let mut front = b"---\ntitle: Front\n".to_vec();
    for i in 0..100_000 {
        front.extend(format!("key{i}: a value to fill the front matter\n").as_bytes());
    }
    front.extend(b"---\nThe body after an enormous front matter.\n");
    w("front.md", &front);
    symlink("self.txt", d.join("self.txt")).unwrap();
    fs::create_dir(d.join("loop")).unwrap();
    symlink("..", d.join("loop/back")).unwrap();
    symlink("no-such-target.txt", d.join("dangling.txt")).unwrap();
    w(
        "unreadable.txt",
        b"A document nobody may read, about the Far East.\n",
    );
    fs::set_permissions(d.join("unreadable.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    w(
        "x.md/inside.txt",
        b"A document in a directory named like a file.\n",
    );
    // Enough lines that the reader, which runs ahead of indexing, is still
    // blocked on them when zzz-vanishes.txt is deleted.
    let many: String = (0..600)
        .map(|i| {
            format!("{{\"id\":\"many-{i}\",\"text\":\"Short note {i} on Russia and Korea.\"}}\n")
        })
        .collect();
    w("many.jsonl", many.as_bytes());
    w(
        "zzz-vanishes.txt",
        b"A document deleted before kors reads it.\n",
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Every problem is reported once, with its file, line and reason; all the
/// rest is indexed; no panic; peak memory stays bounded.
#[test]
fn hostile_files_are_each_reported_once_and_the_rest_indexed() {
    let tmp = TempDir::new().unwrap();
    let d = tmp.path().join("fixtures");
    make_fixtures(&d);
    let root = is_root();
    if root {
        eprintln!(
            "hostile files: running as root, so chmod 000 does not stop reads: \
             unreadable.txt is expected to be indexed; dangling.txt stands in for a file \
             that cannot be opened"
        );
    }
    let index = tmp.path().join("idx");
    let mut child = kors(
        tmp.path(),
        &index,
        &["add", "--no-progress", "--json", "--verbose"],
    )
    .arg(&d)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Discovery is over once the writer exists: delete a file it listed.
    wait_for(&index.join(PID_FILE), &mut child, Duration::from_secs(60));
    fs::remove_file(d.join("zzz-vanishes.txt")).unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    let (status, rss_kib) = wait_rss(&mut child, Duration::from_secs(600));
    let (out, err) = (out_t.join().unwrap(), err_t.join().unwrap());
    assert_no_crash(status, &err, "kors add on hostile files");
    assert_eq!(status.code(), Some(3), "{err}");
    eprintln!("hostile files: peak RSS {} MiB", rss_kib / 1024);
    assert!(rss_kib < MAX_RSS_KIB, "peak RSS {} MiB", rss_kib / 1024);

    let summary: serde_json::Value = serde_json::from_str(&out).expect("a JSON summary");
    let rejections = summary["rejections"].as_array().unwrap();
    let shown: Vec<String> = rejections
        .iter()
        .map(|r| {
            r["message"]
                .as_str()
                .unwrap()
                .replace(&format!("{}/", d.display()), "")
        })
        .collect();
    eprintln!(
        "hostile files: {} rejections:\n  {}",
        shown.len(),
        shown.join("\n  ")
    );
    let mut used = vec![false; rejections.len()];
    let mut expect = |file: &str, line: Option<usize>, reason: &str| {
        let hits: Vec<usize> = rejections
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                Path::new(r["path"].as_str().unwrap()).file_name().unwrap() == file
                    && (line.is_none() || r["line"].as_u64() == line.map(|l| l as u64))
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(
            hits.len(),
            1,
            "{file}:{line:?} should be reported once: {shown:#?}"
        );
        let i = hits[0];
        assert!(
            shown[i].contains(reason),
            "{file}: {:?} should say {reason:?}",
            shown[i]
        );
        // Each on stderr too, once.
        let msg = rejections[i]["message"].as_str().unwrap();
        assert_eq!(err.matches(msg).count(), 1, "{msg} on stderr: {err}");
        used[i] = true;
    };
    for &(file, line, reason) in PROBLEMS {
        expect(file, line, reason);
    }
    for &(file, line, reason) in BAD_LINES {
        expect(file, Some(line), reason);
    }
    if !root {
        expect("unreadable.txt", None, "Permission denied");
    }
    let extra: Vec<&String> = shown
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(s, _)| s)
        .collect();
    assert!(extra.is_empty(), "unexpected rejections: {extra:#?}");

    // Everything else is in the index, whole.
    let listing = Listing::of(&index);
    assert!(listing.duplicates.is_empty());
    let got: BTreeSet<&str> = listing.passages.keys().map(String::as_str).collect();
    let mut want: BTreeSet<String> = [
        "good.md",
        "utf16le.txt",
        "utf16be.md",
        "huge-line.txt",
        "m1",
        "m2",
        "m3",
        "m5",
        "t6",
        "z3",
        "x.md/inside.txt",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    want.extend((0..600).map(|i| format!("many-{i}")));
    if root {
        want.insert("unreadable.txt".into());
    }
    let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
    assert_eq!(got, want);
    let huge = &listing.passages["huge-line.txt"];
    assert!(huge.len() > 1000, "{} passages", huge.len());
    assert_eq!(*huge, (0..huge.len() as u64).collect::<Vec<_>>());
}

/// One id many times in a file (an export with updates appended): the last
/// version wins, whole, whatever order the parallel workers run in.
#[test]
fn repeated_ids_keep_the_last_version_whole() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("updates.jsonl");
    let para = "More words here about the talks between the two capitals. ".repeat(40);
    let lines: String = (0..64)
        .map(|i| {
            let text = format!("Version {i} of a note on Moscow and Seoul. {para}\n\n").repeat(6);
            serde_json::json!({"id": format!("dup{}", i % 4), "text": text}).to_string() + "\n"
        })
        .collect();
    fs::write(&feed, lines).unwrap();
    // Before the fix, the race kept an older version about one run in six
    // (on 2 cores): 8 runs catch it three times in four.
    for run in 0..8 {
        let index = tmp.path().join(format!("idx-{run}"));
        crate::succeeded(
            kors(tmp.path(), &index, &["add", "--no-progress"])
                .arg(&feed)
                .output()
                .unwrap(),
        );
        let listing = Listing::of(&index);
        assert!(
            listing.duplicates.is_empty(),
            "run {run}: {:?}",
            listing.duplicates
        );
        assert_eq!(listing.passages.len(), 4);
        for d in 0..4 {
            let hits = kors(
                tmp.path(),
                &index,
                &["search", "--json", "-n", "100", "--doc"],
            )
            .arg(format!("dup{d}"))
            .arg("Version")
            .output()
            .unwrap();
            let versions: BTreeSet<String> = String::from_utf8_lossy(&hits.stdout)
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).unwrap();
                    v["text"]
                        .as_str()
                        .unwrap()
                        .split(' ')
                        .nth(1)
                        .unwrap()
                        .to_string()
                })
                .collect();
            let last = (60 + d).to_string();
            assert_eq!(versions, BTreeSet::from([last]), "run {run}: dup{d}");
            let n = listing.passages[&format!("dup{d}")].len() as u64;
            assert_eq!(
                listing.passages[&format!("dup{d}")],
                (0..n).collect::<Vec<_>>()
            );
        }
    }
}

/// Issue 11.6: a date the index cannot hold (tantivy's dates end in 1677
/// and 2262) is refused with its file, line and field, in front matter and
/// JSON Lines alike, instead of being stored as another day; the first and
/// last days it can hold are stored as written.
#[test]
fn dates_the_index_cannot_hold_are_refused_not_changed() {
    let tmp = TempDir::new().unwrap();
    let stories = super::hostile_queries::kcna_stories(8);
    let dates = [
        "0000-01-01",
        "1677-12-31",
        "1678-01-01",
        "2261-12-31",
        "2262-01-01",
        "9999-12-31",
    ];
    let kept = ["1678-01-01", "2261-12-31"];
    let mut feed = String::new();
    for (i, date) in dates.iter().enumerate() {
        let mut story = stories[i].clone();
        story.insert("id".into(), format!("j-{date}").into());
        story.insert("date".into(), (*date).into());
        feed += &(serde_json::Value::Object(story).to_string() + "\n");
    }
    fs::write(tmp.path().join("dated.jsonl"), feed).unwrap();
    for (i, date) in ["0000-01-01", "9999-12-31T10:00:00+09:00"]
        .iter()
        .enumerate()
    {
        let text = stories[6 + i]["text"].as_str().unwrap();
        fs::write(
            tmp.path().join(format!("fm-{i}.md")),
            format!("---\ntitle: A story\ndate: {date}\n---\n{text}\n"),
        )
        .unwrap();
    }
    let index = tmp.path().join("idx");
    let out = kors(
        tmp.path(),
        &index,
        &["add", "--no-progress", "--verbose", "."],
    )
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_no_crash(out.status, &err, "kors add");
    assert_eq!(out.status.code(), Some(3), "{err}");
    for (i, date) in dates.iter().enumerate() {
        let line = format!("dated.jsonl:{}: date: date \"{date}\" is outside", i + 1);
        assert_eq!(err.contains(&line), !kept.contains(date), "{line}: {err}");
    }
    for i in 0..2 {
        assert!(err.contains(&format!("fm-{i}.md:1: date: ")), "{err}");
    }
    assert_eq!(
        err.matches("(1678-01-01 to 2261-12-31)").count(),
        6,
        "{err}"
    );
    // What was kept is stored as written, and a filter before 1700 finds
    // only the document of 1678, never one from year 0.
    let found = |args: &[&str]| -> Vec<(String, String)> {
        let out = kors(tmp.path(), &index, &["search", "--json", "--group"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["doc_id"].to_string(), v["date"].to_string())
            })
            .collect()
    };
    let mut all = found(&["--since", "0000-01-01", ""]);
    all.sort();
    assert_eq!(
        all,
        [
            ("\"j-1678-01-01\"".into(), "\"1678-01-01\"".into()),
            ("\"j-2261-12-31\"".into(), "\"2261-12-31\"".into())
        ]
    );
    assert_eq!(
        found(&["--until", "1700-01-01", ""]),
        [("\"j-1678-01-01\"".into(), "\"1678-01-01\"".into())]
    );
}

/// Issue 11.3: an id longer than `MAX_ID_BYTES` (tantivy cannot index a
/// term of 65,530 bytes or more, so such a document was never replaced and
/// doubled on every add) is refused with file, line and field; an id at the
/// limit is indexed once however often it is added, and `--doc` finds it.
#[test]
fn ids_over_the_limit_are_refused_and_ids_at_the_limit_stay_single() {
    use kors::corpus::MAX_ID_BYTES;
    let tmp = TempDir::new().unwrap();
    let stories = super::hostile_queries::kcna_stories(2);
    let long_id = "L".repeat(65_536);
    let at_limit = "가".repeat(MAX_ID_BYTES / 3) + &"x".repeat(MAX_ID_BYTES % 3);
    assert_eq!(at_limit.len(), MAX_ID_BYTES);
    let mut feed = String::new();
    for (story, id) in stories.iter().zip([&long_id, &at_limit]) {
        let mut story = story.clone();
        story.insert("id".into(), id.as_str().into());
        feed += &(serde_json::Value::Object(story).to_string() + "\n");
    }
    fs::write(tmp.path().join("l.jsonl"), feed).unwrap();
    let index = tmp.path().join("idx");
    for run in 0..3 {
        let out = kors(tmp.path(), &index, &["add", "--no-progress", "l.jsonl"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_no_crash(out.status, &err, "kors add");
        assert_eq!(out.status.code(), Some(3), "run {run}: {err}");
        assert!(
            err.contains(&format!(
                "l.jsonl:1: id: the id is 65536 bytes long; the limit is {MAX_ID_BYTES}"
            )),
            "run {run}: {err}"
        );
        assert!(err.len() < 1000, "run {run}: the message repeats the id");
        let listing = Listing::of(&index);
        assert!(listing.duplicates.is_empty(), "run {run}");
        assert_eq!(listing.passages.keys().collect::<Vec<_>>(), [&at_limit]);
    }
    let out = crate::succeeded(
        kors(tmp.path(), &index, &["search", "--json", "--doc"])
            .arg(&at_limit)
            .arg("")
            .output()
            .unwrap(),
    );
    let hits = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(hits, Listing::of(&index).passages[&at_limit].len());
}

/// Issue 11, identity: a document is its id (given, or its path under the
/// root it was found in); its content hash covers what it says, not where
/// it lies. Moving a file whose documents have ids leaves them unchanged
/// (they were all re-indexed as "replaced"), and two documents of one load
/// with the same id (a path-derived id and an explicit JSONL id, say) are
/// named in a warning instead of one silently replacing the other.
#[test]
fn moved_files_stay_unchanged_and_an_id_given_twice_is_named() {
    let tmp = TempDir::new().unwrap();
    let t = tmp.path();
    let stories = super::hostile_queries::kcna_stories(4);
    let text = |i: usize| stories[i]["text"].as_str().unwrap().to_string();
    let md = |id: Option<&str>, i: usize| match id {
        Some(id) => format!("---\nid: {id}\ntitle: Story {i}\n---\n{}\n", text(i)),
        None => format!("---\ntitle: Story {i}\n---\n{}\n", text(i)),
    };
    let summary = |index: &str, args: &[&str]| -> (serde_json::Value, String) {
        let out = kors(t, &t.join(index), &["add", "--json", "--no-progress"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", super::stderr_of(&out));
        let v = serde_json::from_slice(&out.stdout).unwrap();
        (v, super::stderr_of(&out))
    };

    // A move: the same documents, found at other paths.
    fs::create_dir_all(t.join("docs/a")).unwrap();
    fs::write(t.join("docs/a/one.md"), md(Some("kcna-one"), 0)).unwrap();
    let feed =
        |i: usize| serde_json::json!({"id": format!("kcna-{i}"), "text": text(i)}).to_string();
    fs::write(
        t.join("docs/a/feed.jsonl"),
        feed(1) + "\n" + &feed(2) + "\n",
    )
    .unwrap();
    let (first, _) = summary("moved", &["docs"]);
    assert_eq!(
        (first["added"].as_u64(), first["id_collisions"].as_u64()),
        (Some(3), Some(0))
    );
    fs::rename(t.join("docs/a"), t.join("docs/b")).unwrap();
    let (again, err) = summary("moved", &["docs"]);
    assert_eq!(
        [&again["added"], &again["replaced"], &again["unchanged"]],
        [0, 0, 3],
        "{again}: {err}"
    );

    // One load, one id given twice: by a path and by a JSONL line.
    fs::create_dir_all(t.join("twice/a")).unwrap();
    fs::write(t.join("twice/a/two.md"), md(None, 0)).unwrap();
    let line = serde_json::json!({"id": "a/two.md", "text": text(3)}).to_string();
    fs::write(t.join("twice/feed.jsonl"), line + "\n").unwrap();
    // (The index beside the documents: kors does not write among them.)
    let (v, err) = summary("twice-index", &["twice"]);
    assert_eq!(v["id_collisions"], 1, "{v}");
    let said = format!(
        "kors: warning: two documents have the id \"a/two.md\": {} and {}:1; the later one is kept",
        Path::new("twice/a/two.md").display(),
        Path::new("twice/feed.jsonl").display()
    );
    assert!(err.contains(&said), "{err}");
    // The later one is what the index holds.
    let out = kors(
        t,
        &t.join("twice-index"),
        &["search", "--json", "--doc", "a/two.md", ""],
    )
    .output()
    .unwrap();
    // Its first passage (hits that tie at score 0 come in no stated order).
    let hit: serde_json::Value = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|h| h["passage"] == 0)
        .expect("the document's first passage");
    let start = hit["text"].as_str().unwrap();
    assert!(text(3).starts_with(&start[..start.len().min(60)]), "{hit}");
}
