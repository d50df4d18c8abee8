//! Customer activity (domain.md §6: "customer information and activity"): what a customer
//! bought and renewed, summed per month, quarter or year. A renewal is an order of kind
//! RENEWAL; everything else ordered is a purchase. Sums are per currency, never mixed.

use super::model::{ActivityPeriod, OrderKind};
use crate::error::{AppError, AppResult};
use chrono::{Datelike, NaiveDate};
use entities::orders;
use std::collections::BTreeMap;

/// The longest window activity is asked for: ten years of months is 120 rows per customer.
pub const MAX_YEARS: i32 = 10;

/// One period's activity in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// "2026-07", "2026-Q3" or "2026".
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub currency: String,
    pub purchases: i32,
    pub purchased_minor: i64,
    pub renewals: i32,
    pub renewed_minor: i64,
}

/// The window, checked: in order and at most `MAX_YEARS` long.
pub fn window(from: NaiveDate, to: NaiveDate) -> AppResult<(NaiveDate, NaiveDate)> {
    if from > to {
        return Err(AppError::bad_input("from", "`from` is after `to`"));
    }
    if to.year() - from.year() > MAX_YEARS {
        return Err(AppError::bad_input(
            "to",
            "at most ten years of activity at once",
        ));
    }
    Ok((from, to))
}

/// The period `day` falls in: its label, first and last day.
fn period_of(day: NaiveDate, period: ActivityPeriod) -> (String, NaiveDate, NaiveDate) {
    let (y, m) = (day.year(), day.month());
    let (label, first_month, months) = match period {
        ActivityPeriod::Month => (format!("{y}-{m:02}"), m, 1),
        ActivityPeriod::Quarter => {
            let q = (m - 1) / 3;
            (format!("{y}-Q{}", q + 1), q * 3 + 1, 3)
        }
        ActivityPeriod::Year => (format!("{y}"), 1, 12),
    };
    let start = NaiveDate::from_ymd_opt(y, first_month, 1).unwrap_or(day);
    let end = start
        .checked_add_months(chrono::Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(day);
    (label, start, end)
}

/// The customer's orders summed per period and currency, in period order; periods
/// without orders are left out.
pub fn summarize(orders: &[orders::Model], period: ActivityPeriod) -> Vec<Activity> {
    let mut out: BTreeMap<(NaiveDate, String), Activity> = BTreeMap::new();
    for o in orders {
        let (label, start, end) = period_of(o.ordered_on, period);
        let a = out
            .entry((start, o.currency.clone()))
            .or_insert_with(|| Activity {
                label,
                start,
                end,
                currency: o.currency.clone(),
                purchases: 0,
                purchased_minor: 0,
                renewals: 0,
                renewed_minor: 0,
            });
        if o.kind == OrderKind::Renewal {
            a.renewals += 1;
            a.renewed_minor += o.amount_cents;
        } else {
            a.purchases += 1;
            a.purchased_minor += o.amount_cents;
        }
    }
    out.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(day: &str, kind: &str, cents: i64, currency: &str) -> orders::Model {
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").expect("time");
        orders::Model {
            id: 1,
            version: 1,
            created_at: at,
            updated_at: at,
            site_id: 1,
            customer_id: 1,
            order_number: "O1".into(),
            ordered_on: day.parse().expect("day"),
            amount_cents: cents,
            currency: currency.into(),
            status: "OPEN".into(),
            offering: "SOFTWARE".into(),
            kind: kind.into(),
        }
    }

    #[test]
    fn orders_sum_per_period_kind_and_currency() {
        let orders = [
            order("2026-07-01", "NEW", 100, "USD"),
            order("2026-09-30", "RENEWAL", 250, "USD"),
            order("2026-08-15", "NEW", 5, "EUR"),
            order("2026-10-01", "NEW", 7, "USD"),
        ];
        let q = summarize(&orders, ActivityPeriod::Quarter);
        let rows: Vec<_> = q
            .iter()
            .map(|a| {
                (
                    a.label.as_str(),
                    a.start.to_string(),
                    a.end.to_string(),
                    a.currency.as_str(),
                    a.purchases,
                    a.purchased_minor,
                    a.renewals,
                    a.renewed_minor,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                (
                    "2026-Q3",
                    "2026-07-01".into(),
                    "2026-09-30".into(),
                    "EUR",
                    1,
                    5,
                    0,
                    0
                ),
                (
                    "2026-Q3",
                    "2026-07-01".into(),
                    "2026-09-30".into(),
                    "USD",
                    1,
                    100,
                    1,
                    250
                ),
                (
                    "2026-Q4",
                    "2026-10-01".into(),
                    "2026-12-31".into(),
                    "USD",
                    1,
                    7,
                    0,
                    0
                ),
            ]
        );
        let m = summarize(&orders, ActivityPeriod::Month);
        assert_eq!(m.len(), 4);
        assert_eq!(
            (m[3].label.as_str(), m[3].end.to_string()),
            ("2026-10", "2026-10-31".into())
        );
        let y = summarize(&orders, ActivityPeriod::Year);
        assert_eq!(
            y.iter().map(|a| a.label.as_str()).collect::<Vec<_>>(),
            ["2026", "2026"]
        );
        assert!(window("2026-02-01".parse().unwrap(), "2026-01-01".parse().unwrap()).is_err());
        assert!(window("2000-01-01".parse().unwrap(), "2026-01-01".parse().unwrap()).is_err());
    }
}
