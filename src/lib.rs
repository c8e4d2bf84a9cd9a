//! kors: a search engine for commentary on Korea–Russia relations.
//!
//! The pipeline, stage by stage (see ARCHITECTURE.md):
//! `corpus` (read, clean, split into passages) → `analysis` (Korean
//! morphemes, English/Russian stems) → `index` (tantivy schema and writer) →
//! `search` (query, ranking, snippets).

pub mod analysis;
pub mod bench;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod index;
pub mod search;
