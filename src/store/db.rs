//! One way to run a statement on either database. The SQL text is the same on both (`$1` placeholders,
//! `returning`, `on conflict`); what differs is the pool, the transaction and the wire types, which
//! this module chooses once per statement. The store's operations are therefore written once, as
//! plain functions, and read like sqlx: `query(SQL).bind(x).fetch_one(&mut tx)`.
//!
//! A bound value is encoded for both backends as it is bound (two small buffers), so a query can be
//! built before the executor is named; only the one for the executor's backend is sent.

use sqlx::error::BoxDynError;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{
    Arguments, Decode, Encode, FromRow, Postgres, SqlSafeStr, SqlStr, Sqlite, Transaction, Type,
};

use super::Backend;

/// A store's connections.
#[derive(Clone)]
pub(super) enum Db {
    /// Readers beside one writer: SQLite serialises writes, so they queue for one connection.
    Sqlite {
        readers: SqlitePool,
        writer: SqlitePool,
    },
    /// One pool: Postgres has row locks.
    Postgres(PgPool),
}

impl Db {
    pub(super) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Where reads outside a transaction go.
    pub(super) fn read(&self) -> On<'_> {
        match self {
            Db::Sqlite { readers, .. } => On::SqlitePool(readers),
            Db::Postgres(pool) => On::PgPool(pool),
        }
    }

    /// Where single-statement writes go.
    pub(super) fn write(&self) -> On<'_> {
        match self {
            Db::Sqlite { writer, .. } => On::SqlitePool(writer),
            Db::Postgres(pool) => On::PgPool(pool),
        }
    }

    /// A transaction that writes. On SQLite it takes the write lock at once (`begin immediate`), so
    /// that two transactions never both read and then both try to write.
    pub(super) async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { writer, .. } => Tx::Sqlite(writer.begin_with("begin immediate").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// A transaction on a reader, so that several reads see one state of the database.
    pub(super) async fn begin_read(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { readers, .. } => Tx::Sqlite(readers.begin().await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// One reading connection, for several reads in a row.
    pub(super) async fn acquire(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { readers, .. } => Conn::Sqlite(readers.acquire().await?),
            Db::Postgres(pool) => Conn::Postgres(pool.acquire().await?),
        })
    }
}

/// A transaction on either backend; dropped without [`Tx::commit`], it rolls back.
pub(super) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(super) async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// A connection taken from the readers' pool.
pub(super) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// Where a statement runs.
pub(super) enum On<'e> {
    SqlitePool(&'e SqlitePool),
    Sqlite(&'e mut SqliteConnection),
    PgPool(&'e PgPool),
    Postgres(&'e mut PgConnection),
}

impl<'e> From<&'e mut Tx> for On<'e> {
    fn from(tx: &'e mut Tx) -> Self {
        match tx {
            Tx::Sqlite(tx) => On::Sqlite(tx),
            Tx::Postgres(tx) => On::Postgres(tx),
        }
    }
}

impl<'e> From<&'e mut Conn> for On<'e> {
    fn from(conn: &'e mut Conn) -> Self {
        match conn {
            Conn::Sqlite(conn) => On::Sqlite(conn),
            Conn::Postgres(conn) => On::Postgres(conn),
        }
    }
}

/// A row type both backends can build (a `#[derive(sqlx::FromRow)]` struct or a tuple).
pub(super) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A column value both backends can decode.
pub(super) trait Scalar:
    for<'r> Decode<'r, Sqlite>
    + Type<Sqlite>
    + for<'r> Decode<'r, Postgres>
    + Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> Decode<'r, Sqlite>
        + Type<Sqlite>
        + for<'r> Decode<'r, Postgres>
        + Type<Postgres>
        + Send
        + Unpin
{
}

/// What a statement that returns no rows did.
#[derive(Debug, Clone, Copy)]
pub(super) struct Done {
    rows_affected: u64,
}

impl Done {
    pub(super) fn rows_affected(self) -> u64 {
        self.rows_affected
    }
}

/// A statement and its bound values, not yet sent.
pub(super) struct Query {
    sql: SqlStr,
    sqlite: SqliteArguments,
    postgres: PgArguments,
    /// The first value that could not be encoded, reported when the statement runs.
    error: Option<BoxDynError>,
}

/// A statement whose rows are read as [`Row`]s (or ignored, with [`Query::execute`]).
pub(super) fn query(sql: impl SqlSafeStr) -> Query {
    Query {
        sql: sql.into_sql_str(),
        sqlite: SqliteArguments::default(),
        postgres: PgArguments::default(),
        error: None,
    }
}

/// A statement whose rows are one column, read as a [`Scalar`].
pub(super) fn scalar(sql: impl SqlSafeStr) -> ScalarQuery {
    ScalarQuery(query(sql))
}

impl Query {
    /// Binds the next `$n`.
    pub(super) fn bind<'t, T>(mut self, value: T) -> Self
    where
        T: Encode<'t, Sqlite> + Type<Sqlite> + Encode<'t, Postgres> + Type<Postgres>,
    {
        if self.error.is_none() {
            let encoded = self
                .sqlite
                .add(&value)
                .and_then(|()| self.postgres.add(&value));
            if let Err(e) = encoded {
                self.error = Some(e);
            }
        }
        self
    }

    /// Binds each value in turn: the statuses of a `status in ($n, $n+1, …)`.
    pub(super) fn bind_each<T>(self, values: impl IntoIterator<Item = T>) -> Self
    where
        T: for<'t> Encode<'t, Sqlite>
            + Type<Sqlite>
            + for<'t> Encode<'t, Postgres>
            + Type<Postgres>,
    {
        values.into_iter().fold(self, |q, v| q.bind(v))
    }

    fn checked(&mut self) -> Result<(), sqlx::Error> {
        match self.error.take() {
            Some(e) => Err(sqlx::Error::Encode(e)),
            None => Ok(()),
        }
    }

    pub(super) async fn execute<'e>(mut self, on: impl Into<On<'e>>) -> Result<Done, sqlx::Error> {
        self.checked()?;
        let rows_affected = match on.into() {
            On::SqlitePool(pool) => sqlx::query_with(self.sql, self.sqlite)
                .execute(pool)
                .await?
                .rows_affected(),
            On::Sqlite(conn) => sqlx::query_with(self.sql, self.sqlite)
                .execute(conn)
                .await?
                .rows_affected(),
            On::PgPool(pool) => sqlx::query_with(self.sql, self.postgres)
                .execute(pool)
                .await?
                .rows_affected(),
            On::Postgres(conn) => sqlx::query_with(self.sql, self.postgres)
                .execute(conn)
                .await?
                .rows_affected(),
        };
        Ok(Done { rows_affected })
    }

    /// The one row; [`sqlx::Error::RowNotFound`] when there is none.
    pub(super) async fn fetch_one<'e, T: Row>(
        mut self,
        on: impl Into<On<'e>>,
    ) -> Result<T, sqlx::Error> {
        self.checked()?;
        match on.into() {
            On::SqlitePool(pool) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_one(pool)
                    .await
            }
            On::Sqlite(conn) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_one(conn)
                    .await
            }
            On::PgPool(pool) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_one(pool)
                    .await
            }
            On::Postgres(conn) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_one(conn)
                    .await
            }
        }
    }

    pub(super) async fn fetch_optional<'e, T: Row>(
        mut self,
        on: impl Into<On<'e>>,
    ) -> Result<Option<T>, sqlx::Error> {
        self.checked()?;
        match on.into() {
            On::SqlitePool(pool) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_optional(pool)
                    .await
            }
            On::Sqlite(conn) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_optional(conn)
                    .await
            }
            On::PgPool(pool) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_optional(pool)
                    .await
            }
            On::Postgres(conn) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_optional(conn)
                    .await
            }
        }
    }

    pub(super) async fn fetch_all<'e, T: Row>(
        mut self,
        on: impl Into<On<'e>>,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.checked()?;
        match on.into() {
            On::SqlitePool(pool) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_all(pool)
                    .await
            }
            On::Sqlite(conn) => {
                sqlx::query_as_with(self.sql, self.sqlite)
                    .fetch_all(conn)
                    .await
            }
            On::PgPool(pool) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_all(pool)
                    .await
            }
            On::Postgres(conn) => {
                sqlx::query_as_with(self.sql, self.postgres)
                    .fetch_all(conn)
                    .await
            }
        }
    }
}

/// A [`Query`] read one column at a time.
pub(super) struct ScalarQuery(Query);

impl ScalarQuery {
    pub(super) fn bind<'t, T>(self, value: T) -> Self
    where
        T: Encode<'t, Sqlite> + Type<Sqlite> + Encode<'t, Postgres> + Type<Postgres>,
    {
        ScalarQuery(self.0.bind(value))
    }

    pub(super) fn bind_each<T>(self, values: impl IntoIterator<Item = T>) -> Self
    where
        T: for<'t> Encode<'t, Sqlite>
            + Type<Sqlite>
            + for<'t> Encode<'t, Postgres>
            + Type<Postgres>,
    {
        ScalarQuery(self.0.bind_each(values))
    }

    pub(super) async fn fetch_one<'e, T: Scalar>(
        self,
        on: impl Into<On<'e>>,
    ) -> Result<T, sqlx::Error> {
        let (value,): (T,) = self.0.fetch_one(on).await?;
        Ok(value)
    }

    pub(super) async fn fetch_optional<'e, T: Scalar>(
        self,
        on: impl Into<On<'e>>,
    ) -> Result<Option<T>, sqlx::Error> {
        let row: Option<(T,)> = self.0.fetch_optional(on).await?;
        Ok(row.map(|(value,)| value))
    }

    pub(super) async fn fetch_all<'e, T: Scalar>(
        self,
        on: impl Into<On<'e>>,
    ) -> Result<Vec<T>, sqlx::Error> {
        let rows: Vec<(T,)> = self.0.fetch_all(on).await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }
}

impl<'a> From<&'a mut On<'_>> for On<'a> {
    /// The same executor again, for the next statement.
    fn from(on: &'a mut On<'_>) -> Self {
        match on {
            On::SqlitePool(pool) => On::SqlitePool(pool),
            On::Sqlite(conn) => On::Sqlite(conn),
            On::PgPool(pool) => On::PgPool(pool),
            On::Postgres(conn) => On::Postgres(conn),
        }
    }
}
