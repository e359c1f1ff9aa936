//! Column types that need the same meaning on both backends.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;

use crate::domain::status::{
    ApplicationStatus, CertificateKind, CertificateStatus, DocumentKind, JobStatus, LedgerKind,
    OrderStatus, OrganizerRole, PaymentStatus, RefundStatus, RejectReason, ReviewMode,
};
use time::format_description::BorrowedFormatItem;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// A UTC instant. On Postgres it is a `timestamptz`; on SQLite it is text of one fixed width
/// (`2026-07-06T07:00:00.000000Z`), so that comparing the text compares the times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub OffsetDateTime);

const FIXED: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

impl Timestamp {
    /// Truncated to microseconds, the precision both backends keep.
    pub fn new(t: OffsetDateTime) -> Self {
        let utc = t.to_offset(time::UtcOffset::UTC);
        let micros = utc.microsecond();
        Timestamp(
            utc.replace_nanosecond(micros * 1_000)
                .expect("valid nanosecond"),
        )
    }

    /// Reads SQLite's fixed-width text, or any RFC 3339 time (as Postgres writes a `timestamptz`
    /// into JSON).
    pub fn parse_text(text: &str) -> Result<Self, time::error::Parse> {
        let parsed = time::PrimitiveDateTime::parse(text, FIXED)
            .map(|t| t.assume_utc())
            .or_else(|_| OffsetDateTime::parse(text, &Rfc3339))?;
        Ok(Timestamp::new(parsed))
    }

    pub fn fixed_text(self) -> String {
        self.0
            .format(FIXED)
            .expect("formatting a UTC time cannot fail")
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Timestamp::new(t)
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(t: Timestamp) -> Self {
        t.0
    }
}

impl Type<Sqlite> for Timestamp {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for Timestamp {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(Timestamp::new(self.0).fixed_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Timestamp {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(Timestamp::parse_text(text)?)
    }
}

impl Type<Postgres> for Timestamp {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for Timestamp {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Timestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Timestamp::new(
            <OffsetDateTime as Decode<Postgres>>::decode(value)?,
        ))
    }
}

/// The domain's status enums (`domain::status`) are text columns on both backends, each with a
/// `check` constraint listing exactly its values: they are bound and read as themselves, so a status in
/// a statement is a typed value, never a string literal.
macro_rules! text_column {
    ($($name:ident),+ $(,)?) => {$(
        impl Type<Sqlite> for $name {
            fn type_info() -> SqliteTypeInfo {
                <String as Type<Sqlite>>::type_info()
            }
            fn compatible(ty: &SqliteTypeInfo) -> bool {
                <String as Type<Sqlite>>::compatible(ty)
            }
        }

        impl Encode<'_, Sqlite> for $name {
            fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
                Encode::<Sqlite>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Sqlite> for $name {
            fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<&str as Decode<Sqlite>>::decode(value)?.parse()?)
            }
        }

        impl Type<Postgres> for $name {
            fn type_info() -> PgTypeInfo {
                <String as Type<Postgres>>::type_info()
            }
            fn compatible(ty: &PgTypeInfo) -> bool {
                <String as Type<Postgres>>::compatible(ty)
            }
        }

        impl Encode<'_, Postgres> for $name {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <&str as Encode<Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> Decode<'r, Postgres> for $name {
            fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
                Ok(<&str as Decode<Postgres>>::decode(value)?.parse()?)
            }
        }
    )+};
}

text_column!(
    ApplicationStatus,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
    LedgerKind,
    CertificateStatus,
    JobStatus,
    ReviewMode,
    OrganizerRole,
    RejectReason,
    CertificateKind,
    DocumentKind,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_backends_text() {
        let sqlite = Timestamp::parse_text("2026-07-06T07:00:00.250000Z").unwrap();
        let postgres = Timestamp::parse_text("2026-07-06T09:00:00.25+02:00").unwrap();
        let whole = Timestamp::parse_text("2026-07-06T07:00:00+00:00").unwrap();
        assert_eq!(sqlite, postgres);
        assert_eq!(whole.fixed_text(), "2026-07-06T07:00:00.000000Z");
        assert!(Timestamp::parse_text("6 July 2026").is_err());
    }

    #[test]
    fn fixed_text_orders_like_time() {
        let a = Timestamp::new(time::macros::datetime!(2026-07-06 07:00:00 UTC));
        let b = Timestamp::new(time::macros::datetime!(2026-07-06 07:00:00.5 UTC));
        let c = Timestamp::new(time::macros::datetime!(2026-07-06 09:00:00.25 +02:00));
        assert_eq!(a.fixed_text(), "2026-07-06T07:00:00.000000Z");
        assert!(a.fixed_text() < b.fixed_text());
        assert!(
            c.fixed_text() < b.fixed_text(),
            "09:00:00.25+02:00 is 07:00:00.25Z"
        );
    }
}
