//! Email content: subject, text part and HTML part, in the recipient's language, from the templates
//! `templates/emails/message.{txt,html}`. Rendered once, when the email is queued.

use askama::Template;

use crate::domain::email::EmailAddress;
use crate::domain::job::OutgoingEmail;
use crate::domain::status::OrganizerRole;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "emails/message.txt")]
struct TextPart<'a> {
    greeting: &'a str,
    paragraphs: &'a [String],
    link: Option<&'a str>,
    signoff: &'a str,
}

#[derive(Template)]
#[template(path = "emails/message.html")]
struct HtmlPart<'a> {
    lang: &'a str,
    subject: &'a str,
    greeting: &'a str,
    paragraphs: &'a [String],
    link: Option<&'a str>,
    signoff: &'a str,
}

fn compose(
    tr: Tr,
    to: &EmailAddress,
    to_name: Option<String>,
    subject: String,
    paragraphs: &[String],
    link: Option<&str>,
) -> OutgoingEmail {
    let greeting = tr.t("email-greeting");
    let signoff = tr.t("email-signoff");
    let text = TextPart {
        greeting: &greeting,
        paragraphs,
        link,
        signoff: &signoff,
    }
    .render()
    .expect("email text template renders");
    let html = HtmlPart {
        lang: tr.locale().tag(),
        subject: &subject,
        greeting: &greeting,
        paragraphs,
        link,
        signoff: &signoff,
    }
    .render()
    .expect("email html template renders");
    OutgoingEmail {
        scrub_after_send: false,
        to: to.clone(),
        to_name,
        locale: tr.locale(),
        subject,
        text,
        html,
    }
}

/// Sent to a new organizer.
pub fn organizer_welcome(
    tr: Tr,
    to: &EmailAddress,
    name: &str,
    role: OrganizerRole,
    public_url: &str,
) -> OutgoingEmail {
    let body = tr.t1(
        "email-organizer-welcome-body",
        "role",
        role.as_str().replace('_', " "),
    );
    compose(
        tr,
        to,
        Some(name.to_owned()),
        tr.t("email-organizer-welcome-subject"),
        &[body],
        Some(&format!("{public_url}/organizer/sign-in")),
    )
}

/// Sent by `admin send-test-email`, to check the mail settings.
pub fn test_message(tr: Tr, to: &EmailAddress, public_url: &str) -> OutgoingEmail {
    compose(
        tr,
        to,
        None,
        tr.t("email-test-subject"),
        &[tr.t("email-test-body")],
        Some(public_url),
    )
}

/// The single-use sign-in link. Its body is removed from the outbox once delivered.
pub fn sign_in_link(tr: Tr, to: &EmailAddress, link: &str) -> OutgoingEmail {
    let mut email = compose(
        tr,
        to,
        None,
        tr.t("email-sign-in-subject"),
        &[tr.t("email-sign-in-body")],
        Some(link),
    );
    email.scrub_after_send = true;
    email
}

/// Sent when an application is submitted: what was sent and what happens next.
pub fn application_received(
    tr: Tr,
    to: &EmailAddress,
    name: Option<&str>,
    program: &str,
    reference: &str,
    documents: usize,
    link: &str,
) -> OutgoingEmail {
    let paragraphs = [
        tr.t_args(
            "email-received-body",
            &[
                ("program", program.to_owned().into()),
                ("reference", reference.to_owned().into()),
            ],
        ),
        tr.tn("email-received-summary", "documents", documents as i64),
        tr.t("email-received-next"),
    ];
    compose(
        tr,
        to,
        name.map(str::to_owned),
        tr.t1("email-received-subject", "program", program),
        &paragraphs,
        Some(link),
    )
}

/// An invitation to become an organizer, with its single-use link. Its body is removed from the outbox
/// once delivered.
pub fn organizer_invitation(
    tr: Tr,
    to: &EmailAddress,
    name: &str,
    role: OrganizerRole,
    inviter: &str,
    link: &str,
) -> OutgoingEmail {
    let body = tr.t_args(
        "email-organizer-invitation-body",
        &[
            ("inviter", inviter.to_owned().into()),
            (
                "role",
                tr.t(&format!("organizer-role-{}", role.as_str())).into(),
            ),
        ],
    );
    let mut email = compose(
        tr,
        to,
        Some(name.to_owned()),
        tr.t("email-organizer-invitation-subject"),
        &[body, tr.t("email-organizer-invitation-expiry")],
        Some(link),
    );
    email.scrub_after_send = true;
    email
}
