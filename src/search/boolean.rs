//! Lucene's boolean rules over tantivy's query grammar.
//!
//! tantivy parses `a AND NOT b` as `+a +(-b)`: a required clause that only
//! excludes, which matches nothing (`Russia AND NOT Ukraine` found nothing
//! while `Russia NOT Ukraine` found 297 passages). Lucene's parser reads
//! `NOT` as a flag on the clause it precedes, so `a AND NOT b`, `a OR NOT
//! b` and `NOT b AND a` all mean `+a -b` (and `a -b` for OR). [`lucene_not`]
//! rewrites the tree that way: a group that only excludes, inside a clause
//! that also looks for something, becomes exclusions of that clause.
//! [`lucene_operators`] reads Lucene's `&&`, `||` and `!` as `AND`, `OR`
//! and `NOT`, which tantivy's grammar does not know (it took `&&` for a word
//! and silently searched `a OR b`).

use tantivy::query::Occur;
use tantivy::query_grammar::UserInputAst;

/// `ast` with every excluding-only group hoisted into its parent clause as
/// exclusions (see the module's documentation). A query that only excludes
/// is left as it is (and refused by the caller).
pub fn lucene_not(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(subs) => {
            let mut out: Vec<(Option<Occur>, UserInputAst)> = Vec::with_capacity(subs.len());
            for (occur, sub) in subs {
                let sub = lucene_not(sub);
                match (occur, sub) {
                    (
                        Some(Occur::Must) | Some(Occur::Should) | None,
                        UserInputAst::Clause(inner),
                    ) if only_excludes(&inner) => {
                        out.extend(inner);
                    }
                    (occur, sub) => out.push((occur, sub)),
                }
            }
            UserInputAst::Clause(out)
        }
        UserInputAst::Boost(sub, boost) => UserInputAst::Boost(Box::new(lucene_not(*sub)), boost),
        leaf => leaf,
    }
}

fn only_excludes(clauses: &[(Option<Occur>, UserInputAst)]) -> bool {
    !clauses.is_empty() && clauses.iter().all(|(o, _)| *o == Some(Occur::MustNot))
}

/// `input` with Lucene's `&&`, `||` (standing alone) and `!` (before a word
/// or a parenthesis) replaced by `AND`, `OR` and `NOT`, outside quotes.
pub fn lucene_operators(input: &str) -> std::borrow::Cow<'_, str> {
    if !input.contains(['&', '|', '!']) {
        return input.into();
    }
    let mut out = String::with_capacity(input.len() + 8);
    let mut quoted = false;
    let mut prev_space = true;
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        if c == '"' {
            quoted = !quoted;
        }
        let alone_after = |n: Option<char>| n.is_none_or(|n| n.is_whitespace() || n == '(');
        if !quoted && prev_space {
            if (c == '&' || c == '|') && next == Some(c) && alone_after(after) {
                out.push_str(if c == '&' { "AND" } else { "OR" });
                i += 2;
                prev_space = false;
                continue;
            }
            if c == '!' && next.is_some_and(|n| n.is_alphanumeric() || n == '(' || n == '"') {
                out.push_str("NOT ");
                i += 1;
                prev_space = true;
                continue;
            }
        }
        out.push(c);
        prev_space = c.is_whitespace() || c == '(';
        i += 1;
    }
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> String {
        let ast = tantivy::query_grammar::parse_query(q).unwrap();
        format!("{:?}", lucene_not(ast))
    }

    #[test]
    fn not_flags_the_clause_it_precedes() {
        assert_eq!(shape("a AND NOT b"), shape("+a -b"));
        assert_eq!(shape("NOT b AND a"), shape("-b +a"));
        assert_eq!(shape("a OR NOT b"), "(?a -b)");
        assert_eq!(shape("a NOT b"), shape("a -b"));
        assert_eq!(shape("(a OR c) AND NOT b"), shape("+(a OR c) -b"));
    }

    #[test]
    fn lucene_symbols_become_words() {
        assert_eq!(lucene_operators("a && b"), "a AND b");
        assert_eq!(lucene_operators("a || !b"), "a OR NOT b");
        assert_eq!(lucene_operators("\"a && b\" !(c)"), "\"a && b\" NOT (c)");
        assert_eq!(lucene_operators("Hello! a&&b"), "Hello! a&&b");
    }
}
