//! Operation limits that async-graphql does not have on its own: document bytes and
//! tokens (checked before the parser runs, so a 10 000-deep document never reaches it),
//! aliases and root fields (checked on the parsed document). Depth and directives use
//! async-graphql's own limits, set in `schema`; cost is demand control (`graphql::demand`).

use super::shape::DocumentShape;
use crate::error::{Code, request_error};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError, ServerResult};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_tokens: usize,
    pub max_aliases: usize,
    pub max_root_fields: usize,
    /// Fields of the document with every fragment inlined (see `shape`).
    pub max_expanded_fields: u64,
    /// Refuse `__schema` and `__type` with an error instead of answering null.
    pub introspection: bool,
}

impl Limits {
    pub fn from_config(c: &crate::config::Config) -> Self {
        Self {
            max_bytes: c.max_document_bytes,
            max_tokens: c.max_tokens,
            max_aliases: c.max_aliases,
            max_root_fields: c.max_root_fields,
            max_expanded_fields: c.max_expanded_fields,
            introspection: c.introspection_enabled(),
        }
    }
}

/// A limit's refusal: `OPERATION_LIMIT_EXCEEDED`, nothing runs.
pub fn refusal(message: String) -> ServerError {
    request_error(Code::OperationLimitExceeded, message)
}

/// Counts lexical tokens without building anything: names, numbers, strings, punctuators.
pub fn count_tokens(query: &str, stop_after: usize) -> usize {
    let bytes = query.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < bytes.len() && n <= stop_after {
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                n += 1;
                let block = bytes[i..].starts_with(b"\"\"\"");
                i += if block { 3 } else { 1 };
                while i < bytes.len() {
                    if block && bytes[i..].starts_with(b"\"\"\"") {
                        i += 3;
                        break;
                    }
                    if !block && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !block && (bytes[i] == b'"' || bytes[i] == b'\n') {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                n += 1;
                i += 3;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                n += 1;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || matches!(bytes[i], b'_' | b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
            }
            _ => {
                n += 1;
                i += 1;
            }
        }
    }
    n
}

fn count_aliases(set: &SelectionSet, total: &mut usize) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                if f.node.alias.is_some() {
                    *total += 1;
                }
                count_aliases(&f.node.selection_set.node, total);
            }
            Selection::InlineFragment(frag) => count_aliases(&frag.node.selection_set.node, total),
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// Distinct response keys at the root, following fragments: a field repeated without
/// aliases merges into one and costs nothing extra.
fn root_keys<'a>(
    doc: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    keys: &mut std::collections::HashSet<&'a str>,
    seen: &mut std::collections::HashSet<&'a str>,
) {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) => {
                let key = f.node.alias.as_ref().unwrap_or(&f.node.name);
                keys.insert(key.node.as_str());
            }
            Selection::InlineFragment(frag) => root_keys(doc, &frag.node.selection_set, keys, seen),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if seen.insert(name)
                    && let Some(frag) = doc.fragments.get(&spread.node.fragment_name.node)
                {
                    root_keys(doc, &frag.node.selection_set, keys, seen);
                }
            }
        }
    }
}

impl Limits {
    /// The checks on the text, before any parsing.
    pub fn check_text(&self, query: &str) -> ServerResult<()> {
        if query.len() > self.max_bytes {
            return Err(refusal(format!(
                "the document is {} bytes; the limit is {}",
                query.len(),
                self.max_bytes
            )));
        }
        if count_tokens(query, self.max_tokens) > self.max_tokens {
            return Err(refusal(format!(
                "the document has more than {} tokens",
                self.max_tokens
            )));
        }
        Ok(())
    }

    /// Parses text that passed `check_text`, measures and checks the document.
    /// Parses and measures a document under the limits.
    pub fn parse(&self, query: &str) -> ServerResult<(ExecutableDocument, DocumentShape)> {
        self.check_text(query)?;
        let doc = async_graphql::parser::parse_query(query).map_err(parse_failed)?;
        let shape = self.check_document(&doc)?;
        Ok((doc, shape))
    }

    /// Measures the document once (fragments inlined, each measured once) and refuses it
    /// past any limit, before validation would walk it.
    pub fn check_document(&self, doc: &ExecutableDocument) -> ServerResult<DocumentShape> {
        let shape = super::shape::measure(doc, &crate::ratelimit::is_sensitive);
        if shape.expanded_fields > self.max_expanded_fields {
            return Err(refusal(format!(
                "the document selects {} fields once its fragments are inlined; the limit is {}",
                shape.expanded_fields, self.max_expanded_fields
            )));
        }
        // By field name: an alias (`x: __schema`) must not hide introspection.
        if !self.introspection
            && shape
                .root_fields()
                .any(|name| name == "__schema" || name == "__type")
        {
            return Err(request_error(
                Code::GraphqlValidationFailed,
                "introspection is disabled",
            ));
        }
        let mut aliases = 0;
        for (_, op) in doc.operations.iter() {
            count_aliases(&op.node.selection_set.node, &mut aliases);
            let mut keys = std::collections::HashSet::new();
            root_keys(
                doc,
                &op.node.selection_set,
                &mut keys,
                &mut std::collections::HashSet::new(),
            );
            let roots = keys.len();
            if roots > self.max_root_fields {
                return Err(refusal(format!(
                    "the operation selects {roots} root fields; the limit is {}",
                    self.max_root_fields
                )));
            }
        }
        for frag in doc.fragments.values() {
            count_aliases(&frag.node.selection_set.node, &mut aliases);
        }
        if aliases > self.max_aliases {
            return Err(refusal(format!(
                "the document uses {aliases} aliases; the limit is {}",
                self.max_aliases
            )));
        }
        Ok(shape)
    }
}

/// A document that does not parse, as the request error every transport answers with:
/// `GRAPHQL_PARSE_FAILED`, where it failed, and the parser's expectation in one line
/// (without the parser's ASCII-art rendering of the document).
pub fn parse_failed(e: async_graphql::parser::Error) -> ServerError {
    let detail = match &e {
        async_graphql::parser::Error::Syntax { message, .. } => message
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("= "))
            .unwrap_or("syntax error")
            .to_owned(),
        other => other.to_string(),
    };
    let mut err = request_error(
        Code::GraphqlParseFailed,
        format!("the document does not parse: {detail}"),
    );
    err.locations = e.positions().collect();
    err
}

#[cfg(test)]
mod tests {
    use super::count_tokens;

    #[test]
    fn counts_tokens_of_names_strings_and_punctuation() {
        assert_eq!(count_tokens("{ a b(c: \"x y\") }", 100), 9);
        assert_eq!(count_tokens("query Q { ...F } # comment", 100), 6);
        assert_eq!(count_tokens("{ a(s: \"\"\"long\n text\"\"\") }", 100), 8);
        assert!(count_tokens(&"{".repeat(10_000), 100) > 100);
    }
}
