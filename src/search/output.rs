//! Printing hits: for a terminal (ANSI colour only when asked for or when
//! stdout is a terminal, `NO_COLOR` is unset and `TERM` is not `dumb`), as
//! plain text with `**…**` around matched words, or as JSON Lines.

use std::io::{self, Write};

use serde::Serialize;

use super::facets::Facet;
use super::tally::{Relation, Total};
use super::{Hit, Results};
use crate::error::Exit;
use crate::report::Report;

/// Whether `--color auto` colours: on a terminal, unless `NO_COLOR` is set
/// (to anything but the empty string) or `TERM` is `dumb`.
pub fn auto_colour(
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

/// A hit's JSON line: the hit and the search's total.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    total: &'a Total,
    #[serde(skip_serializing_if = "Option::is_none")]
    did_you_mean: Option<&'a str>,
}

/// The summary's JSON line (`-n 0`, `--facet`).
#[derive(Serialize)]
struct Summary<'a> {
    total: &'a Total,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    facets: &'a Vec<Facet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    undated: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    did_you_mean: Option<&'a str>,
}

impl Report for Results {
    fn write_human(&self, w: &mut dyn Write, color: bool) -> io::Result<()> {
        for hit in &self.hits {
            write_human(hit, color, w)?;
        }
        // Like grep, nothing found prints nothing (unless counts were asked).
        if self.hits.is_empty() && (!self.summary_line || self.did_you_mean.is_some()) {
            return Ok(());
        }
        let t = &self.total;
        let s = |n: u64| if n == 1 { "" } else { "s" };
        write!(
            w,
            "{} passage{} in {} document{}",
            t.passages,
            s(t.passages.value),
            t.documents,
            s(t.documents.value)
        )?;
        if t.passages.relation == Relation::Gte || t.documents.relation == Relation::Gte {
            write!(w, " (ranking stopped early; --count counts them all)")?;
        }
        if let Some(u) = self.undated.filter(|&u| u > 0) {
            write!(w, "; {u} undated, sorted last")?;
        }
        writeln!(w)?;
        for f in &self.facets {
            write_facet(f, w)?;
        }
        Ok(())
    }

    /// JSON Lines: one object per hit (with the total); with `-n 0` or
    /// `--facet`, a last line `{"total": …, "facets": […]}`.
    fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        for hit in &self.hits {
            serde_json::to_writer(
                &mut *w,
                &Line {
                    hit,
                    total: &self.total,
                    did_you_mean: self.did_you_mean.as_deref(),
                },
            )?;
            writeln!(w)?;
        }
        if self.summary_line {
            serde_json::to_writer(
                &mut *w,
                &Summary {
                    total: &self.total,
                    facets: &self.facets,
                    undated: self.undated,
                    did_you_mean: self.did_you_mean.as_deref(),
                },
            )?;
            writeln!(w)?;
        }
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        self.warning
            .iter()
            .map(|w| format!("warning: {w}"))
            .chain(self.notes.iter().cloned())
            .chain(
                self.did_you_mean
                    .iter()
                    .map(|q| format!("did you mean: {q}")),
            )
            .collect()
    }

    /// Like grep: nothing found is exit code 1 (`-n 0` with matches is 0).
    fn exit(&self) -> Exit {
        if self.hits.is_empty() && self.total.passages.value == 0 {
            Exit::NoMatch
        } else {
            Exit::Ok
        }
    }
}

fn write_human(hit: &Hit, color: bool, w: &mut dyn Write) -> io::Result<()> {
    let (bold, dim, mark, reset) = if color {
        (BOLD, DIM, MATCH, RESET)
    } else {
        ("", "", "**", "**")
    };
    let (bold_end, dim_end) = if color { (RESET, RESET) } else { ("", "") };
    let title = hit.title.as_deref().unwrap_or("(untitled)");
    writeln!(
        w,
        "{:>2}. {:.2}  {bold}{title}{bold_end}",
        hit.rank, hit.score
    )?;
    let mut meta: Vec<&str> = Vec::new();
    if let Some(s) = &hit.source {
        meta.push(s);
    }
    if let Some(d) = &hit.date {
        meta.push(d);
    }
    if let Some(a) = &hit.author {
        meta.push(a);
    }
    let place = format!("{} ¶{}", hit.doc_id, hit.passage);
    meta.push(&place);
    writeln!(w, "    {dim}{}{dim_end}", meta.join(" · "))?;
    let mut line = String::with_capacity(hit.snippet.len() + 16);
    let mut at = 0;
    for m in &hit.snippet_marks {
        if m.start < at || m.end > hit.snippet.len() {
            continue;
        }
        line.push_str(&hit.snippet[at..m.start]);
        line.push_str(if color { mark } else { "**" });
        line.push_str(&hit.snippet[m.start..m.end]);
        line.push_str(if color { reset } else { "**" });
        at = m.end;
    }
    line.push_str(&hit.snippet[at..]);
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    writeln!(w, "    {line}")?;
    if hit.copies > 0 {
        writeln!(w, "    {dim}{}{dim_end}", copies_line(hit))?;
    }
    if let Some(e) = &hit.explain {
        write_explanation(e, 2, w)?;
    }
    writeln!(w)
}

/// "+ 2 copies: kcna2024-fbe6807d6e48 (2024-08-18), kcna2024-196c747d066e
/// (2024-08-18)": the other documents of a hit's story, the first three.
fn copies_line(hit: &Hit) -> String {
    const SHOWN: usize = 3;
    let named: Vec<String> = hit
        .copy_docs
        .iter()
        .take(SHOWN)
        .map(|c| match &c.date {
            Some(d) => format!("{} ({d})", c.doc_id),
            None => c.doc_id.clone(),
        })
        .collect();
    let more = hit.copies.saturating_sub(named.len() as u64);
    format!(
        "+ {} cop{}: {}{}",
        hit.copies,
        if hit.copies == 1 { "y" } else { "ies" },
        named.join(", "),
        if more > 0 {
            format!(", and {more} more (--no-collapse shows them)")
        } else {
            String::new()
        }
    )
}

/// A facet as a table: value, documents.
fn write_facet(f: &Facet, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "\n{:<40} {:>9}", f.field.name(), "documents")?;
    for b in &f.buckets {
        writeln!(w, "{:<40} {:>9}", b.key, b.count)?;
    }
    if f.missing > 0 {
        writeln!(w, "{:<40} {:>9}", "(none)", f.missing)?;
    }
    Ok(())
}

/// Prints a tantivy score explanation (as serialized) as an indented tree.
fn write_explanation(e: &serde_json::Value, depth: usize, w: &mut dyn Write) -> io::Result<()> {
    let value = e.get("value").and_then(|v| v.as_f64()).unwrap_or(0.0);
    let desc = e.get("description").and_then(|v| v.as_str()).unwrap_or("");
    writeln!(w, "{:indent$}{value:.4}  {desc}", "", indent = depth * 2)?;
    if let Some(ctx) = e.get("context").and_then(|v| v.as_array()) {
        for c in ctx {
            writeln!(
                w,
                "{:indent$}  ({})",
                "",
                c.as_str().unwrap_or(""),
                indent = depth * 2
            )?;
        }
    }
    if let Some(details) = e.get("details").and_then(|v| v.as_array()) {
        for d in details {
            write_explanation(d, depth + 1, w)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::auto_colour;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_or_a_dumb_term() {
        let s = |v: &'static str| Some(OsStr::new(v));
        assert!(auto_colour(true, None, s("xterm-256color")));
        assert!(auto_colour(true, None, None));
        assert!(
            auto_colour(true, s(""), s("xterm")),
            "an empty NO_COLOR is unset"
        );
        assert!(!auto_colour(false, None, s("xterm")), "not a terminal");
        assert!(!auto_colour(true, s("1"), s("xterm")), "NO_COLOR");
        assert!(!auto_colour(true, None, s("dumb")), "TERM=dumb");
    }
}
