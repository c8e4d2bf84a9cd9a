//! How a load tells what it did not take: rejections grouped by field and
//! reason with their count and first locations (every one with
//! `--verbose`), documents without text counted as skipped (rejected with
//! `--strict`), and the files a `.korsignore` or `--exclude` left out.

use crate::corpus::{Rejection, Skipped};

/// How much a load says on stderr (`--quiet`, default, `--verbose`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// Nothing but the reason an old index was kept.
    Quiet,
    /// The summary line; rejections grouped by reason.
    #[default]
    Grouped,
    /// Every rejection and every skipped file, a line each.
    Verbose,
}

/// Locations shown for each group of rejections without `--verbose`.
pub const SHOWN_PER_GROUP: usize = 3;

/// The lines that tell `rejections`, `empty` documents and `excluded`
/// files at `detail`.
pub fn notes(
    rejections: &[Rejection],
    empty: &[Rejection],
    empty_count: u64,
    excluded: &[Skipped],
    detail: Detail,
) -> Vec<String> {
    match detail {
        Detail::Quiet => Vec::new(),
        Detail::Verbose => rejections
            .iter()
            .map(|r| format!("rejected: {r}"))
            .chain(empty.iter().map(|r| format!("skipped: {r}")))
            .chain(
                excluded
                    .iter()
                    .map(|s| format!("skipped: {} ({})", s.path.display(), s.reason)),
            )
            .collect(),
        Detail::Grouped => {
            let mut lines: Vec<String> = groups(rejections)
                .into_iter()
                .map(|(what, of)| match of[..] {
                    // One of its kind: the whole `path:line: field: reason`.
                    [one] => format!("rejected: {one}"),
                    _ => format!(
                        "rejected {} inputs: {what}: {}",
                        of.len(),
                        places(&of, of.len())
                    ),
                })
                .collect();
            if empty_count > 0 {
                lines.push(format!(
                    "skipped {empty_count} document(s) with no text (--strict rejects them): {}",
                    places(&empty.iter().collect::<Vec<_>>(), empty_count as usize)
                ));
            }
            if !excluded.is_empty() {
                let shown: Vec<String> = excluded
                    .iter()
                    .take(SHOWN_PER_GROUP)
                    .map(|s| format!("{} ({})", s.path.display(), s.reason))
                    .collect();
                let more = excluded.len().saturating_sub(SHOWN_PER_GROUP);
                lines.push(format!(
                    "skipped {} path(s): {}{}",
                    excluded.len(),
                    shown.join(", "),
                    if more > 0 {
                        format!(", and {more} more (--verbose lists them)")
                    } else {
                        String::new()
                    }
                ));
            }
            lines
        }
    }
}

/// Rejections by `field: reason`, in order of first appearance.
fn groups(rejections: &[Rejection]) -> Vec<(String, Vec<&Rejection>)> {
    let mut out: Vec<(String, Vec<&Rejection>)> = Vec::new();
    for r in rejections {
        let what = match &r.field {
            Some(f) => format!("{f}: {}", r.reason),
            None => r.reason.clone(),
        };
        match out.iter_mut().find(|(w, _)| *w == what) {
            Some((_, of)) => of.push(r),
            None => out.push((what, vec![r])),
        }
    }
    out
}

/// `a.jsonl:3, a.jsonl:9, b.md, and 4 more (--verbose lists them)`.
fn places(of: &[&Rejection], total: usize) -> String {
    let shown: Vec<String> = of
        .iter()
        .take(SHOWN_PER_GROUP)
        .map(|r| match r.line {
            Some(l) => format!("{}:{l}", r.path.display()),
            None => r.path.display().to_string(),
        })
        .collect();
    let more = total.saturating_sub(shown.len());
    if more > 0 {
        format!(
            "{}, and {more} more (--verbose lists them)",
            shown.join(", ")
        )
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rej(path: &str, line: usize, field: &str, reason: &str) -> Rejection {
        Rejection::new(path, reason)
            .at_line(Some(line))
            .field(field)
    }

    #[test]
    fn rejections_are_grouped_by_field_and_reason_with_the_first_places() {
        let rs: Vec<Rejection> = (1..=5)
            .map(|i| rej("k.jsonl", i, "date", "not a date"))
            .chain([rej("k.jsonl", 9, "id", "too long")])
            .collect();
        let lines = notes(&rs, &[], 0, &[], Detail::Grouped);
        assert_eq!(
            lines,
            [
                "rejected 5 inputs: date: not a date: k.jsonl:1, k.jsonl:2, k.jsonl:3, and 2 more (--verbose lists them)",
                "rejected: k.jsonl:9: id: too long",
            ]
        );
        assert_eq!(notes(&rs, &[], 0, &[], Detail::Verbose).len(), 6);
        assert!(notes(&rs, &[], 0, &[], Detail::Quiet).is_empty());
    }
}
