//! YAML front matter: a `---` line at the very top, YAML, then a closing
//! `---` (or `...`) line. Parsed into a JSON object so that front matter and
//! JSONL lines share one field checker ([`super::read::meta_from_fields`]).

use serde_json::{Map, Value};

/// Front matter larger than this is rejected: real front matter is a few
/// hundred bytes, and an unclosed `---` must not make us parse a whole file.
pub const MAX_FRONT_MATTER: usize = 64 * 1024;

/// A front matter problem, with the 1-based line in the file where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterError {
    pub line: Option<usize>,
    pub reason: String,
}

/// The result of splitting a file's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The front matter's fields (empty if there was none or it was empty).
    pub fields: Map<String, Value>,
    /// Whether the file had a front matter block at all.
    pub present: bool,
    /// The body after the closing line.
    pub body: &'a str,
    /// How many lines precede the body (to report body line numbers).
    pub body_line_offset: usize,
}

fn is_fence(line: &str, closers: &[&str]) -> bool {
    let l = line.trim_end_matches(['\r', '\n']).trim_end();
    closers.contains(&l)
}

/// Split off and parse the front matter, if the text starts with `---`.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first, &["---"]) {
        return Ok(Split {
            fields: Map::new(),
            present: false,
            body: text,
            body_line_offset: 0,
        });
    }
    let yaml_start = first.len();
    let mut pos = yaml_start;
    for (line_no, line) in (2..).zip(lines) {
        if is_fence(line, &["---", "..."]) {
            let yaml = &text[yaml_start..pos];
            let body = &text[pos + line.len()..];
            let fields = parse_yaml(yaml)?;
            return Ok(Split {
                fields,
                present: true,
                body,
                body_line_offset: line_no,
            });
        }
        pos += line.len();
        if pos - yaml_start > MAX_FRONT_MATTER {
            return Err(FrontMatterError {
                line: Some(1),
                reason: format!(
                    "front matter is larger than {} KiB (or its closing '---' line is missing)",
                    MAX_FRONT_MATTER / 1024
                ),
            });
        }
    }
    Err(FrontMatterError {
        line: Some(1),
        reason: "front matter opened with '---' on line 1 is never closed by a '---' line".into(),
    })
}

fn parse_yaml(yaml: &str) -> Result<Map<String, Value>, FrontMatterError> {
    if yaml.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: serde_norway::Value =
        serde_norway::from_str(yaml).map_err(|e| FrontMatterError {
            // The YAML starts on file line 2.
            line: e.location().map(|l| l.line() + 1),
            reason: format!("invalid YAML front matter: {e}"),
        })?;
    if value.is_null() {
        return Ok(Map::new());
    }
    if !value.is_mapping() {
        return Err(FrontMatterError {
            line: Some(2),
            reason: "front matter must be a mapping of `field: value` lines".into(),
        });
    }
    // Going through serde keeps YAML's types (a bare `5` stays a number), so
    // the field checker can say "expected a string" where it should.
    match serde_json::to_value(&value) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(FrontMatterError {
            line: Some(2),
            reason: "front matter must be a mapping of `field: value` lines".into(),
        }),
        Err(e) => Err(FrontMatterError {
            line: Some(2),
            reason: format!("front matter has values kors cannot read: {e}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_front_matter_leaves_text_alone() {
        let s = split("Title\n---\nbody").unwrap();
        assert!(!s.present);
        assert_eq!(s.body, "Title\n---\nbody");
        assert!(s.fields.is_empty());
    }

    #[test]
    fn parses_fields_and_body() {
        let text = "---\r\ntitle: \"Seoul and Moscow\"\r\ndate: 2024-06-19\r\ntags: [a, b]\r\n---\r\nBody line.\n";
        let s = split(text).unwrap();
        assert!(s.present);
        assert_eq!(s.fields["title"], "Seoul and Moscow");
        assert_eq!(s.fields["date"], "2024-06-19");
        assert_eq!(s.fields["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(s.body, "Body line.\n");
        assert_eq!(s.body_line_offset, 5);
    }

    #[test]
    fn yaml_numbers_stay_numbers() {
        let s = split("---\ndate: 5\n---\nx").unwrap();
        assert_eq!(s.fields["date"], 5);
    }

    #[test]
    fn empty_front_matter_and_dots_closer() {
        let s = split("---\n---\nbody").unwrap();
        assert!(s.present && s.fields.is_empty());
        assert_eq!(s.body, "body");
        let s = split("---\nauthor: A\n...\nbody").unwrap();
        assert_eq!(s.fields["author"], "A");
    }

    #[test]
    fn yaml_bombs_fail_fast() {
        // Alias expansion ("billion laughs") and deep nesting must end in an
        // error or a small value, quickly, not in memory exhaustion.
        let mut bomb = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            };
            bomb.push_str(&format!("b{i}: &b{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        bomb.push_str("---\nbody");
        let t = std::time::Instant::now();
        let r = split(&bomb);
        assert!(t.elapsed().as_secs() < 5);
        assert!(r.is_err(), "alias bomb accepted");
        let deep = format!(
            "---\ntitle: {}{}\n---\nbody",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(split(&deep).is_err());
    }

    #[test]
    fn unclosed_invalid_and_huge_front_matter_are_errors() {
        let e = split("---\ntitle: x\nno closing line\n").unwrap_err();
        assert!(e.reason.contains("never closed"), "{}", e.reason);
        let e = split("---\ntitle: [unclosed\n---\nbody").unwrap_err();
        assert!(e.reason.contains("invalid YAML"), "{}", e.reason);
        assert!(e.line.is_some());
        let e = split("---\n- a\n- b\n---\nbody").unwrap_err();
        assert!(e.reason.contains("mapping"), "{}", e.reason);
        let mut big = String::from("---\n");
        for i in 0..10_000 {
            big.push_str(&format!("k{i}: some value here\n"));
        }
        big.push_str("---\nbody");
        let e = split(&big).unwrap_err();
        assert!(e.reason.contains("64 KiB"), "{}", e.reason);
    }
}
