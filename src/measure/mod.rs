//! Measuring kors: `kors eval` (ranking quality against relevance
//! judgments, [`eval`]; test collections imported by [`korquad`]) and
//! `kors bench` (warm query latency and throughput, [`bench`]), both
//! reading query files through [`queries`] and judgments through [`qrels`] and running queries through
//! `search`'s own functions.

pub mod bench;
pub mod eval;
pub mod korquad;
pub mod orthography;
pub mod qrels;
pub mod queries;
