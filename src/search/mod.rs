//! Queries, ranking and snippets (issue 3).
