//! The index schema, loaded from `index-schema/schema.toml`.

use anyhow::{bail, Context, Result};
use once_cell::sync::Lazy;
use serde::Deserialize;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};

/// The schema file as shipped.
pub const SCHEMA_TOML: &str = include_str!("../../index-schema/schema.toml");

/// One field as the schema file declares it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// `text`, `string`, `u64` or `stored`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Tokenizer name for `text` fields.
    #[serde(default)]
    pub analyzer: Option<String>,
    /// Kept in the document store.
    #[serde(default)]
    pub stored: bool,
    /// Searchable (implied for `text`).
    #[serde(default)]
    pub indexed: bool,
    /// Columnar (facets, sorting).
    #[serde(default)]
    pub fast: bool,
    /// Positions indexed (phrase queries).
    #[serde(default)]
    pub positions: bool,
    /// Several values per document.
    #[serde(default)]
    pub multi: bool,
    /// What the field holds.
    #[serde(default)]
    pub doc: String,
}

/// The whole schema file.
#[derive(Debug, Clone, Deserialize)]
pub struct SchemaSpec {
    /// Bumped whenever a change needs a rebuild.
    pub version: u32,
    /// Fields in declaration order.
    pub field: Vec<FieldSpec>,
}

/// The parsed schema file (it ships in the binary; `tests::schema_file_matches_code` proves it parses).
pub static SPEC: Lazy<SchemaSpec> =
    Lazy::new(|| parse_spec(SCHEMA_TOML).expect("index-schema/schema.toml is valid (tested)"));

/// Parses and checks a schema file.
pub fn parse_spec(text: &str) -> Result<SchemaSpec> {
    let spec: SchemaSpec = toml::from_str(text).context("parsing index-schema/schema.toml")?;
    for f in &spec.field {
        match f.kind.as_str() {
            "text" if f.analyzer.is_none() => {
                bail!("field {}: text fields need an analyzer", f.name)
            }
            "text" | "string" | "u64" | "stored" => {}
            other => bail!("field {}: unknown type {other:?}", f.name),
        }
    }
    Ok(spec)
}

/// Builds the tantivy schema the spec describes.
pub fn build(spec: &SchemaSpec) -> Schema {
    let mut b = Schema::builder();
    for f in &spec.field {
        match f.kind.as_str() {
            "text" => {
                let rec = if f.positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                };
                let idx = TextFieldIndexing::default()
                    .set_tokenizer(f.analyzer.as_deref().unwrap_or("default"))
                    .set_index_option(rec);
                let mut o = TextOptions::default().set_indexing_options(idx);
                if f.stored {
                    o = o.set_stored();
                }
                b.add_text_field(&f.name, o);
            }
            "string" => {
                let mut o = TextOptions::default();
                if f.indexed {
                    o = o.set_indexing_options(
                        TextFieldIndexing::default()
                            .set_tokenizer("raw")
                            .set_index_option(IndexRecordOption::Basic),
                    );
                }
                if f.stored {
                    o = o.set_stored();
                }
                if f.fast {
                    o = o.set_fast("raw");
                }
                b.add_text_field(&f.name, o);
            }
            "u64" => {
                let mut o = NumericOptions::default();
                if f.indexed {
                    o = o.set_indexed();
                }
                if f.stored {
                    o = o.set_stored();
                }
                if f.fast {
                    o = o.set_fast();
                }
                b.add_u64_field(&f.name, o);
            }
            _ => {
                b.add_text_field(&f.name, TextOptions::default().set_stored());
            }
        }
    }
    b.build()
}

/// Handles to every field the code reads or writes. Resolving checks each field's type
/// against what the code does with it, so code and schema file cannot drift apart.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub title_bi: Field,
    pub authors: Field,
    pub venue: Field,
    pub track: Field,
    pub year: Field,
    pub topics: Field,
    pub arxiv_id: Field,
    pub keywords: Field,
    pub keywords_bi: Field,
    pub body: Field,
    pub body_bi: Field,
    pub lang: Field,
    pub category: Field,
    pub urls: Field,
    pub code_url: Field,
    pub date: Field,
    pub sources: Field,
}

/// How many fields [`Fields`] uses; the schema file must declare exactly these.
const FIELD_COUNT: usize = 19;

impl Fields {
    /// Resolves every field by name in `schema`, checking kinds against `spec`.
    pub fn resolve(schema: &Schema, spec: &SchemaSpec) -> Result<Fields> {
        let get = |name: &str, kind: &str| -> Result<Field> {
            let f = spec
                .field
                .iter()
                .find(|f| f.name == name)
                .with_context(|| format!("index-schema/schema.toml has no field {name:?}"))?;
            if f.kind != kind {
                bail!(
                    "field {name:?} is {:?} in index-schema/schema.toml, the code needs {kind:?}",
                    f.kind
                );
            }
            schema
                .get_field(name)
                .with_context(|| format!("index has no field {name:?}"))
        };
        if spec.field.len() != FIELD_COUNT {
            bail!(
                "index-schema/schema.toml declares {} fields, the code uses {FIELD_COUNT}",
                spec.field.len()
            );
        }
        Ok(Fields {
            id: get("id", "string")?,
            title: get("title", "text")?,
            title_bi: get("title_bi", "text")?,
            authors: get("authors", "text")?,
            venue: get("venue", "string")?,
            track: get("track", "string")?,
            year: get("year", "u64")?,
            topics: get("topics", "string")?,
            arxiv_id: get("arxiv_id", "string")?,
            keywords: get("keywords", "text")?,
            keywords_bi: get("keywords_bi", "text")?,
            body: get("body", "text")?,
            body_bi: get("body_bi", "text")?,
            lang: get("lang", "string")?,
            category: get("category", "string")?,
            urls: get("urls", "stored")?,
            code_url: get("code_url", "stored")?,
            date: get("date", "stored")?,
            sources: get("sources", "stored")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze;

    #[test]
    fn schema_file_matches_code() {
        let spec = parse_spec(SCHEMA_TOML).unwrap();
        let schema = build(&spec);
        Fields::resolve(&schema, &spec).unwrap();
        let known = [analyze::WORDS, analyze::HAN_BIGRAMS, analyze::NAMES];
        for f in &spec.field {
            if let Some(a) = &f.analyzer {
                assert!(
                    known.contains(&a.as_str()),
                    "field {} names unknown analyzer {a}",
                    f.name
                );
            }
            assert!(!f.doc.is_empty(), "field {} has no doc line", f.name);
        }
    }

    #[test]
    fn a_changed_field_type_is_caught() {
        let bad = SCHEMA_TOML.replacen(
            "name = \"year\"\ntype = \"u64\"",
            "name = \"year\"\ntype = \"string\"",
            1,
        );
        assert_ne!(bad, SCHEMA_TOML);
        let spec = parse_spec(&bad).unwrap();
        let err = Fields::resolve(&build(&spec), &spec)
            .unwrap_err()
            .to_string();
        assert!(err.contains("year"), "{err}");
    }
}
