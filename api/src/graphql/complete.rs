//! Field errors as the GraphQL spec handles them ("Handling Field Errors"): the failed
//! field is `null` at its path, and a `null` in a non-null position propagates to the
//! nearest nullable parent (or `data`).
//!
//! async-graphql 7 does neither: it leaves the failed field's key out of the object, never
//! propagates, and answers `null` for an object whose every selected field failed (so a
//! public `company` whose only selected field was refused became `null`). Clients such as
//! Apollo Client and Relay read a missing key as a cache miss and a wrongly null parent as
//! missing data. Every answer with errors passes through [`complete`], which rebuilds the
//! spec's answer from the errors' paths, the executed document and the schema's types.
//!
//! Every answer, with errors or without, also gets its objects' keys in selection order
//! ([`order`]): async-graphql 7 inserts a field when it finishes, so a field that waited
//! for the database came after one that did not, and the order changed from one request to
//! the next.

use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Selection, SelectionSet, Type, TypeKind,
};
use async_graphql::{Name, PathSegment, Response, Value};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Output field types by type and field name, read from the schema once.
struct TypeIndex {
    fields: HashMap<String, HashMap<String, Type>>,
}

static TYPES: LazyLock<TypeIndex> = LazyLock::new(|| {
    let sdl = super::schema::build(None).sdl();
    let mut fields: HashMap<String, HashMap<String, Type>> = HashMap::new();
    if let Ok(doc) = async_graphql::parser::parse_schema(&sdl) {
        for def in doc.definitions {
            let async_graphql::parser::types::TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let list = match t.node.kind {
                TypeKind::Object(o) => o.fields,
                TypeKind::Interface(i) => i.fields,
                _ => continue,
            };
            fields
                .entry(t.node.name.node.to_string())
                .or_default()
                .extend(
                    list.into_iter()
                        .map(|f| (f.node.name.node.to_string(), f.node.ty.node)),
                );
        }
    }
    TypeIndex { fields }
});

/// Where an error's path passes: a field (by response key) or a list element, and whether
/// a `null` may stand there.
#[derive(Debug, Clone, Copy)]
struct Position {
    nullable: bool,
}

/// Rewrites `response` as the spec answers it. `document` is the executed document and
/// `operation` the name of the operation that ran.
pub fn complete(response: &mut Response, document: &ExecutableDocument, operation: Option<&str>) {
    let Some((root_type, root_set)) = root(document, operation) else {
        return;
    };
    order(vec![&mut response.data], document, &[root_set]);
    if response.errors.is_empty() {
        return;
    }
    // The path to set to null for each error: the failed field, or the nearest nullable
    // ancestor when the field may not be null.
    let mut targets: Vec<Vec<PathSegment>> = Vec::new();
    for error in &response.errors {
        if error.path.is_empty() {
            continue;
        }
        let positions = positions(document, root_type, root_set, &error.path);
        let mut end = error.path.len();
        while end > 0 && !positions[end - 1].nullable {
            end -= 1;
        }
        targets.push(error.path[..end].to_vec());
    }
    targets.sort_by_key(Vec::len);
    let mut applied: Vec<Vec<PathSegment>> = Vec::new();
    for target in targets {
        if applied.iter().any(|a| target.starts_with(a)) {
            continue;
        }
        set_null(&mut response.data, &target);
        applied.push(target);
    }
}

/// Puts the keys of every object in the order its selection set names them: the spec's
/// response is an ordered map "in the order they appear in the selection set", and
/// async-graphql 7 builds each object in the order its fields finish (a field that waits
/// for the database lands after one that did not). `values` are the answers of one
/// selection (`sets`, merged by response key as execution merges them), so the key order
/// is worked out once for a whole list of objects; an object already in order is not
/// rebuilt.
fn order(values: Vec<&mut Value>, document: &ExecutableDocument, sets: &[&SelectionSet]) {
    let mut objects = Vec::new();
    let mut pending = values;
    while let Some(v) = pending.pop() {
        match v {
            Value::Object(map) => objects.push(map),
            Value::List(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
    if objects.is_empty() {
        return;
    }
    let mut keys: Vec<(&Name, Vec<&SelectionSet>)> = Vec::new();
    for set in sets {
        keys_of(document, set, &mut keys, &mut Vec::new());
    }
    for map in objects.iter_mut() {
        // Most objects hold every key already in order: compared by position first, so
        // they cost no hashing (this ran for every object of a page: 2 % of a page's CPU).
        let in_order = (map.len() == keys.len() && map.keys().eq(keys.iter().map(|(k, _)| *k)))
            || keys
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| map.contains_key(*k))
                .eq(map.keys());
        if !in_order {
            let mut rest = std::mem::take(&mut **map);
            for (k, _) in &keys {
                if let Some((name, value)) = rest.shift_remove_entry(*k) {
                    map.insert(name, value);
                }
            }
            map.extend(rest);
        }
    }
    for (i, (k, subs)) in keys.iter().enumerate() {
        if subs.iter().all(|s| s.items.is_empty()) {
            continue;
        }
        // Once ordered, an object holding every key has key `i` at index `i`.
        let children: Vec<&mut Value> = objects
            .iter_mut()
            .filter_map(|m| {
                if m.get_index(i).is_some_and(|(name, _)| name == *k) {
                    m.get_index_mut(i).map(|(_, v)| v)
                } else {
                    m.get_mut(*k)
                }
            })
            .collect();
        order(children, document, subs);
    }
}

/// The response keys of `set` in document order (through fragments, whatever their type
/// condition: a key of a fragment that did not apply is simply absent from the object),
/// each with the selection sets under it.
fn keys_of<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut Vec<(&'a Name, Vec<&'a SelectionSet>)>,
    seen: &mut Vec<&'a Name>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let key = &f.node.response_key().node;
                let sub = &f.node.selection_set.node;
                match keys.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, subs)) => subs.push(sub),
                    None => keys.push((key, vec![sub])),
                }
            }
            Selection::InlineFragment(frag) => {
                keys_of(document, &frag.node.selection_set.node, keys, seen);
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                if let Some(frag) = document.fragments.get(name) {
                    keys_of(document, &frag.node.selection_set.node, keys, seen);
                }
            }
        }
    }
}

fn root<'a>(
    document: &'a ExecutableDocument,
    operation: Option<&str>,
) -> Option<(&'static str, &'a SelectionSet)> {
    let op = crate::documents::operation::select(document, operation)?;
    Some((
        crate::documents::operation::root_type(op.ty),
        &op.selection_set.node,
    ))
}

/// Nullability of each segment of `path`, read by walking the document along it.
fn positions(
    document: &ExecutableDocument,
    root_type: &str,
    root_set: &SelectionSet,
    path: &[PathSegment],
) -> Vec<Position> {
    let mut out = Vec::with_capacity(path.len());
    let mut sets: Vec<(&SelectionSet, String)> = vec![(root_set, root_type.to_owned())];
    // The type still to unwrap at list indexes below the last field.
    let mut pending: Option<Type> = None;
    for segment in path {
        match segment {
            PathSegment::Index(_) => {
                let element = match pending.take().map(|t| t.base) {
                    Some(BaseType::List(inner)) => Some(*inner),
                    _ => None,
                };
                out.push(Position {
                    nullable: element.as_ref().is_none_or(|t| t.nullable),
                });
                pending = element;
            }
            PathSegment::Field(key) => {
                let mut found: Option<Type> = None;
                let mut next = Vec::new();
                for (set, parent) in &sets {
                    collect(
                        document,
                        set,
                        parent,
                        key,
                        &mut found,
                        &mut next,
                        &mut Vec::new(),
                    );
                }
                out.push(Position {
                    nullable: found.as_ref().is_none_or(|t| t.nullable),
                });
                sets = next;
                pending = found;
            }
        }
    }
    out
}

/// The fields under response key `key` in `set` (through fragments), their type, and their
/// selection sets with the type they select on.
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    parent: &str,
    key: &str,
    found: &mut Option<Type>,
    next: &mut Vec<(&'a SelectionSet, String)>,
    seen: &mut Vec<&'a Name>,
) {
    for item in &set.items {
        let (inner, on) = match &item.node {
            Selection::Field(f) => {
                let f = &f.node;
                if f.response_key().node.as_str() != key {
                    continue;
                }
                let ty = TYPES
                    .fields
                    .get(parent)
                    .and_then(|fields| fields.get(f.name.node.as_str()));
                if let Some(ty) = ty {
                    next.push((&f.selection_set.node, named(ty).to_owned()));
                    found.get_or_insert_with(|| ty.clone());
                }
                continue;
            }
            Selection::InlineFragment(frag) => {
                let on = frag
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(parent, |c| c.node.on.node.as_str());
                (&frag.node.selection_set.node, on)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                let Some(frag) = document
                    .fragments
                    .get(name)
                    .filter(|_| !seen.contains(&name))
                else {
                    continue;
                };
                seen.push(name);
                let on = frag.node.type_condition.node.on.node.as_str();
                (&frag.node.selection_set.node, on)
            }
        };
        collect(document, inner, on, key, found, next, seen);
    }
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

/// Sets the value at `path` to null, turning the objects on the way that async-graphql
/// answered `null` (every selected field failed) back into objects.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    let mut at = data;
    for segment in parents {
        at = match segment {
            PathSegment::Field(key) => {
                if matches!(at, Value::Null) {
                    *at = Value::Object(Default::default());
                }
                let Value::Object(map) = at else { return };
                map.entry(Name::new(key)).or_insert(Value::Null)
            }
            PathSegment::Index(i) => {
                let Value::List(items) = at else { return };
                let Some(item) = items.get_mut(*i) else {
                    return;
                };
                item
            }
        };
    }
    match last {
        PathSegment::Field(key) => {
            if matches!(at, Value::Null) {
                *at = Value::Object(Default::default());
            }
            if let Value::Object(map) = at {
                map.insert(Name::new(key), Value::Null);
            }
        }
        PathSegment::Index(i) => {
            if let Value::List(items) = at
                && let Some(item) = items.get_mut(*i)
            {
                *item = Value::Null;
            }
        }
    }
}
