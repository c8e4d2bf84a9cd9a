//! Printing hits: for a terminal (ANSI colour only when asked for or when
//! stdout is a terminal and `NO_COLOR` is unset), as plain text with
//! `**…**` around matched words, or as JSON Lines.

use std::io::{self, Write};

use super::{Hit, Results};
use crate::error::Exit;
use crate::report::Report;

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const RESET: &str = "\x1b[0m";

impl Report for Results {
    fn write_human(&self, w: &mut dyn Write, color: bool) -> io::Result<()> {
        for hit in &self.hits {
            write_human(hit, color, w)?;
        }
        Ok(())
    }

    /// JSON Lines: one object per hit.
    fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        for hit in &self.hits {
            serde_json::to_writer(&mut *w, hit)?;
            writeln!(w)?;
        }
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        self.warning
            .iter()
            .map(|w| format!("warning: {w}"))
            .collect()
    }

    /// Like grep: nothing found is exit code 1.
    fn exit(&self) -> Exit {
        if self.hits.is_empty() {
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
    if let Some(e) = &hit.explain {
        write_explanation(e, 2, w)?;
    }
    writeln!(w)
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
