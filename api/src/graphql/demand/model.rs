//! What the cost formula needs of the schema, read once from the published SDL: for each
//! output field its type, whether it is a list, its `@cost` and `@listSize`; for each
//! argument and input field its type and `@cost`; which types are composite.

use async_graphql::parser::types::{
    BaseType, ConstDirective, FieldDefinition, InputValueDefinition, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{Positioned, Value};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Objects, interfaces and unions: an instance costs 1 unless `@cost` says otherwise.
    Composite,
    /// Scalars and enums: free unless `@cost` says otherwise.
    Leaf,
    Input,
}

#[derive(Debug, Default)]
pub struct ListSize {
    pub assumed: Option<u64>,
    pub slicing: Vec<String>,
    pub sized: Vec<String>,
}

#[derive(Debug)]
pub struct Field {
    /// The named type under any list and non-null wrappers.
    pub ty: String,
    pub list: bool,
    pub weight: Option<u64>,
    pub list_size: Option<ListSize>,
    pub args: HashMap<String, Input>,
}

#[derive(Debug)]
pub struct Input {
    pub ty: String,
    pub weight: Option<u64>,
    /// The schema's default, used when a slicing argument is left out.
    pub default: Option<Value>,
}

#[derive(Debug)]
pub struct TypeInfo {
    pub kind: Kind,
    /// An interface or union: the answer does not say which object type each value is.
    pub is_abstract: bool,
    pub weight: Option<u64>,
    pub fields: HashMap<String, Field>,
    pub input_fields: HashMap<String, Input>,
}

#[derive(Debug, Default)]
pub struct Model {
    types: HashMap<String, TypeInfo>,
}

fn named(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named(inner).0, true),
    }
}

fn directive<'a>(
    directives: &'a [Positioned<ConstDirective>],
    name: &str,
) -> Option<&'a ConstDirective> {
    directives
        .iter()
        .map(|d| &d.node)
        .find(|d| d.name.node == name)
}

fn argument<'a>(d: &'a ConstDirective, name: &str) -> Option<&'a Value> {
    d.arguments
        .iter()
        .find(|(n, _)| n.node == name)
        .map(|(_, v)| &v.node)
}

fn int(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|i| match i {
                Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn weight(directives: &[Positioned<ConstDirective>]) -> Option<u64> {
    directive(directives, "cost").and_then(|d| int(argument(d, "weight")))
}

fn input(def: &InputValueDefinition) -> (String, Input) {
    let (ty, _) = named(&def.ty.node);
    (
        def.name.node.to_string(),
        Input {
            ty,
            weight: weight(&def.directives),
            default: def.default_value.as_ref().map(|v| v.node.clone()),
        },
    )
}

fn field(def: &FieldDefinition) -> (String, Field) {
    let (ty, list) = named(&def.ty.node);
    let list_size = directive(&def.directives, "listSize").map(|d| ListSize {
        assumed: int(argument(d, "assumedSize")),
        slicing: strings(argument(d, "slicingArguments")),
        sized: strings(argument(d, "sizedFields")),
    });
    (
        def.name.node.to_string(),
        Field {
            ty,
            list,
            weight: weight(&def.directives),
            list_size,
            args: def.arguments.iter().map(|a| input(&a.node)).collect(),
        },
    )
}

impl Model {
    /// The model of an SDL document; definitions it cannot read are left out (the SDL is
    /// the gateway's own, held to the code by the schema test).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut types = HashMap::new();
        for name in ["Int", "Float", "String", "Boolean", "ID", "_Any"] {
            types.insert(name.to_owned(), TypeInfo::leaf());
        }
        // Federation's union of entity types, left out of the subgraph SDL.
        types.insert(
            "_Entity".to_owned(),
            TypeInfo {
                kind: Kind::Composite,
                is_abstract: true,
                weight: None,
                fields: HashMap::new(),
                input_fields: HashMap::new(),
            },
        );
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return Self { types };
        };
        for def in doc.definitions {
            let TypeSystemDefinition::Type(t) = def else {
                continue;
            };
            let t = t.node;
            let mut info = TypeInfo {
                kind: Kind::Composite,
                is_abstract: matches!(t.kind, TypeKind::Interface(_) | TypeKind::Union(_)),
                weight: weight(&t.directives),
                fields: HashMap::new(),
                input_fields: HashMap::new(),
            };
            match &t.kind {
                TypeKind::Object(o) => {
                    info.fields = o.fields.iter().map(|f| field(&f.node)).collect()
                }
                TypeKind::Interface(i) => {
                    info.fields = i.fields.iter().map(|f| field(&f.node)).collect()
                }
                TypeKind::Union(_) => {}
                TypeKind::Scalar | TypeKind::Enum(_) => info.kind = Kind::Leaf,
                TypeKind::InputObject(o) => {
                    info.kind = Kind::Input;
                    info.input_fields = o.fields.iter().map(|f| input(&f.node)).collect();
                }
            }
            types.insert(t.name.node.to_string(), info);
        }
        Self { types }
    }

    pub fn ty(&self, name: &str) -> Option<&TypeInfo> {
        self.types.get(name)
    }

    pub fn field(&self, parent: &str, name: &str) -> Option<&Field> {
        self.types.get(parent)?.fields.get(name)
    }

    /// What one instance of `field` costs before its selection: the field's `@cost`, else
    /// its type's, else 1 for a composite type and 0 for a leaf.
    pub fn weight(&self, field: &Field) -> u64 {
        field
            .weight
            .unwrap_or_else(|| match self.types.get(&field.ty) {
                Some(t) => t
                    .weight
                    .unwrap_or(if t.kind == Kind::Composite { 1 } else { 0 }),
                None => 0,
            })
    }
}

impl TypeInfo {
    fn leaf() -> Self {
        Self {
            kind: Kind::Leaf,
            is_abstract: false,
            weight: None,
            fields: HashMap::new(),
            input_fields: HashMap::new(),
        }
    }
}
