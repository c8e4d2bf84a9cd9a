//! Document ids: a passage's, read from the `doc` fast field (no stored
//! document is decoded), for grouping hits by document, for the hashes of
//! what an index holds, for `kors stats`; and the ids of one load, so that
//! two documents given the same id are named ([`SeenIds`]).
//!
//! A document's identity is its `id`, else its path relative to the root it
//! was found under (`path#line` for a JSONL line): see
//! `corpus::RawDocument::id`. A second document with the same id replaces
//! the first, in one load as across loads.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use crate::corpus::{Fnv1a64, RawDocument};
use crate::error::Result;
use serde::Serialize;
use tantivy::columnar::{Dictionary, StrColumn};
use tantivy::{DocAddress, DocId, Searcher};

use super::schema::name;

/// The `doc` column of every segment of a searcher, opened once.
pub struct DocIds {
    columns: Vec<Option<StrColumn>>,
}

impl DocIds {
    /// The columns of `searcher`'s segments.
    pub fn of(searcher: &Searcher) -> Result<DocIds> {
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|seg| seg.fast_fields().str(name::DOC))
            .collect::<tantivy::Result<_>>()?;
        Ok(DocIds { columns })
    }

    /// The id of the passage at `addr`, into `buf`; `false` (and `buf`
    /// empty) when it has none.
    pub fn get(&self, addr: DocAddress, buf: &mut String) -> Result<bool> {
        match &self.columns[addr.segment_ord as usize] {
            Some(col) => first_str(col, addr.doc_id, buf),
            None => {
                buf.clear();
                Ok(false)
            }
        }
    }

    /// The ordinal of the passage's id in its segment's column: within a
    /// segment equal ordinals are equal ids, and comparing them reads no
    /// string (reading one decompresses a block of the column).
    pub fn ord(&self, addr: DocAddress) -> Option<u64> {
        self.columns[addr.segment_ord as usize]
            .as_ref()?
            .term_ords(addr.doc_id)
            .next()
    }

    /// The ids of the passages at `addrs`, in order (empty for one without):
    /// each segment's column is read in ordinal order, a block
    /// decompressed once, not once per passage.
    pub fn ids(&self, addrs: &[DocAddress]) -> Result<Vec<String>> {
        let mut out = vec![String::new(); addrs.len()];
        let mut wanted: Vec<(u32, u64, usize)> = addrs
            .iter()
            .enumerate()
            .filter_map(|(i, &a)| Some((a.segment_ord, self.ord(a)?, i)))
            .collect();
        wanted.sort_unstable();
        for segment in wanted.chunk_by(|a, b| a.0 == b.0) {
            let Some(col) = &self.columns[segment[0].0 as usize] else {
                continue;
            };
            let terms = Terms::read(col.dictionary(), segment.iter().map(|w| w.1))?;
            for &(_, ord, i) in segment {
                if let Some(t) = terms.get(ord) {
                    out[i] = String::from_utf8_lossy(t).into_owned();
                }
            }
        }
        Ok(out)
    }
}

/// A column's terms for some of its ordinals, read in one pass: each
/// block of its dictionary decompressed once, where reading them one by
/// one decompresses a block (with a new zstd context) each.
pub struct Terms {
    /// Sorted, distinct.
    ords: Vec<u64>,
    /// The term of each of `ords`, up to the first a damaged column lacks.
    terms: Vec<Vec<u8>>,
}

impl Terms {
    /// The terms of `ords` (in any order, repeated or not).
    pub fn read(dict: &Dictionary, ords: impl IntoIterator<Item = u64>) -> Result<Terms> {
        let mut ords: Vec<u64> = ords.into_iter().collect();
        ords.sort_unstable();
        ords.dedup();
        let mut terms = Vec::with_capacity(ords.len());
        dict.sorted_ords_to_term_cb(&ords, |t| terms.push(t.to_vec()))?;
        Ok(Terms { ords, terms })
    }

    /// The term of `ord`, if it was asked for and read.
    pub fn get(&self, ord: u64) -> Option<&[u8]> {
        let k = self.ords.binary_search(&ord).ok()?;
        self.terms.get(k).map(Vec::as_slice)
    }

    /// Whether every term asked for was read.
    pub fn complete(&self) -> bool {
        self.terms.len() == self.ords.len()
    }
}

/// The first value of a string column for `doc`, into `buf`; `false` (and
/// `buf` empty) when it has none.
pub fn first_str(col: &StrColumn, doc: DocId, buf: &mut String) -> Result<bool> {
    buf.clear();
    match col.term_ords(doc).next() {
        Some(ord) => Ok(col.ord_to_str(ord, buf)?),
        None => Ok(false),
    }
}

/// Two documents of one load with the same id: the later replaces the
/// earlier (or, when both are the same, is skipped as unchanged).
#[derive(Debug, Clone, Serialize)]
pub struct IdCollision {
    /// The id.
    pub id: String,
    /// Where the earlier document was read (`path` or `path:line`).
    pub earlier: String,
    /// Where the later one was read.
    pub later: String,
}

impl fmt::Display for IdCollision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 80;
        let id = match self.id.char_indices().nth(SHOWN) {
            Some((i, _)) => format!("{}…", &self.id[..i]),
            None => self.id.clone(),
        };
        write!(
            f,
            "two documents have the id {id:?}: {} and {}; the later one is kept",
            self.earlier, self.later
        )
    }
}

/// The ids of one load and where each was read: 64-bit hashes of the ids
/// (about 24 bytes a document, whatever the ids' length).
#[derive(Debug, Default)]
pub struct SeenIds {
    at: HashMap<u64, (u32, Option<usize>)>,
    files: Vec<PathBuf>,
}

impl SeenIds {
    /// Notes `doc`; returns the collision when its id was seen before.
    pub fn note(&mut self, doc: &RawDocument) -> Option<IdCollision> {
        let id = doc.id();
        let mut h = Fnv1a64::default();
        h.write(id.as_bytes());
        // Documents come file after file: the last file is usually theirs.
        if self.files.last() != Some(&doc.path) {
            self.files.push(doc.path.clone());
        }
        let file = u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX);
        let (earlier_file, earlier_line) = self.at.insert(h.finish(), (file, doc.line))?;
        let place = |file: u32, line: Option<usize>| {
            let path = self.files.get(file as usize).unwrap_or(&doc.path).display();
            match line {
                Some(l) => format!("{path}:{l}"),
                None => path.to_string(),
            }
        };
        Some(IdCollision {
            earlier: place(earlier_file, earlier_line),
            later: place(file, doc.line),
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, FAST, STRING};
    use tantivy::{doc, Index};

    /// Many passages' ids at once read what one at a time reads: over
    /// segments, with repeats, in any order, past the column's blocks.
    #[test]
    fn ids_at_once_are_the_ids_one_at_a_time() {
        let mut schema = Schema::builder();
        let field = schema.add_text_field(name::DOC, STRING | FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 20_000_000).unwrap();
        for i in 0..6000u32 {
            // Three passages a document; ids of varied length and prefix.
            let id = format!("{}-{:05}/kcna", ["a", "bb", "ccc"][i as usize % 3], i / 3);
            writer.add_document(doc!(field => id)).unwrap();
            if i == 2500 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let ids = DocIds::of(&searcher).unwrap();
        let mut addrs = Vec::new();
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            for d in (0..reader.max_doc())
                .step_by(7)
                .chain([0, 5, 5, reader.max_doc() - 1])
            {
                addrs.push(DocAddress::new(seg as u32, d));
            }
        }
        addrs.reverse();
        let at_once = ids.ids(&addrs).unwrap();
        let mut one = String::new();
        for (addr, id) in addrs.iter().zip(&at_once) {
            assert!(ids.get(*addr, &mut one).unwrap());
            assert_eq!(id, &one, "{addr:?}");
        }
        assert!(at_once.iter().any(|i| i.starts_with("ccc-")));
    }
}
