//! Money in the graph: an exact decimal (`Decimal`, a string in JSON, so no client reads
//! it through a binary float) with its ISO 4217 currency.

use crate::domain::money;
use crate::error::AppResult;
use async_graphql::{InputObject, SimpleObject};
use rust_decimal::Decimal;

#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct Money {
    /// Exact, with the currency's own number of decimal places (e.g. "1234.50").
    pub amount: Decimal,
    /// ISO 4217 alphabetic code.
    pub currency: String,
}

impl From<money::Money> for Money {
    fn from(m: money::Money) -> Self {
        Self {
            amount: m.amount(),
            currency: m.currency,
        }
    }
}

impl Money {
    /// A stored amount in minor units.
    pub fn stored(minor: i64, currency: &str) -> AppResult<Self> {
        money::Money::stored(minor, currency).map(Self::from)
    }
}

#[derive(InputObject)]
pub struct MoneyInput {
    /// Exact, with no more decimal places than the currency has.
    pub amount: Decimal,
    pub currency: String,
}

impl MoneyInput {
    pub fn to_domain(&self, field: &str) -> AppResult<money::Money> {
        money::Money::from_decimal(field, self.amount, &self.currency)
    }
}
