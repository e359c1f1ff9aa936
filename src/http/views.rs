//! Page templates (under `templates/`, auto-escaped by askama) and the view models they read.

use askama::Template;
use time::OffsetDateTime;

use crate::config::Config;
use crate::domain::calendar::{format_date_range, format_paris_datetime};
use crate::domain::catalog::ApplicationWindow;
use crate::domain::locale::Locale;
use crate::domain::problem::Problem;
use crate::i18n::Tr;
use crate::store::ProgramRecord;

/// The stylesheet, served from memory with a content hash in its URL so browsers can keep it forever.
pub const STYLESHEET: &str = include_str!("../../templates/static/site.css");

pub fn stylesheet_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        // FNV-1a: a stable fingerprint, not a security measure.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in STYLESHEET.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("/static/site.css?v={h:016x}")
    })
}

/// What every page shares: language, title, the language switch, the contact address.
pub struct Layout {
    pub tr: Tr,
    pub lang: &'static str,
    pub title: String,
    pub switches: Vec<LanguageLink>,
    pub contact_email: String,
    pub stylesheet: &'static str,
    /// The demo is on: every page shows its banner, linked to `/demo`.
    pub demo: bool,
}

pub struct LanguageLink {
    pub tag: &'static str,
    pub name: &'static str,
    pub href: String,
}

impl Layout {
    pub fn new(tr: Tr, path: &str, title: &str, config: &Config) -> Layout {
        let switches = Locale::ALL
            .iter()
            .filter(|l| **l != tr.locale())
            .map(|l| LanguageLink {
                tag: l.tag(),
                name: l.native_name(),
                href: format!("/language/{}?next={path}", l.tag()),
            })
            .collect();
        let contact_email = config
            .mail_from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.to_string())
            .unwrap_or_default();
        let site = tr.t("site-name");
        Layout {
            tr,
            lang: tr.locale().tag(),
            title: if title == site {
                format!("{site} · {}", tr.t("site-owner"))
            } else {
                format!("{title} · {site}")
            },
            switches,
            contact_email,
            stylesheet: stylesheet_href(),
            demo: config.demo,
        }
    }
}

/// One program, worded for one language at one instant.
pub struct ProgramView {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub audience: String,
    pub dates: String,
    pub fee: Option<String>,
    pub fee_label: Option<String>,
    pub certifications: Vec<String>,
    pub places: Vec<String>,
    pub ects: String,
    pub hours: String,
    pub language: String,
    pub window_text: String,
    pub window_class: &'static str,
    pub seats_text: String,
    pub capacity_text: String,
    pub full: bool,
    /// Applications are open now.
    pub open: bool,
    pub past_text: Option<String>,
    pub contact_email: String,
    pub edition_title: String,
    pub is_demo: bool,
}

impl ProgramView {
    pub fn new(p: &ProgramRecord, tr: Tr, now: OffsetDateTime) -> ProgramView {
        let locale = tr.locale();
        let window = p.window(now);
        let (window_text, window_class) = match window {
            ApplicationWindow::NotYetOpen => (
                tr.t1(
                    "window-not-yet",
                    "date",
                    format_paris_datetime(p.application_opens_at, locale),
                ),
                "status status--soon",
            ),
            ApplicationWindow::Open => (
                tr.t1(
                    "window-open",
                    "date",
                    format_paris_datetime(p.application_closes_at, locale),
                ),
                "status status--open",
            ),
            ApplicationWindow::Closed => (tr.t("window-closed"), "status status--closed"),
        };
        let dates = format_date_range(p.starts_on, p.ends_on, locale);
        let full = p.seats_left() == 0;
        let past = p.ends_on < now.date();
        ProgramView {
            href: format!("/programs/{}/{}", p.edition_slug, p.slug),
            title: p.title.get(locale).to_owned(),
            summary: p.summary.get(locale).to_owned(),
            audience: p.audience.get(locale).to_owned(),
            past_text: past.then(|| tr.t1("program-past", "dates", dates.clone())),
            dates,
            fee: p.standard_fee().map(|t| t.amount.display(locale)),
            fee_label: p.standard_fee().map(|t| t.label.get(locale).to_owned()),
            certifications: p
                .certifications
                .iter()
                .map(|c| tr.t(&format!("cert-{}", c.as_str())))
                .collect(),
            places: p.places.clone(),
            ects: tr.tn("program-ects", "ects", i64::from(p.ects)),
            hours: tr.tn("program-hours", "hours", i64::from(p.hours)),
            language: match p.teaching_language {
                Locale::En => tr.t("program-taught-in-en"),
                Locale::Fr => tr.t("program-taught-in-fr"),
            },
            window_text,
            window_class,
            seats_text: if full {
                tr.t("seats-full")
            } else {
                tr.tn("seats-left", "count", i64::from(p.seats_left()))
            },
            capacity_text: tr.tn("seats-capacity", "count", i64::from(p.capacity)),
            full,
            open: window == ApplicationWindow::Open,
            contact_email: p.contact_email.clone(),
            edition_title: p.edition_title.get(locale).to_owned(),
            is_demo: p.edition_is_demo,
        }
    }
}

/// The programs of one edition, as the home page groups them.
pub struct EditionGroup {
    pub title: String,
    pub is_demo: bool,
    pub programs: Vec<ProgramView>,
}

pub fn group_by_edition(
    programs: &[ProgramRecord],
    tr: Tr,
    now: OffsetDateTime,
) -> Vec<EditionGroup> {
    let mut groups: Vec<(String, EditionGroup)> = Vec::new();
    for p in programs {
        let view = ProgramView::new(p, tr, now);
        match groups.last_mut() {
            Some((slug, group)) if *slug == p.edition_slug => group.programs.push(view),
            _ => groups.push((
                p.edition_slug.clone(),
                EditionGroup {
                    title: p.edition_title.get(tr.locale()).to_owned(),
                    is_demo: p.edition_is_demo,
                    programs: vec![view],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomeTemplate {
    pub layout: Layout,
    pub groups: Vec<EditionGroup>,
}

#[derive(Template)]
#[template(path = "program.html")]
pub struct ProgramTemplate {
    pub layout: Layout,
    pub p: ProgramView,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorTemplate<'a> {
    pub layout: Layout,
    pub heading: &'a str,
    pub body: &'a str,
    pub show_home_link: bool,
}

/// One problem with what a visitor typed, as the page shows it: the field's id and what to do
/// about it, in the visitor's language. Rules report a [`Problem`]; pages show a `FieldError`.
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: String) -> Self {
        FieldError {
            field: field.into(),
            message,
        }
    }

    /// A rule's problem, translated.
    pub fn of(tr: Tr, problem: &Problem) -> Self {
        FieldError::new(problem.field, tr.problem(problem))
    }

    /// Every problem, translated, in order.
    pub fn all(tr: Tr, problems: &[Problem]) -> Vec<Self> {
        problems.iter().map(|p| FieldError::of(tr, p)).collect()
    }
}

#[derive(Template)]
#[template(path = "sign_in.html")]
pub struct SignInTemplate {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    pub csrf: String,
    pub next: String,
    pub email: String,
    pub email_error: Option<String>,
}

/// A button that posts a form (with its CSRF token).
pub struct PostButton {
    pub action: String,
    pub csrf: String,
    pub label: String,
}

/// A short page: a heading, some paragraphs, maybe a button or a link.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessageTemplate {
    pub layout: Layout,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub form: Option<PostButton>,
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "my_applications.html")]
pub struct MyApplicationsTemplate {
    pub layout: Layout,
    pub signed_in_as: String,
    pub csrf: String,
    /// Link, program, status.
    pub rows: Vec<(String, String, String)>,
}

/// A choice in a select or a set of radios.
pub struct OptionView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One form field, whatever its kind (`text`, `email`, `tel`, `textarea`, `date`, `select`, `radios`,
/// `checkbox`, `file`).
pub struct FieldView {
    pub id: &'static str,
    pub kind: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub error: Option<String>,
    pub value: String,
    pub date: (String, String, String),
    pub options: Vec<OptionView>,
    pub autocomplete: &'static str,
    pub checked: bool,
    pub uploaded: Option<String>,
}

impl FieldView {
    pub fn new(id: &'static str, kind: &'static str, label: String) -> FieldView {
        FieldView {
            id,
            kind,
            label,
            hint: None,
            error: None,
            value: String::new(),
            date: Default::default(),
            options: Vec::new(),
            autocomplete: "",
            checked: false,
            uploaded: None,
        }
    }
}

#[derive(Template)]
#[template(path = "form_step.html")]
pub struct FormTemplate {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    pub back: Option<String>,
    pub caption: String,
    pub heading: String,
    pub action: String,
    pub multipart: bool,
    pub csrf: String,
    pub fields: Vec<FieldView>,
    pub submit_label: String,
}

/// A section of the "check your answers" page.
pub struct CheckSection {
    pub title: String,
    pub change: String,
    pub rows: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "check_answers.html")]
pub struct CheckTemplate {
    pub layout: Layout,
    pub back: String,
    pub caption: String,
    pub sections: Vec<CheckSection>,
    pub complete: bool,
    pub submit_action: String,
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "application.html")]
pub struct ApplicationTemplate {
    pub layout: Layout,
    pub banner: Option<(String, Vec<String>)>,
    pub title: String,
    pub reference: String,
    pub status: String,
    pub next_action: String,
    /// More about the next action: how the fee was set, why an application was not accepted.
    pub next_details: Vec<String>,
    /// Withdrawing now gives back an offered seat: the button says "decline the offer".
    pub declines_offer: bool,
    /// The pay button of a pending offer: where it posts, and its label.
    pub pay: Option<(String, String)>,
    pub continue_href: Option<String>,
    pub documents: Vec<(String, String, String)>,
    /// Receipts and credit notes: link, label.
    pub receipts: Vec<(String, String)>,
    /// How to pay by transfer, when the service takes transfers and money is due.
    pub transfer: Option<TransferView>,
    /// Who pays: the form while the order waits for money and no invoice is out.
    pub payer: Option<PayerForm>,
    /// The cancellation terms, and what cancelling today gives back.
    pub cancellation: Vec<String>,
    /// The page that cancels the participant's place, once enrolled.
    pub cancel_href: Option<String>,
    /// Invoices sent to the institution that pays: link, label.
    pub invoices: Vec<(String, String)>,
    /// The order's ledger: date, what moved, amount (signed); and where it leaves the fee.
    pub payments: Vec<(String, String, String)>,
    pub balance: Option<String>,
    /// Standing certificates: label, PDF link, badge link, public verification address.
    pub certificates: Vec<(String, String, String, String)>,
    /// The visa letter's page, once a place is offered (or a letter exists).
    pub visa_href: Option<String>,
    pub timeline: Vec<(String, String)>,
    pub can_withdraw: bool,
    pub withdraw_action: String,
    pub csrf: String,
}

/// The *who pays* form, as typed (or as saved), with its problems.
pub struct PayerForm {
    pub action: String,
    pub institution: bool,
    pub person: bool,
    /// The institution's fields, in the form's order.
    pub fields: Vec<PayerField>,
    /// Field id, message: in the form's order.
    pub errors: Vec<(String, String)>,
}

impl PayerForm {
    /// The message next to `field`, if it has one.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// One text field of the *who pays* form.
pub struct PayerField {
    pub id: String,
    pub name: &'static str,
    pub label_key: &'static str,
    pub input_type: &'static str,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// Bank transfer instructions on the application page.
pub struct TransferView {
    pub lead: String,
    pub beneficiary: String,
    pub iban: String,
    pub bic: String,
    pub amount: String,
    pub reference: String,
    pub pdf_href: String,
}

/// The public verification of a certificate.
#[derive(Template)]
#[template(path = "verify.html")]
pub struct VerifyTemplate {
    pub layout: Layout,
    pub title: String,
    /// `valid`, `revoked`, `superseded` or `expired`, for the page's style.
    pub status: &'static str,
    pub status_text: String,
    pub detail: Option<String>,
    pub signature: String,
    pub facts: Vec<(String, String)>,
    /// A certificate: the public key is offered for checking files; not for a visa letter.
    pub show_key: bool,
    /// A demo's document: the page says it certifies nothing.
    pub demo: bool,
}

/// One certificate on the graduate's page.
pub struct GraduateCertificate {
    pub title: String,
    pub serial: String,
    pub issued: String,
    pub valid_until: Option<String>,
    /// The PDF in each language the record holds (the graduate's first): address and label.
    pub pdfs: Vec<(String, String)>,
    pub badge_href: String,
    /// The public verification address, to share.
    pub share_url: String,
    pub code: String,
}

/// One school the graduate attended, with its certificates.
pub struct GraduateSchool {
    pub title: String,
    pub dates: String,
    pub certificates: Vec<GraduateCertificate>,
}

#[derive(Template)]
#[template(path = "certificates.html")]
pub struct GraduatesTemplate {
    pub layout: Layout,
    pub schools: Vec<GraduateSchool>,
}

#[derive(Template)]
#[template(path = "visa.html")]
pub struct VisaTemplate {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    /// The application page.
    pub back: String,
    pub program: String,
    /// "Your letter V-2026-00001 is ready." once requested.
    pub ready: Option<String>,
    pub download: Option<String>,
    /// Why the form is not offered (not admitted, school over).
    pub closed: Option<String>,
    pub action: String,
    pub csrf: String,
    pub fields: Vec<FieldView>,
    pub submit_label: String,
}
