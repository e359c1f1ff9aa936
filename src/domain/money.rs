//! Money as whole cents in an `i64`: never a float, never a bare number without its currency.

use std::fmt;

use super::locale::Locale;

/// The currencies the faculty accepts. Only euros today; the type keeps the door open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Currency {
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
        }
    }

    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        match s {
            "EUR" => Ok(Currency::Eur),
            other => Err(MoneyError::UnsupportedCurrency(other.to_owned())),
        }
    }
}

/// An amount of money in minor units (cents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Money {
    cents: i64,
    currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("`{0}` is not an amount: write it like 2500 or 2500.00")]
    Malformed(String),
    #[error("`{0}` has more than two decimals")]
    TooPrecise(String),
    #[error("`{0}` is too large")]
    TooLarge(String),
    #[error("must not be negative")]
    Negative,
    #[error("currency `{0}` is not accepted (only EUR)")]
    UnsupportedCurrency(String),
}

impl Money {
    /// A non-negative amount in cents.
    pub fn from_cents(cents: i64, currency: Currency) -> Result<Self, MoneyError> {
        if cents < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Money { cents, currency })
    }

    pub fn eur(cents: i64) -> Result<Self, MoneyError> {
        Money::from_cents(cents, Currency::Eur)
    }

    pub fn cents(self) -> i64 {
        self.cents
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Parses a decimal amount such as `2500`, `2500.0` or `2500.00` exactly, without floats.
    pub fn parse_decimal(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let t = text.trim();
        if t.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (t.contains('.') && !digits(frac)) {
            return Err(MoneyError::Malformed(text.to_owned()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(text.to_owned()));
        }
        let too_large = || MoneyError::TooLarge(text.to_owned());
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let frac_cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| too_large())? * 10,
            _ => frac.parse().map_err(|_| too_large())?,
        };
        let cents = whole
            .checked_mul(100)
            .and_then(|c| c.checked_add(frac_cents))
            .ok_or_else(too_large)?;
        Money::from_cents(cents, currency)
    }

    /// The amount as people read it in `locale`: `€2,500` / `2 500 €`, with cents only when there are any.
    pub fn display(self, locale: Locale) -> String {
        let whole = self.cents / 100;
        let cents = self.cents % 100;
        let sep = match locale {
            Locale::En => ",",
            Locale::Fr => "\u{202f}",
        };
        let mut grouped = String::new();
        let digits = whole.to_string();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push_str(sep);
            }
            grouped.push(ch);
        }
        let number = match (cents, locale) {
            (0, _) => grouped,
            (c, Locale::En) => format!("{grouped}.{c:02}"),
            (c, Locale::Fr) => format!("{grouped},{c:02}"),
        };
        match (self.currency, locale) {
            (Currency::Eur, Locale::En) => format!("€{number}"),
            (Currency::Eur, Locale::Fr) => format!("{number}\u{a0}€"),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:02} {}",
            self.cents / 100,
            self.cents % 100,
            self.currency.code()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_amounts_parse_exactly() {
        assert_eq!(
            Money::parse_decimal("2500", Currency::Eur).unwrap().cents(),
            250_000
        );
        assert_eq!(
            Money::parse_decimal("3100.00", Currency::Eur)
                .unwrap()
                .cents(),
            310_000
        );
        assert_eq!(
            Money::parse_decimal("0.1", Currency::Eur).unwrap().cents(),
            10
        );
        assert_eq!(
            Money::parse_decimal("19.99", Currency::Eur)
                .unwrap()
                .cents(),
            1_999
        );
        assert!(matches!(
            Money::parse_decimal("1.999", Currency::Eur),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Money::parse_decimal("-5", Currency::Eur),
            Err(MoneyError::Negative)
        ));
        assert!(matches!(
            Money::parse_decimal("2,500", Currency::Eur),
            Err(MoneyError::Malformed(_))
        ));
        assert!(matches!(
            Money::parse_decimal("1.", Currency::Eur),
            Err(MoneyError::Malformed(_))
        ));
        assert!(matches!(
            Money::parse_decimal("99999999999999999999", Currency::Eur),
            Err(MoneyError::TooLarge(_))
        ));
    }

    #[test]
    fn amounts_display_in_each_language() {
        let fee = Money::eur(250_000).unwrap();
        assert_eq!(fee.display(Locale::En), "€2,500");
        assert_eq!(fee.display(Locale::Fr), "2\u{202f}500\u{a0}€");
        assert_eq!(Money::eur(1_999).unwrap().display(Locale::En), "€19.99");
        assert_eq!(
            Money::eur(123_456_789).unwrap().display(Locale::Fr),
            "1\u{202f}234\u{202f}567,89\u{a0}€"
        );
    }
}
