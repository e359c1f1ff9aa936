//! Uploaded documents: what we accept, recognised by their content, never by their name.

/// The largest document we keep.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// A type of file we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
        }
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    WrongType,
}

/// Recognises a PDF, JPEG or PNG by its first bytes, and checks the size.
pub fn check_file(bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::TooLarge);
    }
    if bytes.starts_with(b"%PDF-") {
        Ok(FileType::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(FileType::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok(FileType::Png)
    } else {
        Err(FileProblem::WrongType)
    }
}

/// A file name safe to show and to offer for download: no path, no control or invisible formatting
/// characters (a right-to-left override makes `cv\u{202E}fdp.exe` read as `cvexe.pdf`), bounded,
/// and ending with the extension of what the file is (a PDF named `cv.pdf.html` becomes `cv.pdf`,
/// so that nobody's computer opens it as something else).
pub fn clean_file_name(raw: &str, file_type: FileType) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control()
                && !is_invisible_format(*c)
                && !matches!(c, '"' | '<' | '>' | ':' | '*' | '?' | '|')
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    let ext = file_type.extension();
    let (stem, given) = match cleaned.rsplit_once('.') {
        Some((stem, given)) if !stem.is_empty() => (stem.trim_end(), Some(given)),
        _ => (cleaned.as_str(), None),
    };
    let fits = |e: &str| {
        e.eq_ignore_ascii_case(ext)
            || (file_type == FileType::Jpeg && e.eq_ignore_ascii_case("jpeg"))
    };
    match given {
        _ if stem.is_empty() => format!("document.{ext}"),
        Some(e) if fits(e) => cleaned.clone(),
        // Another extension goes; what is left may already end with the right one.
        Some(_)
            if stem
                .rsplit_once('.')
                .is_some_and(|(s, e)| !s.is_empty() && fits(e)) =>
        {
            stem.to_owned()
        }
        Some(_) | None => format!("{stem}.{ext}"),
    }
}

/// Characters that change how text around them is shown without showing themselves: bidirectional
/// controls, zero-width characters, the byte-order mark.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_content_not_name() {
        assert_eq!(check_file(b"%PDF-1.7\n..."), Ok(FileType::Pdf));
        assert_eq!(
            check_file(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Ok(FileType::Jpeg)
        );
        assert_eq!(check_file(b"\x89PNG\r\n\x1a\n...."), Ok(FileType::Png));
        assert_eq!(
            check_file(b"MZ\x90\x00 this is an executable"),
            Err(FileProblem::WrongType)
        );
        assert_eq!(check_file(b""), Err(FileProblem::Empty));
        assert_eq!(
            check_file(&vec![b'%'; MAX_BYTES + 1]),
            Err(FileProblem::TooLarge)
        );
    }

    #[test]
    fn file_names_lose_their_paths() {
        assert_eq!(
            clean_file_name("C:\\Users\\ana\\CV final.pdf", FileType::Pdf),
            "CV final.pdf"
        );
        assert_eq!(
            clean_file_name("../../etc/passwd", FileType::Pdf),
            "passwd.pdf"
        );
        assert_eq!(clean_file_name("", FileType::Png), "document.png");
        assert_eq!(clean_file_name(".hidden", FileType::Pdf), "hidden.pdf");
    }

    #[test]
    fn file_names_say_what_the_file_is_and_hide_nothing() {
        assert_eq!(
            clean_file_name("cv\u{202E}fdp.exe", FileType::Pdf),
            "cvfdp.pdf"
        );
        assert_eq!(clean_file_name("cv.pdf.html", FileType::Pdf), "cv.pdf");
        assert_eq!(clean_file_name("photo", FileType::Png), "photo.png");
        assert_eq!(clean_file_name("Scan.JPEG", FileType::Jpeg), "Scan.JPEG");
        assert_eq!(
            clean_file_name("Żółkiewski CV.pdf", FileType::Pdf),
            "Żółkiewski CV.pdf"
        );
        assert_eq!(clean_file_name("a\u{200B}b.png", FileType::Png), "ab.png");
        assert_eq!(clean_file_name("report.v2", FileType::Pdf), "report.pdf");
        assert_eq!(clean_file_name(" . ", FileType::Pdf), "document.pdf");
    }
}
