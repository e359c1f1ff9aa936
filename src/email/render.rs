//! Email content: subject, text part and HTML part, in the recipient's language, from the templates
//! `templates/emails/message.{txt,html}`. Rendered once, when the email is queued.

use askama::Template;
use fluent_templates::fluent_bundle::FluentValue;

use crate::domain::calendar::format_paris_datetime;
use crate::domain::email::EmailAddress;
use crate::domain::job::{Attachment, NoticeKind, OutgoingEmail};
use crate::domain::locale::Locale;
use crate::domain::money::{Currency, Money};
use crate::domain::status::OrganizerRole;
use crate::i18n::Tr;
use crate::store::cohort::{NoticeContext, OfferRecord};

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
        attachments: Vec::new(),
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

/// A message organizers wrote to a program's people: their subject and paragraphs, in the words
/// they chose, between a greeting and a sign-off in the recipient's language, with the link to the
/// recipient's application.
pub fn program_message(
    tr: Tr,
    to: &EmailAddress,
    given_names: Option<String>,
    subject: &str,
    paragraphs: &[String],
    link: &str,
) -> OutgoingEmail {
    compose(
        tr,
        to,
        given_names,
        subject.to_owned(),
        paragraphs,
        Some(link),
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

/// Why a notice could not be written (the data it needs is missing: a bug or a manual edit).
#[derive(Debug, thiserror::Error)]
pub enum NoticeError {
    #[error("the stored address is not valid: {0}")]
    Address(String),
    #[error("a {0} notice needs an offer, and the application has none")]
    NoOffer(&'static str),
}

/// An email about a decision or a deadline, in the applicant's language, from the application's state
/// when the worker renders it.
pub fn notice(
    ctx: &NoticeContext,
    kind: NoticeKind,
    link: &str,
) -> Result<OutgoingEmail, NoticeError> {
    let tr = Tr(ctx.locale);
    let locale = ctx.locale;
    let to = EmailAddress::parse(&ctx.email).map_err(|e| NoticeError::Address(e.to_string()))?;
    let program = match locale {
        Locale::En => ctx.program_title_en.clone(),
        Locale::Fr => ctx.program_title_fr.clone(),
    };
    let offer = |what: &'static str| {
        ctx.standing
            .offer
            .as_ref()
            .ok_or(NoticeError::NoOffer(what))
    };
    let amount = |cents: i64| {
        Money::from_cents(cents, Currency::Eur)
            .map(|m| m.display(locale))
            .unwrap_or_default()
    };
    let args = |extra: &[(&'static str, String)]| {
        let mut a: Vec<(&'static str, FluentValue<'static>)> = vec![
            ("program", program.clone().into()),
            ("contact", ctx.contact_email.clone().into()),
        ];
        a.extend(
            extra
                .iter()
                .map(|(k, v)| (*k, FluentValue::from(v.clone()))),
        );
        a
    };
    let offer_args = |o: &OfferRecord| {
        args(&[
            ("amount", amount(o.total_cents)),
            ("deadline", format_paris_datetime(o.deadline_at, locale)),
            ("reference", o.payment_reference.clone()),
            ("explanation", o.explanation.clone()),
        ])
    };
    let (subject, paragraphs) = match kind {
        NoticeKind::Offer => {
            let a = offer_args(offer("offer")?);
            (
                tr.t_args("notice-offer-subject", &a),
                vec![
                    tr.t_args("notice-offer-body", &a),
                    tr.t_args("notice-offer-fee", &a),
                    tr.t_args("notice-offer-pay", &a),
                    tr.t_args("notice-offer-decline", &a),
                ],
            )
        }
        NoticeKind::Refunded => {
            let note = ctx
                .credit_note
                .as_ref()
                .ok_or(NoticeError::NoOffer("refund"))?;
            let a = args(&[
                ("amount", amount(note.total_cents)),
                ("number", note.number.clone()),
            ]);
            (
                tr.t_args("notice-refunded-subject", &a),
                vec![
                    tr.t_args("notice-refunded-body", &a),
                    tr.t_args("notice-refunded-when", &a),
                ],
            )
        }
        NoticeKind::CertificatesReady => {
            let a = args(&[]);
            (
                tr.t_args("notice-certificates-subject", &a),
                vec![
                    tr.t_args("notice-certificates-body", &a),
                    tr.t_args("notice-certificates-keep", &a),
                ],
            )
        }
        NoticeKind::Enrolled => {
            let o = offer("enrolled")?;
            let a = args(&[
                ("reason", o.waiver_reason.clone().unwrap_or_default()),
                ("amount", amount(o.total_cents)),
                ("reference", o.payment_reference.clone()),
            ]);
            // Enrolled by a payment, or because nothing was owed.
            let settled = if o.total_cents > 0 {
                "notice-enrolled-paid"
            } else {
                "notice-enrolled-waiver"
            };
            (
                tr.t_args("notice-enrolled-subject", &a),
                vec![
                    tr.t_args("notice-enrolled-body", &a),
                    tr.t_args(settled, &a),
                ],
            )
        }
        NoticeKind::Waitlisted => {
            let position = ctx.standing.waitlist_position.unwrap_or(1);
            let mut a = args(&[]);
            a.push(("position", FluentValue::from(position)));
            (
                tr.t_args("notice-waitlisted-subject", &a),
                vec![
                    tr.t_args("notice-waitlisted-body", &a),
                    tr.t_args("notice-waitlisted-next", &a),
                ],
            )
        }
        NoticeKind::Rejected => {
            let a = args(&[]);
            let reason = ctx
                .standing
                .reject_reason
                .unwrap_or(crate::domain::status::RejectReason::Other);
            (
                tr.t_args("notice-rejected-subject", &a),
                vec![
                    tr.t_args("notice-rejected-body", &a),
                    tr.t_args(&format!("reject-reason-{}", reason.as_str()), &a),
                    tr.t_args("notice-rejected-thanks", &a),
                ],
            )
        }
        NoticeKind::Reminder { days } => {
            let mut a = offer_args(offer("reminder")?);
            a.push(("days", FluentValue::from(i64::from(days))));
            (
                tr.t_args("notice-reminder-subject", &a),
                vec![
                    tr.t_args("notice-reminder-body", &a),
                    tr.t_args("notice-offer-pay", &a),
                    tr.t_args("notice-offer-decline", &a),
                ],
            )
        }
        NoticeKind::Cancelled => {
            let a = args(&[(
                "reason",
                ctx.standing.cancel_reason.clone().unwrap_or_default(),
            )]);
            (
                tr.t_args("notice-cancelled-subject", &a),
                vec![
                    tr.t_args("notice-cancelled-body", &a),
                    tr.t_args("notice-cancelled-money", &a),
                ],
            )
        }
        NoticeKind::Expired => {
            let a = offer_args(offer("expired")?);
            (
                tr.t_args("notice-expired-subject", &a),
                vec![tr.t_args("notice-expired-body", &a)],
            )
        }
        NoticeKind::DeadlineExtended => {
            let a = offer_args(offer("extension")?);
            (
                tr.t_args("notice-extended-subject", &a),
                vec![
                    tr.t_args("notice-extended-body", &a),
                    tr.t_args("notice-offer-pay", &a),
                ],
            )
        }
    };
    let mut email = compose(
        tr,
        &to,
        ctx.given_names.clone(),
        subject,
        &paragraphs,
        Some(link),
    );
    // The enrolled have their school in their calendar.
    if kind == NoticeKind::Enrolled {
        email.attachments.push(Attachment::text(
            "summer-school.ics",
            "text/calendar; charset=utf-8; method=PUBLISH",
            crate::domain::calendar::ics_event(
                &format!("{}@summer-school", ctx.application_id),
                time::OffsetDateTime::now_utc(),
                ctx.starts_on,
                ctx.ends_on,
                &program,
                &ctx.places.join(" · "),
                &tr.t1(
                    "notice-enrolled-calendar",
                    "contact",
                    ctx.contact_email.clone(),
                ),
            ),
        ));
    }
    Ok(email)
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

/// Tells a finance organizer that an order needs them. In both languages: the organization's team
/// works in French and English, and the choice of a language is not kept per organizer.
/// An institution's invoice, in the applicant's language (the one the invoice is written in), the
/// PDF attached.
pub fn invoice_email(invoice: &crate::domain::payer::InvoiceRecord, pdf: &[u8]) -> OutgoingEmail {
    let r = &invoice.facts;
    let tr = Tr(r.locale);
    let amount = Money::from_cents(r.total_cents, Currency::Eur)
        .map(|m| m.display(r.locale))
        .unwrap_or_default();
    let due = crate::domain::calendar::format_date(
        crate::domain::calendar::to_paris(invoice.due_at).date(),
        r.locale,
    );
    let paragraphs = vec![
        tr.t_args(
            "invoice-email-body",
            &[
                ("number", r.number.clone().into()),
                ("name", invoice.participant.clone().into()),
                ("program", r.program_title.clone().into()),
                ("amount", amount.into()),
                ("date", due.into()),
            ],
        ),
        tr.t1(
            "invoice-email-how",
            "contact",
            r.issuer.contact_email.clone(),
        ),
    ];
    let subject = tr.t_args(
        "invoice-email-subject",
        &[
            ("number", r.number.clone().into()),
            ("program", r.program_title.clone().into()),
        ],
    );
    let to = crate::domain::email::EmailAddress::parse(&r.payer.email)
        .unwrap_or_else(|_| crate::domain::email::EmailAddress::parse("invalid@invalid").unwrap());
    let mut email = compose(
        tr,
        &to,
        Some(r.payer.name.clone()),
        subject,
        &paragraphs,
        None,
    );
    email.attachments.push(Attachment::binary(
        &invoice.file_name(),
        "application/pdf",
        pdf,
    ));
    email
}

/// The finance office's email about what reconciliation found, in French then English (the
/// office's two languages): each difference, and where to look.
pub fn reconciliation_notice(
    notice: &crate::domain::job::ReconciliationNotice,
    link: &str,
) -> OutgoingEmail {
    let paragraphs_in = |tr: Tr| {
        let mut p = vec![tr.t_args(
            "reconcile-notice-body",
            &[
                ("count", (notice.differences.len() as i64).into()),
                ("days", i64::from(notice.days).into()),
            ],
        )];
        p.extend(notice.differences.iter().map(|d| {
            let args: Vec<(&'static str, FluentValue<'static>)> = d
                .args()
                .into_iter()
                .map(|(k, v)| (k, FluentValue::from(v)))
                .collect();
            format!("• {}", tr.t_args(d.message_key(), &args))
        }));
        p.push(tr.t("reconcile-notice-act"));
        p
    };
    let mut paragraphs = paragraphs_in(Tr(Locale::Fr));
    paragraphs.extend(paragraphs_in(Tr(Locale::En)));
    let subject = format!(
        "{} / {}",
        Tr(Locale::Fr).t("reconcile-notice-subject"),
        Tr(Locale::En).t("reconcile-notice-subject")
    );
    compose(
        Tr(Locale::Fr),
        &notice.to,
        notice.to_name.clone(),
        subject,
        &paragraphs,
        Some(link),
    )
}

pub fn finance_notice(
    notice: &crate::domain::job::FinanceNotice,
    ctx: &crate::store::finance::FinanceContext,
    link: &str,
) -> OutgoingEmail {
    let paragraphs_in = |tr: Tr| {
        let a: Vec<(&'static str, FluentValue<'static>)> = vec![
            ("name", ctx.applicant_name.clone().into()),
            (
                "program",
                ctx.program_title.get(tr.locale()).to_owned().into(),
            ),
            (
                "amount",
                Money::from_cents(ctx.total_cents, Currency::Eur)
                    .map(|m| m.display(tr.locale()))
                    .unwrap_or_default()
                    .into(),
            ),
            ("reference", ctx.payment_reference.clone().into()),
        ];
        vec![
            tr.t_args("finance-notice-body", &a),
            tr.t(&format!("finance-attention-{}", notice.attention)),
            tr.t("finance-notice-act"),
        ]
    };
    let mut paragraphs = paragraphs_in(Tr(Locale::Fr));
    paragraphs.extend(paragraphs_in(Tr(Locale::En)));
    let subject = format!(
        "{} / {}",
        Tr(Locale::Fr).t("finance-notice-subject"),
        Tr(Locale::En).t("finance-notice-subject")
    );
    compose(
        Tr(Locale::Fr),
        &notice.to,
        notice.to_name.clone(),
        subject,
        &paragraphs,
        Some(link),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::status::{ApplicationStatus, OrderStatus, RejectReason};
    use crate::store::cohort::Standing;
    use time::macros::datetime;

    fn context(locale: Locale) -> NoticeContext {
        NoticeContext {
            application_id: "app".into(),
            email: "zofia@example.org".into(),
            locale,
            given_names: Some("Zofia".into()),
            program_title_en: "Hands-on Training".into(),
            program_title_fr: "Formation pratique".into(),
            contact_email: "summerschool.medicine@u-paris.fr".into(),
            status: ApplicationStatus::Accepted,
            standing: Standing {
                offer: Some(OfferRecord {
                    order_id: "o".into(),
                    status: OrderStatus::Pending,
                    total_cents: 310_000,
                    list_cents: Some(310_000),
                    tier_code: Some("standard".into()),
                    waiver_reason: Some("faculty guest".into()),
                    explanation: "Tuition fee: €3,100".into(),
                    payment_reference: "SS-ABCD-EFGH".into(),
                    deadline_at: datetime!(2026-03-15 22:59:59 UTC),
                    created_at: datetime!(2026-03-01 10:00 UTC),
                    attention: None,
                }),
                waitlist_position: Some(4),
                reject_reason: Some(RejectReason::Language),
                cancel_reason: Some("Visa refused".into()),
            },
            starts_on: time::macros::date!(2026 - 07 - 06),
            ends_on: time::macros::date!(2026 - 07 - 17),
            places: vec!["Campus Saint-Germain-des-Prés".into()],
            receipt: None,
            credit_note: None,
        }
    }

    #[test]
    fn a_refund_notice_names_its_credit_note_and_finance_hears_in_both_languages() {
        let mut ctx = context(Locale::Fr);
        assert!(
            notice(&ctx, NoticeKind::Refunded, "http://x").is_err(),
            "no credit note yet"
        );
        let mut note = crate::documents::receipt::tests::record(Locale::Fr);
        note.kind = crate::domain::receipt::ReceiptKind::CreditNote;
        note.number = "A-2026-00003".into();
        note.total_cents = 50_000;
        ctx.credit_note = Some(note);
        let email = notice(&ctx, NoticeKind::Refunded, "http://x").unwrap();
        assert_eq!(email.subject, "Votre remboursement : Formation pratique");
        assert!(
            email.text.contains("500\u{a0}€") && email.text.contains("A-2026-00003"),
            "{}",
            email.text
        );

        let alert = finance_notice(
            &crate::domain::job::FinanceNotice {
                application_id: "app".into(),
                attention: "refund_due".into(),
                to: EmailAddress::parse("finance@u-paris.fr").unwrap(),
                to_name: Some("Finance".into()),
            },
            &crate::store::finance::FinanceContext {
                applicant_name: "Zofia Łukasiewicz".into(),
                program_title: crate::domain::catalog::LocalizedText {
                    en: "Hands-on Training".into(),
                    fr: "Formation pratique".into(),
                },
                total_cents: 310_000,
                payment_reference: "SS-ABCD-EFGH".into(),
            },
            "http://x/organizer/finance",
        );
        for expected in [
            "Zofia Łukasiewicz",
            "Formation pratique",
            "Hands-on Training",
            "après l'expiration",
            "after the offer had expired",
            "http://x/organizer/finance",
        ] {
            assert!(alert.text.contains(expected), "{expected}: {}", alert.text);
        }
        assert!(!alert.text.contains("finance-"), "{}", alert.text);
    }

    #[test]
    fn every_notice_reads_well_in_both_languages() {
        let kinds = [
            NoticeKind::Offer,
            NoticeKind::Enrolled,
            NoticeKind::Waitlisted,
            NoticeKind::Rejected,
            NoticeKind::Reminder { days: 7 },
            NoticeKind::Reminder { days: 1 },
            NoticeKind::Expired,
            NoticeKind::DeadlineExtended,
            NoticeKind::Cancelled,
        ];
        for locale in [Locale::En, Locale::Fr] {
            for kind in kinds {
                let email = notice(&context(locale), kind, "http://x/applications/app").unwrap();
                let all = format!("{}\n{}", email.subject, email.text);
                assert!(
                    !all.contains("notice-") && !all.contains("reject-reason-"),
                    "{kind:?} {locale:?}: {all}"
                );
                assert!(
                    email.html.contains(
                        &askama::filters::escape(&email.subject, askama::filters::Html)
                            .unwrap()
                            .to_string()
                    ) || email.html.contains(&email.subject),
                    "{kind:?}: {} / {}",
                    email.subject,
                    email.html
                );
                assert_eq!(email.locale, locale);
            }
        }
        let offer = notice(&context(Locale::En), NoticeKind::Offer, "http://x").unwrap();
        assert_eq!(offer.subject, "A place for you: Hands-on Training");
        assert!(offer.text.contains("€3,100"), "{}", offer.text);
        assert!(
            offer.text.contains("15 March 2026, 23:59"),
            "Paris time: {}",
            offer.text
        );
        assert!(offer.text.contains("SS-ABCD-EFGH"));
        let fr = notice(
            &context(Locale::Fr),
            NoticeKind::Reminder { days: 1 },
            "http://x",
        )
        .unwrap();
        assert_eq!(
            fr.subject,
            "Plus qu'un jour pour payer : Formation pratique"
        );
        assert!(fr.text.contains("15 mars 2026 à 23h59"), "{}", fr.text);
        let waitlisted = notice(&context(Locale::En), NoticeKind::Waitlisted, "http://x").unwrap();
        assert!(
            waitlisted.text.contains("number 4 on the waitlist"),
            "{}",
            waitlisted.text
        );
        let rejected = notice(&context(Locale::En), NoticeKind::Rejected, "http://x").unwrap();
        assert!(
            rejected.text.contains("taught entirely in English"),
            "{}",
            rejected.text
        );
    }
}
