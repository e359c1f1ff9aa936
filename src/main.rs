//! The `summer-school` command: a thin layer over the library. Errors are one line and exit 1.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use argon2::password_hash::PasswordHasher;
use clap::{Parser, Subcommand};
use time::OffsetDateTime;

use summer_school::config::{Config, LogFormat};
use summer_school::domain::access::organization_wide;
use summer_school::domain::audit::Actor;
use summer_school::domain::email::EmailAddress;
use summer_school::domain::job::JobPayload;
use summer_school::domain::locale::Locale;
use summer_school::domain::status::OrganizerRole;
use summer_school::email::render;
use summer_school::i18n::Tr;
use summer_school::startup;
use summer_school::store::{JobFilter, NewOrganizer, ProgramRecord, StoreError};

#[derive(Parser)]
#[command(
    name = "summer-school",
    version,
    about = "Runs a medical faculty's summer schools, from application to verified certificate."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application and run the job worker in one process.
    Serve {
        /// Also seed a clearly labelled demo edition whose application window is open.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Load or inspect the catalog of editions and programs.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Inspect and drive the job outbox.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Payments with the configured provider.
    Payments {
        #[command(subcommand)]
        command: PaymentsCommand,
    },
    /// Certificates: the signing key, and checking a certificate file offline.
    Certificates {
        #[command(subcommand)]
        command: CertificatesCommand,
    },
}

#[derive(Subcommand)]
enum CertificatesCommand {
    /// Print the public key certificates are signed with (hex), for anyone who checks them.
    PublicKey,
    /// Issue a program's certificates to every participant who meets its completion rule and lacks
    /// one (running it again issues nothing twice); each graduate is emailed. Shows a progress bar.
    Issue {
        /// The edition's slug (`2026`).
        #[arg(long)]
        edition: String,
        /// The program's slug (`hands-on-clinical-emergencies`).
        #[arg(long)]
        program: String,
        /// Print who would receive what, and who would not and why, without issuing anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print a SPECIMEN of a document for any name, from the catalog's program, issuer,
    /// signatory and signature image: never numbered, never signed. The name goes through the
    /// same check as the form that asks for it; exits 1, saying why, when the form would refuse it.
    Preview {
        /// success, afgsu, receipt, badge or visa (the visa invitation letter).
        #[arg(long)]
        kind: String,
        /// The document's language: en or fr.
        #[arg(long, default_value = "en")]
        lang: String,
        /// The name to print, as a participant would type it.
        #[arg(long)]
        name: String,
        /// The program's slug; without it, the catalog's first program that issues this kind.
        #[arg(long)]
        program: Option<String>,
        /// A catalog TOML file; without it, CATALOG_FILE or the shipped catalog.
        #[arg(long)]
        catalog: Option<std::path::PathBuf>,
        /// Where to write the PDF.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Check a certificate PDF offline: the data it embeds against its signature, the PDF
    /// signature over the whole file, and the page's text against the data. Exits 1 when any of
    /// them fails.
    Verify {
        /// The certificate file.
        file: std::path::PathBuf,
        /// The issuer's public key (64 hex characters); without it, this service's own.
        #[arg(long)]
        public_key: Option<String>,
    },
}

#[derive(Subcommand)]
enum PaymentsCommand {
    /// Compare Stripe's checkout sessions of the last days with our payment attempts and print every
    /// difference; exits 1 when there is one.
    Reconcile {
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
    /// Import a bank statement (ISO 20022 camt.053, or the CSV export BANK_CSV_COLUMNS describes):
    /// every line once, matched to orders by reference, then amount and name; all or nothing.
    Import {
        file: PathBuf,
        /// Say what the import would do, and change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Create or update an edition from a catalog file (all or nothing).
    Load {
        /// A catalog TOML file, like catalog/2026.toml.
        file: PathBuf,
    },
    /// List the editions and programs in the database.
    Show,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organizer account; prints a temporary password once and emails a welcome.
    CreateOrganizer {
        #[arg(long)]
        email: String,
        /// The name shown to colleagues (defaults to the email address).
        #[arg(long)]
        name: Option<String>,
        /// admin, program_director, reviewer, finance or scolarite.
        #[arg(long, default_value = "admin")]
        role: String,
        /// The organization's slug; needed only when there are several.
        #[arg(long)]
        organization: Option<String>,
        /// Language of the welcome email (en or fr).
        #[arg(long, default_value = "en")]
        lang: String,
        /// A program given to a program director or reviewer (repeat for several): its slug gives
        /// that program in every edition, `EDITION/SLUG` only in one (like `2026/ai-digital-innovation`).
        #[arg(long = "program", value_name = "SLUG")]
        programs: Vec<String>,
    },
    /// Queue a test email, to check the mail settings.
    SendTestEmail {
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// List recent jobs.
    List {
        /// Only jobs that failed for good.
        #[arg(long)]
        dead: bool,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Give a dead job a fresh set of attempts.
    Retry { id: i64 },
    /// Expire unpaid offers past their deadline and queue due reminders, then perform every due job
    /// once, then exit.
    RunOnce,
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    init_tracing(&config, matches!(cli.command, Command::Serve { .. }));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config, serving: bool) {
    let default = if serving { "info,sqlx=warn" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Pretty => builder.init(),
    }
}

fn parse_locale(tag: &str) -> anyhow::Result<Locale> {
    Locale::from_tag(tag).ok_or_else(|| anyhow!("--lang `{tag}` is not en or fr"))
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { demo } => startup::serve(config, demo).await,
        Command::Migrate => {
            startup::open_store(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Catalog { command } => catalog(command, config).await,
        Command::Admin { command } => admin(command, config).await,
        Command::Jobs { command } => jobs(command, config).await,
        Command::Payments { command } => payments(command, config).await,
        Command::Certificates { command } => certificates(command, &config).await,
    }
}

async fn certificates(command: CertificatesCommand, config: &Config) -> anyhow::Result<()> {
    use summer_school::domain::certificate::{from_hex, hex};
    match command {
        CertificatesCommand::PublicKey => {
            let key = startup::signing_key(config)?;
            println!("{}", hex(key.verifying_key().as_bytes()));
            Ok(())
        }
        CertificatesCommand::Issue {
            edition,
            program,
            dry_run,
        } => issue_certificates(config, &edition, &program, dry_run).await,
        CertificatesCommand::Preview {
            kind,
            lang,
            name,
            program,
            catalog,
            out,
        } => preview(
            config,
            &kind,
            &lang,
            &name,
            program.as_deref(),
            catalog,
            &out,
        ),
        CertificatesCommand::Verify { file, public_key } => {
            let own_keys = public_key.is_none();
            let key = match public_key {
                Some(text) => {
                    let bytes: [u8; 32] = from_hex(&text)
                        .and_then(|b| b.try_into().ok())
                        .ok_or_else(|| anyhow!("--public-key is not 64 hexadecimal characters"))?;
                    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                        .map_err(|_| anyhow!("--public-key is not an Ed25519 public key"))?
                }
                None => startup::signing_key(config)?.verifying_key(),
            };
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let checked = summer_school::documents::certificate::check_file(&bytes, &key)
                .map_err(|e| anyhow!("{}: {e}", file.display()))?;
            let record = checked.record;
            println!(
                "valid signature: {} {} for {}, issued {} by {}",
                record.kind.as_str(),
                record.serial,
                record.holder.name,
                record.issued_on,
                record.issuer.institution
            );
            let seal = checked.seal;
            let ours = own_keys
                && startup::pdf_sealer(config)
                    .is_ok_and(|own| own.certificate_sha256() == seal.certificate_sha256);
            let whose = if ours {
                "this service's certificate"
            } else {
                "compare it with the issuer's published one"
            };
            println!(
                "PDF signature: valid over the whole file, by {} (certificate SHA-256 {}: {whose}){}",
                seal.signer,
                seal.certificate_sha256,
                if seal.development {
                    "; a development certificate, not an issuer's"
                } else {
                    ""
                }
            );
            println!(
                "the page says what the signed record says: holder, school, serial, code, grade"
            );
            // What the paper must say, to compare with the page: a page stamped over still carries
            // the record it was printed from.
            let course = &record.course;
            println!(
                "school: {}, {} to {}, {}, {} contact hours",
                course.title, course.starts_on, course.ends_on, course.place, course.hours
            );
            match record.kind {
                summer_school::domain::status::CertificateKind::AttestationOfSuccess => {
                    let result = match (&record.outcome.grade, record.outcome.passed) {
                        (Some(grade), true) => format!("passed, grade {grade}"),
                        (None, true) => "passed".to_owned(),
                        (_, false) => "not passed".to_owned(),
                    };
                    let workload = course
                        .workload_hours
                        .map(|h| format!(" ({h} hours of student work)"))
                        .unwrap_or_default();
                    println!("result: {result}; {} ECTS credits{workload}", course.ects);
                }
                summer_school::domain::status::CertificateKind::Afgsu2 => {
                    if let Some(until) = record.valid_until {
                        println!("valid until: {until}");
                    }
                }
            }
            println!(
                "compare the page with these; its status (revoked, superseded): {}",
                record.verification_url
            );
            Ok(())
        }
    }
}

/// `certificates preview`: a specimen of one document.
fn preview(
    config: &Config,
    kind: &str,
    lang: &str,
    name: &str,
    program: Option<&str>,
    catalog: Option<std::path::PathBuf>,
    out: &std::path::Path,
) -> anyhow::Result<()> {
    use summer_school::documents::signatures::SignatureImages;
    use summer_school::documents::specimen::{self, Specimen, SpecimenError, SpecimenKind};
    use summer_school::domain::locale::Locale;
    use summer_school::i18n::Tr;

    let kinds = SpecimenKind::ALL.map(SpecimenKind::as_str).join(", ");
    let kind =
        SpecimenKind::parse(kind).ok_or_else(|| anyhow!("--kind {kind:?}: one of {kinds}"))?;
    let locale = Locale::from_tag(lang).ok_or_else(|| anyhow!("--lang {lang:?}: en or fr"))?;
    let catalog = catalog.or_else(|| config.catalog_file.clone());
    let edition = startup::read_catalog(catalog.as_deref())?;
    startup::check_catalog_documents(config, &edition)?;
    let chosen = match program {
        Some(slug) => edition
            .programs
            .iter()
            .find(|p| p.slug.as_str() == slug)
            .ok_or_else(|| anyhow!("--program {slug:?}: the catalog has no such program"))?,
        None => edition
            .programs
            .iter()
            .find(|p| {
                kind != SpecimenKind::Afgsu
                    || p.certifications
                        .contains(&summer_school::domain::status::CertificateKind::Afgsu2)
            })
            .ok_or_else(|| anyhow!("no program of the catalog issues the {}", kind.as_str()))?,
    };
    let images = SignatureImages::new(config.certificates_dir.clone());
    let pdf = specimen::render(
        &Specimen::from_catalog(&edition, chosen, kind, locale, name, &config.public_url),
        &images,
    )
    .map_err(|e| match e {
        SpecimenError::Name(problem) => anyhow!(
            "the form would refuse this name: {}",
            Tr(locale).problem(&problem)
        ),
        other => anyhow!(other),
    })?;
    std::fs::write(out, &pdf).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{}: specimen of the {} of {}, {} bytes",
        out.display(),
        kind.as_str(),
        chosen.slug.as_str(),
        pdf.len()
    );
    Ok(())
}

/// `certificates issue`: a program's batch, with a progress bar on a terminal.
async fn issue_certificates(
    config: &Config,
    edition: &str,
    program: &str,
    dry_run: bool,
) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    use summer_school::domain::certificate::CertificateRecord;
    use summer_school::domain::issuance::{Skip, plan};
    use summer_school::store::issuing::{BatchError, IssueSettings, issue_program};

    let key = startup::signing_key(config)?;
    let store = startup::open_store(config).await?;
    let found = store
        .programs()
        .await?
        .into_iter()
        .find(|p| p.edition_slug == edition && p.slug == program)
        .ok_or_else(|| anyhow!("there is no program `{program}` in edition `{edition}`"))?;
    let participants = store.participants(&found.program_id).await?;
    let name_of = |id: &str| {
        participants
            .iter()
            .find(|p| p.application_id == id)
            .map(|p| p.certificate_name.clone())
            .unwrap_or_default()
    };
    let why = |skip: &Skip| match skip {
        Skip::Shortfall(summer_school::domain::completion::Shortfall::Attendance {
            present,
            required,
        }) => format!("present {present} days, {required} required"),
        Skip::Shortfall(summer_school::domain::completion::Shortfall::NoResult) => {
            "no result entered".to_owned()
        }
        Skip::Shortfall(summer_school::domain::completion::Shortfall::Failed) => {
            "assessment not passed".to_owned()
        }
        Skip::NoBirthDate => "no date of birth on file".to_owned(),
    };
    let now = OffsetDateTime::now_utc();
    if dry_run {
        let facts = store
            .program_facts(&found.program_id)
            .await?
            .ok_or_else(|| anyhow!("program vanished"))?;
        let candidates: Vec<_> = participants.iter().map(|p| p.candidate()).collect();
        let planned = plan(
            &facts,
            &candidates,
            summer_school::domain::calendar::to_paris(now).date(),
        )?;
        for (id, records) in &planned.to_issue {
            let kinds: Vec<&str> = records.iter().map(|r| r.kind.as_str()).collect();
            println!("would issue  {}: {}", name_of(id), kinds.join(", "));
        }
        for (id, skip) in &planned.skipped {
            println!("would skip   {}: {}", name_of(id), why(skip));
        }
        println!(
            "{} graduates would receive {} documents; {} already hold theirs; {} do not complete",
            planned.to_issue.len(),
            planned.documents(),
            planned.up_to_date.len(),
            planned.skipped.len()
        );
        return Ok(());
    }
    let settings = IssueSettings::for_public_url(&config.public_url);
    let sign = move |r: &CertificateRecord| r.sign(&key);
    let terminal = std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize| {
        if terminal {
            let width = 30;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            eprint!(
                "\r[{}{}] {done}/{total} graduates",
                "#".repeat(filled),
                "-".repeat(width - filled)
            );
            if done == total {
                eprintln!();
            }
            let _ = std::io::stderr().flush();
        }
    };
    let report = issue_program(
        store.as_ref(),
        &found.program_id,
        &settings,
        &sign,
        &Actor::Cli,
        now,
        &mut progress,
    )
    .await
    .map_err(|e| match e {
        BatchError::Plan(p) => anyhow!("{p}"),
        other => other.into(),
    })?;
    for (id, skip) in &report.skipped {
        println!("skipped  {}: {}", name_of(id), why(skip));
    }
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "{} received {} (each is emailed); {} already held theirs; {} do not complete",
        count(report.graduates, "graduate", "graduates"),
        count(report.documents, "document", "documents"),
        report.up_to_date,
        report.skipped.len()
    );
    Ok(())
}

async fn payments(command: PaymentsCommand, config: Config) -> anyhow::Result<()> {
    match command {
        PaymentsCommand::Reconcile { days } => {
            let summer_school::config::PaymentProvider::Stripe(s) = &config.payment_provider else {
                bail!("PAYMENT_PROVIDER is not stripe: there is nothing to reconcile");
            };
            let stripe = summer_school::payments::stripe::StripeProvider::new(
                s.secret_key.expose(),
                s.api_base.as_deref(),
            )?;
            let store = startup::open_store(&config).await?;
            let found = summer_school::jobs::reconcile::differences(
                store.as_ref(),
                &stripe,
                days,
                OffsetDateTime::now_utc(),
            )
            .await?;
            // Kept for the finance page; finance is emailed when something new differs.
            store
                .record_reconciliation(
                    summer_school::payments::stripe::NAME,
                    days,
                    &found,
                    OffsetDateTime::now_utc(),
                )
                .await?;
            if found.is_empty() {
                println!("no differences over the last {days} day(s)");
                return Ok(());
            }
            for d in &found {
                println!("{d}");
            }
            bail!("{} difference(s) over the last {days} day(s)", found.len())
        }
        PaymentsCommand::Import { file, dry_run } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let (format, lines) =
                summer_school::domain::bank::read_statement(&bytes, &config.bank_csv)
                    .map_err(|e| anyhow!("{}: {e}; nothing was imported", file.display()))?;
            let store = startup::open_store(&config).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let report = store
                .import_statement(
                    &summer_school::store::bank::StatementImport {
                        file_name: &name,
                        format,
                        lines: &lines,
                        dry_run,
                    },
                    &Actor::Cli,
                    OffsetDateTime::now_utc(),
                )
                .await?;
            for m in &report.matched {
                println!(
                    "line {}: {} cents to {} (by {}): {}",
                    m.file_line,
                    m.cents,
                    m.payment_reference,
                    m.confidence.as_str(),
                    match m.outcome {
                        summer_school::store::bank::TransferOutcome::Enrolled =>
                            "paid, enrolled".to_owned(),
                        summer_school::store::bank::TransferOutcome::Short { due_cents } =>
                            format!("{due_cents} cents still due"),
                        summer_school::store::bank::TransferOutcome::Overpaid { over_cents } =>
                            format!("{over_cents} cents over, flagged for a refund"),
                        summer_school::store::bank::TransferOutcome::Settled =>
                            "counted".to_owned(),
                    }
                );
            }
            for line in &report.unmatched {
                println!("line {line}: not matched, waiting for finance");
            }
            println!(
                "{}{} line(s): {} matched, {} waiting, {} imported before, {} money out",
                if dry_run {
                    "dry run, nothing changed: "
                } else {
                    ""
                },
                report.lines,
                report.matched.len(),
                report.unmatched.len(),
                report.duplicates,
                report.debits
            );
            Ok(())
        }
    }
}

async fn catalog(command: CatalogCommand, config: Config) -> anyhow::Result<()> {
    match command {
        CatalogCommand::Load { file } => {
            let spec = startup::read_catalog(Some(&file))?;
            startup::check_catalog_documents(&config, &spec)
                .with_context(|| format!("catalog {} refused", file.display()))?;
            let store = startup::open_store(&config).await?;
            let outcome = store
                .load_edition(&spec, &Actor::Cli, OffsetDateTime::now_utc())
                .await
                .map_err(|e| match e {
                    StoreError::Conflict { constraint }
                        if constraint == "program_seats_held_check" =>
                    {
                        anyhow!("a program's capacity is below the seats already held; raise it")
                    }
                    other => other.into(),
                })?;
            println!(
                "edition {} {}: {} program(s) created, {} updated",
                spec.slug,
                if outcome.edition_created {
                    "created"
                } else {
                    "updated"
                },
                outcome.programs_created,
                outcome.programs_updated
            );
            Ok(())
        }
        CatalogCommand::Show => {
            let store = startup::open_store(&config).await?;
            let editions = store.editions().await?;
            if editions.is_empty() {
                println!(
                    "no edition yet: run `summer-school catalog load catalog/2026.toml` or `serve`"
                );
            }
            let programs = store.programs().await?;
            for e in editions {
                let demo = if e.is_demo { " [DEMO]" } else { "" };
                println!(
                    "{} ({}) {}{} — {} program(s)",
                    e.slug, e.year, e.title.en, demo, e.program_count
                );
                for p in programs.iter().filter(|p| p.edition_slug == e.slug) {
                    let fee = p
                        .standard_fee()
                        .map(|t| t.amount.to_string())
                        .unwrap_or_default();
                    println!(
                        "  {:<32} {} → {}  {}  seats {}/{}  applications {} → {}",
                        p.slug,
                        p.starts_on,
                        p.ends_on,
                        fee,
                        p.seats_held,
                        p.capacity,
                        p.application_opens_at.date(),
                        p.application_closes_at.date()
                    );
                }
            }
            Ok(())
        }
    }
}

fn generate_password() -> anyhow::Result<String> {
    // No look-alike characters (0/O, 1/l/I), so it can be read off a screen.
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("no randomness available: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// The ids of the programs named by `--program` (a slug: every edition's; `EDITION/SLUG`: one).
fn program_ids(all: &[ProgramRecord], wanted: &[String]) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    for w in wanted {
        let found: Vec<&ProgramRecord> = match w.split_once('/') {
            Some((edition, slug)) => all
                .iter()
                .filter(|p| p.edition_slug == edition && p.slug == slug)
                .collect(),
            None => all.iter().filter(|p| p.slug == *w).collect(),
        };
        if found.is_empty() {
            let known: Vec<String> = all
                .iter()
                .map(|p| format!("{}/{}", p.edition_slug, p.slug))
                .collect();
            bail!(
                "--program: there is no program `{w}` (known: {})",
                known.join(", ")
            );
        }
        ids.extend(found.into_iter().map(|p| p.program_id.clone()));
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

async fn admin(command: AdminCommand, config: Config) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateOrganizer {
            email,
            name,
            role,
            organization,
            lang,
            programs,
        } => {
            let email = EmailAddress::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let role: OrganizerRole = role.parse().map_err(|e| anyhow!("--role: {e}"))?;
            if organization_wide(role) && !programs.is_empty() {
                bail!(
                    "--program: the role {role} acts on every program; give programs to program_director or reviewer only"
                );
            }
            let locale = parse_locale(&lang)?;
            let display_name = name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| email.to_string());
            let store = startup::open_store(&config).await?;
            let organization_slug = match organization {
                Some(o) => o,
                None => {
                    let mut slugs: Vec<String> = store
                        .editions()
                        .await?
                        .into_iter()
                        .map(|e| e.organization_slug)
                        .collect();
                    slugs.dedup();
                    match slugs.as_slice() {
                        [one] => one.clone(),
                        [] => bail!("there is no organization yet: load a catalog first"),
                        _ => bail!("several organizations exist: choose one with --organization"),
                    }
                }
            };
            let program_ids = program_ids(&store.programs().await?, &programs)?;
            let password = generate_password()?;
            let hash = argon2::Argon2::default()
                .hash_password(password.as_bytes())
                .map_err(|e| anyhow!("hashing the password failed: {e}"))?
                .to_string();
            let welcome = render::organizer_welcome(
                Tr(locale),
                &email,
                &display_name,
                role,
                &config.public_url,
            );
            let new = NewOrganizer {
                organization_slug,
                email: email.clone(),
                display_name,
                role,
                password_hash: hash,
                programs: program_ids,
            };
            store
                .create_organizer(&new, &welcome, &Actor::Cli, OffsetDateTime::now_utc())
                .await
                .map_err(|e| match e {
                    StoreError::Conflict { .. } => {
                        anyhow!("an organizer with this email already exists")
                    }
                    other => other.into(),
                })?;
            let given = if new.programs.is_empty() {
                String::new()
            } else {
                format!(" on {} program(s)", new.programs.len())
            };
            println!(
                "organizer {email} created with role {role}{given}; a welcome email is queued"
            );
            println!("temporary password (shown once, not stored): {password}");
            Ok(())
        }
        AdminCommand::SendTestEmail { to, lang } => {
            let to = EmailAddress::parse(&to).map_err(|e| anyhow!("--to: {e}"))?;
            let email = render::test_message(Tr(parse_locale(&lang)?), &to, &config.public_url);
            let store = startup::open_store(&config).await?;
            let id = store
                .enqueue_job(
                    &JobPayload::SendEmail(email),
                    config.jobs.retry.max_attempts,
                    OffsetDateTime::now_utc(),
                )
                .await?;
            println!(
                "test email queued as job {id}; a running server sends it, or run `summer-school jobs run-once`"
            );
            Ok(())
        }
    }
}

async fn jobs(command: JobsCommand, config: Config) -> anyhow::Result<()> {
    let store = startup::open_store(&config).await?;
    match command {
        JobsCommand::List { dead, limit } => {
            let filter = if dead {
                JobFilter::Dead
            } else {
                JobFilter::All
            };
            let jobs = store.jobs(filter, limit.clamp(1, 10_000)).await?;
            if jobs.is_empty() {
                println!("{}", if dead { "no dead job" } else { "no job" });
            }
            for j in jobs {
                println!(
                    "{:>6}  {:<10} {:<8} attempts {}/{}  run at {}  {}",
                    j.job_id,
                    j.kind,
                    j.status,
                    j.attempts,
                    j.max_attempts,
                    j.run_at,
                    j.last_error.as_deref().unwrap_or("")
                );
            }
            Ok(())
        }
        JobsCommand::Retry { id } => {
            store
                .retry_job(id, &Actor::Cli, OffsetDateTime::now_utc())
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => anyhow!("there is no job {id}"),
                    other => other.into(),
                })?;
            println!("job {id} queued again");
            Ok(())
        }
        JobsCommand::RunOnce => {
            let worker = startup::worker(&config, store, Default::default()).context("worker")?;
            let swept = worker.sweep_deadlines().await?;
            if swept.expired + swept.reminded > 0 {
                println!(
                    "{} offers expired ({} seats offered down the waitlist), {} reminders queued",
                    swept.expired, swept.cascaded, swept.reminded
                );
            }
            let report = worker.run_until_idle().await?;
            println!(
                "{} done, {} to retry later, {} dead",
                report.done, report.retrying, report.dead
            );
            Ok(())
        }
    }
}
