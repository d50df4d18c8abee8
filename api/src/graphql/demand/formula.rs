//! The cost formula of IBM's GraphQL cost specification as Apollo's router applies it
//! (demand control, "static estimated"), over the directives the schema publishes:
//!
//! - an operation starts at 10 for a mutation, 0 otherwise;
//! - a field costs `instances × (weight + cost of its selection) + cost of its arguments`,
//!   where `weight` is the field's `@cost`, else its type's, else 1 for an object,
//!   interface or union and 0 for a scalar or enum;
//! - `instances` is 1, or for a list the largest given `slicingArguments` value, else its
//!   `assumedSize`, else the default list size; a connection's `sizedFields` (`edges`,
//!   `nodes`) take the size its slicing argument gives;
//! - an argument costs its `@cost`, plus 1 for every input object in its value;
//! - a field or fragment left out by `@skip`/`@include` costs nothing, and so does
//!   introspection.
//!
//! The *actual* cost is the same formula over the answer: list sizes are the lengths the
//! answer has, and a null object costs nothing.

use super::model::{Field, Kind, Model};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value as ConstValue, Variables};
use async_graphql_value::Value;
use std::collections::{HashMap, HashSet};

/// A connection's page size and the fields of its type that size takes.
#[derive(Clone, Copy)]
struct Sized<'m> {
    n: u64,
    fields: &'m [String],
}

/// One operation, its variables, and the schema's costs.
pub struct Costing<'a> {
    model: &'a Model,
    document: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
    default_list_size: u64,
    /// Fragment costs already worked out (by name and page size): a fragment spread in
    /// many places is costed once, so a chain of fragments costs linear time.
    fragments: HashMap<(&'a str, u64), u64>,
    visiting: HashSet<&'a str>,
    /// Whether a variable's value was read: an estimate that read none holds for every
    /// request of the operation.
    read_variables: std::cell::Cell<bool>,
}

/// The `_entities` field federation adds to `Query`: a list as long as its
/// `representations`, of the `_Entity` union.
static ENTITIES: std::sync::LazyLock<Field> = std::sync::LazyLock::new(|| Field {
    ty: "_Entity".to_owned(),
    list: true,
    weight: None,
    list_size: None,
    args: HashMap::new(),
});

impl<'a> Costing<'a> {
    pub fn new(
        model: &'a Model,
        document: &'a ExecutableDocument,
        operation: &'a OperationDefinition,
        variables: &'a Variables,
        default_list_size: u64,
    ) -> Self {
        Self {
            model,
            document,
            operation,
            variables,
            default_list_size,
            fragments: HashMap::new(),
            visiting: HashSet::new(),
            read_variables: std::cell::Cell::new(false),
        }
    }

    /// Whether the costing so far read any variable.
    pub fn read_variables(&self) -> bool {
        self.read_variables.get()
    }

    fn base(&self) -> u64 {
        if self.operation.ty == OperationType::Mutation {
            10
        } else {
            0
        }
    }

    /// The estimate, before anything runs.
    pub fn estimate(&mut self) -> u64 {
        let root = crate::documents::operation::root_type(self.operation.ty);
        let set = &self.operation.selection_set.node;
        self.base()
            .saturating_add(self.estimate_set(root, set, None))
    }

    /// The cost of `data`, the answer to the operation.
    pub fn actual(&mut self, data: &ConstValue) -> u64 {
        let ConstValue::Object(root) = data else {
            return self.base();
        };
        let set = &self.operation.selection_set.node;
        self.base().saturating_add(self.actual_set(
            crate::documents::operation::root_type(self.operation.ty),
            set,
            &[root],
        ))
    }

    fn variable(&self, name: &Name) -> ConstValue {
        self.read_variables.set(true);
        if let Some(v) = self.variables.get(name) {
            return v.clone();
        }
        self.operation
            .variable_definitions
            .iter()
            .find(|d| d.node.name.node == *name)
            .and_then(|d| d.node.default_value.as_ref())
            .map_or(ConstValue::Null, |v| v.node.clone())
    }

    fn resolve(&self, value: &Value) -> ConstValue {
        value
            .clone()
            .into_const_with(|name| Ok::<_, std::convert::Infallible>(self.variable(&name)))
            .unwrap_or(ConstValue::Null)
    }

    /// Whether `@skip`/`@include` leave the selection out. A condition that cannot be
    /// read keeps it in: the estimate is an upper bound, and validation refuses it later.
    fn skipped(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|d| {
            let name = d.node.name.node.as_str();
            if name != "skip" && name != "include" {
                return false;
            }
            let Some(cond) = Self::argument(&d.node.arguments, "if") else {
                return false;
            };
            match self.resolve(cond) {
                ConstValue::Boolean(b) => b == (name == "skip"),
                _ => false,
            }
        })
    }

    fn argument<'v>(
        arguments: &'v [(Positioned<Name>, Positioned<Value>)],
        name: &str,
    ) -> Option<&'v Value> {
        arguments
            .iter()
            .find(|(n, _)| n.node == name)
            .map(|(_, v)| &v.node)
    }

    /// How many items a list (or a connection's page) holds, for the estimate.
    fn size(&self, def: &Field, arguments: &'a [(Positioned<Name>, Positioned<Value>)]) -> u64 {
        let Some(list_size) = &def.list_size else {
            return self.default_list_size;
        };
        let given = list_size
            .slicing
            .iter()
            .filter_map(|name| {
                let value = match Self::argument(arguments, name) {
                    Some(v) => self.resolve(v),
                    None => def.args.get(name)?.default.clone()?,
                };
                // Not an Int the argument can take: validation refuses it before anything
                // runs, with its own message.
                match value {
                    ConstValue::Number(n) => n.as_u64().filter(|n| *n <= i32::MAX as u64),
                    _ => None,
                }
            })
            .max();
        given
            .or(list_size.assumed)
            .unwrap_or(self.default_list_size)
    }

    fn arguments_cost(
        &self,
        def: &Field,
        arguments: &[(Positioned<Name>, Positioned<Value>)],
    ) -> u64 {
        arguments
            .iter()
            .filter_map(|(name, value)| {
                let input = def.args.get(name.node.as_str())?;
                // Only input objects cost by their value: a scalar's (a cursor, a filter
                // string) is not read, so the estimate stays independent of it.
                let object = self
                    .model
                    .ty(&input.ty)
                    .is_some_and(|t| t.kind == Kind::Input);
                if !object {
                    return input.weight;
                }
                let value = self.resolve(&value.node);
                Some(
                    input
                        .weight
                        .unwrap_or(0)
                        .saturating_add(self.input_cost(&input.ty, &value)),
                )
            })
            .fold(0, u64::saturating_add)
    }

    fn input_cost(&self, ty: &str, value: &ConstValue) -> u64 {
        match value {
            ConstValue::List(items) => items
                .iter()
                .map(|v| self.input_cost(ty, v))
                .fold(0, u64::saturating_add),
            ConstValue::Object(fields) => {
                let Some(info) = self.model.ty(ty).filter(|t| t.kind == Kind::Input) else {
                    return 0;
                };
                fields
                    .iter()
                    .filter_map(|(name, v)| {
                        let f = info.input_fields.get(name.as_str())?;
                        Some(
                            f.weight
                                .unwrap_or(0)
                                .saturating_add(self.input_cost(&f.ty, v)),
                        )
                    })
                    .fold(1, u64::saturating_add)
            }
            _ => 0,
        }
    }

    /// The definition of a selected field that counts: not left out by `@skip`/`@include`,
    /// not introspection, and in the schema (validation refuses a document that names a
    /// field that is not).
    fn costed(&self, parent: &str, f: &async_graphql::parser::types::Field) -> Option<&'a Field> {
        let name = f.name.node.as_str();
        if self.skipped(&f.directives) || name.starts_with("__") || name == "_service" {
            return None;
        }
        self.definition(parent, name)
    }

    /// The type an inline fragment selects on, unless `@skip`/`@include` leave it out.
    fn fragment_type(
        &self,
        parent: &str,
        frag: &async_graphql::parser::types::InlineFragment,
    ) -> Option<String> {
        if self.skipped(&frag.directives) {
            return None;
        }
        Some(
            frag.type_condition
                .as_ref()
                .map_or(parent, |c| c.node.on.node.as_str())
                .to_owned(),
        )
    }

    fn definition(&self, parent: &str, name: &str) -> Option<&'a Field> {
        if name == "_entities" && parent == "Query" {
            return Some(&ENTITIES);
        }
        self.model.field(parent, name)
    }

    fn estimate_set(
        &mut self,
        parent: &str,
        set: &'a SelectionSet,
        sized: Option<Sized<'a>>,
    ) -> u64 {
        let mut total: u64 = 0;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let name = f.name.node.as_str();
                    let Some(def) = self.costed(parent, f) else {
                        continue;
                    };
                    let instances = if name == "_entities" {
                        match Self::argument(&f.arguments, "representations")
                            .map(|v| self.resolve(v))
                        {
                            Some(ConstValue::List(items)) => items.len() as u64,
                            _ => 1,
                        }
                    } else if let Some(s) = sized.filter(|s| s.fields.iter().any(|n| n == name)) {
                        s.n
                    } else if def.list {
                        self.size(def, &f.arguments)
                    } else {
                        1
                    };
                    let below = match &def.list_size {
                        Some(l) if !l.sized.is_empty() && !def.list => Some(Sized {
                            n: self.size(def, &f.arguments),
                            fields: &l.sized,
                        }),
                        _ => None,
                    };
                    let selection = self.estimate_set(&def.ty, &f.selection_set.node, below);
                    instances
                        .saturating_mul(self.model.weight(def).saturating_add(selection))
                        .saturating_add(self.arguments_cost(def, &f.arguments))
                }
                Selection::InlineFragment(frag) => {
                    let frag = &frag.node;
                    let Some(on) = self.fragment_type(parent, frag) else {
                        continue;
                    };
                    self.estimate_set(&on, &frag.selection_set.node, sized)
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    if self.skipped(&spread.directives) {
                        continue;
                    }
                    let name = spread.fragment_name.node.as_str();
                    let key = (name, sized.map_or(0, |s| s.n));
                    if let Some(cost) = self.fragments.get(&key) {
                        *cost
                    } else {
                        let document = self.document;
                        let Some(def) = document.fragments.get(name) else {
                            continue;
                        };
                        // A cycle is refused by validation; here it only ends the walk.
                        if !self.visiting.insert(name) {
                            continue;
                        }
                        let on = def.node.type_condition.node.on.node.as_str();
                        let cost = self.estimate_set(on, &def.node.selection_set.node, sized);
                        self.visiting.remove(name);
                        self.fragments.insert(key, cost);
                        cost
                    }
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }

    /// The objects of `objects` a fragment on `on` applies to. Under an object type every
    /// fragment that validates applies; under an interface or union the answer does not
    /// name each object's type, so a fragment counts where the object holds the keys it
    /// selects (where two fragments select the same keys, both count: an upper bound).
    fn applicable<'v>(
        &self,
        parent: &str,
        on: &str,
        set: &SelectionSet,
        objects: &[&'v IndexMap<Name, ConstValue>],
    ) -> Vec<&'v IndexMap<Name, ConstValue>> {
        let concrete = self.model.ty(parent).is_some_and(|t| !t.is_abstract);
        if on == parent || concrete {
            return objects.to_vec();
        }
        let keys: Vec<&Name> = set
            .items
            .iter()
            .filter_map(|i| match &i.node {
                Selection::Field(f) if !f.node.name.node.starts_with("__") => {
                    Some(&f.node.response_key().node)
                }
                _ => None,
            })
            .collect();
        objects
            .iter()
            .filter(|o| keys.iter().all(|k| o.contains_key(*k)))
            .copied()
            .collect()
    }

    fn actual_set(
        &mut self,
        parent: &str,
        set: &'a SelectionSet,
        objects: &[&IndexMap<Name, ConstValue>],
    ) -> u64 {
        if objects.is_empty() {
            return 0;
        }
        let mut total: u64 = 0;
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(f) => {
                    let f = &f.node;
                    let Some(def) = self.costed(parent, f) else {
                        continue;
                    };
                    let key = &f.response_key().node;
                    let mut children = Vec::new();
                    let mut instances: u64 = 0;
                    let mut pending: Vec<&ConstValue> =
                        objects.iter().filter_map(|o| o.get(key)).collect();
                    while let Some(v) = pending.pop() {
                        match v {
                            ConstValue::Null => {}
                            ConstValue::List(items) => pending.extend(items.iter()),
                            ConstValue::Object(map) => {
                                instances += 1;
                                children.push(map);
                            }
                            _ => instances += 1,
                        }
                    }
                    let arguments = if f.arguments.is_empty() {
                        0
                    } else {
                        self.arguments_cost(def, &f.arguments)
                    };
                    let selection = if f.selection_set.node.items.is_empty() {
                        0
                    } else {
                        self.actual_set(&def.ty, &f.selection_set.node, &children)
                    };
                    instances
                        .saturating_mul(self.model.weight(def))
                        .saturating_add(selection)
                        .saturating_add(arguments.saturating_mul(objects.len() as u64))
                }
                Selection::InlineFragment(frag) => {
                    let frag = &frag.node;
                    let Some(on) = self.fragment_type(parent, frag) else {
                        continue;
                    };
                    let set = &frag.selection_set.node;
                    let objects = self.applicable(parent, &on, set, objects);
                    self.actual_set(&on, set, &objects)
                }
                Selection::FragmentSpread(spread) => {
                    let spread = &spread.node;
                    let name = spread.fragment_name.node.as_str();
                    let document = self.document;
                    let Some(def) = document.fragments.get(name) else {
                        continue;
                    };
                    if self.skipped(&spread.directives) || !self.visiting.insert(name) {
                        continue;
                    }
                    let on = def.node.type_condition.node.on.node.as_str();
                    let set = &def.node.selection_set.node;
                    let objects = self.applicable(parent, on, set, objects);
                    let cost = self.actual_set(on, set, &objects);
                    self.visiting.remove(name);
                    cost
                }
            };
            total = total.saturating_add(cost);
        }
        total
    }
}
