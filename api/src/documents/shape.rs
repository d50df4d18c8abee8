//! What a parsed document amounts to once its fragments are inlined, computed in one pass
//! with each fragment measured once (memoised): the expanded field count that bounds the
//! work of validation and execution, the root fields each operation really selects (by
//! name, not by alias), and how many sensitive mutations it runs. Every admission check
//! reads this one walk, so a fragment chain or nesting cannot hide anything from one check
//! and not another.
//!
//! A document of 1.5 KB can name 2^40 fields through a chain of fragments that each spread
//! the next one twice; walking it naively never ends. Here each fragment's size is
//! computed once and reused, so the walk is linear in the document's text.

use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned};
use std::collections::{BTreeSet, HashMap};

/// One operation of a document, measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationShape {
    pub name: Option<String>,
    pub ty: OperationType,
    /// Fields the operation selects once every fragment is inlined (saturating).
    pub expanded_fields: u64,
    /// Names (not response keys) of the fields selected at the root, through fragments.
    pub root_fields: BTreeSet<String>,
    /// Occurrences of sensitive root mutations, through any nesting of fragments; a
    /// fragment spread twice counts twice.
    pub sensitive: u64,
}

/// A parsed document, measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentShape {
    pub operations: Vec<OperationShape>,
    /// Fields of all operations and all fragment definitions, expanded: what validation
    /// walks at worst.
    pub expanded_fields: u64,
}

impl DocumentShape {
    /// The operation a request runs: the named one, or the only one.
    pub fn operation(&self, name: Option<&str>) -> Option<&OperationShape> {
        match name {
            Some(name) => self
                .operations
                .iter()
                .find(|op| op.name.as_deref() == Some(name)),
            None if self.operations.len() == 1 => self.operations.first(),
            None => None,
        }
    }

    /// Root field names across every operation.
    pub fn root_fields(&self) -> impl Iterator<Item = &str> {
        self.operations
            .iter()
            .flat_map(|op| op.root_fields.iter().map(String::as_str))
    }
}

/// Size and sensitive-mutation count of a selection set, fragments inlined.
#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    fields: u64,
    sensitive: u64,
}

struct Walker<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    is_sensitive: &'a dyn Fn(&str) -> bool,
    /// By fragment and whether it is spread at a mutation's root (where sensitive
    /// mutations count): at most two entries per fragment.
    memo: HashMap<(&'a str, bool), Measure>,
    /// Fragments being measured: a spread of one of them is a cycle, which validation
    /// refuses; it counts nothing here so the walk ends.
    open: Vec<&'a str>,
}

impl<'a> Walker<'a> {
    /// `root`: this set is an operation's root, where sensitive mutations are counted.
    fn measure(&mut self, set: &'a SelectionSet, root: bool) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let m = match &item.node {
                Selection::Field(f) => {
                    let inner = self.measure(&f.node.selection_set.node, false);
                    let sensitive = u64::from(root && (self.is_sensitive)(&f.node.name.node));
                    Measure {
                        fields: inner.fields.saturating_add(1),
                        sensitive,
                    }
                }
                Selection::InlineFragment(frag) => {
                    self.measure(&frag.node.selection_set.node, root)
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str(), root)
                }
            };
            total.fields = total.fields.saturating_add(m.fields);
            total.sensitive = total.sensitive.saturating_add(m.sensitive);
        }
        total
    }

    fn fragment(&mut self, name: &'a str, root: bool) -> Measure {
        let Some((key, frag)) = self.fragments.get_key_value(name) else {
            // An unknown fragment: validation refuses the document.
            return Measure::default();
        };
        let key = key.as_str();
        if let Some(m) = self.memo.get(&(key, root)) {
            return *m;
        }
        if self.open.contains(&key) {
            return Measure::default();
        }
        self.open.push(key);
        let m = self.measure(&frag.node.selection_set.node, root);
        self.open.pop();
        self.memo.insert((key, root), m);
        m
    }
}

/// Root field names through inline fragments and spreads (each fragment visited once).
fn root_names<'a>(
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    set: &'a SelectionSet,
    names: &mut BTreeSet<String>,
    seen: &mut Vec<&'a str>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                names.insert(f.node.name.node.to_string());
            }
            Selection::InlineFragment(frag) => {
                root_names(fragments, &frag.node.selection_set.node, names, seen)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if let Some((key, frag)) = fragments.get_key_value(name)
                    && !seen.contains(&key.as_str())
                {
                    seen.push(key.as_str());
                    root_names(fragments, &frag.node.selection_set.node, names, seen);
                }
            }
        }
    }
}

/// Measures `doc`; `is_sensitive` names the mutations whose occurrences are counted.
pub fn measure(doc: &ExecutableDocument, is_sensitive: &dyn Fn(&str) -> bool) -> DocumentShape {
    let mut walker = Walker {
        fragments: &doc.fragments,
        is_sensitive,
        memo: HashMap::new(),
        open: Vec::new(),
    };
    let mut total: u64 = 0;
    let mut operations = Vec::new();
    for (name, op) in doc.operations.iter() {
        let set = &op.node.selection_set.node;
        let mutation = op.node.ty == OperationType::Mutation;
        let m = walker.measure(set, mutation);
        let mut root_fields = BTreeSet::new();
        root_names(&doc.fragments, set, &mut root_fields, &mut Vec::new());
        total = total.saturating_add(m.fields);
        operations.push(OperationShape {
            name: name.map(|n| n.to_string()),
            ty: op.node.ty,
            expanded_fields: m.fields,
            root_fields,
            sensitive: if mutation { m.sensitive } else { 0 },
        });
    }
    for frag in doc.fragments.values() {
        let m = walker.measure(&frag.node.selection_set.node, false);
        total = total.saturating_add(m.fields);
    }
    DocumentShape {
        operations,
        expanded_fields: total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(q: &str) -> DocumentShape {
        let doc = async_graphql::parser::parse_query(q).expect("parses");
        measure(&doc, &|name| name == "joinCommunity")
    }

    /// `query{...F0} fragment F0 on Query{...F1 ...F1} … fragment F{n} on Query{a}`.
    fn doubling_chain(levels: usize) -> String {
        let mut q = String::from("query{...F0}");
        for i in 0..levels {
            q.push_str(&format!(
                " fragment F{i} on Query{{...F{n} ...F{n}}}",
                n = i + 1
            ));
        }
        q.push_str(&format!(" fragment F{levels} on Query{{a}}"));
        q
    }

    #[test]
    fn an_exponential_fragment_chain_is_measured_in_linear_time() {
        let s = shape(&doubling_chain(40));
        assert_eq!(s.operations[0].expanded_fields, 1 << 40);
        let s = shape(&doubling_chain(80));
        assert_eq!(s.operations[0].expanded_fields, u64::MAX, "saturates");
        // The same chain at a mutation's root, where sensitive mutations are counted.
        let s = shape(
            &doubling_chain(80)
                .replacen("query", "mutation", 1)
                .replace("on Query{a}", "on Query{joinCommunity}"),
        );
        assert_eq!(s.operations[0].sensitive, u64::MAX);
    }

    #[test]
    fn fields_count_once_per_place_they_are_selected() {
        let s = shape("{ a { b c } ...F ... on Query { d } } fragment F on Query { e { f } }");
        assert_eq!(s.operations[0].expanded_fields, 6);
        assert_eq!(
            s.expanded_fields,
            6 + 2,
            "the fragment definition is walked too"
        );
    }

    #[test]
    fn root_fields_are_names_not_aliases_through_any_fragment() {
        let s = shape(
            "{ x: __schema { a } ...F } fragment F on Query { ... on Query { y: _service { sdl } } }",
        );
        let names: Vec<&str> = s.root_fields().collect();
        assert_eq!(names, ["__schema", "_service"]);
    }

    #[test]
    fn sensitive_mutations_count_through_deep_inline_fragments_and_chains() {
        let inline = format!(
            "mutation {{ {open} joinCommunity(x: 1) {{ x }} {close} }}",
            open = "... on Mutation { ".repeat(9),
            close = "}".repeat(9)
        );
        assert_eq!(shape(&inline).operations[0].sensitive, 1);
        let mut chain = String::from("mutation { ...M0 }");
        for i in 0..10 {
            chain.push_str(&format!(" fragment M{i} on Mutation {{ ...M{} }}", i + 1));
        }
        chain.push_str(" fragment M10 on Mutation { a: joinCommunity(x: 1) { x } b: joinCommunity(x: 2) { x } }");
        assert_eq!(shape(&chain).operations[0].sensitive, 2);
        let twice = "mutation { ...M ...M } fragment M on Mutation { joinCommunity(x: 1) { x } }";
        assert_eq!(shape(twice).operations[0].sensitive, 2);
    }

    #[test]
    fn a_sensitive_name_below_the_root_or_in_a_query_is_not_a_mutation() {
        let s = shape("mutation { other { joinCommunity } }");
        assert_eq!(s.operations[0].sensitive, 0);
        let s = shape("query { joinCommunity }");
        assert_eq!(s.operations[0].sensitive, 0);
    }

    #[test]
    fn cycles_end_the_walk() {
        let s = shape("{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }");
        assert!(s.operations[0].expanded_fields <= 4);
    }

    /// Occurrences of sensitive mutations, as the sensitive budget counts them.
    fn n(q: &str, op: Option<&str>) -> u64 {
        let doc = async_graphql::parser::parse_query(q).expect("parses");
        measure(&doc, &crate::ratelimit::is_sensitive)
            .operation(op)
            .map_or(0, |o| o.sensitive)
    }

    #[test]
    fn every_occurrence_counts_through_aliases_and_fragments() {
        assert_eq!(
            n(
                "mutation { a: joinCommunity(x: 1) { x } b: joinCommunity(x: 2) { x } }",
                None
            ),
            2
        );
        assert_eq!(
            n(
                "mutation { ...F ... on Mutation { requestSiteAccess { x } } } fragment F on Mutation { submitResponseCard { x } c: submitResponseCard { x } }",
                None
            ),
            3
        );
        assert_eq!(n("mutation { updateSolution { x } }", None), 0);
        assert_eq!(n("query { joinCommunity { x } }", None), 0);
        assert_eq!(
            n(
                "query A { x } mutation B { joinCommunity { x } }",
                Some("B")
            ),
            1
        );
        // A cycle ends the walk (validation refuses the document); what is in it counts.
        assert_eq!(
            n(
                "mutation { ...F } fragment F on Mutation { ...F joinCommunity { x } }",
                None
            ),
            1
        );
    }
}
