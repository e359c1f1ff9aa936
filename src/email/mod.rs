//! Email: messages are rendered when they are queued (see `render`), then delivered by the worker
//! through lettre, over SMTP or into a folder of `.eml` files.
//!
//! A message's headers come from its job alone (Message-ID from the job id, Date from the job's
//! creation, MIME boundary from the job id), so a retry sends the very same bytes and a receiver
//! can recognise a duplicate by its Message-ID.

pub mod render;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, MultiPartKind, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;

use crate::config::{Config, MailTransport};
use crate::domain::job::OutgoingEmail;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("message could not be built: {0}")]
    Build(String),
    #[error("SMTP: {0}")]
    Smtp(String),
    #[error("writing the .eml file failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Folder(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Mailer, MailError> {
        match &config.mail {
            MailTransport::Folder(dir) => Ok(Mailer::Folder(dir.clone())),
            MailTransport::Smtp(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .map_err(|e| MailError::Smtp(format!("SMTP_URL is not usable: {e}")))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
        }
    }

    /// Delivers one message. Writing to the folder is idempotent: the file is named after the Message-ID.
    pub async fn deliver(&self, message: &Message, message_id: &str) -> Result<(), MailError> {
        match self {
            Mailer::Folder(dir) => write_eml(dir, message_id, &message.formatted()).await,
            Mailer::Smtp(transport) => transport
                .send(message.clone())
                .await
                .map(|_| ())
                .map_err(|e| MailError::Smtp(e.to_string())),
        }
    }
}

async fn write_eml(dir: &Path, message_id: &str, bytes: &[u8]) -> Result<(), MailError> {
    tokio::fs::create_dir_all(dir).await?;
    let name: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tmp = dir.join(format!(".{name}.tmp"));
    tokio::fs::write(&tmp, bytes).await?;
    tokio::fs::rename(&tmp, dir.join(format!("{name}.eml"))).await?;
    Ok(())
}

/// The stable Message-ID of the email sent by job `job_id`.
pub fn message_id(job_id: i64, created_at: OffsetDateTime, host: &str) -> String {
    format!("<job-{job_id}.{}@{host}>", created_at.unix_timestamp())
}

/// Builds the message for a job. Same inputs, same bytes.
pub fn build_message(
    email: &OutgoingEmail,
    from: &Mailbox,
    message_id: &str,
    created_at: OffsetDateTime,
    boundary_seed: i64,
) -> Result<Message, MailError> {
    let to = Mailbox::new(
        email.to_name.clone(),
        email
            .to
            .as_str()
            .parse()
            .map_err(|_| MailError::Address("recipient".into()))?,
    );
    let body = MultiPart::builder()
        .kind(MultiPartKind::Alternative)
        .boundary(format!("summer-school-{boundary_seed:016x}"))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(email.text.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(email.html.clone()),
        );
    // With attachments: the text and HTML alternatives first, then each file.
    let body = if email.attachments.is_empty() {
        body
    } else {
        let mut mixed = MultiPart::builder()
            .kind(MultiPartKind::Mixed)
            .boundary(format!("summer-school-mixed-{boundary_seed:016x}"))
            .multipart(body);
        for a in &email.attachments {
            let content_type = ContentType::parse(&a.content_type)
                .map_err(|e| MailError::Build(format!("attachment type: {e}")))?;
            let bytes = a.bytes().ok_or_else(|| {
                MailError::Build(format!("attachment {}: bad base64", a.file_name))
            })?;
            mixed = mixed.singlepart(
                lettre::message::Attachment::new(a.file_name.clone()).body(bytes, content_type),
            );
        }
        mixed
    };
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(message_id.to_owned()))
        .date(created_at.into())
        .multipart(body)
        .map_err(|e| MailError::Build(e.to_string()))
}
