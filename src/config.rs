//! Typed settings from the environment (and `.env`). Every variable is listed in `.env.example` with
//! its default; the embedded defaults need nothing. Secrets are wrapped so that `Debug` never shows them.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::job::RetryPolicy;

/// A value that must never reach a log or an error message.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Where email goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// Each message written as an `.eml` file (development, demos).
    Folder(PathBuf),
    /// A real SMTP server: `smtp://user:pass@host:587` (STARTTLS) or `smtps://…:465`; `?tls=none` only on
    /// loopback test servers.
    Smtp(Secret),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentProvider {
    /// A local checkout page that drives the same states (the embedded default).
    Simulated,
    /// Stripe Checkout, and its webhook at `/webhooks/stripe`.
    Stripe(StripeSettings),
}

/// Where the PDF signing key pair is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfSigningFiles {
    /// A PKCS#8 PEM private key, ECDSA P-256 or RSA (secret: readable by the service only).
    pub key: PathBuf,
    /// The key's X.509 certificate in PEM, then any intermediate certificates.
    pub certificates: PathBuf,
}

/// What Stripe needs: the API key, the webhook endpoint's signing secret, and (for tests) another
/// address than Stripe's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripeSettings {
    pub secret_key: Secret,
    pub webhook_secret: Secret,
    pub api_base: Option<String>,
}

/// The worker's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobSettings {
    pub retry: RetryPolicy,
    /// How long a claimed job stays locked to one worker before another may take it over.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs.
    pub poll_interval: Duration,
    /// How often the worker expires unpaid offers and sends deadline reminders.
    pub deadline_interval: Duration,
    /// How often the worker compares Stripe's checkout sessions with our records (zero: never),
    /// and over how many days.
    pub reconcile_interval: Duration,
    pub reconcile_days: u32,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub app_env: AppEnv,
    /// `sqlite://path` or `postgres://…` (may hold a password).
    pub database_url: Secret,
    pub database_max_connections: u32,
    pub bind: SocketAddr,
    /// The address people use to reach the service, without a trailing slash; used in emails and links.
    pub public_url: String,
    pub data_dir: PathBuf,
    /// Certificate layouts' assets: `signatures/` holds the signature images the catalog names.
    pub certificates_dir: PathBuf,
    pub mail: MailTransport,
    /// The `From:` of every email.
    pub mail_from: String,
    pub payment_provider: PaymentProvider,
    /// The key for cookies and tokens; `None` means a development key generated into `data_dir`.
    pub secret_key: Option<Secret>,
    /// The Ed25519 private key certificates are signed with (`CERT_SIGNING_KEY`, 64 hex characters);
    /// without it, outside production, one is generated into `DATA_DIR/keys/signing.key`.
    pub signing_key: Option<Secret>,
    /// The PEM files of the key and X.509 certificate(s) certificates and visa letters are PDF-signed
    /// with (`CERT_PDF_KEY_FILE`, `CERT_PDF_CERTIFICATE_FILE`); without them, outside production, a
    /// self-signed development pair is generated into `DATA_DIR/keys/`.
    pub pdf_signing: Option<PdfSigningFiles>,
    /// A catalog file to load when the database has no edition; `None` means the shipped 2026 catalog.
    pub catalog_file: Option<PathBuf>,
    pub log_format: LogFormat,
    pub jobs: JobSettings,
    /// How long in-flight requests and the current job get to finish on SIGTERM.
    pub shutdown_grace: Duration,
    /// Behind a reverse proxy: the header that carries the visitor's address (its last entry is
    /// used), for rate limits. `None`: the connection's address.
    pub client_ip_header: Option<String>,
    /// Where bank transfers are paid to (`BANK_BENEFICIARY`, `BANK_IBAN`, `BANK_BIC`, all three or
    /// none); without it, applicants are not offered the transfer.
    pub bank: Option<crate::domain::bank::BankAccount>,
    /// The columns of the bank's CSV statement export (`BANK_CSV_COLUMNS`).
    pub bank_csv: crate::domain::bank::CsvColumns,
    /// The demo is on (`serve --demo`, never from the environment): its banner links to `/demo`,
    /// which signs in as its people. Production refuses it.
    pub demo: bool,
}

/// A setting that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

fn err(variable: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        reason: reason.into(),
    }
}

impl Config {
    /// Reads the process environment (after `.env`, which `main` loads).
    pub fn from_env() -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = std::env::vars().collect();
        Config::from_map(&vars)
    }

    /// Reads settings from a map, so that tests can build any configuration.
    pub fn from_map(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            vars.get(k)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let number = |k: &'static str, default: u64| -> Result<u64, ConfigError> {
            match get(k) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .map_err(|_| err(k, format!("`{v}` is not a whole number"))),
            }
        };

        let app_env = match get("APP_ENV").as_deref() {
            None | Some("development") => AppEnv::Development,
            Some("production") => AppEnv::Production,
            Some(other) => {
                return Err(err(
                    "APP_ENV",
                    format!("`{other}` is not development or production"),
                ));
            }
        };
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let certificates_dir =
            PathBuf::from(get("CERTIFICATES_DIR").unwrap_or_else(|| "certificates".to_owned()));
        let default_db = format!("sqlite://{}/summer-school.db", data_dir.display());
        let database_url = get("DATABASE_URL").unwrap_or(default_db);
        let pool_default = default_pool_size(&database_url);
        let bind_text = get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            err(
                "BIND_ADDR",
                format!("`{bind_text}` is not an address like 127.0.0.1:8080"),
            )
        })?;
        let public_url = get("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind}"))
            .trim_end_matches('/')
            .to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://"))
            || public_url.contains(' ')
        {
            return Err(err(
                "PUBLIC_URL",
                format!("`{public_url}` must start with http:// or https://"),
            ));
        }
        let mail = match get("MAIL_TRANSPORT").as_deref() {
            None | Some("file") => MailTransport::Folder(
                get("MAIL_OUTBOX_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("outbox")),
            ),
            Some("smtp") => {
                let url = get("SMTP_URL")
                    .ok_or_else(|| err("SMTP_URL", "is required when MAIL_TRANSPORT=smtp"))?;
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(err("SMTP_URL", "must start with smtp:// or smtps://"));
                }
                MailTransport::Smtp(Secret::new(url))
            }
            Some(other) => {
                return Err(err(
                    "MAIL_TRANSPORT",
                    format!("`{other}` is not file or smtp"),
                ));
            }
        };
        let mail_from = get("MAIL_FROM").unwrap_or_else(|| {
            "Université Paris Cité Summer Schools <summerschool.medicine@u-paris.fr>".to_owned()
        });
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(err(
                "MAIL_FROM",
                format!("`{mail_from}` is not a mailbox like Name <address@example.org>"),
            ));
        }
        let payment_provider = match get("PAYMENT_PROVIDER").as_deref() {
            None | Some("simulated") => PaymentProvider::Simulated,
            Some("stripe") => {
                let secret_key = get("STRIPE_SECRET_KEY").ok_or_else(|| {
                    err(
                        "STRIPE_SECRET_KEY",
                        "is needed with PAYMENT_PROVIDER=stripe (sk_live_… or sk_test_…)",
                    )
                })?;
                if !secret_key.starts_with("sk_") && !secret_key.starts_with("rk_") {
                    return Err(err(
                        "STRIPE_SECRET_KEY",
                        "is not a Stripe secret or restricted key (sk_… or rk_…)",
                    ));
                }
                let webhook_secret = get("STRIPE_WEBHOOK_SECRET").ok_or_else(|| {
                    err("STRIPE_WEBHOOK_SECRET", "is needed with PAYMENT_PROVIDER=stripe (whsec_…, from the webhook endpoint)")
                })?;
                if !webhook_secret.starts_with("whsec_") {
                    return Err(err(
                        "STRIPE_WEBHOOK_SECRET",
                        "is not a webhook signing secret (whsec_…)",
                    ));
                }
                let api_base = get("STRIPE_API_BASE");
                if let Some(base) = &api_base
                    && !(base.starts_with("https://") || base.starts_with("http://"))
                {
                    return Err(err(
                        "STRIPE_API_BASE",
                        format!("`{base}` is not an http(s) address"),
                    ));
                }
                PaymentProvider::Stripe(StripeSettings {
                    secret_key: Secret::new(secret_key),
                    webhook_secret: Secret::new(webhook_secret),
                    api_base,
                })
            }
            Some(other) => {
                return Err(err(
                    "PAYMENT_PROVIDER",
                    format!("`{other}` is not simulated or stripe"),
                ));
            }
        };
        let secret_key = match get("SECRET_KEY") {
            None => None,
            Some(k) if k.len() >= 64 && k.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(Secret::new(k))
            }
            Some(_) => {
                return Err(err(
                    "SECRET_KEY",
                    "must be at least 64 hexadecimal characters (openssl rand -hex 32)",
                ));
            }
        };
        let signing_key = match get("CERT_SIGNING_KEY") {
            None => None,
            Some(k) if k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Some(Secret::new(k))
            }
            Some(_) => {
                return Err(err(
                    "CERT_SIGNING_KEY",
                    "must be 64 hexadecimal characters, an Ed25519 private key (openssl rand -hex 32)",
                ));
            }
        };
        let pdf_signing = match (get("CERT_PDF_KEY_FILE"), get("CERT_PDF_CERTIFICATE_FILE")) {
            (None, None) => None,
            (Some(key), Some(certificates)) => Some(PdfSigningFiles {
                key: key.into(),
                certificates: certificates.into(),
            }),
            (Some(_), None) => {
                return Err(err(
                    "CERT_PDF_CERTIFICATE_FILE",
                    "must be set with CERT_PDF_KEY_FILE: the certificate of that key, in PEM",
                ));
            }
            (None, Some(_)) => {
                return Err(err(
                    "CERT_PDF_KEY_FILE",
                    "must be set with CERT_PDF_CERTIFICATE_FILE: the PKCS#8 PEM key of that certificate",
                ));
            }
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None => match app_env {
                AppEnv::Development => LogFormat::Pretty,
                AppEnv::Production => LogFormat::Json,
            },
            Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(err(
                    "LOG_FORMAT",
                    format!("`{other}` is not pretty or json"),
                ));
            }
        };
        let max_attempts = number(
            "JOB_MAX_ATTEMPTS",
            u64::from(crate::domain::job::DEFAULT_MAX_ATTEMPTS),
        )?;
        if max_attempts == 0 || max_attempts > 100 {
            return Err(err("JOB_MAX_ATTEMPTS", "must be between 1 and 100"));
        }
        let jobs = JobSettings {
            retry: RetryPolicy {
                max_attempts: max_attempts as u32,
                base: Duration::from_millis(number("JOB_BACKOFF_BASE_MS", 30_000)?),
                max: Duration::from_millis(number("JOB_BACKOFF_MAX_MS", 3_600_000)?),
            },
            lease: Duration::from_secs(number("JOB_LEASE_SECS", 300)?.max(1)),
            poll_interval: Duration::from_millis(number("JOB_POLL_MS", 1_000)?.max(10)),
            deadline_interval: Duration::from_secs(number("DEADLINE_SWEEP_SECS", 60)?.max(1)),
            reconcile_interval: Duration::from_secs(number("RECONCILE_EVERY_SECS", 86_400)?),
            reconcile_days: number("RECONCILE_DAYS", 7)?.clamp(1, 90) as u32,
        };
        let bank = match (get("BANK_BENEFICIARY"), get("BANK_IBAN"), get("BANK_BIC")) {
            (None, None, None) => None,
            (Some(beneficiary), Some(iban), Some(bic)) => Some(crate::domain::bank::BankAccount {
                beneficiary,
                iban: crate::domain::bank::Iban::parse(&iban).ok_or_else(|| {
                    err("BANK_IBAN", "not an IBAN (its check digits do not hold)")
                })?,
                bic: crate::domain::bank::Bic::parse(&bic)
                    .ok_or_else(|| err("BANK_BIC", "not a BIC (8 or 11 characters)"))?,
            }),
            (None, _, _) => return Err(err("BANK_BENEFICIARY", "set with BANK_IBAN and BANK_BIC")),
            (_, None, _) => return Err(err("BANK_IBAN", "set with BANK_BENEFICIARY and BANK_BIC")),
            (_, _, None) => return Err(err("BANK_BIC", "set with BANK_BENEFICIARY and BANK_IBAN")),
        };
        let bank_csv = match get("BANK_CSV_COLUMNS") {
            None => crate::domain::bank::CsvColumns::default(),
            Some(c) => crate::domain::bank::CsvColumns::parse(&c)
                .map_err(|reason| err("BANK_CSV_COLUMNS", reason))?,
        };
        Ok(Config {
            app_env,
            database_url: Secret::new(database_url),
            database_max_connections: number("DATABASE_MAX_CONNECTIONS", pool_default)?
                .clamp(1, 1000) as u32,
            bind,
            public_url,
            data_dir,
            certificates_dir,
            mail,
            mail_from,
            payment_provider,
            secret_key,
            signing_key,
            pdf_signing,
            catalog_file: get("CATALOG_FILE").map(PathBuf::from),
            log_format,
            jobs,
            shutdown_grace: Duration::from_secs(number("SHUTDOWN_GRACE_SECS", 20)?),
            client_ip_header: match get("CLIENT_IP_HEADER") {
                None => None,
                Some(h) if h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
                    Some(h.to_ascii_lowercase())
                }
                Some(h) => {
                    return Err(err(
                        "CLIENT_IP_HEADER",
                        format!("`{h}` is not a header name"),
                    ));
                }
            },
            bank,
            bank_csv,
            demo: false,
        })
    }

    /// The development defaults that production must not run on, each with what to set instead.
    pub fn production_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let MailTransport::Folder(_) = self.mail {
            problems
                .push("MAIL_TRANSPORT is `file` (set MAIL_TRANSPORT=smtp and SMTP_URL)".to_owned());
        }
        if let MailTransport::Smtp(url) = &self.mail {
            let u = url.expose();
            if u.starts_with("smtp://")
                && !(u.contains("tls=required") || u.contains("tls=opportunistic"))
            {
                problems.push(
                    "SMTP_URL sends without TLS (add ?tls=required or use smtps://)".to_owned(),
                );
            }
        }
        match &self.payment_provider {
            PaymentProvider::Simulated => problems
                .push("PAYMENT_PROVIDER is `simulated` (set PAYMENT_PROVIDER=stripe)".to_owned()),
            PaymentProvider::Stripe(s) => {
                if s.secret_key.expose().starts_with("sk_test_") {
                    problems.push("STRIPE_SECRET_KEY is a test key (sk_test_…)".to_owned());
                }
                if s.api_base.is_some() {
                    problems.push(
                        "STRIPE_API_BASE is set (production talks to Stripe itself)".to_owned(),
                    );
                }
            }
        }
        if self.secret_key.is_none() {
            problems.push(
                "SECRET_KEY is not set (a generated development key would be used)".to_owned(),
            );
        }
        if self.signing_key.is_none() {
            problems.push(
                "CERT_SIGNING_KEY is not set (certificates would be signed with a generated key)"
                    .to_owned(),
            );
        }
        if self.pdf_signing.is_none() {
            problems.push(
                "CERT_PDF_KEY_FILE and CERT_PDF_CERTIFICATE_FILE are not set (certificates would be \
                 PDF-signed with a generated self-signed pair)"
                    .to_owned(),
            );
        }
        if !self.public_url.starts_with("https://") {
            problems.push(format!("PUBLIC_URL `{}` is not https://", self.public_url));
        }
        problems
    }

    /// The host part of `public_url`, for Message-IDs.
    pub fn public_host(&self) -> &str {
        let rest = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, r)| r);
        let host = rest.split('/').next().unwrap_or(rest);
        host.rsplit_once(':').map_or(host, |(h, _)| h)
    }
}

/// Measured best on a 2-core machine (README, Benchmark): for SQLite, two reader connections per core
/// (each is a thread; more only switch context); for Postgres, four per core, so that more commits
/// wait for the same WAL flush.
fn default_pool_size(database_url: &str) -> u64 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u64);
    if database_url.starts_with("postgres") {
        (4 * cores).clamp(4, 32)
    } else {
        (2 * cores).clamp(2, 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_map(&map)
    }

    #[test]
    fn stripe_needs_its_key_and_webhook_secret_and_never_shows_them() {
        let e = config(&[("PAYMENT_PROVIDER", "stripe")]).unwrap_err();
        assert_eq!(e.variable, "STRIPE_SECRET_KEY");
        let e = config(&[
            ("PAYMENT_PROVIDER", "stripe"),
            ("STRIPE_SECRET_KEY", "pk_live_1"),
        ])
        .unwrap_err();
        assert_eq!(
            e.variable, "STRIPE_SECRET_KEY",
            "a publishable key is not a secret key"
        );
        let e = config(&[
            ("PAYMENT_PROVIDER", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_live_1"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "STRIPE_WEBHOOK_SECRET");
        let e = config(&[
            ("PAYMENT_PROVIDER", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_live_1"),
            ("STRIPE_WEBHOOK_SECRET", "secret"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "STRIPE_WEBHOOK_SECRET");
        let c = config(&[
            ("PAYMENT_PROVIDER", "stripe"),
            ("STRIPE_SECRET_KEY", "sk_test_1"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_1"),
            ("STRIPE_API_BASE", "http://127.0.0.1:12111/"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("sk_test_1") && !shown.contains("whsec_1"),
            "{shown}"
        );
        let problems = c.production_problems().join("\n");
        assert!(
            problems.contains("test key") && problems.contains("STRIPE_API_BASE"),
            "{problems}"
        );
    }

    #[test]
    fn embedded_defaults_need_nothing() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url.expose(), "sqlite://data/summer-school.db");
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.mail, MailTransport::Folder(PathBuf::from("data/outbox")));
        assert_eq!(c.payment_provider, PaymentProvider::Simulated);
        assert_eq!(c.public_host(), "127.0.0.1");
        assert_eq!(c.production_problems().len(), 6);
        let plain = config(&[
            ("MAIL_TRANSPORT", "smtp"),
            ("SMTP_URL", "smtp://mail.example.org:25"),
        ])
        .unwrap();
        assert!(
            plain
                .production_problems()
                .iter()
                .any(|p| p.contains("without TLS"))
        );
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let c = config(&[
            ("DATABASE_URL", "postgres://app:hunter2@db/x"),
            ("MAIL_TRANSPORT", "smtp"),
            ("SMTP_URL", "smtp://mailer:swordfish@mail.example.org:587"),
            ("SECRET_KEY", &"ab".repeat(32)),
            ("CERT_SIGNING_KEY", &"cd".repeat(32)),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        for secret in ["hunter2", "swordfish", &"ab".repeat(32), &"cd".repeat(32)] {
            assert!(!shown.contains(secret), "{secret} leaked into {shown}");
        }
    }

    #[test]
    fn bad_values_name_the_variable() {
        assert_eq!(
            config(&[("BIND_ADDR", "localhost")]).unwrap_err().variable,
            "BIND_ADDR"
        );
        assert_eq!(
            config(&[("MAIL_TRANSPORT", "pigeon")])
                .unwrap_err()
                .variable,
            "MAIL_TRANSPORT"
        );
        assert_eq!(
            config(&[("MAIL_TRANSPORT", "smtp")]).unwrap_err().variable,
            "SMTP_URL"
        );
        assert_eq!(
            config(&[("SECRET_KEY", "short")]).unwrap_err().variable,
            "SECRET_KEY"
        );
        assert_eq!(
            config(&[("APP_ENV", "staging")]).unwrap_err().variable,
            "APP_ENV"
        );
    }
}
