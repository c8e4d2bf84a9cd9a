//! Reports: what a command found, as a value that prints itself for a
//! person or as JSON. The library builds them and never prints; the binary
//! picks the form and the stream, and prints every report the same way.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::Exit;

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For a person, with ANSI colour.
    Color,
    /// For a person, plain text.
    Plain,
    /// JSON (`--json`).
    Json,
}

/// A value that prints itself.
pub trait Report: Serialize {
    /// Writes the report for a person; `color` allows ANSI colour.
    fn write_human(&self, w: &mut dyn Write, color: bool) -> io::Result<()>;

    /// Writes the report as JSON: one object on one line.
    fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer(&mut *w, self)?;
        writeln!(w)
    }

    /// Notes for stderr in any format (warnings, rejections), one a line.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// The exit code the report calls for.
    fn exit(&self) -> Exit {
        Exit::Ok
    }

    /// Writes the report in `format`.
    fn write(&self, format: Format, w: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Json => self.write_json(w),
            Format::Color => self.write_human(w, true),
            Format::Plain => self.write_human(w, false),
        }?;
        w.flush()
    }
}
