//! Text analysis: one tantivy tokenizer for mixed Korean, English and
//! Russian text. (Stub: the real analyzer lands with issue 2; the interface
//! below stays.)

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

/// Name under which kors's analyzer is registered on every index.
pub const TOKENIZER_NAME: &str = "kors";

/// Version of the analyzer's output; recorded in the index so that an index
/// built by a different analyzer is refused.
pub const ANALYZER_VERSION: u32 = 0;

/// The analyzer used for passage text, titles and queries.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build()
}

/// Registers kors's tokenizers on `index`; call on every open/create.
pub fn register(index: &tantivy::Index) {
    index.tokenizers().register(TOKENIZER_NAME, analyzer());
}
