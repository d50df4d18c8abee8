//! Exact money (issue: "amounts are decimals with a currency, never Int"): stored as a
//! whole number of the currency's minor units, read and written as a decimal with its ISO
//! 4217 code. The number of decimal places is the currency's own (2 for EUR, 0 for JPY,
//! 3 for BHD), from `rusty_money`'s ISO table.

use crate::error::{AppError, AppResult};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    /// Minor units (cents for EUR).
    pub minor: i64,
    /// ISO 4217 alphabetic code, in capitals.
    pub currency: String,
}

fn exponent(field: &str, code: &str) -> AppResult<(String, u32)> {
    let code = code.trim().to_ascii_uppercase();
    let found = rusty_money::iso::find(&code).ok_or_else(|| {
        AppError::bad_input(
            field,
            format!("{code:?} is not an ISO 4217 currency code, e.g. `EUR`"),
        )
    })?;
    Ok((code, found.exponent))
}

impl Money {
    /// An amount as a client sends it: no more decimal places than the currency has, and
    /// within what 64 bits of minor units hold.
    pub fn from_decimal(field: &str, amount: Decimal, currency: &str) -> AppResult<Self> {
        let (currency, exp) = exponent(&format!("{field}.currency"), currency)?;
        let amount = amount.normalize();
        if amount.scale() > exp {
            return Err(AppError::bad_input(
                format!("{field}.amount"),
                format!("{currency} has {exp} decimal places"),
            ));
        }
        let minor = amount
            .checked_mul(Decimal::from(10_i64.pow(exp)))
            .and_then(|m| m.to_i64())
            .ok_or_else(|| AppError::bad_input(format!("{field}.amount"), "too large"))?;
        Ok(Self { minor, currency })
    }

    /// A stored amount. A currency the table does not know is corrupt data.
    pub fn stored(minor: i64, currency: &str) -> AppResult<Self> {
        exponent("currency", currency)
            .map_err(|_| AppError::internal(format!("unknown stored currency {currency:?}")))?;
        Ok(Self {
            minor,
            currency: currency.to_owned(),
        })
    }

    /// The amount as a decimal with the currency's own number of places.
    pub fn amount(&self) -> Decimal {
        let exp = rusty_money::iso::find(&self.currency).map_or(2, |c| c.exponent);
        Decimal::new(self.minor, exp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_are_exact_in_the_currencys_own_places() {
        let d = |s| Decimal::from_str(s).expect("decimal");
        let eur = Money::from_decimal("v", d("1234.50"), "eur").expect("eur");
        assert_eq!((eur.minor, eur.currency.as_str()), (123_450, "EUR"));
        assert_eq!(eur.amount().to_string(), "1234.50");
        assert_eq!(
            Money::from_decimal("v", d("0.1"), "USD")
                .expect("usd")
                .minor,
            10
        );
        assert_eq!(
            Money::from_decimal("v", d("1500"), "JPY")
                .expect("jpy")
                .amount()
                .to_string(),
            "1500"
        );
        assert!(
            Money::from_decimal("v", d("1.005"), "EUR").is_err(),
            "three places in EUR"
        );
        assert!(
            Money::from_decimal("v", d("10.5"), "JPY").is_err(),
            "yen has no minor unit"
        );
        assert!(Money::from_decimal("v", d("1"), "XYZ").is_err());
        assert!(Money::from_decimal("v", Decimal::MAX, "EUR").is_err());
        assert_eq!(
            Money::from_decimal("v", d("1.234"), "BHD")
                .expect("bhd")
                .minor,
            1234
        );
    }
}
