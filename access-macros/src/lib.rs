//! `#[guarded]` on the `#[Object]` impl of a GraphQL type the access matrix guards. Each
//! field states its rule once, as `#[guard(Action)]` (or `#[guard(self_or = Action)]` for
//! what a person may read about themself); from that one line follow
//!
//! - the check, as the first statement of the resolver (`graphql::guard_field`), which
//!   runs on every path that reaches the field: lists, `node`, `_entities`, payloads;
//! - `@requiresScopes`, computed here from `access::required_scopes` while the gateway
//!   compiles, so the published scopes are the matrix's and nobody types them;
//! - the type's declared policy (`GuardedFields::POLICY`, every other field `Public`),
//!   which the schema tests compare with the schema and walk as every standing.

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use std::str::FromStr;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, ImplItem, ItemImpl, Meta, Pat, Type, parse_macro_input};

#[proc_macro_attribute]
pub fn guarded(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return syn::Error::new(Span::call_site(), "#[guarded] takes no arguments")
            .to_compile_error()
            .into();
    }
    let mut imp = parse_macro_input!(item as ItemImpl);
    match expand(&mut imp) {
        Ok(policy) => quote!(#imp #policy).into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// What `#[guard(..)]` says.
enum Rule {
    Guarded(access::Action, syn::Ident),
    SelfOr(access::Action, syn::Ident),
}

fn expand(imp: &mut ItemImpl) -> syn::Result<proc_macro2::TokenStream> {
    let self_ty = &imp.self_ty;
    let type_name = match &**self_ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .ok_or_else(|| syn::Error::new(p.span(), "a named type"))?,
        other => {
            return Err(syn::Error::new(
                other.span(),
                "#[guarded] needs a named type",
            ));
        }
    };
    let mut fields = Vec::new();
    for item in &mut imp.items {
        let ImplItem::Fn(f) = item else { continue };
        if is_skipped(&f.attrs) {
            continue;
        }
        let name = camel(&f.sig.ident.to_string());
        let rule = take_rule(&mut f.attrs)?;
        let Some(rule) = rule else {
            fields.push(quote!((#name, ::access::FieldPolicy::Public)));
            continue;
        };
        let (policy, policy_tokens) = match &rule {
            Rule::Guarded(a, ident) => (
                access::FieldPolicy::Guarded(*a),
                quote!(::access::FieldPolicy::Guarded(::access::Action::#ident)),
            ),
            Rule::SelfOr(a, ident) => (
                access::FieldPolicy::SelfOr(*a),
                quote!(::access::FieldPolicy::SelfOr(::access::Action::#ident)),
            ),
        };
        fields.push(quote!((#name, #policy_tokens)));
        let scopes = access::required_scopes(policy);
        if !scopes.is_empty() {
            add_scopes(&mut f.attrs, &scopes)?;
        }
        let ctx = context_arg(&f.sig)?;
        let check: syn::Stmt = syn::parse_quote!(
            crate::graphql::guard_field(#ctx, self, #policy_tokens)?;
        );
        f.block.stmts.insert(0, check);
    }
    let (impl_generics, _, where_clause) = imp.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics crate::graphql::GuardedFields for #self_ty #where_clause {
            const POLICY: ::access::TypePolicy = ::access::TypePolicy {
                type_name: #type_name,
                fields: &[#(#fields),*],
            };
        }
    })
}

/// Removes `#[guard(..)]` from a resolver's attributes and reads it.
fn take_rule(attrs: &mut Vec<Attribute>) -> syn::Result<Option<Rule>> {
    let Some(at) = attrs.iter().position(|a| a.path().is_ident("guard")) else {
        return Ok(None);
    };
    let attr = attrs.remove(at);
    if attrs.iter().any(|a| a.path().is_ident("guard")) {
        return Err(syn::Error::new(attr.span(), "one #[guard] per field"));
    }
    let action = |ident: &syn::Ident| {
        access::Action::from_str(&ident.to_string()).map_err(|_| {
            syn::Error::new(
                ident.span(),
                "not an action of the access matrix (access::Action)",
            )
        })
    };
    let meta: Meta = attr.parse_args()?;
    match &meta {
        Meta::Path(p) => {
            let ident = p.require_ident()?.clone();
            Ok(Some(Rule::Guarded(action(&ident)?, ident)))
        }
        Meta::NameValue(nv) if nv.path.is_ident("self_or") => {
            let syn::Expr::Path(p) = &nv.value else {
                return Err(syn::Error::new(nv.value.span(), "self_or = Action"));
            };
            let ident = p.path.require_ident()?.clone();
            Ok(Some(Rule::SelfOr(action(&ident)?, ident)))
        }
        other => Err(syn::Error::new(
            other.span(),
            "#[guard(Action)] or #[guard(self_or = Action)]",
        )),
    }
}

/// Adds `requires_scopes` to the resolver's `#[graphql(..)]`, into the one it has: the
/// `#[Object]` macro reads (and strips) only the first.
fn add_scopes(attrs: &mut Vec<Attribute>, scopes: &[&str]) -> syn::Result<()> {
    type Args = syn::punctuated::Punctuated<Meta, syn::Token![,]>;
    let added: Vec<Meta> = scopes
        .iter()
        .map(|s| syn::parse_quote!(requires_scopes = #s))
        .collect();
    match attrs.iter_mut().find(|a| a.path().is_ident("graphql")) {
        Some(attr) => {
            let mut args = attr.parse_args_with(Args::parse_terminated)?;
            if args.iter().any(|m| m.path().is_ident("requires_scopes")) {
                return Err(syn::Error::new(
                    attr.span(),
                    "scopes follow from #[guard(..)]; do not write requires_scopes by hand",
                ));
            }
            args.extend(added);
            *attr = syn::parse_quote!(#[graphql(#args)]);
        }
        None => attrs.push(syn::parse_quote!(#[graphql(#(#added),*)])),
    }
    Ok(())
}

/// `#[graphql(skip)]` methods are not fields.
fn is_skipped(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("graphql")
            && a.parse_args_with(
                syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|args| args.iter().any(|m| m.path().is_ident("skip")))
    })
}

/// The resolver's `&Context<'_>` argument, which the check reads the caller from.
fn context_arg(sig: &syn::Signature) -> syn::Result<syn::Ident> {
    for arg in &sig.inputs {
        let FnArg::Typed(t) = arg else { continue };
        let Type::Reference(r) = &*t.ty else { continue };
        let Type::Path(p) = &*r.elem else { continue };
        if p.path.segments.last().is_some_and(|s| s.ident == "Context")
            && let Pat::Ident(i) = &*t.pat
        {
            return Ok(i.ident.clone());
        }
    }
    Err(syn::Error::new(
        sig.span(),
        "a guarded field needs a `ctx: &Context<'_>` argument to read the caller from",
    ))
}

/// A resolver's GraphQL field name, as async-graphql derives it.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.trim_start_matches("r#").chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
