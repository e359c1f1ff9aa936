//! Where the benchmark writes: a temporary SQLite file, or a fresh Postgres database dropped afterwards.

/// The benchmark's database: a SQLite file in the temporary folder, or a fresh Postgres database
/// dropped when this goes out of scope (even on a panic).
pub(crate) enum BenchDb {
    Sqlite {
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl BenchDb {
    pub(crate) async fn create(dir: &std::path::Path) -> BenchDb {
        match std::env::var("BENCH_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => {
                use sqlx::Connection;
                let admin_url = admin_url.trim().to_owned();
                let name = format!("ss_bench_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("BENCH_DATABASE_URL must name a reachable Postgres server");
                sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create the benchmark database");
                // A diagnostic knob: settings for the benchmark database only, such as
                // `synchronous_commit=off` or `plan_cache_mode=force_generic_plan`.
                let settings = std::env::var("BENCH_PG_SETTINGS").unwrap_or_default();
                for setting in settings.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let (k, v) = setting
                        .split_once('=')
                        .expect("BENCH_PG_SETTINGS is name=value,name=value");
                    let plain = |t: &str| {
                        !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    };
                    assert!(plain(k) && plain(v), "BENCH_PG_SETTINGS: `{setting}`");
                    let sql = format!("alter database {name} set {k} = {v}");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await
                        .expect("apply BENCH_PG_SETTINGS");
                }
                let _ = conn.close().await;
                // Same server and options (`?sslmode=…`), the new database.
                let (path, query) = admin_url
                    .split_once('?')
                    .map_or((&*admin_url, None), |(p, q)| (p, Some(q)));
                let base = path.rsplit_once('/').map_or(path, |(b, _)| b);
                let url = match query {
                    Some(q) => format!("{base}/{name}?{q}"),
                    None => format!("{base}/{name}"),
                };
                BenchDb::Postgres {
                    admin_url,
                    name,
                    url,
                }
            }
            _ => BenchDb::Sqlite {
                url: format!("sqlite://{}/bench.db", dir.display()),
            },
        }
    }

    pub(crate) fn url(&self) -> &str {
        match self {
            BenchDb::Sqlite { url } | BenchDb::Postgres { url, .. } => url,
        }
    }

    pub(crate) fn backend(&self) -> &'static str {
        match self {
            BenchDb::Sqlite { .. } => "sqlite",
            BenchDb::Postgres { .. } => "postgres",
        }
    }

    /// The Postgres database's name (its server processes show it in their command line).
    pub(crate) fn postgres_name(&self) -> Option<String> {
        match self {
            BenchDb::Sqlite { .. } => None,
            BenchDb::Postgres { name, .. } => Some(name.clone()),
        }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let BenchDb::Postgres {
            admin_url, name, ..
        } = self
        {
            if std::env::var("BENCH_KEEP_DATABASE").is_ok_and(|v| v == "1") {
                eprintln!("kept database {name} (BENCH_KEEP_DATABASE=1): drop it yourself");
                return;
            }
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop may run inside the runtime: use a thread with its own.
            let dropped = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin_url).await?;
                    let sql = format!("drop database if exists {name} with (force)");
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut c)
                        .await?;
                    Ok::<_, sqlx::Error>(name)
                })
            })
            .join();
            match dropped {
                Ok(Ok(name)) => eprintln!("dropped database {name}"),
                Ok(Err(e)) => eprintln!("warning: could not drop the benchmark database: {e}"),
                Err(_) => eprintln!("warning: could not drop the benchmark database"),
            }
        }
    }
}
