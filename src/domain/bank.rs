//! Bank transfers: the creditor reference each order is paid with (ISO 11649, `RF` and two check
//! digits), the beneficiary's account (IBAN, BIC), the lines of a bank statement read from an
//! ISO 20022 camt.053 file or a CSV export, and how a line is matched to an order. Pure: the
//! store records the lines and their money in one transaction.

use std::fmt;

use time::Date;

/// ISO 7064 MOD 97-10 over letters and digits (`A` = 10 … `Z` = 35), as IBANs and ISO 11649
/// creditor references compute their check digits.
fn mod97(text: &str) -> Option<u32> {
    let mut rest: u32 = 0;
    for c in text.chars() {
        let value = c.to_digit(36)?;
        rest = if value >= 10 {
            (rest * 100 + value) % 97
        } else {
            (rest * 10 + value) % 97
        };
    }
    Some(rest)
}

/// Letters and digits only, upper case.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// An ISO 11649 creditor reference: `RF`, two check digits, and 1 to 21 letters or digits.
/// Kept compact (`RF18SSABCDEFGH`); shown in groups of four.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditorReference(String);

impl CreditorReference {
    /// The reference of an order, from its payment reference (`SS-ABCD-EFGH`): its letters and
    /// digits, with the check digits ISO 11649 computes.
    pub fn for_payment_reference(payment_reference: &str) -> CreditorReference {
        let body: String = compact(payment_reference)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(21)
            .collect();
        let rest = mod97(&format!("{body}RF00")).unwrap_or(0);
        CreditorReference(format!("RF{:02}{body}", 98 - rest))
    }

    /// A reference as written (spaces allowed, any case), if its check digits hold.
    pub fn parse(text: &str) -> Option<CreditorReference> {
        let t = compact(text);
        let body = t.strip_prefix("RF")?;
        let (check, rest) = (body.get(..2)?, body.get(2..)?);
        let valid = check.bytes().all(|b| b.is_ascii_digit())
            && (1..=21).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            && mod97(&format!("{rest}RF{check}")) == Some(1);
        valid.then_some(CreditorReference(t))
    }

    /// Every valid reference written in a text (a transfer's free-text line), spaces allowed
    /// between its groups.
    pub fn find_in(text: &str) -> Vec<CreditorReference> {
        let upper = text.to_uppercase();
        let chars: Vec<char> = upper.chars().collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i + 1 < chars.len() {
            if chars[i] == 'R'
                && chars[i + 1] == 'F'
                && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
            {
                // The characters that follow, spaces skipped, up to a reference's length.
                let mut candidate = String::from("RF");
                let mut j = i + 2;
                while j < chars.len() && candidate.len() < 25 {
                    let c = chars[j];
                    if c.is_ascii_alphanumeric() {
                        candidate.push(c);
                    } else if c != ' ' {
                        break;
                    }
                    j += 1;
                }
                // The longest that checks (a reference may be followed by other words).
                let hit = (5..=candidate.len().min(25))
                    .rev()
                    .find_map(|n| CreditorReference::parse(&candidate[..n]));
                if let Some(r) = hit {
                    found.push(r);
                }
            }
            i += 1;
        }
        found
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `RF18 SSAB CDEF GH`: as printed for people to type.
    pub fn grouped(&self) -> String {
        group_by_four(&self.0)
    }
}

impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

fn group_by_four(text: &str) -> String {
    text.chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// An IBAN whose check digits hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    pub fn parse(text: &str) -> Option<Iban> {
        let t = compact(text);
        let shaped = (15..=34).contains(&t.len())
            && t[..2].bytes().all(|b| b.is_ascii_uppercase())
            && t[2..4].bytes().all(|b| b.is_ascii_digit())
            && t.bytes().all(|b| b.is_ascii_alphanumeric());
        (shaped && mod97(&format!("{}{}", &t[4..], &t[..4])) == Some(1)).then_some(Iban(t))
    }

    pub fn grouped(&self) -> String {
        group_by_four(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A BIC (ISO 9362): 8 or 11 characters, bank, country, location, branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bic(String);

impl Bic {
    pub fn parse(text: &str) -> Option<Bic> {
        let t = compact(text);
        let shaped = matches!(t.len(), 8 | 11)
            && t[..6].bytes().all(|b| b.is_ascii_uppercase())
            && t[6..].bytes().all(|b| b.is_ascii_alphanumeric());
        shaped.then_some(Bic(t))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where transfers are paid to (from the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub beneficiary: String,
    pub iban: Iban,
    pub bic: Bic,
}

impl BankAccount {
    /// The demo's account: its IBAN's check digits hold, but its bank code (00000) is no bank's,
    /// and its name says not to pay.
    pub fn demo() -> BankAccount {
        let bban = "0000000000000000000000000";
        let check = 98 - mod97(&format!("{bban}FR00")).unwrap_or(0);
        BankAccount {
            beneficiary: "DEMO — do not pay / ne pas payer".into(),
            iban: Iban(format!("FR{check:02}{bban}")),
            bic: Bic("DEMOFRPPXXX".into()),
        }
    }
}

/// What an applicant needs to pay an order by transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferInstructions {
    pub account: BankAccount,
    /// What is still due.
    pub amount_cents: i64,
    pub reference: CreditorReference,
    /// The order's own reference, which the reference is made of.
    pub payment_reference: String,
    pub deadline: time::OffsetDateTime,
    pub program_title: String,
    pub payer_name: String,
}

impl TransferInstructions {
    /// The payload of the European Payments Council's QR code for a SEPA credit transfer
    /// (EPC069-12, version 002): banking apps read the beneficiary, IBAN, amount and reference
    /// from it, so nothing is typed wrong.
    pub fn epc_qr(&self) -> String {
        let name: String = self.account.beneficiary.chars().take(70).collect();
        [
            "BCD",
            "002",
            "1",
            "SCT",
            self.account.bic.as_str(),
            &name,
            self.account.iban.as_str(),
            &format!(
                "EUR{}.{:02}",
                self.amount_cents / 100,
                self.amount_cents % 100
            ),
            "",
            self.reference.as_str(),
            "",
        ]
        .join("\n")
    }
}

/// One line of a bank statement: money in (positive) or out (negative) on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// Where the line is in the file (an XML line, a CSV record's line), for people to find it.
    pub line: usize,
    /// The bank's own identification of the line, or one derived from the statement's; the
    /// same line in a second import has the same one.
    pub source: String,
    pub booked_on: Date,
    pub cents: i64,
    pub currency: String,
    pub payer: Option<String>,
    /// What the payer wrote and the bank's references: searched for the order's reference.
    pub references: Vec<String>,
}

/// Why a statement file cannot be imported: the line and the reason. Nothing of a file is
/// imported when one line is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct StatementError {
    pub line: usize,
    pub problem: StatementProblem,
}

/// What is wrong with a statement file, in words for the command line; pages say it in the
/// reader's language from [`StatementProblem::message_key`] and [`StatementProblem::value`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementProblem {
    #[error("the file is not UTF-8 text")]
    NotText,
    #[error("not a well-formed XML file ({0})")]
    NotXml(String),
    #[error("not an ISO 20022 camt.053 statement")]
    NotCamt053,
    /// A required element of an entry (its name).
    #[error("an entry without its {0}")]
    Missing(&'static str),
    #[error("`{0}` is not an amount")]
    Amount(String),
    #[error("`{0}` is not a date")]
    Date(String),
    #[error("CdtDbtInd is neither CRDT nor DBIT")]
    Direction,
    #[error("a transaction in another currency than its entry")]
    OtherCurrency,
    /// A column the configuration names is not in the file's header.
    #[error("no `{0}` column")]
    NoColumn(String),
    #[error("unreadable CSV ({0})")]
    Csv(String),
    #[error("the file has no booked line")]
    Empty,
}

impl StatementProblem {
    pub fn message_key(&self) -> &'static str {
        match self {
            StatementProblem::NotText => "bank-problem-not-text",
            StatementProblem::NotXml(_) => "bank-problem-not-xml",
            StatementProblem::NotCamt053 => "bank-problem-not-camt053",
            StatementProblem::Missing(_) => "bank-problem-missing",
            StatementProblem::Amount(_) => "bank-problem-amount",
            StatementProblem::Date(_) => "bank-problem-date",
            StatementProblem::Direction => "bank-problem-direction",
            StatementProblem::OtherCurrency => "bank-problem-other-currency",
            StatementProblem::NoColumn(_) => "bank-problem-no-column",
            StatementProblem::Csv(_) => "bank-problem-csv",
            StatementProblem::Empty => "bank-problem-empty",
        }
    }

    /// What the message quotes (an element, a column, what was written), if anything.
    pub fn value(&self) -> String {
        match self {
            StatementProblem::NotXml(v)
            | StatementProblem::Amount(v)
            | StatementProblem::Date(v)
            | StatementProblem::NoColumn(v)
            | StatementProblem::Csv(v) => v.clone(),
            StatementProblem::Missing(v) => (*v).to_owned(),
            _ => String::new(),
        }
    }
}

fn fail(line: usize, problem: StatementProblem) -> StatementError {
    StatementError { line, problem }
}

/// A decimal amount with a point or a comma and at most two decimals, as cents.
fn cents_of(text: &str, line: usize) -> Result<i64, StatementError> {
    let t = text.trim().replace([' ', '\u{a0}'], "");
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, t.trim_start_matches('+').to_owned()),
    };
    let t = t.replace(',', ".");
    let money = super::money::Money::parse_decimal(&t, super::money::Currency::Eur)
        .map_err(|_| fail(line, StatementProblem::Amount(text.to_owned())))?;
    Ok(if negative {
        -money.cents()
    } else {
        money.cents()
    })
}

fn date_of(text: &str, line: usize) -> Result<Date, StatementError> {
    let t = text.trim();
    let t = t.get(..10).unwrap_or(t);
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let french = time::macros::format_description!("[day]/[month]/[year]");
    Date::parse(t, &iso)
        .or_else(|_| Date::parse(t, &french))
        .map_err(|_| fail(line, StatementProblem::Date(text.to_owned())))
}

/// The first child element named `name`.
fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The trimmed text at the end of a path of child elements, if not empty.
fn path(n: roxmltree::Node<'_, '_>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .try_fold(n, |at, name| child(at, name))
        .and_then(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The lines of an ISO 20022 camt.053 statement file (any version from 001.02): every booked
/// entry of every statement, one line per transaction of an entry that batches several.
pub fn parse_camt053(xml: &str) -> Result<Vec<StatementLine>, StatementError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| {
        fail(
            e.pos().row as usize,
            StatementProblem::NotXml(e.to_string()),
        )
    })?;
    let root = doc.root_element();
    let namespace = root.tag_name().namespace().unwrap_or_default();
    if root.tag_name().name() != "Document"
        || !namespace.starts_with("urn:iso:std:iso:20022:tech:xsd:camt.053.")
    {
        return Err(fail(1, StatementProblem::NotCamt053));
    }
    let line_of = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row as usize;
    let report = child(root, "BkToCstmrStmt")
        .ok_or_else(|| fail(line_of(root), StatementProblem::NotCamt053))?;
    let mut lines = Vec::new();
    for (s, statement) in report
        .children()
        .filter(|c| c.tag_name().name() == "Stmt")
        .enumerate()
    {
        let statement_id = path(statement, &["Id"]).unwrap_or_else(|| format!("#{s}"));
        let account = path(statement, &["Acct", "Id", "IBAN"]).unwrap_or_default();
        for (e, entry) in statement
            .children()
            .filter(|c| c.tag_name().name() == "Ntry")
            .enumerate()
        {
            let at = line_of(entry);
            // Booked entries only: pending and informational ones are not money yet.
            let status = path(entry, &["Sts", "Cd"]).or_else(|| path(entry, &["Sts"]));
            if status.as_deref() != Some("BOOK") {
                continue;
            }
            let amount =
                child(entry, "Amt").ok_or_else(|| fail(at, StatementProblem::Missing("Amt")))?;
            let currency = amount
                .attribute("Ccy")
                .ok_or_else(|| fail(at, StatementProblem::Missing("Ccy")))?
                .to_owned();
            let sign = match path(entry, &["CdtDbtInd"]).as_deref() {
                Some("CRDT") => 1,
                Some("DBIT") => -1,
                _ => return Err(fail(at, StatementProblem::Direction)),
            };
            let entry_cents = cents_of(amount.text().unwrap_or_default(), at)?;
            let booked_on = path(entry, &["BookgDt", "Dt"])
                .or_else(|| path(entry, &["BookgDt", "DtTm"]))
                .ok_or_else(|| fail(at, StatementProblem::Missing("BookgDt")))
                .and_then(|d| date_of(&d, at))?;
            let entry_ref = path(entry, &["AcctSvcrRef"]);
            let details: Vec<roxmltree::Node> = entry
                .children()
                .filter(|c| c.tag_name().name() == "NtryDtls")
                .flat_map(|d| d.children().filter(|c| c.tag_name().name() == "TxDtls"))
                .collect();
            let batched = details.len() > 1;
            let txs: Vec<Option<roxmltree::Node>> = if details.is_empty() {
                vec![None]
            } else {
                details.into_iter().map(Some).collect()
            };
            for (t, tx) in txs.into_iter().enumerate() {
                let at = tx.map_or(at, line_of);
                let cents = match tx.and_then(|tx| {
                    child(tx, "AmtDtls")
                        .and_then(|a| child(a, "TxAmt"))
                        .and_then(|a| child(a, "Amt"))
                        .or_else(|| child(tx, "Amt"))
                }) {
                    Some(a) => {
                        if a.attribute("Ccy").is_some_and(|c| c != currency) {
                            return Err(fail(at, StatementProblem::OtherCurrency));
                        }
                        cents_of(a.text().unwrap_or_default(), at)?
                    }
                    None if batched => {
                        return Err(fail(at, StatementProblem::Missing("TxAmt")));
                    }
                    None => entry_cents,
                };
                let mut references = Vec::new();
                let mut payer = None;
                if let Some(tx) = tx {
                    for p in [
                        &["RmtInf", "Strd", "CdtrRefInf", "Ref"][..],
                        &["Refs", "EndToEndId"],
                    ] {
                        references.extend(path(tx, p).filter(|r| r != "NOTPROVIDED"));
                    }
                    if let Some(info) = child(tx, "RmtInf") {
                        references.extend(
                            info.children()
                                .filter(|c| c.tag_name().name() == "Ustrd")
                                .filter_map(|c| c.text())
                                .map(|t| t.trim().to_owned()),
                        );
                    }
                    payer = path(tx, &["RltdPties", "Dbtr", "Nm"])
                        .or_else(|| path(tx, &["RltdPties", "Dbtr", "Pty", "Nm"]));
                }
                if let Some(info) = path(entry, &["AddtlNtryInf"]) {
                    references.push(info);
                }
                let tx_ref = tx.and_then(|tx| path(tx, &["Refs", "AcctSvcrRef"]));
                let source = match (tx_ref, &entry_ref) {
                    (Some(r), _) => format!("camt:{account}:{r}"),
                    (None, Some(r)) if !batched => format!("camt:{account}:{r}"),
                    (None, Some(r)) => format!("camt:{account}:{r}/{t}"),
                    (None, None) => format!("camt:{account}:{statement_id}/{e}/{t}"),
                };
                lines.push(StatementLine {
                    line: at,
                    source,
                    booked_on,
                    cents: sign * cents,
                    currency: currency.clone(),
                    payer,
                    references,
                });
            }
        }
    }
    if lines.is_empty() {
        return Err(fail(1, StatementProblem::Empty));
    }
    Ok(lines)
}

/// The columns of a bank's CSV export, by their header's names (from the configuration).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumns {
    pub date: String,
    pub amount: String,
    pub reference: String,
    pub payer: Option<String>,
    /// The bank's id of the line; without it, one is made of the line's content.
    pub id: Option<String>,
    pub delimiter: u8,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            date: "date".into(),
            amount: "amount".into(),
            reference: "reference".into(),
            payer: Some("payer".into()),
            id: Some("id".into()),
            delimiter: b',',
        }
    }
}

impl CsvColumns {
    /// `date=Date;amount=Montant;reference=Libellé;payer=Nom;id=Référence` (and `delimiter=;`).
    pub fn parse(text: &str) -> Result<CsvColumns, String> {
        let mut c = CsvColumns {
            payer: None,
            id: None,
            ..CsvColumns::default()
        };
        let (mut date, mut amount, mut reference) = (None, None, None);
        for pair in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}` is not name=Column"))?;
            let value = value.trim().to_owned();
            match key.trim() {
                "date" => date = Some(value),
                "amount" => amount = Some(value),
                "reference" => reference = Some(value),
                "payer" => c.payer = Some(value),
                "id" => c.id = Some(value),
                "delimiter" => {
                    c.delimiter = match value.as_str() {
                        "," | "comma" => b',',
                        "semicolon" => b';',
                        "tab" => b'\t',
                        other => return Err(format!("`{other}` is not comma, semicolon or tab")),
                    }
                }
                other => return Err(format!("`{other}` is not a column this import reads")),
            }
        }
        c.date = date.ok_or("the date column is not named")?;
        c.amount = amount.ok_or("the amount column is not named")?;
        c.reference = reference.ok_or("the reference column is not named")?;
        Ok(c)
    }
}

/// The lines of a CSV statement export; its first record names the columns.
pub fn parse_csv(bytes: &[u8], columns: &CsvColumns) -> Result<Vec<StatementLine>, StatementError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| fail(1, StatementProblem::NotText))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(columns.delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| fail(1, StatementProblem::Csv(e.to_string())))?
        .clone();
    let index = |name: &str| headers.iter().position(|h| h.trim() == name);
    let need = |name: &str| {
        index(name).ok_or_else(|| fail(1, StatementProblem::NoColumn(name.to_owned())))
    };
    let (date, amount, reference) = (
        need(&columns.date)?,
        need(&columns.amount)?,
        need(&columns.reference)?,
    );
    let payer = match &columns.payer {
        Some(p) => Some(need(p)?),
        None => None,
    };
    let id = match &columns.id {
        Some(i) => Some(need(i)?),
        None => None,
    };
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            fail(
                e.position().map_or(0, |p| p.line() as usize),
                StatementProblem::Csv(e.to_string()),
            )
        })?;
        let at = record.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let booked_on = date_of(&field(date), at)?;
        let cents = cents_of(&field(amount), at)?;
        let source = match id.map(field).filter(|i| !i.is_empty()) {
            Some(i) => format!("csv:{i}"),
            None => {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(record.iter().collect::<Vec<_>>().join("\u{1f}"));
                format!("csv:{}", super::certificate::hex(&digest[..16]))
            }
        };
        lines.push(StatementLine {
            line: at,
            source,
            booked_on,
            cents,
            currency: "EUR".into(),
            payer: payer.map(field).filter(|p| !p.is_empty()),
            references: vec![field(reference)],
        });
    }
    if lines.is_empty() {
        return Err(fail(1, StatementProblem::Empty));
    }
    Ok(lines)
}

/// What a statement file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementFormat {
    Camt053,
    Csv,
}

impl StatementFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementFormat::Camt053 => "camt053",
            StatementFormat::Csv => "csv",
        }
    }
}

/// A statement file's lines, whichever it is: XML is read as camt.053, anything else as the
/// bank's CSV export with the configured columns.
pub fn read_statement(
    bytes: &[u8],
    columns: &CsvColumns,
) -> Result<(StatementFormat, Vec<StatementLine>), StatementError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.trim_ascii_start().starts_with(b"<") {
        let text = std::str::from_utf8(body).map_err(|_| fail(1, StatementProblem::NotText))?;
        Ok((StatementFormat::Camt053, parse_camt053(text)?))
    } else {
        Ok((StatementFormat::Csv, parse_csv(body, columns)?))
    }
}

/// How sure a match of a line to an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confidence {
    /// The line carries the order's reference.
    Reference,
    /// One open order is due exactly this amount, and the payer's name matches it.
    AmountAndName,
    /// One open order is due exactly this amount: a suggestion for finance, not applied.
    Amount,
    /// Finance matched it.
    ByHand,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Reference => "reference",
            Confidence::AmountAndName => "amount_and_name",
            Confidence::Amount => "amount",
            Confidence::ByHand => "by_hand",
        }
    }

    pub fn parse(text: &str) -> Option<Confidence> {
        [
            Confidence::Reference,
            Confidence::AmountAndName,
            Confidence::Amount,
            Confidence::ByHand,
        ]
        .into_iter()
        .find(|c| c.as_str() == text)
    }

    /// Whether a match this sure is applied without a person.
    pub fn applies(self) -> bool {
        !matches!(self, Confidence::Amount)
    }
}

/// An order a transfer may be for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOrder {
    pub order_id: String,
    pub payment_reference: String,
    pub currency: String,
    /// What it still asks.
    pub due_cents: i64,
    /// The names a payer may write: the applicant's, the paying institution's.
    pub names: Vec<String>,
    /// The number of the invoice sent for it, which an institution quotes.
    pub invoice: Option<String>,
}

fn alnum_upper(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Words of a name, lower case, without accents on Latin letters, of three letters or more.
fn name_words(name: &str) -> Vec<String> {
    let fold = |c: char| match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ạ' | 'ả' | 'ấ' | 'ầ' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ệ' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ị' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ơ' | 'ộ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'ư' => 'u',
        'ý' | 'ÿ' => 'y',
        'đ' => 'd',
        other => other,
    };
    name.to_lowercase()
        .chars()
        .map(fold)
        .collect::<String>()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_owned)
        .collect()
}

/// The order a line is for, and how sure that is: by the order's reference first (its creditor
/// reference or its payment reference anywhere in what the payer wrote), else by the amount due
/// of the one order it fits, with the payer's name.
pub fn match_line(line: &StatementLine, orders: &[OpenOrder]) -> Option<(String, Confidence)> {
    if line.cents <= 0 {
        return None;
    }
    let written: Vec<CreditorReference> = line
        .references
        .iter()
        .flat_map(|r| CreditorReference::find_in(r))
        .collect();
    let text = alnum_upper(&line.references.join(" "));
    for order in orders {
        let rf = CreditorReference::for_payment_reference(&order.payment_reference);
        let invoice_quoted = order
            .invoice
            .as_deref()
            .is_some_and(|n| text.contains(&alnum_upper(n)));
        if written.contains(&rf)
            || text.contains(&alnum_upper(&order.payment_reference))
            || invoice_quoted
        {
            return Some((order.order_id.clone(), Confidence::Reference));
        }
    }
    let fits: Vec<&OpenOrder> = orders
        .iter()
        .filter(|o| o.due_cents == line.cents && o.currency.eq_ignore_ascii_case(&line.currency))
        .collect();
    let payer = line.payer.as_deref().map(name_words).unwrap_or_default();
    let named: Vec<&&OpenOrder> = fits
        .iter()
        .filter(|o| {
            o.names
                .iter()
                .flat_map(|n| name_words(n))
                .any(|w| payer.contains(&w))
        })
        .collect();
    match (named.as_slice(), fits.as_slice()) {
        ([one], _) => Some((one.order_id.clone(), Confidence::AmountAndName)),
        ([], [one]) => Some((one.order_id.clone(), Confidence::Amount)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creditor_references_carry_iso_11649_check_digits() {
        // The standard's own example.
        assert!(CreditorReference::parse("RF18 5390 0754 7034").is_some());
        assert!(CreditorReference::parse("RF18 5390 0754 7035").is_none());
        assert!(CreditorReference::parse("RF18").is_none());
        let r = CreditorReference::for_payment_reference("SS-ABCD-EFGH");
        assert!(r.as_str().starts_with("RF") && r.as_str().ends_with("SSABCDEFGH"));
        assert_eq!(CreditorReference::parse(&r.grouped()), Some(r.clone()));
        assert_eq!(
            CreditorReference::find_in(&format!("Summer school fee {} Dr Nguyen", r.grouped())),
            vec![r.clone()]
        );
        assert_eq!(
            CreditorReference::find_in(&format!("ref:{}", r.as_str().to_lowercase())),
            vec![r]
        );
        assert!(CreditorReference::find_in("PERFORMANCE RF99").is_empty());
    }

    #[test]
    fn the_epc_qr_code_carries_the_transfer() {
        let t = TransferInstructions {
            account: BankAccount {
                beneficiary: "Agent comptable de l'Université Paris Cité".into(),
                iban: Iban::parse("FR76 3000 6000 0112 3456 7890 189").unwrap(),
                bic: Bic::parse("BNPAFRPP").unwrap(),
            },
            amount_cents: 310_050,
            reference: CreditorReference::for_payment_reference("SS-ABCD-EFGH"),
            payment_reference: "SS-ABCD-EFGH".into(),
            deadline: time::macros::datetime!(2026-05-20 21:59:59 UTC),
            program_title: "Hands-on".into(),
            payer_name: "Ada".into(),
        };
        let qr = t.epc_qr();
        let lines: Vec<&str> = qr.split('\n').collect();
        assert_eq!(lines[..4], ["BCD", "002", "1", "SCT"]);
        assert_eq!(lines[4], "BNPAFRPP");
        assert_eq!(lines[6], "FR7630006000011234567890189");
        assert_eq!(lines[7], "EUR3100.50");
        assert_eq!(lines[9], t.reference.as_str());
        assert!(t.epc_qr().len() <= 331, "EPC069-12 allows 331 bytes");
    }

    #[test]
    fn accounts_are_checked() {
        assert!(Iban::parse("FR76 3000 6000 0112 3456 7890 189").is_some());
        assert!(Iban::parse("FR76 3000 6000 0112 3456 7890 188").is_none());
        assert!(Iban::parse("GB82 WEST 1234 5698 7654 32").is_some());
        assert!(Bic::parse("BNPAFRPPXXX").is_some());
        assert!(Bic::parse("BNPAFRPP").is_some());
        assert!(Bic::parse("BNP").is_none());
        let demo = BankAccount::demo();
        assert_eq!(Iban::parse(demo.iban.as_str()), Some(demo.iban));
    }

    fn line(cents: i64, payer: &str, reference: &str) -> StatementLine {
        StatementLine {
            line: 2,
            source: "s".into(),
            booked_on: time::macros::date!(2026 - 05 - 04),
            cents,
            currency: "EUR".into(),
            payer: Some(payer.into()),
            references: vec![reference.into()],
        }
    }

    fn order(id: &str, reference: &str, due: i64, name: &str) -> OpenOrder {
        OpenOrder {
            order_id: id.into(),
            payment_reference: reference.into(),
            currency: "EUR".into(),
            due_cents: due,
            names: vec![name.into()],
            invoice: None,
        }
    }

    #[test]
    fn a_line_matches_by_reference_then_by_amount_and_name() {
        let orders = [
            order("o1", "SS-AAAA-BBBB", 310_000, "Nguyễn Thị Minh Khai"),
            order("o2", "SS-CCCC-DDDD", 250_000, "Amadou Diallo"),
            order("o3", "SS-EEEE-FFFF", 250_000, "Léa Martin"),
        ];
        let rf = CreditorReference::for_payment_reference("SS-CCCC-DDDD");
        assert_eq!(
            match_line(&line(1_000, "Someone", &rf.grouped()), &orders),
            Some(("o2".into(), Confidence::Reference))
        );
        assert_eq!(
            match_line(&line(310_000, "X", "fee ss aaaa bbbb"), &orders),
            Some(("o1".into(), Confidence::Reference))
        );
        assert_eq!(
            match_line(&line(250_000, "MARTIN LEA", "summer school"), &orders),
            Some(("o3".into(), Confidence::AmountAndName))
        );
        assert_eq!(
            match_line(&line(310_000, "HOPITAL DE HANOI", "summer school"), &orders),
            Some(("o1".into(), Confidence::Amount))
        );
        assert!(!Confidence::Amount.applies());
        // An institution quotes the invoice's number.
        let invoiced = [OpenOrder {
            invoice: Some("F-2026-00042".into()),
            ..orders[0].clone()
        }];
        assert_eq!(
            match_line(&line(1, "Bach Mai", "INV F 2026 00042"), &invoiced),
            Some(("o1".into(), Confidence::Reference))
        );
        // Two orders fit the amount and neither name: nobody is guessed.
        assert_eq!(match_line(&line(250_000, "Unknown", "x"), &orders), None);
        // Money out is never matched.
        assert_eq!(
            match_line(&line(-250_000, "Léa Martin", "x"), &orders),
            None
        );
    }

    #[test]
    fn csv_exports_are_read_with_the_columns_named_in_the_configuration() {
        let columns = CsvColumns::parse(
            "date=Date;amount=Montant;reference=Libellé;payer=Nom;delimiter=semicolon",
        )
        .unwrap();
        let file = "Date;Montant;Libellé;Nom\n04/05/2026;3 100,00;VIR RF18 SSAB;Léa Martin\n2026-05-05;-12,50;FRAIS;\n";
        let lines = parse_csv(file.as_bytes(), &columns).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].cents, 310_000);
        assert_eq!(lines[0].booked_on, time::macros::date!(2026 - 05 - 04));
        assert_eq!(lines[0].payer.as_deref(), Some("Léa Martin"));
        assert_eq!(lines[1].cents, -1_250);
        assert_ne!(lines[0].source, lines[1].source);
        assert_eq!(parse_csv(file.as_bytes(), &columns).unwrap(), lines);
        let bad = "Date;Montant;Libellé;Nom\n04/05/2026;3 100,00;x;y\n31/02/2026;10;x;y\n";
        assert_eq!(
            parse_csv(bad.as_bytes(), &columns).unwrap_err().line,
            3,
            "the line is named"
        );
        assert!(CsvColumns::parse("date=D;amount=A").is_err());
    }
}
