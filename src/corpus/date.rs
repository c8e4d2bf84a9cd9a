//! Dates: of a document (front matter, JSONL) and of `--since`/`--until`.
//! One calendar check for both; a document may give a timestamp, whose
//! date part is kept as written. A document's date must lie between
//! [`FIRST_DAY`] and [`LAST_DAY`]; `--since`/`--until` may be any day.

use time::{Date, Month};

/// The first day a document may carry. tantivy stores a date as
/// nanoseconds since 1970 in an `i64` (1677-09-21 to 2262-04-11) and
/// clamps what lies outside; kors refuses such a date instead of changing
/// it, and keeps to the whole years inside.
pub const FIRST_DAY: Date = day(1678, Month::January, 1);
/// The last day a document may carry (see [`FIRST_DAY`]).
pub const LAST_DAY: Date = day(2261, Month::December, 31);

const fn day(year: i32, month: Month, d: u8) -> Date {
    match Date::from_calendar_date(year, month, d) {
        Ok(date) => date,
        Err(_) => panic!("not a day"),
    }
}

/// `YYYY-MM-DD` only, as `kors search --since/--until` take it; any year
/// from 0000 to 9999.
pub fn parse_day(s: &str) -> Result<Date, String> {
    let bad = || format!("`{s}` is not a date of the form YYYY-MM-DD");
    if s.trim().len() != 10 {
        return Err(bad());
    }
    calendar_date(s).map_err(|_| bad())
}

/// `--since` and `--until`: each a day ([`parse_day`]), the first not after
/// the second; an error names the flag.
pub fn parse_range(
    since: Option<&str>,
    until: Option<&str>,
) -> Result<(Option<Date>, Option<Date>), String> {
    let day = |s: Option<&str>, flag: &str| {
        s.map(|s| parse_day(s).map_err(|e| format!("{flag}: {e}")))
            .transpose()
    };
    let (since, until) = (day(since, "--since")?, day(until, "--until")?);
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(format!("--since {s} is after --until {u}"));
        }
    }
    Ok((since, until))
}

/// A document's date: `YYYY-MM-DD`, or an RFC 3339 timestamp whose date
/// part is kept as written (no conversion to UTC: the writer's calendar day
/// is what a reader means), from [`FIRST_DAY`] to [`LAST_DAY`].
pub fn parse_date(s: &str) -> Result<Date, String> {
    let date = calendar_date(s)?;
    if !(FIRST_DAY..=LAST_DAY).contains(&date) {
        return Err(format!(
            "date {:?} is outside the dates kors can store ({FIRST_DAY} to {LAST_DAY})",
            s.trim()
        ));
    }
    Ok(date)
}

/// `YYYY-MM-DD` or an RFC 3339 timestamp, any year.
fn calendar_date(s: &str) -> Result<Date, String> {
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
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("invalid date {s:?}: there is no month {m}"))?;
    let date = Date::from_calendar_date(y as i32, month, d as u8)
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
    fn document_dates_outside_what_the_index_holds_are_refused() {
        for (s, ok) in [
            ("0000-01-01", false),
            ("1677-12-31", false),
            ("1678-01-01", true),
            ("2261-12-31", true),
            ("2262-01-01", false),
            ("9999-12-31T23:59:59Z", false),
        ] {
            let r = parse_date(s);
            assert_eq!(r.is_ok(), ok, "{s}: {r:?}");
            if let Err(e) = r {
                assert!(e.contains("1678-01-01 to 2261-12-31"), "{e}");
            }
        }
        // A filter may name any day.
        assert!(parse_day("0000-01-01").is_ok());
        assert!(parse_day("9999-12-31").is_ok());
    }

    #[test]
    fn days() {
        assert_eq!(parse_day("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(parse_day("2023-02-29").is_err());
        assert!(parse_day("2024-2-1").is_err());
        assert!(parse_day("yesterday").is_err());
    }
}
