//! What one operation touched: the tables it read and wrote, whether its answer depended on
//! who the caller is, and whether it holds something that must not be kept (a signed link
//! that expires). The response cache keys and tags answers by it, writers invalidate by
//! it, and `Cache-Control` is computed from it.
//!
//! It is recorded where nothing can go around it: every SQL statement passes SeaORM's
//! metric callback (`db::counted`), every shared-cache read passes `EntityCache`, and every
//! resolver reaches the caller through `ContextExt::viewer`. A new resolver, query or table
//! is covered without anyone listing it.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// The marks of one operation (HTTP request, or WebSocket operation).
#[derive(Debug, Default)]
pub struct Footprint {
    marks: Mutex<Marks>,
}

#[derive(Debug, Default, Clone)]
struct Marks {
    read: BTreeSet<String>,
    written: BTreeSet<String>,
    personal: bool,
    volatile: bool,
    borrowed: bool,
}

tokio::task_local! {
    static CURRENT: Arc<Footprint>;
}

impl Footprint {
    fn with<T>(&self, f: impl FnOnce(&mut Marks) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-insert; the set is
        // still a set.
        let mut marks = self.marks.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut marks)
    }

    /// The tables read so far.
    pub fn read(&self) -> Vec<String> {
        self.with(|m| m.read.iter().cloned().collect())
    }

    /// Did the answer depend on who the signed-in caller is?
    pub fn personal(&self) -> bool {
        self.with(|m| m.personal)
    }

    /// Does the answer hold something that must not be kept?
    pub fn volatile(&self) -> bool {
        self.with(|m| m.volatile)
    }

    /// Did the answer use rows another request loaded (see [`borrowed`])?
    pub fn borrowed(&self) -> bool {
        self.with(|m| m.borrowed)
    }
}

/// The footprint of the operation running on this task, if any.
pub fn current() -> Option<Arc<Footprint>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// Runs `f` recording into `footprint` (also for tasks it hands the same footprint to).
pub async fn scope<F: Future>(footprint: Arc<Footprint>, f: F) -> F::Output {
    CURRENT.scope(footprint, f).await
}

/// One SQL statement ran: its tables are read or written.
pub fn statement(sql: &str) {
    let _ = CURRENT.try_with(|f| {
        let (read, written) = tables_of(sql);
        f.with(|m| {
            m.read.extend(read.into_iter().map(str::to_owned));
            m.written.extend(written.into_iter().map(str::to_owned));
        });
    });
}

/// Rows of `tables` were read from somewhere other than SQL (the shared cache).
pub fn read(tables: &[&str]) {
    let _ = CURRENT.try_with(|f| f.with(|m| m.read.extend(tables.iter().map(|t| (*t).to_owned()))));
}

/// The answer depends on who the caller is.
pub fn personal() {
    let _ = CURRENT.try_with(|f| f.with(|m| m.personal = true));
}

/// The answer holds something that must not be kept or shared.
pub fn volatile() {
    let _ = CURRENT.try_with(|f| f.with(|m| m.volatile = true));
}

/// The answer used rows loaded for another request: they may predate a write this
/// answer's snapshot of generations already includes, so it is served but not kept.
pub fn borrowed() {
    let _ = CURRENT.try_with(|f| f.with(|m| m.borrowed = true));
}

/// The tables written since the last call, for invalidation after a commit; None outside
/// any operation (a scheduled job, a command), whose writes are then not known by table.
pub fn take_written() -> Option<Vec<String>> {
    CURRENT
        .try_with(|f| f.with(|m| std::mem::take(&mut m.written).into_iter().collect()))
        .ok()
}

/// The tables a statement reads and writes, from its text: names after `FROM`, `JOIN`,
/// `INTO`, `UPDATE` (quoted as SeaORM writes them for both engines, or bare as in hand-
/// written SQL). Over-reporting (a CTE's name) only costs a tag nobody bumps; a table
/// could only be missed by a statement naming it in a way SQL does not allow here.
pub fn tables_of(sql: &str) -> (Vec<&str>, Vec<&str>) {
    // Runs on every statement: words are compared in place, never copied (a page's IN
    // lists are hundreds of `$n` words; upper-casing each cost 2 % of a page's CPU).
    let mut read = Vec::new();
    let mut written = Vec::new();
    let mut words = sql_words(sql).enumerate().peekable();
    let first = words.peek().map(|(_, w)| *w).unwrap_or_default();
    let is = |word: &str, keyword: &str| word.eq_ignore_ascii_case(keyword);
    let deletes = is(first, "DELETE");
    let writes = deletes || is(first, "INSERT") || is(first, "UPDATE");
    while let Some((i, word)) = words.next() {
        let Some((_, next)) = words.peek() else { break };
        if let Some(table) = identifier(next) {
            if is(word, "FROM") || is(word, "JOIN") {
                if deletes && i == 1 {
                    written.push(table);
                }
                read.push(table);
            } else if (is(word, "INTO") && writes) || (is(word, "UPDATE") && i == 0) {
                written.push(table);
            }
        }
    }
    (read, written)
}

/// Splits on whitespace, commas and parentheses, keeping quoted identifiers whole.
fn sql_words(sql: &str) -> impl Iterator<Item = &str> {
    sql.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
}

/// A table name: `"name"`, `name` or `"schema"."name"` (the last part), never a keyword
/// or a sub-select.
fn identifier(word: &str) -> Option<&str> {
    let last = word.rsplit('.').next()?;
    let name = last.trim_matches('"').trim_matches('`');
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    (plain && !name.eq_ignore_ascii_case("SELECT")).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_name_the_tables_they_read_and_write() {
        let select = r#"SELECT "companies"."id" FROM "companies" INNER JOIN "people" ON "people"."company_id" = "companies"."id" WHERE "companies"."id" IN ($1, $2)"#;
        assert_eq!(tables_of(select), (vec!["companies", "people"], vec![]));
        let insert =
            r#"INSERT INTO "audit_log" ("actor", "action") VALUES ($1, $2) RETURNING "id""#;
        assert_eq!(tables_of(insert), (vec![], vec!["audit_log"]));
        let update = r#"UPDATE "companies" SET "name" = $1 WHERE "id" = (SELECT "company_id" FROM "people" WHERE "id" = $2)"#;
        assert_eq!(tables_of(update), (vec!["people"], vec!["companies"]));
        let delete = r#"DELETE FROM "site_users" WHERE "id" = $1"#;
        assert_eq!(tables_of(delete), (vec!["site_users"], vec!["site_users"]));
        let raw = "select count(*) from line_items li join sites s on s.id = li.site_id";
        assert_eq!(tables_of(raw), (vec!["line_items", "sites"], vec![]));
        let subselect = r#"SELECT * FROM (SELECT "id" FROM "solutions") AS "t""#;
        assert_eq!(tables_of(subselect), (vec!["solutions"], vec![]));
        let schema = r#"SELECT 1 FROM "public"."companies""#;
        assert_eq!(tables_of(schema), (vec!["companies"], vec![]));
    }

    #[tokio::test]
    async fn marks_land_in_the_running_operation_and_its_handed_tasks_only() {
        let footprint = Arc::new(Footprint::default());
        statement(r#"SELECT 1 FROM "ignored""#);
        scope(footprint.clone(), async {
            statement(r#"SELECT 1 FROM "companies""#);
            read(&["people"]);
            let handed = current().expect("inside the scope");
            tokio::spawn(scope(handed, async {
                statement(r#"UPDATE "sites" SET "name" = $1"#);
            }))
            .await
            .expect("task");
            assert_eq!(take_written(), Some(vec!["sites".to_owned()]));
            assert_eq!(take_written(), Some(vec![]));
            personal();
        })
        .await;
        assert_eq!(footprint.read(), vec!["companies", "people"]);
        assert!(footprint.personal());
        assert!(!footprint.volatile());
        assert_eq!(take_written(), None);
    }
}
