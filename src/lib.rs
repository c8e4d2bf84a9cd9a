//! kors: a search engine for commentary on Korea–Russia relations.
//!
//! The pipeline, stage by stage (see ARCHITECTURE.md):
//! `corpus` (read, clean, split into passages) → `analysis` (Korean
//! morphemes, English/Russian stems) → `index` (tantivy schema and writer) →
//! `search` (query, ranking, snippets); `measure` times and grades search.

pub mod analysis;
pub mod bounded;
pub mod corpus;
pub mod error;
pub mod index;
pub mod measure;
pub mod report;
pub mod script;
pub mod search;
