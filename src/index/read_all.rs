//! The second half of `kors check`: read what a search reads.
//!
//! Checksums say each file is as tantivy wrote it, not that it belongs
//! where it is: two segments' `.store` files swapped, or a `max_doc` edited
//! in `meta.json`, pass them while searches fail. So every segment is
//! opened and read whole: every stored document (and none past the last),
//! every fast-field column (as many rows as the segment has documents),
//! every term's postings and positions (documents inside the segment), the
//! field norms, and a search over all documents. tantivy trusts its files
//! and may panic on such a mismatch; the caller catches that.

use std::fmt::Display;

use tantivy::collector::Count;
use tantivy::columnar::DynamicColumn;
use tantivy::postings::Postings;
use tantivy::query::AllQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocSet, Index, SegmentReader, TantivyDocument, TERMINATED};

/// Reads everything a search may read in `index`; the first problem, said
/// in a sentence naming the segment.
pub fn read_all(index: &Index) -> Result<(), String> {
    let reader = index
        .reader()
        .map_err(|e| format!("cannot be opened: {e}"))?;
    let searcher = reader.searcher();
    for seg in searcher.segment_readers() {
        let name = seg.segment_id().uuid_string();
        read_segment(seg).map_err(|e| format!("segment {name}: {e}"))?;
    }
    let total = searcher
        .search(&AllQuery, &Count)
        .map_err(|e| format!("a search over every document fails: {e}"))?;
    let alive: u64 = searcher
        .segment_readers()
        .iter()
        .map(|s| u64::from(s.num_docs()))
        .sum();
    if total as u64 != alive {
        return Err(format!(
            "a search over every document finds {total}, the segments hold {alive}"
        ));
    }
    Ok(())
}

fn err(what: &str, e: impl Display) -> String {
    format!("{what}: {e}")
}

fn read_segment(seg: &SegmentReader) -> Result<(), String> {
    let max = seg.max_doc();
    let store = seg
        .get_store_reader(1)
        .map_err(|e| err("its stored documents", e))?;
    for d in 0..max {
        store
            .get::<TantivyDocument>(d)
            .map_err(|e| err(&format!("stored document {d} of {max}"), e))?;
    }
    if store.get::<TantivyDocument>(max).is_ok() {
        return Err(format!(
            "its store holds more documents than the {max} meta.json gives it"
        ));
    }
    let schema = seg.schema();
    for (field, entry) in schema.fields() {
        let name = entry.name();
        if entry.is_fast() {
            let handles = seg
                .fast_fields()
                .dynamic_column_handles(name)
                .map_err(|e| err(&format!("fast field {name}"), e))?;
            for h in handles {
                let col = h
                    .open()
                    .map_err(|e| err(&format!("fast field {name}"), e))?;
                let rows = match &col {
                    DynamicColumn::Bool(c) => c.num_docs(),
                    DynamicColumn::I64(c) => c.num_docs(),
                    DynamicColumn::U64(c) => c.num_docs(),
                    DynamicColumn::F64(c) => c.num_docs(),
                    DynamicColumn::IpAddr(c) => c.num_docs(),
                    DynamicColumn::DateTime(c) => c.num_docs(),
                    DynamicColumn::Bytes(c) => c.ords().num_docs(),
                    DynamicColumn::Str(c) => c.ords().num_docs(),
                };
                if rows != max {
                    return Err(format!(
                        "fast field {name} has {rows} rows for {max} documents"
                    ));
                }
            }
        }
        if entry.is_indexed() {
            read_postings(seg, field, name, max)?;
            if let Ok(norms) = seg.get_fieldnorms_reader(field) {
                for d in 0..max {
                    norms.fieldnorm_id(d);
                }
            }
        }
    }
    Ok(())
}

fn read_postings(
    seg: &SegmentReader,
    field: tantivy::schema::Field,
    name: &str,
    max: u32,
) -> Result<(), String> {
    let what = format!("postings of {name}");
    let inv = seg.inverted_index(field).map_err(|e| err(&what, e))?;
    let mut terms = inv.terms().stream().map_err(|e| err(&what, e))?;
    let mut positions = Vec::new();
    while terms.advance() {
        let info = terms.value().clone();
        let mut p = inv
            .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)
            .map_err(|e| err(&what, e))?;
        let mut docs = 0u32;
        while p.doc() != TERMINATED {
            if p.doc() >= max {
                return Err(format!(
                    "{what}: document {} past the segment's {max}",
                    p.doc()
                ));
            }
            p.positions(&mut positions);
            docs += 1;
            p.advance();
        }
        if docs != info.doc_freq {
            return Err(format!(
                "{what}: a term lists {docs} documents, its entry says {}",
                info.doc_freq
            ));
        }
    }
    Ok(())
}
