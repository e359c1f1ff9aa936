//! The organizer pages' templates (under `templates/organizer/`) and the view models they read.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::http::error::AppError;
use crate::http::views::{FieldError, Layout, OptionView};

/// Renders a page with its status, and the anonymous CSRF cookie when one was just made.
pub fn page(
    template: impl Template,
    status: StatusCode,
    set_cookie: Option<HeaderValue>,
) -> Result<Response, AppError> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    let mut response = (status, Html(body)).into_response();
    if let Some(c) = set_cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(response)
}

/// The organizer's menu, on every page behind sign-in.
pub struct Nav {
    pub name: String,
    /// For the sign-out button.
    pub csrf: String,
    /// The team page is in the menu (admins).
    pub team: bool,
    /// The discount codes page (admins, directors, finance).
    pub discounts: bool,
    /// The finance page (admins, finance).
    pub finance: bool,
}

#[derive(Template)]
#[template(path = "organizer/sign_in.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub next: String,
    pub email: String,
    pub email_error: Option<String>,
    pub password_error: Option<String>,
}

#[derive(Template)]
#[template(path = "organizer/code.html")]
pub struct CodePage {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    pub csrf: String,
    pub next: String,
    pub code_error: Option<String>,
}

/// One program on the dashboard.
pub struct ProgramRow {
    /// The program's review queue.
    pub href: String,
    pub title: String,
    pub edition: String,
    pub is_demo: bool,
    pub dates: String,
    pub capacity: i32,
    pub held: i32,
    pub left: i32,
}

#[derive(Template)]
#[template(path = "organizer/dashboard.html")]
pub struct DashboardPage {
    pub layout: Layout,
    pub nav: Nav,
    pub signed_in_as: String,
    pub rows: Vec<ProgramRow>,
}

#[derive(Template)]
#[template(path = "organizer/two_factor.html")]
pub struct TwoFactorPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub enabled: bool,
    /// Base32, as typed into an app.
    pub secret: String,
    /// The same, in groups of four for reading.
    pub secret_grouped: String,
    pub uri: String,
    /// The same link as a QR code, an inline `<svg>` (the key must not travel in an image URL).
    pub uri_qr: String,
    pub code_error: Option<String>,
}

#[derive(Template)]
#[template(path = "organizer/invitation.html")]
pub struct InvitationPage {
    pub layout: Layout,
    pub errors: Vec<FieldError>,
    pub csrf: String,
    pub action: String,
    pub lead: String,
    pub password_error: Option<String>,
    pub confirm_error: Option<String>,
}

/// One organizer on the team page, with the form that changes their role and programs.
pub struct MemberRow {
    pub organizer_id: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub two_factor: bool,
    /// Invited, password not chosen yet: the invitation can be sent again.
    pub invited: bool,
    pub locked: bool,
    /// Turned off by an admin: offered to be turned back on.
    pub deactivated: bool,
    /// The admin looking at the page: they cannot turn off their own account here.
    pub is_self: bool,
    pub role_options: Vec<OptionView>,
    pub program_options: Vec<OptionView>,
    pub role_error: Option<String>,
    pub programs_error: Option<String>,
}

/// The invitation form, with what was typed.
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub email_error: Option<String>,
    pub name_error: Option<String>,
    pub role_error: Option<String>,
    pub programs_error: Option<String>,
    pub role_options: Vec<OptionView>,
    pub program_options: Vec<OptionView>,
    pub lang_options: Vec<OptionView>,
}

#[derive(Template)]
#[template(path = "organizer/team.html")]
pub struct TeamPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub members: Vec<MemberRow>,
    pub invite: InviteForm,
}

/// A column heading that sorts the queue: a link that keeps the filters.
pub struct SortHeading {
    pub key: &'static str,
    pub label: String,
    pub href: String,
    /// `ascending` or `descending` on the column the queue is sorted by (`aria-sort`).
    pub aria_sort: Option<&'static str>,
    /// The queue is sorted by this column, descending.
    pub descending: bool,
}

impl ProgramPage {
    /// The heading of column `key` (the templates ask by key).
    pub fn heading(&self, key: &str) -> Option<&SortHeading> {
        self.sort.iter().find(|h| h.key == key)
    }
}

/// The queue's filter form.
pub struct QueueFilterView {
    pub status_options: Vec<OptionView>,
    pub country_options: Vec<OptionView>,
    pub category_options: Vec<OptionView>,
    pub documents_options: Vec<OptionView>,
    pub min_score: String,
}

/// One application in a program's queue.
pub struct QueueRowView {
    pub application_id: String,
    /// Ticked for a bulk decision that was refused.
    pub ticked: bool,
    pub href: String,
    pub reference: String,
    pub name: String,
    pub nationality: String,
    pub residence: String,
    pub category: String,
    pub institution: String,
    pub submitted: String,
    pub status: String,
    pub documents: String,
    pub score: String,
    pub scored_by: i64,
    pub reviewers: usize,
}

#[derive(Template)]
#[template(path = "organizer/program.html")]
pub struct ProgramPage {
    pub layout: Layout,
    pub nav: Nav,
    pub title: String,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
    pub seats: String,
    pub blind: bool,
    pub filter: QueueFilterView,
    /// "12 of 40 applications".
    pub count: String,
    /// The sortable columns' headings, by key (`submitted`, `name`, `status`, `documents`, `score`).
    pub sort: Vec<SortHeading>,
    /// The filters and order as hidden fields, for the filter form to keep the order.
    pub sort_key: String,
    pub sort_dir: String,
    pub rows: Vec<QueueRowView>,
    pub can_decide: bool,
    pub bulk_action: String,
    pub reason_options: Vec<OptionView>,
    /// The bulk decision chosen (`accept`, `waitlist`, `reject`), when the form was refused.
    pub bulk_decision: String,
    pub csrf: String,
    /// The cohort page (attendance, results, certificates), for those who record them.
    pub cohort_href: Option<String>,
    /// This list as a CSV file (same filters and order), for those who see every application.
    pub export_href: Option<String>,
    /// Writing to the program's people, for those who may.
    pub message_href: Option<String>,
}

pub struct DocumentView {
    pub href: String,
    pub label: String,
    pub file_name: String,
    pub is_pdf: bool,
    pub is_image: bool,
}

pub struct ScoreRowView {
    pub key: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
}

pub struct ReviewerView {
    pub organizer_id: String,
    pub name: String,
    pub conflict: bool,
}

/// The decision form, with what was typed when it was refused.
pub struct DecisionForm {
    pub tier_options: Vec<OptionView>,
    /// `none`, `waiver`, `full_waiver`, `set_price`.
    pub adjustment: String,
    pub amount: String,
    pub reason: String,
    /// `YYYY-MM-DD`, the last day to pay (Paris).
    pub deadline: String,
    pub reject_options: Vec<OptionView>,
    /// A refusal of the decision as a whole.
    pub error: Option<String>,
    /// What to fix in one field: `amount`, `deadline` or `reject_reason`, and its message.
    pub field_error: Option<(String, String)>,
}

impl DecisionForm {
    /// The message for this field, if it is the one to fix.
    pub fn error_at(&self, field: &str) -> Option<&str> {
        self.field_error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Template)]
#[template(path = "organizer/application.html")]
pub struct ApplicationPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub title: String,
    pub back: String,
    pub program: String,
    pub status: String,
    pub waitlist_position: Option<i64>,
    pub offer: Option<String>,
    pub mean_score: Option<String>,
    pub blind: bool,
    pub sections: Vec<crate::http::views::CheckSection>,
    pub documents: Vec<DocumentView>,
    pub can_review: bool,
    pub conflicted: bool,
    pub score_rows: Vec<ScoreRowView>,
    /// Reviewer, criterion, score.
    pub all_scores: Vec<(String, String, String)>,
    /// Author, when, text.
    pub comments: Vec<(String, String, String)>,
    pub comment: String,
    pub can_assign: bool,
    pub reviewers: Vec<ReviewerView>,
    pub assignable: Vec<OptionView>,
    pub is_assigned: bool,
    pub can_decide: bool,
    pub decision: DecisionForm,
    pub can_extend: bool,
    /// The new last day to pay as typed, when it was refused.
    pub extend_deadline: String,
    pub action: String,
    pub csrf: String,
}

/// One discount code on the organizers' page.
pub struct DiscountRowView {
    pub code: String,
    pub scope: String,
    pub discount: String,
    pub uses: String,
    pub expires: String,
    pub note: String,
    /// The form that ends it, while it is open and the organizer may.
    pub end_action: Option<String>,
}

/// The discount code form as typed, with its problems.
#[derive(Default)]
pub struct DiscountForm {
    pub code: String,
    pub code_error: Option<String>,
    pub scope_options: Vec<OptionView>,
    pub scope_error: Option<String>,
    pub kind_options: Vec<OptionView>,
    pub amount: String,
    pub amount_error: Option<String>,
    pub max_uses: String,
    pub max_uses_error: Option<String>,
    pub expires_on: String,
    pub expires_on_error: Option<String>,
    pub note: String,
    pub note_error: Option<String>,
}

#[derive(Template)]
#[template(path = "organizer/discounts.html")]
pub struct DiscountsPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub rows: Vec<DiscountRowView>,
    pub form: DiscountForm,
}

/// An order on the finance page, with its refund form.
pub struct FinanceOrderRow {
    pub order_id: String,
    pub applicant: String,
    pub email: String,
    pub program: String,
    pub status: String,
    pub attention: Option<String>,
    pub total: String,
    pub paid: String,
    pub refunded: String,
    /// Where the order's money stands by its ledger: settled, still due, or to give back.
    pub balance: String,
    /// What the cancellation terms give back if the enrollment is cancelled today.
    pub policy_hint: Option<String>,
    /// The write-off form, while part of the fee is still due after money came in.
    pub write_off_action: Option<String>,
    pub write_off_label: String,
    pub write_off_reason: String,
    pub write_off_error: Option<String>,
    /// The refund form, while something paid is left to give back or the enrollment can be
    /// cancelled.
    pub refund_action: Option<String>,
    /// Something paid is left to give back: the amount field is shown.
    pub refundable: bool,
    /// The applicant is enrolled: the form can cancel the enrollment.
    pub cancellable: bool,
    pub cancel_checked: bool,
    pub amount: String,
    pub amount_error: Option<String>,
    pub reason: String,
    pub reason_error: Option<String>,
    pub cancel_error: Option<String>,
}

pub struct FinanceRefundRow {
    pub applicant: String,
    pub amount: String,
    pub status: String,
    pub reason: String,
    pub when: String,
}

#[derive(Template)]
#[template(path = "organizer/finance.html")]
pub struct FinancePage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub orders: Vec<FinanceOrderRow>,
    pub refunds: Vec<FinanceRefundRow>,
    /// Stripe's latest reconciliation: when and what it found, and each difference.
    pub reconciliation: Option<(String, Vec<String>)>,
}

/// A statement line on the bank page.
pub struct BankLineRow {
    pub line_id: String,
    pub booked_on: String,
    pub amount: String,
    pub payer: String,
    pub reference: String,
    /// How the line was matched (or what its amount suggests).
    pub confidence: String,
    /// The order it is matched to or suggested for, as people read it.
    pub order: String,
    /// The suggested order's id, preselected in the match form.
    pub suggested: String,
    /// Why the match form was refused.
    pub error: Option<String>,
}

/// An order the match form offers.
pub struct BankOrderOption {
    pub order_id: String,
    pub label: String,
}

/// A line an import matched.
pub struct BankReportRow {
    pub line: String,
    pub amount: String,
    pub reference: String,
    pub confidence: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "organizer/bank.html")]
pub struct BankPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    /// Why the import form was refused.
    pub file_error: Option<String>,
    /// The import just made (or tried): its summary and matched lines.
    pub report: Option<(String, Vec<BankReportRow>)>,
    pub waiting: Vec<BankLineRow>,
    pub matched: Vec<BankLineRow>,
    pub orders: Vec<BankOrderOption>,
    /// The account transfers are paid to, when configured.
    pub account: Option<String>,
}

/// A school day, as a column of the attendance grid.
pub struct DayHead {
    pub label: String,
    /// `06/07`: the column's heading.
    pub short: String,
}

/// One box of the attendance grid.
pub struct DayCell {
    /// `{application}|{day}`: sent when checked.
    pub value: String,
    pub checked: bool,
    /// A day still to come: shown, not yet markable.
    pub future: bool,
    /// For screen readers: who and which day.
    pub label: String,
}

/// A standing certificate in the cohort table, with its actions.
pub struct CertificateCell {
    pub code: String,
    pub kind: String,
    pub serial: String,
    pub verify_href: String,
    pub revoke_action: Option<String>,
    pub correct_action: Option<String>,
    pub reason: String,
    pub reason_error: Option<String>,
}

/// One participant of the cohort page.
pub struct CohortRow {
    pub application_id: String,
    pub href: String,
    pub name: String,
    pub email: String,
    pub days: Vec<DayCell>,
    pub present: usize,
    /// `passed`, `failed` or empty.
    pub result: String,
    /// A result is stored (the empty choice is no longer offered).
    pub has_result: bool,
    pub grade: String,
    /// `yes`, `no` or empty.
    pub afgsu: String,
    pub result_error: Option<String>,
    pub grade_error: Option<String>,
    pub afgsu_error: Option<String>,
    pub completes: bool,
    pub status: String,
    pub certificates: Vec<CertificateCell>,
}

/// The issuance box: who signs, what a batch would do now, the button.
pub struct IssuancePanel {
    /// The batch's address, for those who may certify.
    pub action: Option<String>,
    pub signatory: Option<String>,
    pub afgsu_issuer: Option<String>,
    pub summary: String,
    /// Someone would receive a certificate now.
    pub ready: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "organizer/cohort.html")]
pub struct CohortPage {
    pub layout: Layout,
    pub nav: Nav,
    pub errors: Vec<FieldError>,
    pub notice: Option<String>,
    pub csrf: String,
    pub program_href: String,
    pub program_title: String,
    pub dates: String,
    pub rule: String,
    pub days: Vec<DayHead>,
    pub gives_afgsu: bool,
    pub attendance_action: String,
    pub results_action: String,
    pub import_action: String,
    pub import_errors: Vec<String>,
    pub badges_href: String,
    /// The documents' specimens page.
    pub specimens_href: String,
    /// The cohort as a CSV file.
    pub export_href: String,
    pub rows: Vec<CohortRow>,
    pub issuance: IssuancePanel,
}

#[derive(Template)]
#[template(path = "organizer/check_in.html")]
pub struct CheckInPage {
    pub layout: Layout,
    pub nav: Nav,
    pub notice: Option<String>,
    pub name: String,
    pub program_title: String,
    pub today: String,
    pub status: String,
    /// The button's address, when there is something to mark.
    pub action: Option<String>,
    pub csrf: String,
    pub cohort_href: String,
}

/// Specimens of a program's documents, for any name.
#[derive(Template)]
#[template(path = "organizer/specimens.html")]
pub struct SpecimensPage {
    pub layout: Layout,
    pub nav: Nav,
    pub program_title: String,
    pub cohort_href: String,
    pub errors: Vec<FieldError>,
    pub kinds: Vec<OptionView>,
    pub kind_error: Option<String>,
    pub languages: Vec<OptionView>,
    pub lang_error: Option<String>,
    pub name: String,
    pub name_error: Option<String>,
    pub action: String,
    pub csrf: String,
}

/// Writing to a program's people.
#[derive(Template)]
#[template(path = "organizer/message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub nav: Nav,
    pub heading: String,
    pub program_title: String,
    pub queue_href: String,
    pub notice: Option<String>,
    pub errors: Vec<FieldError>,
    pub audience_options: Vec<OptionView>,
    pub audience_error: Option<String>,
    pub subject: String,
    pub subject_error: Option<String>,
    pub subject_max: u64,
    pub body: String,
    pub body_error: Option<String>,
    pub body_max: u64,
    pub action: String,
    pub csrf: String,
}
