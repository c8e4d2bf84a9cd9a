//! The tantivy schema and the index writer (issue 3).
