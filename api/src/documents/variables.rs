//! Variables a request leaves out, as the GraphQL spec treats them: an argument or an input
//! object field whose value is a variable that was not provided (and whose definition has
//! no default) is absent, so its own default applies and a nullable input field stays unset
//! ("Coercing Field Arguments", "Input Coercion" of input objects).
//!
//! async-graphql reads such a variable as `null` instead. For an update that takes
//! "left out" and "set to null" apart (`MaybeUndefined`), that would clear the field the
//! client left out; for a field with a default it refuses the request. So before execution
//! the uses of such variables are taken out of the parsed document, which leaves exactly
//! what the spec says. Only a request that leaves a variable out pays for the copy.

use async_graphql::Variables;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql_value::{Name, Value};
use std::collections::{HashMap, HashSet};

/// The document without the uses of variables `provided` lacks, or `None` when nothing is
/// left out (the common case: no copy). The copy keeps only the operation that runs and
/// the fragments it reaches, and drops the definitions of the variables it no longer
/// uses, so validation sees a document as the client would have written it.
pub fn without_absent(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    provided: &Variables,
) -> Option<ExecutableDocument> {
    let (name, operation) = match (&doc.operations, operation_name) {
        (DocumentOperations::Single(op), _) => (None, op),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            let (name, op) = ops.get_key_value(name)?;
            (Some(name.clone()), op)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            let (name, op) = ops.iter().next()?;
            (Some(name.clone()), op)
        }
        // No operation to run: execution refuses the request on its own.
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let absent = absent(&operation.node, provided);
    if absent.is_empty() {
        return None;
    }
    let mut op = operation.clone();
    strip_set(&mut op.node.selection_set.node, &absent);
    let mut reached = HashSet::new();
    let mut fragments = HashMap::new();
    let mut todo = spreads(&op.node.selection_set.node);
    while let Some(f) = todo.pop() {
        if !reached.insert(f.clone()) {
            continue;
        }
        if let Some(def) = doc.fragments.get(&f) {
            let mut def = def.clone();
            strip_set(&mut def.node.selection_set.node, &absent);
            todo.extend(spreads(&def.node.selection_set.node));
            fragments.insert(f, def);
        }
    }
    // A variable still used (in a directive) keeps its definition; the others go.
    let mut used = HashSet::new();
    uses_in_set(&op.node.selection_set.node, &mut used);
    for def in fragments.values() {
        uses_in_set(&def.node.selection_set.node, &mut used);
    }
    for d in &op.node.directives {
        uses_in_directive(&d.node, &mut used);
    }
    op.node
        .variable_definitions
        .retain(|d| !absent.contains(&d.node.name.node) || used.contains(&d.node.name.node));
    let operations = match name {
        None => DocumentOperations::Single(op),
        Some(name) => DocumentOperations::Multiple(HashMap::from([(name, op)])),
    };
    Some(ExecutableDocument {
        operations,
        fragments,
    })
}

/// Variables the operation defines without a default that the request does not provide.
fn absent(op: &OperationDefinition, provided: &Variables) -> HashSet<Name> {
    op.variable_definitions
        .iter()
        .filter(|d| d.node.default_value.is_none() && !provided.contains_key(&d.node.name.node))
        .map(|d| d.node.name.node.clone())
        .collect()
}

fn is_absent(value: &Value, absent: &HashSet<Name>) -> bool {
    matches!(value, Value::Variable(name) if absent.contains(name))
}

/// Input object fields whose value is an absent variable are left out, at any depth; a
/// list item that is one becomes `null`, as the spec has it.
fn strip_value(value: &mut Value, absent: &HashSet<Name>) {
    match value {
        Value::Object(fields) => {
            fields.retain(|_, v| !is_absent(v, absent));
            fields.values_mut().for_each(|v| strip_value(v, absent));
        }
        Value::List(items) => {
            for item in items {
                if is_absent(item, absent) {
                    *item = Value::Null;
                } else {
                    strip_value(item, absent);
                }
            }
        }
        _ => {}
    }
}

fn strip_set(set: &mut SelectionSet, absent: &HashSet<Name>) {
    for item in &mut set.items {
        match &mut item.node {
            Selection::Field(field) => {
                let field = &mut field.node;
                field
                    .arguments
                    .retain(|(_, v): &(Positioned<Name>, Positioned<Value>)| {
                        !is_absent(&v.node, absent)
                    });
                for (_, v) in &mut field.arguments {
                    strip_value(&mut v.node, absent);
                }
                strip_set(&mut field.selection_set.node, absent);
            }
            Selection::InlineFragment(fragment) => {
                strip_set(&mut fragment.node.selection_set.node, absent);
            }
            Selection::FragmentSpread(_) => {}
        }
    }
}

/// The fragments a selection set spreads directly (inline fragments included).
fn spreads(set: &SelectionSet) -> Vec<Name> {
    let mut out = Vec::new();
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.extend(spreads(&f.node.selection_set.node)),
            Selection::InlineFragment(f) => out.extend(spreads(&f.node.selection_set.node)),
            Selection::FragmentSpread(f) => out.push(f.node.fragment_name.node.clone()),
        }
    }
    out
}

fn uses_in_value(value: &Value, out: &mut HashSet<Name>) {
    match value {
        Value::Variable(name) => {
            out.insert(name.clone());
        }
        Value::List(items) => items.iter().for_each(|v| uses_in_value(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| uses_in_value(v, out)),
        _ => {}
    }
}

fn uses_in_directive(d: &Directive, out: &mut HashSet<Name>) {
    for (_, v) in &d.arguments {
        uses_in_value(&v.node, out);
    }
}

/// Every variable a selection set still uses: arguments and directives, at any depth.
fn uses_in_set(set: &SelectionSet, out: &mut HashSet<Name>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                for (_, v) in &f.node.arguments {
                    uses_in_value(&v.node, out);
                }
                f.node
                    .directives
                    .iter()
                    .for_each(|d| uses_in_directive(&d.node, out));
                uses_in_set(&f.node.selection_set.node, out);
            }
            Selection::InlineFragment(f) => {
                f.node
                    .directives
                    .iter()
                    .for_each(|d| uses_in_directive(&d.node, out));
                uses_in_set(&f.node.selection_set.node, out);
            }
            Selection::FragmentSpread(f) => {
                f.node
                    .directives
                    .iter()
                    .for_each(|d| uses_in_directive(&d.node, out));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn rewritten(query: &str, variables: serde_json::Value) -> Option<String> {
        let doc = parse_query(query).expect("parses");
        let vars = Variables::from_json(variables);
        without_absent(&doc, None, &vars).map(|d| {
            let DocumentOperations::Single(op) = &d.operations else {
                unreachable!("one operation")
            };
            format!("{:?}", op.node.selection_set.node)
        })
    }

    #[test]
    fn provided_and_defaulted_variables_leave_the_document_alone() {
        let q = "mutation($a: String, $b: Int = 3) { f(input: { a: $a, b: $b }) }";
        assert!(rewritten(q, serde_json::json!({ "a": null })).is_none());
        assert!(rewritten(q, serde_json::json!({ "a": "x" })).is_none());
    }

    #[test]
    fn an_absent_variable_is_taken_out_of_arguments_and_input_objects_at_any_depth() {
        let q = "mutation($a: String, $b: Int) { f(x: $a, input: { a: $a, keep: 1, inner: { b: $b }, list: [$a] }) { ... on T { g(y: $b) } } }";
        let out = rewritten(q, serde_json::json!({})).expect("rewritten");
        assert!(!out.contains("name: Name(\"x\")"), "{out}");
        assert!(!out.contains("Name(\"a\"): Variable"), "{out}");
        assert!(!out.contains("Name(\"b\"): Variable"), "{out}");
        assert!(!out.contains("name: Name(\"y\")"), "{out}");
        assert!(out.contains("keep"), "{out}");
        // A list item becomes null, as the spec has it.
        assert!(out.contains("List([Null])"), "{out}");
    }

    #[test]
    fn definitions_no_longer_used_go_and_directive_uses_stay() {
        let q = "query Run($a: String, $b: Boolean) { f(x: $a) @include(if: $b) ...F } query Other { g ...G } fragment F on Query { h(y: $a) } fragment G on Query { i }";
        let doc = parse_query(q).expect("parses");
        let out = without_absent(&doc, Some("Run"), &Variables::default()).expect("rewritten");
        let DocumentOperations::Multiple(ops) = &out.operations else {
            unreachable!("named")
        };
        let names: Vec<_> = ops.keys().map(|k| k.as_str()).collect();
        assert_eq!(names, ["Run"]);
        let defs: Vec<_> = ops["Run"]
            .node
            .variable_definitions
            .iter()
            .map(|d| d.node.name.node.as_str())
            .collect();
        assert_eq!(defs, ["b"]);
        let fragments: Vec<_> = out.fragments.keys().map(|k| k.as_str()).collect();
        assert_eq!(fragments, ["F"]);
    }
}
