//! Small builders shared by the migrations so that every table gets the same bookkeeping
//! columns (`id`, `version`, `created_at`, `updated_at`) and every foreign key its index.

use sea_orm_migration::{prelude::*, schema::*};

/// A mutable table: a 64-bit surrogate key, an optimistic-concurrency `version` and timestamps.
pub fn table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .if_not_exists()
        .col(big_pk_auto("id"))
        .col(integer("version").default(1))
        .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
        .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
        .take()
}

/// A link table without its own identity; it changes under its parent's version.
pub fn link(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).if_not_exists().take()
}

/// Foreign key `table.col -> to.id`. Children of an aggregate cascade; references restrict.
pub fn fk(
    table: &'static str,
    col: &'static str,
    to: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from(table, col)
        .to(to, "id")
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::NoAction)
        .take()
}

fn index_name(prefix: &str, table: &str, cols: &[&'static str]) -> String {
    format!("{prefix}_{table}_{}", cols.join("_"))
}

/// A plain index, for a lookup or a foreign key.
pub async fn index(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut ix = Index::create();
    ix.name(index_name("ix", table, cols)).table(table);
    for c in cols {
        ix.col(*c);
    }
    m.create_index(ix.if_not_exists().take()).await
}

/// A unique index.
pub async fn unique(
    m: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut ix = Index::create();
    ix.name(index_name("ux", table, cols)).table(table).unique();
    for c in cols {
        ix.col(*c);
    }
    m.create_index(ix.if_not_exists().take()).await
}

/// A unique index over the rows matching `condition`: how the database itself guards an
/// invariant such as "one primary contact per site".
pub async fn unique_where(
    m: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
    condition: SimpleExpr,
) -> Result<(), DbErr> {
    let mut ix = Index::create();
    ix.name(name).table(table).unique();
    for c in cols {
        ix.col(*c);
    }
    ix.and_where(condition);
    m.create_index(ix.if_not_exists().take()).await
}

/// Drops tables in the given order (children first).
pub async fn drop_all(m: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for t in tables {
        m.drop_table(Table::drop().table(*t).if_exists().take())
            .await?;
    }
    Ok(())
}
