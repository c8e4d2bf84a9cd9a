//! Dates: of a document (front matter, JSONL) and of `--since`/`--until`.
//! One calendar check for both; a document may give a timestamp, whose
//! date part is kept as written.

/// `YYYY-MM-DD` only, as `kors search --since/--until` take it.
pub fn parse_day(s: &str) -> Result<time::Date, String> {
    let bad = || format!("`{s}` is not a date of the form YYYY-MM-DD");
    if s.trim().len() != 10 {
        return Err(bad());
    }
    parse_date(s).map_err(|_| bad())
}

/// `YYYY-MM-DD`, or an RFC 3339 timestamp whose date part is kept as written
/// (no conversion to UTC: the writer's calendar day is what a reader means).
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let s = s.trim();
    let bad = || {
        format!("invalid date {s:?}: expected YYYY-MM-DD or an RFC 3339 timestamp (2024-06-19T10:00:00Z)")
    };
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if part.iter().all(u8::is_ascii_digit) {
            std::str::from_utf8(part).ok()?.parse().ok()
        } else {
            None
        }
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(bad());
    };
    let month = u8::try_from(m)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(|| format!("invalid date {s:?}: there is no month {m}"))?;
    let date = time::Date::from_calendar_date(y as i32, month, d as u8)
        .map_err(|_| format!("invalid date {s:?}: {month} {y} has no day {d}"))?;
    let rest = &b[10..];
    if rest.is_empty() {
        return Ok(date);
    }
    // Time part: [T t space]HH:MM[:SS[.frac]][Z | ±HH:MM]
    if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 6 {
        return Err(bad());
    }
    let t = &rest[1..];
    let num2 = |i: usize| -> Option<u32> {
        let p = t.get(i..i + 2)?;
        if p.iter().all(u8::is_ascii_digit) {
            Some(u32::from(p[0] - b'0') * 10 + u32::from(p[1] - b'0'))
        } else {
            None
        }
    };
    let (Some(hh), Some(mm)) = (num2(0), num2(3)) else {
        return Err(bad());
    };
    if t.get(2) != Some(&b':') || hh > 23 || mm > 59 {
        return Err(bad());
    }
    let mut i = 5;
    if t.get(i) == Some(&b':') {
        match num2(i + 1) {
            Some(ss) if ss <= 60 => i += 3,
            _ => return Err(bad()),
        }
        if t.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while t.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(bad());
            }
        }
    }
    // YAML timestamps may put a space before the zone.
    if t.get(i) == Some(&b' ') && t.len() > i + 1 {
        i += 1;
    }
    match &t[i..] {
        [] | [b'Z'] | [b'z'] => Ok(date),
        [b'+' | b'-', off @ ..] => {
            let ok = off.len() == 5
                && off[2] == b':'
                && off[..2].iter().chain(&off[3..]).all(u8::is_ascii_digit);
            if ok {
                Ok(date)
            } else {
                Err(bad())
            }
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = parse_date("2024-06-19").unwrap();
        assert_eq!(d.to_string(), "2024-06-19");
        assert_eq!(parse_date("2024-06-19T23:30:00+09:00").unwrap(), d);
        assert_eq!(parse_date("2024-06-19T23:30:00.123Z").unwrap(), d);
        assert_eq!(parse_date("2024-06-19 08:00").unwrap(), d);
        assert_eq!(parse_date("2024-06-19 10:00:00 +09:00").unwrap(), d);
        for bad in [
            "2024-13-01",
            "2023-02-29",
            "19-06-2024",
            "2024/06/19",
            "June 2024",
            "2024-06-19Tnoon",
            "２０２４-06-19",
        ] {
            let e = parse_date(bad).unwrap_err();
            assert!(e.contains("invalid date"), "{bad}: {e}");
        }
        assert!(parse_date("2024-02-30").unwrap_err().contains("no day 30"));
    }

    #[test]
    fn days() {
        assert_eq!(parse_day("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(parse_day("2023-02-29").is_err());
        assert!(parse_day("2024-2-1").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
