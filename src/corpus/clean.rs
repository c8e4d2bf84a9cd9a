//! Removing page furniture from captured pages, by general rules.
//!
//! Raw page captures carry the site around the article: the title again,
//! section labels, the outlet's name, teasers, image credits, share buttons,
//! "Related Articles". The rules, applied line by line:
//!
//! 1. **Whitespace**: line ends normalised to `\n`; BOM, zero-width spaces
//!    and soft hyphens removed; exotic spaces (NBSP, U+3000...) and control
//!    characters become plain spaces; each line trimmed; runs of blank lines
//!    become one. Nothing inside a line is otherwise changed.
//! 2. **Title**: every line equal to the title (case, spacing, curly quotes
//!    and a leading Markdown `#` ignored) is dropped. The title is the given
//!    one, or, if none was given, the first line when it looks like a title
//!    (at most 20 words, not ending in `.`, `!`, `:`, `;` or `,`, and not the
//!    only line); that title is returned so the document keeps it.
//! 3. **Labels** (anywhere): a line that is nothing but page labels —
//!    "Share", "Tweet | Email", "Advertisement", "Related Articles",
//!    "You may also like", "관련기사", "공유하기", ... — is dropped. Below a
//!    "Related ..." label in the second half of the text, a short list of
//!    headlines (≤ 20 lines of ≤ 25 words) is dropped with it. Tag lists
//!    ("Tags: Russia, DPRK", "Filed under ...", "태그:") count as labels.
//! 4. **Teasers** (anywhere): a line ending in "Read the full article
//!    (here)", "Read more", "Continue reading", "전문 보기", ..., or starting
//!    with "Read more:"/"See also:", is a link to elsewhere and is dropped.
//!    So do breadcrumb trails ("Home > News > Politics").
//! 5. **Credits** (anywhere): a short line starting "Image:", "Photo:",
//!    "Photo by", "Illustration:", "Credit:", "사진=", ... is dropped, and so
//!    is a line that is only a Markdown/HTML image (`![alt](src)`).
//! 6. **Copyright** (anywhere): a short line saying "All rights
//!    reserved"/"무단전재"/"재배포 금지", or starting "©", or "Copyright"
//!    with a sign or a year, or "ⓒ"/"(c)" with a year or a bare short name,
//!    is dropped. (ⓒ and (c) alone are not enough: Korean legal text uses
//!    ⓐ ⓑ ⓒ to enumerate.)
//! 7. **Edges**, only when rules 2–6 found evidence that this is a page
//!    capture (a label, teaser, credit or copyright line, or the title
//!    standing twice): short lines without sentence punctuation (≤ 8 words,
//!    no final `.`, `!`, `?`, `:`, `;`, `,`), before the first real
//!    paragraph or after the last, are dropped: section labels, outlet names,
//!    bylines, dates. Markdown headings and `【...】` section headers are kept.
//!    The gate matters: structured text such as court decisions
//!    (`【주    문】`, judges' names at the end) and speeches (date lines)
//!    begin and end with such lines, and they are content there.
//!
//! If the rules would leave nothing, nothing is dropped: a one-line document
//! that happens to say "Advertisement" is still that document.

/// A line removed by the cleaner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    /// 1-based line in the text given to [`clean`]; in a [`super::Document`]
    /// the line in the file (front matter counted), or for JSONL the line
    /// within the `text` field.
    pub line_no: usize,
    pub text: String,
    pub reason: Reason,
}

/// The rule that dropped a line (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Rule 2: the line repeats the title.
    Title,
    /// Rule 2: the first line, taken as the title.
    TitleFirst,
    /// Rule 3: a "Related ..." label.
    Related,
    /// Rule 3: a headline listed under a "Related ..." label.
    RelatedList,
    /// Rule 3: a page label, tag list or breadcrumb trail.
    Label,
    /// Rule 4: a teaser.
    Teaser,
    /// Rule 5: an image or photo credit.
    Credit,
    /// Rule 5: an image without text.
    Image,
    /// Rule 6: a copyright notice.
    Copyright,
    /// Rule 7: a short line before the first paragraph.
    Lead,
    /// Rule 7: a short line after the last paragraph.
    Tail,
}

/// Why a [`Dropped`] entry is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A rule dropped the line.
    Rule(Rule),
    /// This many more lines were dropped, past [`MAX_DROPPED_LISTED`]; the
    /// entry stands for them all.
    Unlisted(usize),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rule = match self {
            Reason::Unlisted(n) => return write!(f, "{n} more dropped lines, not listed"),
            Reason::Rule(r) => r,
        };
        f.write_str(match rule {
            Rule::Title => "repeats the title",
            Rule::TitleFirst => "title line (kept as the document's title)",
            Rule::Related => "\"Related ...\" label",
            Rule::RelatedList => "listed under a \"Related ...\" label",
            Rule::Label => "page label (share/ad/navigation)",
            Rule::Teaser => "teaser linking to the full article",
            Rule::Credit => "image/photo credit",
            Rule::Image => "image without text",
            Rule::Copyright => "copyright notice",
            Rule::Lead => "short line without sentence punctuation before the first paragraph",
            Rule::Tail => "short line without sentence punctuation after the last paragraph",
        })
    }
}

/// Cleaned text, what was dropped, and the title found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanOutput {
    pub text: String,
    pub dropped: Vec<Dropped>,
    /// The first line, taken as the title when no title was given (rule 2).
    pub title: Option<String>,
}

/// Labels that stand alone on a line of a captured page. Compared after
/// lower-casing and trimming punctuation; a line may be several of them
/// separated by `|`, `•`, `·`, `/` or `,`.
const LABELS: &[&str] = &[
    "share",
    "share this",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "share on x",
    "share via email",
    "facebook",
    "twitter",
    "linkedin",
    "whatsapp",
    "telegram",
    "reddit",
    "tweet",
    "print",
    "print this",
    "email",
    "e-mail",
    "copy link",
    "advertisement",
    "advertisements",
    "ad",
    "ads",
    "sponsored",
    "sponsored content",
    "promoted",
    "comments",
    "comment",
    "leave a comment",
    "leave a reply",
    "subscribe",
    "subscribe now",
    "sign up",
    "newsletter",
    "log in",
    "login",
    "sign in",
    "back to top",
    "skip to content",
    "skip to main content",
    "menu",
    "search",
    "home",
    "next article",
    "previous article",
    "광고",
    "공유",
    "공유하기",
    "기사 공유하기",
    "페이스북",
    "트위터",
    "카카오톡",
    "카카오스토리",
    "링크복사",
    "링크 복사",
    "url 복사",
    "인쇄",
    "프린트",
    "이메일",
    "댓글",
    "구독",
    "구독하기",
    "맨 위로",
    "맨위로",
    "이전기사",
    "다음기사",
    "스크랩",
    "글자크기",
    "좋아요",
];

/// Labels that head a list of links to other articles.
const RELATED_LABELS: &[&str] = &[
    "related",
    "related articles",
    "related article",
    "related stories",
    "related story",
    "related posts",
    "related news",
    "related content",
    "related coverage",
    "more stories",
    "more news",
    "recommended",
    "recommended for you",
    "recommended articles",
    "you may also like",
    "you might also like",
    "you may like",
    "most read",
    "most popular",
    "most viewed",
    "trending",
    "trending now",
    "top stories",
    "latest news",
    "관련기사",
    "관련 기사",
    "관련뉴스",
    "관련 뉴스",
    "연관기사",
    "연관 기사",
    "많이 본 기사",
    "많이 본 뉴스",
    "인기기사",
    "인기 기사",
    "추천기사",
    "추천 기사",
];

/// Line endings of teasers (compared lower-case, trailing punctuation off).
const TEASER_ENDS: &[&str] = &[
    "read the full article here",
    "read the full article",
    "read the full story here",
    "read the full story",
    "read the full text",
    "read the full text here",
    "read full article",
    "read full story",
    "read the rest",
    "read the rest here",
    "read more here",
    "read more",
    "continue reading",
    "click here to read more",
    "click here for more",
    "전문 보기",
    "전문보기",
    "기사 전문 보기",
    "원문 보기",
    "원문보기",
    "기사 더보기",
    "더보기",
    "자세히 보기",
];

/// Line starts of link lines (with at most 25 words).
const TEASER_STARTS: &[&str] = &[
    "read more:",
    "read also:",
    "also read:",
    "see also:",
    "related:",
];

/// Line starts of tag/category lists (with at most 20 words).
const TAG_STARTS: &[&str] = &[
    "tags:",
    "tagged:",
    "tagged with",
    "topics:",
    "filed under",
    "categories:",
    "category:",
    "keywords:",
    "태그:",
    "키워드:",
    "#태그",
];

/// Line starts of credits (with at most 25 words).
const CREDIT_STARTS: &[&str] = &[
    "image:",
    "images:",
    "image credit",
    "image source",
    "image by ",
    "photo:",
    "photos:",
    "photo credit",
    "photo by ",
    "photo courtesy",
    "photograph:",
    "photograph by",
    "picture:",
    "illustration:",
    "illustration by",
    "graphic:",
    "credit:",
    "credits:",
    "cover image",
    "cover photo",
    "featured image",
    "header image",
    "top image",
    "[photo",
    "(photo",
    "사진=",
    "사진 =",
    "사진:",
    "사진 :",
    "사진제공",
    "사진 제공",
    "[사진",
    "(사진",
    "이미지=",
    "이미지:",
    "그래픽=",
    "그래픽:",
];

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Whether `s` has more than `n` words, without counting a paragraph's
/// hundreds of words to learn it.
fn more_words_than(s: &str, n: usize) -> bool {
    s.split_whitespace().nth(n).is_some()
}

/// Characters that may follow a sentence's final punctuation.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | ')' | ']' | '」' | '』' | '》' | '〉' | '»' | '*' | '_'
    )
}

/// Whether the line ends like a sentence or a clause (`.`, `!`, `?`, `:`...).
pub(crate) fn ends_punctuated(s: &str) -> bool {
    let t = s.trim_end_matches(is_closer);
    t.ends_with([
        '.', '!', '?', '…', '。', '？', '！', ':', ';', ',', '：', '；',
    ])
}

/// Key for comparing a line with the title.
fn title_key(s: &str) -> String {
    let s = s.trim().trim_start_matches('#').trim();
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            out.extend(
                match c {
                    '‘' | '’' | '′' => '\'',
                    '“' | '”' => '"',
                    c => c,
                }
                .to_lowercase(),
            );
        }
    }
    out
}

fn looks_like_title(line: &str) -> bool {
    let t = line.trim_start_matches('#').trim();
    let w = words(t);
    w > 0
        && w <= 20
        && t.chars().count() <= 200
        && t.chars().any(char::is_alphabetic)
        && !t
            .trim_end_matches(is_closer)
            .ends_with(['.', '!', ':', ';', ',', '。', '！', '：', '；'])
}

/// Lower-cased line with decoration trimmed from both ends.
fn label_key(line: &str) -> String {
    line.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ':' | '|'
                    | '•'
                    | '·'
                    | '»'
                    | '›'
                    | '>'
                    | '<'
                    | '«'
                    | '‹'
                    | '-'
                    | '–'
                    | '—'
                    | '*'
                    | '#'
                    | '▶'
                    | '▷'
                    | '►'
                    | '■'
                    | '□'
                    | '◆'
                    | '◇'
                    | '●'
                    | '○'
                    | '★'
                    | '☆'
                    | '['
                    | ']'
                    | '('
                    | ')'
                    | '【'
                    | '】'
                    | '+'
            )
    })
    .to_lowercase()
}

/// `Some(is_related)` if the whole line is page labels.
fn label_kind(line: &str) -> Option<bool> {
    // Labels are a few words; don't lower-case whole paragraphs to learn it.
    if line.len() > 400 {
        return None;
    }
    let key = label_key(line);
    if key.is_empty() || words(&key) > 8 {
        return None;
    }
    if RELATED_LABELS.contains(&key.as_str()) {
        return Some(true);
    }
    let mut any = false;
    for piece in key.split(['|', '•', '·', '/', ',']) {
        let piece = label_key(piece);
        if piece.is_empty() {
            continue;
        }
        if !LABELS.contains(&piece.as_str()) && !RELATED_LABELS.contains(&piece.as_str()) {
            return None;
        }
        any = true;
    }
    any.then_some(false)
}

/// A breadcrumb trail: "Home > News > Politics", "홈 > 정치".
fn is_breadcrumb(line: &str) -> bool {
    if more_words_than(line, 12) {
        return false;
    }
    let lower = line.to_lowercase();
    (lower.starts_with("home") || lower.starts_with('홈'))
        && lower.contains(['>', '»', '›', '/'])
        && !ends_punctuated(line)
}

/// A line that is only a Markdown or HTML image: `![alt](src)`, `<img ...>`.
fn is_image_only(line: &str) -> bool {
    let t = line.trim();
    (t.starts_with("![") && t.ends_with(')') && t.contains("](") && !t[2..].contains("!["))
        || (t.to_ascii_lowercase().starts_with("<img") && t.ends_with('>'))
}

fn is_teaser(line: &str) -> bool {
    // Teasers are recognised by their last words and first words: lower-case
    // only those ends of a line, and the tail only when its last letter
    // could end a teaser (most lines are prose).
    let trim = |c: char| {
        c.is_whitespace() || matches!(c, '.' | '…' | '»' | '>' | '→' | '›' | ')' | ']' | ':' | '!')
    };
    let could_end = line
        .trim_end_matches(trim)
        .chars()
        .next_back()
        .is_some_and(|last| {
            let last = last.to_lowercase().next().unwrap_or(last);
            TEASER_ENDS.iter().any(|t| t.ends_with(last))
        });
    let ends_as_teaser = could_end && {
        let tail_start = line.char_indices().rev().nth(63).map_or(0, |(i, _)| i);
        let tail = line[tail_start..].to_lowercase();
        let trimmed = tail.trim_end_matches(trim);
        TEASER_ENDS.iter().any(|t| {
            trimmed.ends_with(t) && {
                // Whole words only: "thread more" must not match "read more".
                let before = &trimmed[..trimmed.len() - t.len()];
                before
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric())
            }
        })
    };
    ends_as_teaser || (!more_words_than(line, 25) && starts_with_any(line, TEASER_STARTS))
}

/// Whether `line`, lower-cased, starts with one of `starts` (only the
/// line's first characters are lower-cased).
fn starts_with_any(line: &str, starts: &[&str]) -> bool {
    let longest = starts.iter().map(|t| t.chars().count()).max().unwrap_or(0);
    let head_end = line
        .char_indices()
        .nth(longest)
        .map_or(line.len(), |(i, _)| i);
    let lower = line[..head_end].to_lowercase();
    starts.iter().any(|t| lower.starts_with(t))
}

fn is_tag_list(line: &str) -> bool {
    !more_words_than(line, 20) && starts_with_any(line, TAG_STARTS)
}

fn is_credit(line: &str) -> bool {
    !more_words_than(line, 25) && starts_with_any(line, CREDIT_STARTS)
}

fn starts_with_year(s: &str) -> bool {
    let b = s.trim_start().as_bytes();
    b.len() >= 4
        && (b.starts_with(b"19") || b.starts_with(b"20"))
        && b[..4].iter().all(u8::is_ascii_digit)
}

fn is_copyright(line: &str) -> bool {
    if more_words_than(line, 30) {
        return false;
    }
    let w = words(line);
    let lower = line.to_lowercase();
    if [
        "all rights reserved",
        "무단전재",
        "무단 전재",
        "재배포 금지",
        "재배포금지",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    let signed = lower.contains('©') || lower.contains('ⓒ') || lower.contains("(c)");
    if lower.contains("저작권자") && signed {
        return true;
    }
    // "Copyright" starting a sentence about copyright law is prose: ask for
    // a sign or a year, and brevity.
    if let Some(rest) = lower.strip_prefix("copyright") {
        let rest = rest.trim_start_matches([' ', '©', ':']);
        return w <= 12 && (signed || starts_with_year(rest));
    }
    if let Some(rest) = lower.strip_prefix('©') {
        return w <= 12 || starts_with_year(rest);
    }
    // ⓒ and (c) also enumerate items ("ⓒ : ⓐ - ⓑ = ...", "(c) the parties
    // shall ..."): only a year or a bare short name after them counts.
    if let Some(rest) = lower
        .strip_prefix('ⓒ')
        .or_else(|| lower.strip_prefix("(c)"))
    {
        return starts_with_year(rest)
            || (w <= 4 && !ends_punctuated(rest) && !rest.contains([':', '=']));
    }
    false
}

/// A short line that reads as a label rather than prose (rule 7).
fn is_short_unpunctuated(line: &str) -> bool {
    let t = line.trim();
    !more_words_than(t, 8)
        && t.chars().count() <= 80
        && !ends_punctuated(t)
        && !t.starts_with('#')
        && !t.starts_with('【')
}

/// Append `line` to `out` with its characters normalised and its ends
/// trimmed (rule 1).
fn push_normalized(out: &mut String, line: &str) {
    // Most lines need no change but trimming.
    let plain = |c: char| {
        c == '\t'
            || !(c.is_control()
                || matches!(
                    c,
                    '\u{FEFF}' | '\u{200B}' | '\u{2060}' | '\u{00AD}' | '\u{00A0}' | '\u{2000}'
                        ..='\u{200A}'
                            | '\u{202F}'
                            | '\u{205F}'
                            | '\u{3000}'
                            | '\u{2028}'
                            | '\u{2029}'
                ))
    };
    if line.chars().all(plain) {
        out.push_str(line.trim());
        return;
    }
    let start = out.len();
    for c in line.chars() {
        let c = match c {
            '\u{FEFF}' | '\u{200B}' | '\u{2060}' | '\u{00AD}' => continue,
            '\t' => '\t',
            '\u{00A0}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{0085}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        };
        if out.len() == start && c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
}

/// Dropped lines listed one by one; past this, one summary entry. Keeps a
/// hostile document of millions of "Share" lines from costing gigabytes.
pub const MAX_DROPPED_LISTED: usize = 10_000;

/// A non-blank line: its 1-based number in the raw text and its byte range
/// in the normalised buffer. `u32` keeps the table small for documents of
/// millions of short lines.
#[derive(Clone, Copy)]
struct Line {
    no: u32,
    start: u32,
    end: u32,
}

/// Clean `raw`; `title` is the document's title if one was given.
///
/// Text of 4 GiB or more (far past the reader's limit) is returned unchanged.
pub fn clean(raw: &str, title: Option<&str>) -> CleanOutput {
    if raw.len() >= u32::MAX as usize {
        return CleanOutput {
            text: raw.to_string(),
            dropped: Vec::new(),
            title: None,
        };
    }
    let mut norm = String::with_capacity(raw.len());
    let mut lines: Vec<Line> = Vec::new();
    // Lone `\r` (old Mac files) ends a line too.
    let raw_lines = raw
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'));
    for (i, l) in raw_lines.enumerate() {
        let start = norm.len();
        push_normalized(&mut norm, l);
        if norm.len() > start {
            lines.push(Line {
                no: u32::try_from(i + 1).unwrap_or(u32::MAX),
                start: start as u32,
                end: norm.len() as u32,
            });
        }
    }
    let at = |pos: usize| &norm[lines[pos].start as usize..lines[pos].end as usize];
    let n = lines.len();
    // The rule that dropped each line (`None`: kept); one byte a line.
    let mut reason: Vec<Option<Rule>> = vec![None; n];

    // Rule 2: the title.
    let given = title.map(title_key).filter(|k| !k.is_empty());
    let derived = match &given {
        None if n > 1 && looks_like_title(at(0)) => {
            Some(at(0).trim_start_matches('#').trim().to_string())
        }
        _ => None,
    };
    let key = given.clone().or_else(|| derived.as_deref().map(title_key));
    let mut title_hits = 0;
    if let Some(key) = &key {
        // A line far longer than the title cannot equal it (the key only
        // shortens quotes and spaces): skip the allocation for paragraphs.
        let max_len = 3 * key.len() + 16;
        for (pos, r) in reason.iter_mut().enumerate() {
            if at(pos).len() <= max_len && title_key(at(pos)) == *key {
                title_hits += 1;
                *r = Some(if given.is_none() && pos == 0 {
                    Rule::TitleFirst
                } else {
                    Rule::Title
                });
            }
        }
    }

    // Rules 3-6, anywhere.
    let mut evidence = title_hits >= 2;
    let mut related_at = None;
    for (pos, slot) in reason.iter_mut().enumerate() {
        if slot.is_some() {
            continue;
        }
        let l = at(pos);
        // Paragraphs (over 30 words) can only be images or teasers: the
        // other rules want short lines, and each would count the words again.
        let paragraph = more_words_than(l, 30);
        let r = match label_kind(l) {
            Some(true) => {
                if related_at.is_none() && pos * 2 >= n {
                    related_at = Some(pos);
                }
                Rule::Related
            }
            Some(false) => Rule::Label,
            None if paragraph => {
                if is_image_only(l) {
                    Rule::Image
                } else if is_teaser(l) {
                    Rule::Teaser
                } else {
                    continue;
                }
            }
            None if is_tag_list(l) || is_breadcrumb(l) => Rule::Label,
            None if is_image_only(l) => Rule::Image,
            None if is_teaser(l) => Rule::Teaser,
            None if is_credit(l) => Rule::Credit,
            None if is_copyright(l) => Rule::Copyright,
            None => continue,
        };
        *slot = Some(r);
        evidence = true;
    }
    // Headlines listed under a "Related" label near the end.
    if let Some(first) = related_at {
        let open: Vec<usize> = (first + 1..n)
            .filter(|&p| reason[p].is_none())
            .take(21)
            .collect();
        if open.len() <= 20 && open.iter().all(|&p| words(at(p)) <= 25) {
            for p in open {
                reason[p] = Some(Rule::RelatedList);
            }
        }
    }

    // Rule 7: edges, only for what looks like a page capture.
    if evidence {
        for (pos, slot) in reason.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            if !is_short_unpunctuated(at(pos)) {
                break;
            }
            *slot = Some(Rule::Lead);
        }
        for (pos, slot) in reason.iter_mut().enumerate().rev() {
            if slot.is_some() {
                continue;
            }
            if !is_short_unpunctuated(at(pos)) {
                break;
            }
            *slot = Some(Rule::Tail);
        }
    }

    if reason.iter().all(Option::is_some) {
        reason.fill(None);
    }

    let mut text = String::with_capacity(norm.len());
    let mut dropped = Vec::new();
    let mut unlisted = 0usize;
    let mut first_unlisted = 0;
    let mut prev_no = 0;
    let mut blank_since_last = false;
    for (pos, line) in lines.iter().enumerate() {
        // Numbers missing between two non-blank lines were blank lines.
        if line.no > prev_no + 1 {
            blank_since_last = true;
        }
        prev_no = line.no;
        if let Some(rule) = reason[pos] {
            if dropped.len() < MAX_DROPPED_LISTED {
                dropped.push(Dropped {
                    line_no: line.no as usize,
                    text: at(pos).to_string(),
                    reason: Reason::Rule(rule),
                });
            } else {
                if unlisted == 0 {
                    first_unlisted = line.no as usize;
                }
                unlisted += 1;
            }
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_since_last { "\n\n" } else { "\n" });
        }
        text.push_str(at(pos));
        blank_since_last = false;
    }
    if unlisted > 0 {
        dropped.push(Dropped {
            line_no: first_unlisted,
            text: String::new(),
            reason: Reason::Unlisted(unlisted),
        });
    }
    let title = if n > 0 && reason[0] == Some(Rule::TitleFirst) {
        derived
    } else {
        None
    };
    CleanOutput {
        text,
        dropped,
        title,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    use crate::corpus::test_data as shared;

    const R_TITLE: Reason = Reason::Rule(Rule::Title);
    const R_TITLE_FIRST: Reason = Reason::Rule(Rule::TitleFirst);
    const R_RELATED: Reason = Reason::Rule(Rule::Related);
    const R_RELATED_LIST: Reason = Reason::Rule(Rule::RelatedList);
    const R_TEASER: Reason = Reason::Rule(Rule::Teaser);
    const R_CREDIT: Reason = Reason::Rule(Rule::Credit);
    const R_LEAD: Reason = Reason::Rule(Rule::Lead);

    /// The article paragraphs of the seed, by their first words. (There are
    /// eight: the ninth block of prose is the teaser summary, furniture.)
    const SEED_PARAGRAPHS: [&str; 8] = [
        "The Russians also expressed serious reservations",
        "The Russians were very put out",
        "While the question of whether Korea is providing",
        "Furthermore, these issues are complicated",
        "Russia hasn’t cooperated with South Korea",
        "In the end, it’s too optimistic",
        "One thing that’s certain",
        "Alongside South Korea’s big-picture",
    ];
    const SEED_FURNITURE: [&str; 6] = [
        "Read the full article",
        "Image: iStock",
        "Related Articles",
        "Member Activities",
        "HANKYOREH",
        "APLN Vice Chair Chung-in Moon highlights",
    ];

    fn check_seed(out: &CleanOutput) {
        for f in SEED_FURNITURE {
            assert!(
                !out.text.contains(f),
                "furniture {f:?} left in:\n{}",
                out.text
            );
        }
        assert!(
            !out.text.contains("Really Recover on Their Own?"),
            "title left in"
        );
        let paras: Vec<&str> = out.text.split("\n\n").collect();
        assert_eq!(paras.len(), 8, "paragraphs: {paras:#?}");
        for (p, start) in paras.iter().zip(SEED_PARAGRAPHS) {
            assert!(p.starts_with(start), "{p:?} should start with {start:?}");
        }
        assert!(
            out.text.trim_end().ends_with("more compelling."),
            "{}",
            out.text
        );
    }

    #[test]
    fn seed_txt_keeps_all_paragraphs_and_drops_furniture() {
        let raw = std::fs::read_to_string(shared("seed/000_d0a3d8de649cf0a0.txt")).unwrap();
        let out = clean(&raw, None);
        check_seed(&out);
        assert_eq!(
            out.title.as_deref(),
            Some("Will Seoul’s Ties With Moscow Really Recover on Their Own?")
        );
        let reasons: Vec<(usize, Reason)> =
            out.dropped.iter().map(|d| (d.line_no, d.reason)).collect();
        assert_eq!(
            reasons,
            [
                (1, R_TITLE_FIRST),
                (2, R_LEAD),
                (4, R_TITLE),
                (6, R_LEAD),
                (8, R_TEASER),
                (26, R_CREDIT),
                (28, R_RELATED),
            ]
        );
    }

    #[test]
    fn seed_md_with_given_title() {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/000_d0a3d8de649cf0a0.md");
        let raw = std::fs::read_to_string(&p).unwrap();
        let split = crate::corpus::frontmatter::split(&raw).unwrap();
        let title = split.fields["title"].as_str().unwrap();
        let out = clean(split.body, Some(title));
        check_seed(&out);
        assert_eq!(out.title, None, "a given title is not replaced");
    }

    #[test]
    fn rules_are_general_not_seed_strings() {
        let page = "\
Putin and Kim Sign Pact
Home > World > Asia
World News

Putin and Kim Sign Pact

By Jane Roe

June 20, 2024

Share | Tweet | Email

Russia and North Korea signed a mutual defence treaty in Pyongyang on Wednesday, the first of its kind since the Cold War.

Photo: Reuters/Kim Pil

![Putin and Kim in Pyongyang](https://example.org/img/putin-kim.jpg)

Analysts in Seoul said the pact would complicate South Korea's relations with Moscow for years to come.

Advertisement

Seoul summoned the Russian ambassador the next day. Continue reading

Tags: Russia, North Korea, treaty

© 2024 Example News. All rights reserved.
Recommended for you
Seoul weighs arms to Ukraine
Why the treaty matters?
";
        let out = clean(page, None);
        assert_eq!(
            out.text,
            "Russia and North Korea signed a mutual defence treaty in Pyongyang on Wednesday, the first of its kind since the Cold War.\n\n\
             Analysts in Seoul said the pact would complicate South Korea's relations with Moscow for years to come."
        );
        assert_eq!(out.title.as_deref(), Some("Putin and Kim Sign Pact"));
        assert!(out
            .dropped
            .iter()
            .any(|d| d.text == "By Jane Roe" && d.reason == R_LEAD));
        assert!(out
            .dropped
            .iter()
            .any(|d| d.text == "Seoul weighs arms to Ukraine" && d.reason == R_RELATED_LIST));
    }

    #[test]
    fn korean_page_furniture() {
        let page = "\
러 외무장관 방북
정치

러시아 외무장관이 평양을 방문해 북한 외무상과 회담했다. 양측은 협력 강화를 논의했다.

사진=연합뉴스

정부는 이번 방문을 주시하고 있다고 밝혔다.

관련기사
저작권자 ⓒ 한겨레 무단전재 및 재배포 금지
";
        let out = clean(page, None);
        assert_eq!(
            out.text,
            "러시아 외무장관이 평양을 방문해 북한 외무상과 회담했다. 양측은 협력 강화를 논의했다.\n\n정부는 이번 방문을 주시하고 있다고 밝혔다."
        );
    }

    #[test]
    fn plain_prose_is_untouched() {
        let text = "First paragraph, with a comma.\nThe message said:\nShort line\n\nLast line without punctuation";
        let out = clean(text, None);
        assert_eq!(
            out.text, text,
            "no evidence of a page capture, no edge rule"
        );
        assert!(out.dropped.is_empty());
        assert_eq!(out.title, None, "first line ends with '.', not a title");
    }

    #[test]
    fn whitespace_is_normalised() {
        let out = clean(
            "\u{FEFF}  a\u{00A0}b. \r\n\r\n\r\n\tc\u{200B}d.\re\u{3000}f.\n",
            None,
        );
        assert_eq!(out.text, "a b.\n\ncd.\ne f.");
    }

    #[test]
    fn millions_of_label_lines_stay_cheap() {
        let mut raw = String::from("A real sentence about Seoul and Moscow.\n");
        raw.push_str(&"Share\n".repeat(200_000));
        let out = clean(&raw, None);
        assert_eq!(out.text, "A real sentence about Seoul and Moscow.");
        assert_eq!(out.dropped.len(), MAX_DROPPED_LISTED + 1);
        let last = out.dropped.last().unwrap();
        assert_eq!(
            last.reason.to_string(),
            format!(
                "{} more dropped lines, not listed",
                200_000 - MAX_DROPPED_LISTED
            )
        );
        assert_eq!(last.line_no, MAX_DROPPED_LISTED + 2);
    }

    #[test]
    fn never_empties_a_document() {
        for t in ["Advertisement", "Share\nRead more", "Title Only"] {
            let out = clean(t, None);
            assert!(!out.text.is_empty(), "{t:?}");
            assert!(out.dropped.is_empty());
        }
    }

    #[test]
    fn copyright_lines_but_not_enumerations() {
        for yes in [
            "© 2024 Example News. All rights reserved.",
            "Copyright © The Hankyoreh",
            "Copyright 2024 Yonhap",
            "ⓒ 한겨레",
            "ⓒ 2024 연합뉴스",
            "(c) 2023 Example Media",
            "<저작권자(c)연합뉴스. 무단전재-재배포금지.>",
        ] {
            assert!(is_copyright(yes), "{yes}");
        }
        for no in [
            "ⓒ : ⓐ - ⓑ = 209,777,635,978원 - 97,256,111,600원 = 112,521,524,378원",
            "(c) the parties shall notify each other in writing.",
            "ⓒ 피고가 원고에게 지급하여야 할 금액은 다음과 같다.",
            "Copyright law protects the expression of ideas.",
        ] {
            assert!(!is_copyright(no), "{no}");
        }
    }

    #[test]
    fn labels_and_teasers_need_whole_words() {
        assert_eq!(label_kind("Share | Tweet"), Some(false));
        assert_eq!(label_kind("RELATED STORIES:"), Some(true));
        assert_eq!(label_kind("Shareholders"), None);
        assert_eq!(label_kind("Share prices fell"), None);
        assert!(is_teaser("A summary. Read the full article here."));
        assert!(is_teaser("Read more: Putin arrives in Pyongyang"));
        assert!(!is_teaser("They spread more"));
        assert!(!is_teaser("He asked them to read more books."));
    }

    /// Real Korean and English corpora: the cleaner must not eat paragraphs.
    /// Every dropped line must be short, and the share of dropped text tiny.
    #[test]
    fn real_corpora_lose_no_paragraphs() {
        // (name, text, title, whether only title lines may go: the JSONL
        // corpora are clean exports, not page captures)
        let mut docs: Vec<(String, String, Option<String>, bool)> = Vec::new();
        let dir = shared("corpora/nk-newyear-speeches-ko");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        assert!(
            names.len() > 50,
            "expected the New Year speeches in {}",
            dir.display()
        );
        for p in names {
            docs.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
                None,
                false,
            ));
        }
        for (rel, limit) in [
            (
                "corpora/kcna-en-2011-2012/kcna_stories_2011_2012.jsonl",
                3000,
            ),
            (
                "corpora/ko-court-precedents-sample/precedents_sample.jsonl",
                600,
            ),
        ] {
            let file = std::io::BufReader::new(std::fs::File::open(shared(rel)).unwrap());
            for line in std::io::BufRead::lines(file).take(limit) {
                let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
                docs.push((
                    format!("{rel}:{}", v["id"]),
                    v["text"].as_str().unwrap_or("").to_string(),
                    v["title"].as_str().map(String::from),
                    true,
                ));
            }
        }
        let (mut total, mut lost) = (0usize, 0usize);
        for (name, text, title, only_titles) in &docs {
            let out = clean(text, title.as_deref());
            total += text.len();
            for d in &out.dropped {
                // Title lines are kept, as the document's title.
                if d.reason != R_TITLE && d.reason != R_TITLE_FIRST {
                    lost += d.text.len();
                }
                if std::env::var_os("KORS_SHOW_DROPPED").is_some() {
                    eprintln!("{name}: {:?} ({})", d.text, d.reason);
                }
                assert!(
                    words(&d.text) <= 30 && (!only_titles || d.reason == R_TITLE),
                    "{name}: dropped {:?} ({})",
                    d.text,
                    d.reason
                );
            }
            // Every kept line is in the original, in order.
            let mut rest = text.as_str();
            for line in out.text.lines().filter(|l| !l.is_empty()) {
                let at = rest
                    .find(line.split_whitespace().next().unwrap())
                    .unwrap_or_else(|| panic!("{name}: line {line:?} not found in order"));
                rest = &rest[at..];
            }
        }
        assert!(lost * 1000 < total, "dropped {lost} of {total} bytes");
    }
}
