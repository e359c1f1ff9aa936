//! The bank transfer instructions PDF: who to pay, the account, the amount still due, the
//! reference to write, by when; with the EPC QR code banking apps scan. In the applicant's
//! language. No I/O.

use super::layout::Slot;
use super::pdf::{self, Align, Face, Meta, PAGE_WIDTH, Page};
use crate::domain::bank::TransferInstructions;
use crate::domain::calendar::format_paris_datetime;
use crate::domain::locale::Locale;
use crate::domain::money::Money;
use crate::i18n::Tr;

const LEFT: f32 = 20.0;
const RIGHT: f32 = PAGE_WIDTH - 20.0;

const HEADING: Slot = Slot {
    face: Face::SerifBold,
    size: 18.0,
    floor: 12.0,
    width: RIGHT - LEFT,
    lines: 2,
};
const VALUE: Slot = Slot {
    face: Face::SerifBold,
    size: 11.0,
    floor: 7.5,
    width: RIGHT - LEFT - 55.0,
    lines: 2,
};

/// The PDF of the instructions, in `locale`.
pub fn render(t: &TransferInstructions, locale: Locale) -> Vec<u8> {
    let tr = Tr(locale);
    let mut page = Page::new();
    let title = tr.t("transfer-pdf-title");
    let mut y = 272.0;
    page.text(Face::Sans, 10.0, LEFT, y, &t.program_title);
    y -= 12.0;
    y = page.slot(&HEADING, Align::Left(LEFT), y, &title) - 2.0;
    y = page.paragraph(
        (Face::Sans, 10.0),
        LEFT,
        y,
        RIGHT - LEFT,
        5.0,
        &tr.t_args(
            "transfer-pdf-lead",
            &[
                ("name", t.payer_name.clone().into()),
                ("program", t.program_title.clone().into()),
            ],
        ),
    ) - 6.0;
    let amount = Money::eur(t.amount_cents)
        .map(|m| m.display(locale))
        .unwrap_or_default();
    let rows = [
        ("transfer-beneficiary", t.account.beneficiary.clone()),
        ("transfer-iban", t.account.iban.grouped()),
        ("transfer-bic", t.account.bic.as_str().to_owned()),
        ("transfer-amount", amount),
        ("transfer-reference", t.reference.grouped()),
        (
            "transfer-deadline",
            format_paris_datetime(t.deadline, locale),
        ),
    ];
    for (key, value) in rows {
        page.text(Face::Sans, 10.0, LEFT, y, &tr.t(key));
        let below = page.slot(&VALUE, Align::Left(LEFT + 55.0), y, &value);
        page.rule(LEFT, RIGHT, y - 3.0, 0.2, 0.8);
        y = below.min(y - 8.0) - 1.0;
    }
    y -= 4.0;
    // The EPC QR code right of the notes, with what it is for.
    page.qr(RIGHT - 40.0, y - 40.0, 40.0, &t.epc_qr());
    page.text_centred(
        Face::Sans,
        8.0,
        RIGHT - 20.0,
        y - 45.0,
        &tr.t("transfer-pdf-qr"),
    );
    y = page.paragraph(
        (Face::Sans, 9.5),
        LEFT,
        y,
        RIGHT - LEFT - 50.0,
        4.8,
        &tr.t1(
            "transfer-pdf-reference",
            "reference",
            t.payment_reference.clone(),
        ),
    );
    page.paragraph(
        (Face::Sans, 9.5),
        LEFT,
        y - 2.0,
        RIGHT - LEFT - 50.0,
        4.8,
        &tr.t("transfer-pdf-arrival"),
    );
    let key = format!("transfer-{}", t.payment_reference);
    pdf::finish(
        &Meta {
            title: &title,
            author: &t.account.beneficiary,
            subject: &t.program_title,
            issued_at: t.deadline,
            key: &key,
        },
        vec![page],
    )
}
