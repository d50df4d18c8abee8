//! The generator's primitives: the fixed date data is laid around, id counters, and the
//! small helpers every table's generator uses.

use chrono::{Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use sea_orm::sea_query::Value;

/// The date generated validity periods are laid around, so data does not age into
/// "everything expired" between runs.
pub const SEED_TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// Next id per table.
#[derive(Default)]
pub struct Ids {
    pub(super) ce: i64,
    pub(super) location: i64,
    pub(super) person: i64,
    pub(super) cert: i64,
    pub(super) candidate: i64,
    other: std::collections::HashMap<&'static str, i64>,
    /// (company id, person ids, is reseller, is distributor)
    pub companies: Vec<(i64, Vec<i64>, bool, bool)>,
    /// (product group, country) of every authorization, so generated leads can find
    /// eligible partners.
    pub authorized: Vec<(&'static str, &'static str)>,
}

impl Ids {
    pub fn next(&mut self, table: &'static str) -> i64 {
        let n = self.other.entry(table).or_insert(0);
        *n += 1;
        *n
    }
}

pub fn v<T: Into<Value>>(x: T) -> Value {
    x.into()
}

pub fn day(base: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        base.checked_add_days(Days::new(offset as u64))
            .unwrap_or(base)
    } else {
        base.checked_sub_days(Days::new(offset.unsigned_abs()))
            .unwrap_or(base)
    }
}

pub fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or(items[0])
}
