//! A small page writer over printpdf shared by every document: text at a position (left or right
//! aligned), wrapped paragraphs, rules; the embedded Noto fonts, subset; and a file that is the same
//! bytes for the same content.
//!
//! printpdf names fonts and the file's `/ID` with random strings; a document we may have to print
//! again, or whose bytes someone compares, must not change. So fonts get fixed names here, and the
//! file identifier is derived from the document's own key.

use std::sync::{Arc, OnceLock};

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};
use sha2::{Digest, Sha256};

use super::fonts;
use super::layout::Slot;

/// A4, in millimetres.
pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;

/// The faces documents use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Serif,
    SerifBold,
    Sans,
}

impl Face {
    const ALL: [Face; 3] = [Face::Serif, Face::SerifBold, Face::Sans];

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Serif => fonts::SERIF_REGULAR,
            Face::SerifBold => fonts::SERIF_BOLD,
            Face::Sans => fonts::SANS_REGULAR,
        }
    }

    /// The resource name, fixed: its first six letters are also the subset tag printpdf writes.
    fn id(self) -> FontId {
        FontId(
            match self {
                Face::Serif => "SERIFR",
                Face::SerifBold => "SERIFB",
                Face::Sans => "SANSRG",
            }
            .to_owned(),
        )
    }

    fn index(self) -> usize {
        match self {
            Face::Serif => 0,
            Face::SerifBold => 1,
            Face::Sans => 2,
        }
    }

    /// Parsed once per process: parsing is the slow part of adding a font.
    fn parsed(self) -> &'static ParsedFont {
        static PARSED: OnceLock<Vec<ParsedFont>> = OnceLock::new();
        &PARSED.get_or_init(|| {
            Face::ALL
                .iter()
                .map(|f| {
                    ParsedFont::from_bytes(f.bytes(), 0, &mut Vec::new())
                        .expect("embedded fonts parse (covered by the tests)")
                })
                .collect()
        })[self.index()]
    }

    fn metrics(self) -> &'static ttf_parser::Face<'static> {
        static FACES: OnceLock<Vec<ttf_parser::Face<'static>>> = OnceLock::new();
        &FACES.get_or_init(|| {
            Face::ALL
                .iter()
                .map(|f| {
                    ttf_parser::Face::parse(f.bytes(), 0)
                        .expect("embedded fonts parse (covered by the tests)")
                })
                .collect()
        })[self.index()]
    }
}

/// The width of `text` set in `face` at `size` points, in millimetres (advance widths, no kerning:
/// what printpdf draws).
pub fn width_mm(face: Face, size: f32, text: &str) -> f32 {
    let metrics = face.metrics();
    let units = f32::from(metrics.units_per_em());
    let advance: u32 = text
        .chars()
        .map(|c| {
            metrics
                .glyph_index(c)
                .and_then(|g| metrics.glyph_hor_advance(g))
                .map_or(0, u32::from)
        })
        .sum();
    (advance as f32 / units) * size * 25.4 / 72.0
}

/// `text` with every character the fonts cannot draw replaced by `?`. Names are checked when they
/// are typed (see [`fonts::undrawable_chars`]); free text (an address, a reason) is not, and must
/// not print as empty boxes.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == ' ' || fonts::name_font_draws(c) {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// A picture to place on a page (a signature), decoded from a PNG file and deflated once: a
/// document that prints it copies the compressed samples instead of compressing them again.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// A name unique within the document (its PDF resource name).
    pub name: String,
    /// In pixels.
    pub width: u32,
    pub height: u32,
    /// Grey (one sample per pixel) or colour (three).
    colour: bool,
    /// The 8-bit samples, row by row, zlib-compressed (the file's `FlateDecode` stream).
    deflated: Arc<[u8]>,
}

impl Picture {
    /// Decodes a PNG (grey or colour, with or without transparency; palettes and 16-bit samples
    /// are expanded to 8 bits). Refused with the decoder's reason.
    pub fn from_png(name: &str, bytes: &[u8]) -> Result<Picture, String> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
        let size = reader
            .output_buffer_size()
            .ok_or_else(|| "the image is too large".to_owned())?;
        let mut pixels = vec![0; size];
        let frame = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
        pixels.truncate(frame.buffer_size());
        // Documents are printed on white: transparency is flattened onto white once here, so
        // the file carries one image without a mask.
        let over_white = |value: u8, alpha: u8| -> u8 {
            let (v, a) = (u16::from(value), u16::from(alpha));
            ((v * a + 255 * (255 - a) + 127) / 255) as u8
        };
        let (samples, colour) = match frame.color_type {
            png::ColorType::Grayscale => (pixels, false),
            png::ColorType::Rgb => (pixels, true),
            png::ColorType::GrayscaleAlpha => (
                pixels
                    .chunks_exact(2)
                    .map(|p| over_white(p[0], p[1]))
                    .collect(),
                false,
            ),
            png::ColorType::Rgba => (
                pixels
                    .chunks_exact(4)
                    .flat_map(|p| [0, 1, 2].map(|i| over_white(p[i], p[3])))
                    .collect(),
                true,
            ),
            other => return Err(format!("unsupported colour type {other:?}")),
        };
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut encoder, &samples).map_err(|e| e.to_string())?;
        let deflated = encoder.finish().map_err(|e| e.to_string())?;
        Ok(Picture {
            name: name.to_owned(),
            width: frame.width,
            height: frame.height,
            colour,
            deflated: deflated.into(),
        })
    }

    /// The image XObject: already filtered, so saving the file leaves it as it is.
    fn stream(&self) -> lopdf::Stream {
        use lopdf::Object::{Integer, Name};
        let dict = lopdf::Dictionary::from_iter([
            ("Type", Name(b"XObject".to_vec())),
            ("Subtype", Name(b"Image".to_vec())),
            ("Width", Integer(i64::from(self.width))),
            ("Height", Integer(i64::from(self.height))),
            ("BitsPerComponent", Integer(8)),
            (
                "ColorSpace",
                Name(if self.colour {
                    b"DeviceRGB".to_vec()
                } else {
                    b"DeviceGray".to_vec()
                }),
            ),
            ("Filter", Name(b"FlateDecode".to_vec())),
        ]);
        lopdf::Stream::new(dict, self.deflated.to_vec()).with_compression(false)
    }
}

/// Where the lines of a [`Slot`] go across the page: starting at, centred on or ending at `x`
/// (millimetres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left(f32),
    Centre(f32),
    Right(f32),
}

/// One page being written, coordinates in millimetres from the bottom left corner.
#[derive(Default)]
pub struct Page {
    ops: Vec<Op>,
    used: [bool; 3],
    pictures: Vec<Picture>,
}

impl Page {
    pub fn new() -> Page {
        Page::default()
    }

    /// `picture`, `width` millimetres wide (its height in proportion), its bottom left corner at
    /// (`x`, `y`).
    pub fn picture(&mut self, picture: &Picture, x: f32, y: f32, width: f32) {
        let wide = Mm(width).into_pt().0;
        let high = wide * picture.height as f32 / picture.width.max(1) as f32;
        // An image fills the unit square: scaled to its size on the page, then moved.
        self.ops.push(Op::UseXobject {
            id: printpdf::XObjectId(picture.name.clone()),
            transform: printpdf::XObjectTransform {
                translate_x: Some(Mm(x).into_pt()),
                translate_y: Some(Mm(y).into_pt()),
                rotate: None,
                scale_x: Some(wide),
                scale_y: Some(high),
                dpi: None,
                no_auto_scale: true,
            },
        });
        if !self.pictures.iter().any(|p| p.name == picture.name) {
            self.pictures.push(picture.clone());
        }
    }

    /// `text` with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, face: Face, size: f32, x: f32, y: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.used[face.index()] = true;
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(face.id()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Mm(x).into(),
                    y: Mm(y).into(),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(printable(text))],
            },
            Op::EndTextSection,
        ]);
    }

    /// `text` ending at `right`.
    pub fn text_right(&mut self, face: Face, size: f32, right: f32, y: f32, text: &str) {
        let w = width_mm(face, size, &printable(text));
        self.text(face, size, right - w, y, text);
    }

    /// `text` centred on `centre`.
    pub fn text_centred(&mut self, face: Face, size: f32, centre: f32, y: f32, text: &str) {
        let w = width_mm(face, size, &printable(text));
        self.text(face, size, centre - w / 2.0, y, text);
    }

    /// `text` wrapped at word boundaries to `width`, first baseline at `y`, `leading` apart; returns
    /// the baseline below the last line.
    pub fn paragraph(
        &mut self,
        (face, size): (Face, f32),
        x: f32,
        y: f32,
        width: f32,
        leading: f32,
        text: &str,
    ) -> f32 {
        let mut y = y;
        for line in wrap(face, size, width, text) {
            self.text(face, size, x, y, &line);
            y -= leading;
        }
        y
    }

    /// `text` fitted into `slot` (wrapped, then shrunk: see [`Slot::fit_anyway`]), its first
    /// baseline at `y`, each line placed by `align`; returns the baseline below the last line.
    pub fn slot(&mut self, slot: &Slot, align: Align, y: f32, text: &str) -> f32 {
        let fitted = slot.fit_anyway(&printable(text));
        let mut y = y;
        for line in &fitted.lines {
            match align {
                Align::Left(x) => self.text(slot.face, fitted.size, x, y, line),
                Align::Centre(x) => self.text_centred(slot.face, fitted.size, x, y, line),
                Align::Right(x) => self.text_right(slot.face, fitted.size, x, y, line),
            }
            y -= fitted.leading();
        }
        y
    }

    /// A QR code of `data`, `size` millimetres square, its bottom left corner at (`x`, `y`), dark
    /// modules as filled squares (a quiet zone of four modules is left around it).
    pub fn qr(&mut self, x: f32, y: f32, size: f32, data: &str) {
        let Ok(code) = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M) else {
            return;
        };
        let width = code.width();
        let module = size / (width + 8) as f32;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                icc_profile: None,
            }),
        });
        for (i, colour) in code.to_colors().into_iter().enumerate() {
            if colour != qrcode::Color::Dark {
                continue;
            }
            let (col, row) = (i % width, i / width);
            self.ops.push(Op::DrawRectangle {
                rectangle: printpdf::Rect {
                    x: Mm(x + (col + 4) as f32 * module).into(),
                    y: Mm(y + size - (row + 5) as f32 * module).into(),
                    width: Mm(module).into(),
                    height: Mm(module).into(),
                    mode: Some(printpdf::PaintMode::Fill),
                    winding_order: None,
                },
            });
        }
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The mark of a demo's document: `label` in red capitals across the top and the bottom margin
    /// of the page, where no document prints anything, so that a demo copy can never pass for a real one.
    pub fn demo_stamp(&mut self, label: &str) {
        let red = Color::Rgb(Rgb {
            r: 0.75,
            g: 0.1,
            b: 0.1,
            icc_profile: None,
        });
        let black = Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        });
        self.ops.push(Op::SetFillColor { col: red });
        for y in [PAGE_HEIGHT - 7.0, 4.0] {
            self.text_centred(Face::Sans, 10.0, PAGE_WIDTH / 2.0, y, label);
        }
        self.ops.push(Op::SetFillColor { col: black });
    }

    /// A horizontal rule from `x1` to `x2` at `y`.
    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, grey: f32) {
        let point = |x: f32| LinePoint {
            p: Point {
                x: Mm(x).into(),
                y: Mm(y).into(),
            },
            bezier: false,
        };
        self.ops.extend([
            Op::SaveGraphicsState,
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb {
                    r: grey,
                    g: grey,
                    b: grey,
                    icc_profile: None,
                }),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(x1), point(x2)],
                    is_closed: false,
                },
            },
            Op::RestoreGraphicsState,
        ]);
    }
}

/// `text` cut into lines no wider than `width` millimetres, at spaces (a word longer than the line
/// stands alone on its line): running text, where codes and addresses must not break at hyphens.
pub fn wrap(face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    super::layout::wrap(face, size, width, text, false)
}

/// The dictionary of XObject resources printpdf points every page at.
fn xobject_resources(lo: &lopdf::Document) -> Option<lopdf::ObjectId> {
    let page = *lo.get_pages().values().next()?;
    let resources = lo.get_dictionary(page).ok()?.get(b"Resources").ok()?;
    let resources = match resources {
        lopdf::Object::Reference(id) => lo.get_dictionary(*id).ok()?,
        other => other.as_dict().ok()?,
    };
    resources.get(b"XObject").ok()?.as_reference().ok()
}

/// Deflates every stream not yet filtered, at zlib's default level: lopdf's own `compress` uses
/// the slowest level, which took a third of a certificate's printing time for a file a few per
/// cent smaller.
fn compress(lo: &mut lopdf::Document) {
    for object in lo.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        if std::io::Write::write_all(&mut encoder, &stream.content).is_err() {
            continue;
        }
        let Ok(deflated) = encoder.finish() else {
            continue;
        };
        if deflated.len() < stream.content.len() {
            stream
                .dict
                .set("Filter", lopdf::Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(deflated);
        }
    }
}

/// What a document says about itself in the file's metadata.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    /// When it was issued: the file's creation and modification dates.
    pub issued_at: time::OffsetDateTime,
    /// A key unique to the document (its number or serial): the file's `/ID` is derived from it.
    pub key: &'a str,
}

/// The PDF file of `pages`, A4, fonts embedded and subset. Same pages and metadata, same bytes.
pub fn finish(meta: &Meta<'_>, pages: Vec<Page>) -> Vec<u8> {
    finish_with(meta, pages, &[])
}

/// [`finish`], with more entries in the document information dictionary (text, as UTF-8 bytes).
pub fn finish_with(meta: &Meta<'_>, pages: Vec<Page>, info_entries: &[(&str, String)]) -> Vec<u8> {
    finish_inner(meta, pages, info_entries, false)
}

/// [`finish_with`], with an empty signature field on the first page that
/// [`super::seal::Sealer::seal`] fills in: signed at `meta.issued_at`, by the issuer `meta.author`.
pub fn finish_sealable(
    meta: &Meta<'_>,
    pages: Vec<Page>,
    info_entries: &[(&str, String)],
) -> super::seal::Unsealed {
    super::seal::Unsealed::new(finish_inner(meta, pages, info_entries, true))
}

fn finish_inner(
    meta: &Meta<'_>,
    pages: Vec<Page>,
    info_entries: &[(&str, String)],
    sealable: bool,
) -> Vec<u8> {
    let mut doc = PdfDocument::new(meta.title);
    let info = &mut doc.metadata.info;
    info.author = meta.author.to_owned();
    info.subject = meta.subject.to_owned();
    info.creator = "summer-school".to_owned();
    info.producer = "summer-school (printpdf)".to_owned();
    info.identifier = meta.key.to_owned();
    let issued = printpdf::DateTime::from_unix_timestamp(meta.issued_at.unix_timestamp())
        .expect("an issue date is a valid time");
    info.creation_date = issued;
    info.modification_date = issued;
    info.metadata_date = issued;
    let mut used = [false; 3];
    for page in &pages {
        for (u, p) in used.iter_mut().zip(page.used) {
            *u |= p;
        }
    }
    for face in Face::ALL.into_iter().filter(|f| used[f.index()]) {
        doc.resources
            .fonts
            .map
            .insert(face.id(), printpdf::PdfFont::new(face.parsed().clone()));
    }
    let mut pictures: Vec<Picture> = Vec::new();
    for picture in pages.iter().flat_map(|p| &p.pictures) {
        if !pictures.iter().any(|p| p.name == picture.name) {
            pictures.push(picture.clone());
        }
    }
    doc.pages = pages
        .into_iter()
        .map(|p| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), p.ops))
        .collect();
    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        image_optimization: None,
        ..PdfSaveOptions::default()
    };
    let mut lo = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);
    // Pictures go in after printpdf, as streams compressed when they were read (printpdf would
    // copy the raw samples and the file would deflate them again on every print), under fixed
    // names in the XObject resources every page shares.
    if !pictures.is_empty() {
        let shared = xobject_resources(&lo).expect("printpdf gives pages XObject resources");
        for picture in &pictures {
            let id = lo.add_object(picture.stream());
            if let Ok(dict) = lo
                .get_object_mut(shared)
                .and_then(lopdf::Object::as_dict_mut)
            {
                dict.set(
                    picture.name.as_bytes().to_vec(),
                    lopdf::Object::Reference(id),
                );
            }
        }
    }
    let id: String = Sha256::digest(meta.key.as_bytes())
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    lo.trailer.set(
        "ID",
        lopdf::Object::Array(vec![
            lopdf::Object::String(id.clone().into_bytes(), lopdf::StringFormat::Literal),
            lopdf::Object::String(id.into_bytes(), lopdf::StringFormat::Literal),
        ]),
    );
    if !info_entries.is_empty()
        && let Ok(lopdf::Object::Reference(id)) = lo.trailer.get(b"Info").cloned()
        && let Ok(info) = lo.get_object_mut(id).and_then(lopdf::Object::as_dict_mut)
    {
        for (key, value) in info_entries {
            info.set(
                key.as_bytes().to_vec(),
                lopdf::Object::String(value.as_bytes().to_vec(), lopdf::StringFormat::Hexadecimal),
            );
        }
    }
    compress(&mut lo);
    if sealable {
        signature_field(&mut lo, meta);
    }
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .expect("writing a PDF into memory cannot fail");
    bytes
}

/// The signature dictionary with its placeholders, an invisible widget for it on the first page,
/// and the form that lists it (`/SigFlags 3`: signed, to be changed only by appending).
fn signature_field(lo: &mut lopdf::Document, meta: &Meta<'_>) {
    use super::seal::{BYTE_RANGE_PLACEHOLDER, CONTENTS_LEN};
    use lopdf::{Dictionary, Object, StringFormat};
    let text = |s: &str| Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; CONTENTS_LEN], StringFormat::Hexadecimal),
    );
    let issued = meta
        .issued_at
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "D:[year][month][day][hour][minute][second]Z"
        ))
        .expect("formatting a date");
    sig.set("M", text(&issued));
    // A text string: UTF-16BE after its byte order mark.
    let mut name = vec![0xfe, 0xff];
    name.extend(
        printable(meta.author)
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    sig.set("Name", Object::String(name, StringFormat::Hexadecimal));
    let sig_id = lo.add_object(sig);
    let Some((_, &page_id)) = lo.get_pages().iter().next() else {
        return;
    };
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", text("Issuer signature"));
    widget.set("V", Object::Reference(sig_id));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    // Print and locked: the field shows nothing and cannot be moved.
    widget.set("F", Object::Integer(132));
    widget.set("P", Object::Reference(page_id));
    let widget_id = lo.add_object(widget);
    if let Ok(page) = lo.get_object_mut(page_id).and_then(Object::as_dict_mut) {
        page.set("Annots", Object::Array(vec![Object::Reference(widget_id)]));
    }
    let mut form = Dictionary::new();
    form.set("Fields", Object::Array(vec![Object::Reference(widget_id)]));
    form.set("SigFlags", Object::Integer(3));
    let form_id = lo.add_object(form);
    if let Ok(Object::Reference(root)) = lo.trailer.get(b"Root").cloned()
        && let Ok(catalog) = lo.get_object_mut(root).and_then(Object::as_dict_mut)
    {
        catalog.set("AcroForm", Object::Reference(form_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::locale::Locale;
    use crate::i18n::Tr;

    #[test]
    fn the_demo_stamp_fits_the_page_in_every_language() {
        for locale in Locale::ALL {
            let label = Tr(locale).t("document-demo-stamp");
            let width = width_mm(Face::Sans, 10.0, &printable(&label));
            assert!(width < PAGE_WIDTH - 20.0, "{locale:?}: {width} mm");
        }
    }
}
