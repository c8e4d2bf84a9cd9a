//! `kors stats`: what an index holds, from its fast fields.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::Result;
use serde::Serialize;
use tantivy::DocAddress;

use super::doc_ids::DocIds;
use super::schema::name;
use super::{meta::KorsMeta, KorsIndex};
use crate::report::Report;
use tantivy::columnar::StrColumn;

/// Statistics of an index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    /// Index directory.
    pub index: PathBuf,
    /// Distinct documents.
    pub documents: u64,
    /// Passages (tantivy documents).
    pub passages: u64,
    /// Documents per language (of their first passage seen).
    pub languages: BTreeMap<String, u64>,
    /// Documents per source ("" when none).
    pub sources: BTreeMap<String, u64>,
    /// Documents that have a date.
    pub dated_documents: u64,
    /// Earliest and latest date (YYYY-MM-DD), if any document has one.
    pub date_range: Option<[String; 2]>,
    /// Bytes on disk (all files in the index directory).
    pub size_bytes: u64,
    /// Searchable segments.
    pub segments: usize,
    /// Deleted passages not yet merged away.
    pub deleted_passages: u64,
    /// What built the index.
    pub meta: KorsMeta,
}

/// Computes the statistics of `idx`.
pub fn compute(idx: &KorsIndex) -> Result<Stats> {
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let mut seen: HashSet<String> = HashSet::new();
    let mut languages = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let mut dated = 0u64;
    let mut min_max: Option<(i64, i64)> = None;
    let mut deleted = 0u64;
    let ids = DocIds::of(&searcher)?;
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        deleted += u64::from(seg.num_deleted_docs());
        let ff = seg.fast_fields();
        let langs = ff.str(name::LANG)?;
        let srcs = ff.str(name::SOURCE)?;
        let dates = ff.date(name::DATE)?;
        // Each document's first passage here (the first of its id's
        // ordinal); the ids, languages and sources read by ordinal, each
        // string once (reading one decompresses a block of its column).
        let mut firsts = HashSet::new();
        let docs: Vec<DocAddress> = seg
            .doc_ids_alive()
            .map(|d| DocAddress::new(ord as u32, d))
            .filter(|&a| ids.ord(a).is_some_and(|o| firsts.insert(o)))
            .collect();
        let (mut by_lang, mut by_source) = (BTreeMap::new(), BTreeMap::new());
        for (a, id) in docs.iter().zip(ids.ids(&docs)?) {
            if !seen.insert(id) {
                continue;
            }
            let d = a.doc_id;
            let first_ord = |c: &Option<StrColumn>| c.as_ref().and_then(|c| c.term_ords(d).next());
            *by_lang.entry(first_ord(&langs)).or_insert(0) += 1;
            *by_source.entry(first_ord(&srcs)).or_insert(0) += 1;
            if let Some(date) = dates.first(d) {
                dated += 1;
                let t = date.into_timestamp_secs();
                min_max = Some(match min_max {
                    None => (t, t),
                    Some((a, b)) => (a.min(t), b.max(t)),
                });
            }
        }
        for (col, counts, into) in [
            (&langs, by_lang, &mut languages),
            (&srcs, by_source, &mut sources),
        ] {
            for (o, n) in counts {
                let mut value = String::new();
                if let (Some(c), Some(o)) = (col, o) {
                    c.ord_to_str(o, &mut value)?;
                }
                *into.entry(value).or_insert(0) += n;
            }
        }
    }
    let fmt = |secs: i64| {
        tantivy::DateTime::from_timestamp_secs(secs)
            .into_utc()
            .date()
            .to_string()
    };
    Ok(Stats {
        index: idx.dir.clone(),
        documents: seen.len() as u64,
        passages: searcher.num_docs(),
        languages,
        sources,
        dated_documents: dated,
        date_range: min_max.map(|(a, b)| [fmt(a), fmt(b)]),
        size_bytes: dir_size(&idx.dir),
        segments: searcher.segment_readers().len(),
        deleted_passages: deleted,
        meta: super::meta::check(&idx.dir)?,
    })
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

impl Report for Stats {
    fn write_human(&self, w: &mut dyn Write, _color: bool) -> io::Result<()> {
        let list = |m: &BTreeMap<String, u64>| {
            m.iter()
                .map(|(k, v)| format!("{} {v}", if k.is_empty() { "(none)" } else { k }))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(w, "index      {}", self.index.display())?;
        writeln!(w, "documents  {}", self.documents)?;
        writeln!(w, "passages   {}", self.passages)?;
        writeln!(w, "languages  {}", list(&self.languages))?;
        writeln!(w, "sources    {}", list(&self.sources))?;
        match &self.date_range {
            Some([a, b]) => writeln!(
                w,
                "dates      {a} … {b} ({} of {} documents dated)",
                self.dated_documents, self.documents
            )?,
            None => writeln!(w, "dates      (none)")?,
        }
        writeln!(
            w,
            "size       {} in {} segment(s){}",
            super::report::human_bytes(self.size_bytes),
            self.segments,
            if self.deleted_passages > 0 {
                format!(
                    ", {} deleted passages awaiting merge",
                    self.deleted_passages
                )
            } else {
                String::new()
            }
        )?;
        writeln!(
            w,
            "built by   {} (schema v{}, analyzer `{}` v{})",
            self.meta.created_by,
            self.meta.schema_version,
            self.meta.analyzer,
            self.meta.analyzer_version
        )
    }
}
