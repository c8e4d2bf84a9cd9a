//! The corpus document id of a passage, read from the `doc` fast field
//! (no stored document is decoded): for grouping hits by document, for the
//! hashes of what an index holds, for `kors stats`.

use crate::error::Result;
use tantivy::columnar::StrColumn;
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
