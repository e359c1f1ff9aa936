//! Lists organizers download as CSV files (the review queue, the cohort): one writer, with what
//! spreadsheet programs need (UTF-8 with a byte-order mark) and what they must not do (run a
//! formula an applicant typed).

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::http::error::AppError;

/// A spreadsheet cell: text that starts like a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) is prefixed with an apostrophe, so that opening the file runs nothing.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// `rows` (the first one the headings) as a CSV file named `name`, to download; kept out of caches.
pub fn csv_file(name: &str, rows: &[Vec<String>]) -> Result<Response, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row)
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(e.into_error().into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        // A byte-order mark, so that spreadsheet programs read the names as UTF-8.
        [b"\xEF\xBB\xBF".as_slice(), &bytes].concat(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+33 1 23"), "'+33 1 23");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("Nguyễn Thị Minh Khai"), "Nguyễn Thị Minh Khai");
        assert_eq!(cell(""), "");
    }
}
