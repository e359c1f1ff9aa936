//! Builds the application from its configuration: store, keys, catalog, mailer, worker, router.
//!
//! The order matters for "nothing written on a bad start": everything that can be checked without
//! touching the disk (settings, production rules, the catalog file, the port) is checked first.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use lettre::message::Mailbox;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::config::{AppEnv, Config, Secret};
use crate::documents::seal::Sealer;
use crate::domain::audit::Actor;
use crate::domain::catalog::{EditionSpec, SHIPPED_CATALOG, parse_catalog};
use crate::domain::demo::demo_edition;
use crate::email::Mailer;
use crate::http::{AppState, router};
use crate::jobs::Worker;
use crate::store::blobs::LocalBlobStore;
use crate::store::{self, ConnectOptions, Store};

/// Refuses to run production on a development default, naming each one, or with the demo.
pub fn check_production(config: &Config) -> anyhow::Result<()> {
    if config.app_env == AppEnv::Production && config.demo {
        bail!(
            "APP_ENV=production refuses --demo: the demo signs in as its people with one click and is only for trying the service"
        );
    }
    if config.app_env == AppEnv::Production {
        let problems = config.production_problems();
        if !problems.is_empty() {
            bail!(
                "APP_ENV=production refuses development defaults: {}",
                problems.join("; ")
            );
        }
    }
    Ok(())
}

/// Opens the store named by `DATABASE_URL` and migrates it.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let options = ConnectOptions {
        max_connections: config.database_max_connections,
        job_max_attempts: config.jobs.retry.max_attempts,
        ..ConnectOptions::default()
    };
    Ok(store::connect(config.database_url.expose(), &options).await?)
}

/// Reads a catalog file, or the shipped one.
pub fn read_catalog(path: Option<&Path>) -> anyhow::Result<EditionSpec> {
    match path {
        None => parse_catalog(SHIPPED_CATALOG).context("the shipped catalog is invalid"),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read catalog {}", p.display()))?;
            parse_catalog(&text).with_context(|| format!("catalog {} refused", p.display()))
        }
    }
}

/// What the catalog's documents need, checked before anything is served or stored: each signature
/// image it names is a readable PNG under `CERTIFICATES_DIR/signatures/` (a certificate printed
/// without its signature would have to be issued again), and every text it puts on a document fits
/// its place on the page (see [`crate::documents::layout::catalog_misfits`]).
pub fn check_catalog_documents(config: &Config, spec: &EditionSpec) -> anyhow::Result<()> {
    let images = spec.certificates.iter().flat_map(|c| {
        [
            ("certificates.signature_image", c.signature_image.as_deref()),
            (
                "certificates.afgsu_signatory.signature_image",
                c.afgsu_signatory
                    .as_ref()
                    .and_then(|s| s.signature_image.as_deref()),
            ),
        ]
    });
    for (field, name) in images.filter_map(|(field, name)| Some((field, name?))) {
        let path = config.certificates_dir.join("signatures").join(name);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "{field} = {name:?}: cannot read {} (CERTIFICATES_DIR is {})",
                path.display(),
                config.certificates_dir.display()
            )
        })?;
        crate::documents::pdf::Picture::from_png("Signature", &bytes).map_err(|e| {
            anyhow::anyhow!(
                "{field} = {name:?}: {} is not a readable PNG ({e})",
                path.display()
            )
        })?;
    }
    let misfits = crate::documents::layout::catalog_misfits(spec);
    if !misfits.is_empty() {
        bail!(
            "the catalog's text is too long to print on its documents, even at the smallest size: {}",
            misfits.join("; ")
        );
    }
    Ok(())
}

/// The key that signs cookies and tokens: `SECRET_KEY`, or in development one generated once into
/// `data/keys/secret.key` and reused after.
pub fn secret_key(config: &Config) -> anyhow::Result<Secret> {
    if let Some(k) = &config.secret_key {
        return Ok(k.clone());
    }
    if config.app_env == AppEnv::Production {
        bail!("SECRET_KEY is required in production");
    }
    let path = config.data_dir.join("keys").join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let key = existing.trim();
        if key.len() >= 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(Secret::new(key));
        }
        bail!(
            "{} is not a valid key; delete it to generate a new one",
            path.display()
        );
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness available: {e}"))?;
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dir = path.parent().expect("keys folder");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_private(&path, &key).with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a development secret key");
    Ok(Secret::new(key))
}

/// The key certificates are signed with: `CERT_SIGNING_KEY`, else (outside production) the one in
/// `DATA_DIR/keys/signing.key`, generated on first use and never committed (`data/` is ignored).
pub fn signing_key(config: &Config) -> anyhow::Result<ed25519_dalek::SigningKey> {
    let from_hex = |text: &str| -> Option<ed25519_dalek::SigningKey> {
        let bytes = crate::domain::certificate::from_hex(text)?;
        Some(ed25519_dalek::SigningKey::from_bytes(
            &bytes.try_into().ok()?,
        ))
    };
    if let Some(k) = &config.signing_key {
        return from_hex(k.expose()).ok_or_else(|| anyhow!("CERT_SIGNING_KEY is not a key"));
    }
    if config.app_env == AppEnv::Production {
        bail!("CERT_SIGNING_KEY is required in production");
    }
    let path = config.data_dir.join("keys").join("signing.key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return from_hex(existing.trim()).ok_or_else(|| {
            anyhow!(
                "{} is not a valid key; delete it to generate a new one (certificates signed with \
                 the old one will no longer verify)",
                path.display()
            )
        });
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness available: {e}"))?;
    let dir = path.parent().expect("keys folder");
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_private(&path, &crate::domain::certificate::hex(&bytes))
        .with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a development certificate signing key");
    Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
}

/// The key pair certificates and visa letters are PDF-signed with: the files
/// `CERT_PDF_KEY_FILE` and `CERT_PDF_CERTIFICATE_FILE` name, else (outside production) a
/// self-signed development pair in `DATA_DIR/keys/pdf-signing.{key,crt}`, generated on first use.
/// Production refuses a development certificate.
pub fn pdf_sealer(config: &Config) -> anyhow::Result<Sealer> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    };
    if let Some(files) = &config.pdf_signing {
        let sealer = Sealer::from_pem(&read(&files.key)?, &read(&files.certificates)?)
            .with_context(|| {
                format!(
                    "CERT_PDF_KEY_FILE {} with CERT_PDF_CERTIFICATE_FILE {}",
                    files.key.display(),
                    files.certificates.display()
                )
            })?;
        if config.app_env == AppEnv::Production && sealer.is_development() {
            bail!(
                "CERT_PDF_CERTIFICATE_FILE {} is a generated development certificate; production \
                 needs the issuer's own",
                files.certificates.display()
            );
        }
        return Ok(sealer);
    }
    if config.app_env == AppEnv::Production {
        bail!("CERT_PDF_KEY_FILE and CERT_PDF_CERTIFICATE_FILE are required in production");
    }
    let dir = config.data_dir.join("keys");
    let (key_path, cert_path) = (dir.join("pdf-signing.key"), dir.join("pdf-signing.crt"));
    if !key_path.exists() {
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let (key, cert) = Sealer::generate_development(
            &format!("summer-school at {}", config.public_host()),
            OffsetDateTime::now_utc(),
        )?;
        match write_private(&key_path, &key) {
            Ok(()) => {
                std::fs::write(&cert_path, cert)
                    .with_context(|| format!("cannot write {}", cert_path.display()))?;
                tracing::info!(path = %cert_path.display(), "generated a development PDF signing pair");
            }
            // Another process made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e).with_context(|| format!("cannot write {}", key_path.display()));
            }
        }
    }
    // A pair being written by another process at this instant reads whole on the second try.
    let load = || -> anyhow::Result<Sealer> {
        Ok(Sealer::from_pem(&read(&key_path)?, &read(&cert_path)?)?)
    };
    load().or_else(|_| {
        std::thread::sleep(std::time::Duration::from_millis(200));
        load().with_context(|| {
            format!(
                "{} and {} are not a key pair; delete both to generate new ones",
                key_path.display(),
                cert_path.display()
            )
        })
    })
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// Loads the catalog when the database has no edition yet, and (for tests that need an edition open
/// today) the demo edition open for applications, empty. `serve --demo` seeds the whole demo with
/// [`seed_demo`] instead.
pub async fn seed(store: &dyn Store, catalog: &EditionSpec, demo: bool) -> anyhow::Result<()> {
    let now = OffsetDateTime::now_utc();
    if store.edition_count().await? == 0 {
        let outcome = store.load_edition(catalog, &Actor::System, now).await?;
        tracing::info!(edition = %catalog.slug, programs = outcome.programs_created, "catalog loaded");
    }
    if demo {
        let spec = demo_edition(catalog, now.date());
        store.load_edition(&spec, &Actor::System, now).await?;
        tracing::info!("demo edition ready, with its application window open");
    }
    Ok(())
}

/// Seeds the whole demo once (both demo editions, its organizers and applicants, the past cohort's
/// certificates): see [`crate::demo`]. A later start changes nothing.
pub async fn seed_demo(
    config: &Config,
    store: &dyn Store,
    catalog: &EditionSpec,
) -> anyhow::Result<crate::demo::SeedOutcome> {
    let blobs = LocalBlobStore::new(config.data_dir.join("uploads"));
    let key = signing_key(config)?;
    let seeder = crate::demo::DemoSeeder {
        store,
        blobs: &blobs,
        signing_key: &key,
        public_url: &config.public_url,
    };
    let outcome = seeder.seed(catalog, OffsetDateTime::now_utc()).await?;
    match &outcome {
        crate::demo::SeedOutcome::AlreadySeeded => {
            tracing::info!("demo already seeded: left as it is; open /demo")
        }
        crate::demo::SeedOutcome::Seeded {
            organizers,
            applicants,
        } => tracing::info!(organizers, applicants, "demo seeded; open /demo"),
    }
    Ok(outcome)
}

/// The worker as configured.
pub fn worker(config: &Config, store: Arc<dyn Store>, wake: Arc<Notify>) -> anyhow::Result<Worker> {
    let mailer = Mailer::from_config(config)?;
    let from: Mailbox = config.mail_from.parse().context("MAIL_FROM")?;
    let worker = Worker::new(
        store,
        mailer,
        from,
        config.public_host().to_owned(),
        config.public_url.clone(),
        config.jobs,
        wake,
    )
    .with_documents(
        Arc::new(crate::documents::signatures::SignatureImages::new(
            config.certificates_dir.clone(),
        )),
        Arc::new(pdf_sealer(config)?),
    );
    Ok(match &config.payment_provider {
        crate::config::PaymentProvider::Stripe(s) => {
            let stripe = crate::payments::stripe::StripeProvider::new(
                s.secret_key.expose(),
                s.api_base.as_deref(),
            )
            .map_err(|e| anyhow!("the Stripe client: {e}"))?;
            let stripe = Arc::new(stripe);
            worker.with_reconciler(stripe.clone()).with_provider(stripe)
        }
        crate::config::PaymentProvider::Simulated => {
            worker.with_provider(Arc::new(crate::payments::simulated::Simulated))
        }
    })
}

/// Binds the listening socket, with a clear message when the port is taken.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            anyhow!("cannot listen on {addr}: the port is already in use (set BIND_ADDR)")
        }
        _ => anyhow!("cannot listen on {addr}: {e}"),
    })
}

/// A running server, for `serve` and for tests.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// Stops taking requests and jobs, lets in-flight ones finish (up to `grace`), then returns.
    pub async fn shutdown(self, grace: std::time::Duration) {
        let _ = self.shutdown.send(true);
        let finish = async {
            let _ = self.server.await;
            if let Some(w) = self.worker {
                let _ = w.await;
            }
        };
        if tokio::time::timeout(grace, finish).await.is_err() {
            tracing::warn!("shutdown grace period over; stopping anyway");
        }
    }
}

/// Starts the HTTP server (and, when `with_worker`, the job worker) on an already bound listener.
pub async fn start(
    config: Arc<Config>,
    store: Arc<dyn Store>,
    listener: TcpListener,
    with_worker: bool,
) -> anyhow::Result<Running> {
    let secret = secret_key(&config)?;
    let wake = Arc::new(Notify::new());
    let blobs = Arc::new(LocalBlobStore::new(config.data_dir.join("uploads")));
    let payments: Arc<dyn crate::payments::PaymentProvider> = match &config.payment_provider {
        crate::config::PaymentProvider::Stripe(s) => Arc::new(
            crate::payments::stripe::StripeProvider::new(
                s.secret_key.expose(),
                s.api_base.as_deref(),
            )
            .map_err(|e| anyhow::anyhow!("the Stripe client: {e}"))?,
        ),
        crate::config::PaymentProvider::Simulated => {
            Arc::new(crate::payments::simulated::Simulated)
        }
    };
    let sealer = Arc::new(pdf_sealer(&config)?);
    tracing::info!(
        signer = %sealer.subject(),
        sha256 = %sealer.certificate_sha256(),
        development = sealer.is_development(),
        "certificates and visa letters are PDF-signed with this certificate"
    );
    let state = AppState::new(
        store.clone(),
        config.clone(),
        secret,
        wake.clone(),
        blobs,
        payments,
        crate::http::IssuerKeys {
            signing_key: signing_key(&config)?,
            sealer,
        },
    );
    let (shutdown, mut stop) = watch::channel(false);
    let worker = if with_worker {
        let w = worker(&config, store, wake)?;
        Some(tokio::spawn(w.run(shutdown.subscribe())))
    } else {
        None
    };
    let addr = listener.local_addr()?;
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await
    });
    Ok(Running {
        addr,
        state,
        shutdown,
        server,
        worker,
    })
}

/// `serve`: everything in one process until SIGTERM or Ctrl-C.
pub async fn serve(mut config: Config, demo: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    config.demo = demo;
    if demo && config.bank.is_none() {
        // The demo shows paying by transfer, to an account no bank holds.
        config.bank = Some(crate::domain::bank::BankAccount::demo());
    }
    check_production(&config)?;
    let catalog = read_catalog(config.catalog_file.as_deref())?;
    check_catalog_documents(&config, &catalog)?;
    let listener = bind(config.bind).await?;
    let store = open_store(&config).await?;
    seed(store.as_ref(), &catalog, false).await?;
    if demo {
        seed_demo(&config, store.as_ref(), &catalog).await?;
    }
    let config = Arc::new(config);
    let grace = config.shutdown_grace;
    let running = start(config.clone(), store, listener, true).await?;
    tracing::info!(
        addr = %running.addr,
        public_url = %config.public_url,
        startup_ms = started.elapsed().as_millis() as u64,
        "summer-school is listening"
    );
    shutdown_signal().await;
    tracing::info!("shutting down: finishing in-flight requests and the current job");
    running.shutdown(grace).await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
