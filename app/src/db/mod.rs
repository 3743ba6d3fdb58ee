//! The storage layer: one set of queries, two databases.
//!
//! SQLite (embedded, the default) and PostgreSQL (scale-out) share the SQL text: both accept
//! `$1` placeholders, `RETURNING` and `ON CONFLICT`. [`on_db!`] runs a block once per backend
//! with a concretely typed pool, so each query is written once and type-checked for both.
//! Where the dialects really differ, a store matches on [`Db`] and writes both arms out.

pub mod held;
pub mod keyset;

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// Counts the writes this process commits; see [`writes`].
static WRITES: AtomicU64 = AtomicU64::new(0);

/// A number that moves whenever this process commits a write to a database it opened: what was
/// read while it stood still is still true. SQLite counts every commit on its connections (as it
/// begins: a statement run outside a [`Tx`] is counted too); a [`Tx`] counts again once its commit
/// can be read, so a reader that read just before that sees the number move. Another process's
/// writes are not counted: on SQLite there is none while a server runs.
pub fn writes() -> u64 {
    WRITES.load(Ordering::Acquire)
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the concrete pool of whichever database `$db` is.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// A write transaction on whichever database is configured. Writers of shared tables (the audit
/// log, the outbox, a deal's timeline) take one, so a change and everything recorded about it
/// commit together or not at all. On SQLite it also holds the process's place in the writers'
/// queue (see [`Db::begin`]).
pub struct Tx {
    inner: TxInner,
    _gate: Option<tokio::sync::MutexGuard<'static, ()>>,
    /// The people this transaction notified, told once it commits (see [`notified`]), and the
    /// database they belong to.
    told: Vec<i64>,
    db: Db,
}

/// People told something by a transaction this process committed, and the database they belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Told {
    pub database: String,
    pub user_ids: Vec<i64>,
}

/// The people told something by transactions this process commits, as each commits: the server
/// of that database ([`Told::database`], its [`Db::identity`]) turns them into live notices (a
/// bell's count goes up), for itself and, through the event relay, for the other servers. A
/// notice carries no data: a stray one costs a re-read.
pub fn notified() -> tokio::sync::broadcast::Receiver<Told> {
    told_channel().subscribe()
}

fn told_channel() -> &'static tokio::sync::broadcast::Sender<Told> {
    static TOLD: std::sync::OnceLock<tokio::sync::broadcast::Sender<Told>> = std::sync::OnceLock::new();
    TOLD.get_or_init(|| tokio::sync::broadcast::channel(256).0)
}

#[doc(hidden)]
pub enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    #[doc(hidden)]
    pub fn inner(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    /// Until this transaction ends, no other transaction that names the same `key` may pass this
    /// point: what it read stays true until it commits. SQLite's writers already run one at a
    /// time ([`Db::begin`]); on PostgreSQL this takes a transaction-scoped advisory lock.
    pub async fn exclude_others(&mut self, key: &str) -> Result<(), sqlx::Error> {
        if let TxInner::Postgres(tx) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(key).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Person `user_id` is told something in this transaction: once it commits, their live pages hear of it.
    pub fn tell(&mut self, user_id: i64) {
        if !self.told.contains(&user_id) {
            self.told.push(user_id);
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        // Counted once the commit can be read (or, failed, may have landed), and also when the
        // caller gives up waiting for it; see [`writes`].
        struct CountOnDrop;
        impl Drop for CountOnDrop {
            fn drop(&mut self) {
                WRITES.fetch_add(1, Ordering::AcqRel);
            }
        }
        let _counted = CountOnDrop;
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await,
            TxInner::Postgres(tx) => tx.commit().await,
        }?;
        if !self.told.is_empty() {
            // Nobody listening (a command run from the shell) is fine.
            let _ = told_channel().send(Told { database: self.db.identity(), user_ids: self.told });
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.rollback().await,
            TxInner::Postgres(tx) => tx.rollback().await,
        }
    }
}

/// Runs `$body` with `$conn` bound to the concrete connection of the transaction `$tx` (a `&mut Tx`).
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx.inner() {
            $crate::db::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Executes `$query` (a `sqlx::query(…)` with its values bound) in the transaction `$tx` (a
/// `&mut Tx` or `Tx`); answers how many rows it changed.
#[macro_export]
macro_rules! execute_in {
    ($tx:expr, $query:expr) => {
        $crate::on_tx!($tx, conn => $query.execute(conn).await.map(|done| done.rows_affected()))
    };
}

/// Declares a module's SQL statements as constants, and lists them all in `STATEMENTS`, which a
/// test prepares on both databases. Every statement a store runs is declared this way (SQL
/// assembled at run time from [`Conditions`] aside), so a typo in a column name fails that test,
/// not a person's request.
#[macro_export]
macro_rules! statements {
    ($($(#[$meta:meta])* $vis:vis const $name:ident = $sql:expr;)*) => {
        $($(#[$meta])* $vis const $name: &str = $sql;)*
        /// Every statement of this module, for the test that prepares them on both databases.
        pub const STATEMENTS: &[&str] = &[$($name),*];
    };
}

/// Stores an enum as text in both databases, the way [`crate::deals::status::DealStatus`] is: each
/// type has `as_str(self) -> &'static str` and `parse(&str) -> Option<Self>`, and a value the
/// type does not know is a decoding error, never a default.
#[macro_export]
macro_rules! stored_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl<DB: sqlx::Database> sqlx::Type<DB> for $ty
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $ty
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                <$ty>::parse(&text).ok_or_else(|| format!("unknown {} {text:?}", stringify!($ty)).into())
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $ty
        where
            &'static str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'static str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }
    )+};
}

/// A value bound to a placeholder of SQL assembled at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    Int(i64),
    Text(String),
    Date(chrono::NaiveDate),
    Time(chrono::DateTime<chrono::Utc>),
}

/// SQL assembled from fixed fragments, every value a bound parameter (never spliced in).
#[derive(Clone, Debug, Default)]
pub struct Conditions {
    pub sql: String,
    pub params: Vec<Param>,
}

impl Conditions {
    pub fn new(sql: &str) -> Conditions {
        Conditions { sql: sql.to_owned(), params: Vec::new() }
    }

    /// Appends `clause`; each `$n` in it stands for `param`.
    pub fn push(&mut self, clause: &str, param: Param) {
        self.params.push(param);
        self.sql.push_str(&clause.replace("$n", &format!("${}", self.params.len())));
    }

    /// `column` (a date) within the days `from`–`to`, either end open.
    pub fn push_days(&mut self, column: &str, (from, to): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)) {
        if let Some(from) = from {
            self.push(&format!(" AND {column} >= $n"), Param::Date(from));
        }
        if let Some(to) = to {
            self.push(&format!(" AND {column} <= $n"), Param::Date(to));
        }
    }

    /// `column` (a UTC time) on the days `from`–`to`, either end open.
    pub fn push_times(&mut self, column: &str, (from, to): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>)) {
        if let Some(from) = from {
            self.push(&format!(" AND {column} >= $n"), Param::Time(start_of(from)));
        }
        if let Some(after) = to.and_then(|to| to.succ_opt()) {
            self.push(&format!(" AND {column} < $n"), Param::Time(start_of(after)));
        }
    }
}

/// A `LIKE … ESCAPE '\'` pattern for text containing `needle` (lower-cased), its `%` and `_`
/// taken literally.
pub fn contains_pattern(needle: &str) -> String {
    let escaped = needle.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The first moment of a day, UTC.
pub fn start_of(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Binds every parameter of [`Conditions`] to a query, in order.
#[macro_export]
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                $crate::db::Param::Int(value) => query.bind(*value),
                $crate::db::Param::Text(value) => query.bind(value.clone()),
                $crate::db::Param::Date(value) => query.bind(*value),
                $crate::db::Param::Time(value) => query.bind(*value),
            };
        }
        query
    }};
}

#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    Directory { path: String, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("cannot apply the migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens `url`: `postgres://…` for PostgreSQL; `sqlite://path`, `sqlite:path` or a bare path for SQLite.
    pub async fn connect(url: &str) -> Result<Db, DbSetupError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool =
                PgPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)).connect(url).await?;
            return Ok(Db::Postgres(pool));
        }
        let path = sqlite_path(url);
        if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| DbSetupError::Directory { path: path.to_owned(), source })?;
        }
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(2)
            // A connection to a local file does not go stale; pinging it before every use
            // would double the hand-offs to SQLite's worker threads.
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(|connection, _| {
                Box::pin(async move {
                    connection.lock_handle().await?.set_commit_hook(|| {
                        WRITES.fetch_add(1, Ordering::AcqRel);
                        true
                    });
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Applies every migration not yet applied.
    pub async fn migrate(&self) -> Result<(), DbSetupError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("../migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Whether other servers may write to this database too (PostgreSQL, scaled out): then
    /// [`writes`] does not see every write, and what was read may not be kept.
    pub fn shared(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// A trivial round trip, for health checks.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_db!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    /// Begins a write transaction. SQLite has one writer; when several connections race for it,
    /// the losers back off by sleeping (up to 100 ms at a time), which wastes most of the time
    /// under load. So on SQLite the transaction first queues behind this process's other writers,
    /// which hands the lock over as soon as it is free. PostgreSQL needs no queue. A task must not
    /// begin a second transaction while it holds one.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        Ok(match self {
            Db::Sqlite(pool) => {
                let gate = SQLITE_WRITER.lock().await;
                Tx {
                    inner: TxInner::Sqlite(pool.begin().await?),
                    _gate: Some(gate),
                    told: Vec::new(),
                    db: self.clone(),
                }
            }
            Db::Postgres(pool) => {
                Tx { inner: TxInner::Postgres(pool.begin().await?), _gate: None, told: Vec::new(), db: self.clone() }
            }
        })
    }

    /// Which database this is, among those one process may open (its file; its server and name).
    pub fn identity(&self) -> String {
        match self {
            Db::Sqlite(pool) => format!("sqlite:{}", pool.connect_options().get_filename().display()),
            Db::Postgres(pool) => {
                let options = pool.connect_options();
                let name = options.get_database().unwrap_or_default();
                format!("postgres://{}:{}/{name}", options.get_host(), options.get_port())
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        on_db!(self, pool => pool.close().await)
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_urls_and_bare_paths_name_the_same_file() {
        assert_eq!(sqlite_path("sqlite://data/tessera.db"), "data/tessera.db");
        assert_eq!(sqlite_path("sqlite:data/tessera.db"), "data/tessera.db");
        assert_eq!(sqlite_path("data/tessera.db"), "data/tessera.db");
        assert_eq!(sqlite_path("sqlite:///tmp/t.db"), "/tmp/t.db");
    }
}
