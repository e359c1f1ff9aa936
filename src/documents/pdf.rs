//! A small page writer over printpdf shared by every document: text at a position (left or right
//! aligned), wrapped paragraphs, rules; the embedded Noto fonts, subset; and a file that is the same
//! bytes for the same content.
//!
//! printpdf names fonts and the file's `/ID` with random strings; a document we may have to print
//! again, or whose bytes someone compares, must not change. So fonts get fixed names here, and the
//! file identifier is derived from the document's own key.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};
use sha2::{Digest, Sha256};

use super::fonts;

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

/// A picture to place on a page (a signature), decoded from a PNG file.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    /// A name unique within the document (its PDF resource name).
    pub name: String,
    pub image: printpdf::RawImage,
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
        // the file carries one image without a mask (less to compress on every print).
        let over_white = |value: u8, alpha: u8| -> u8 {
            let (v, a) = (u16::from(value), u16::from(alpha));
            ((v * a + 255 * (255 - a) + 127) / 255) as u8
        };
        let (pixels, data_format) = match frame.color_type {
            png::ColorType::Grayscale => (pixels, printpdf::RawImageFormat::R8),
            png::ColorType::Rgb => (pixels, printpdf::RawImageFormat::RGB8),
            png::ColorType::GrayscaleAlpha => (
                pixels
                    .chunks_exact(2)
                    .map(|p| over_white(p[0], p[1]))
                    .collect(),
                printpdf::RawImageFormat::R8,
            ),
            png::ColorType::Rgba => (
                pixels
                    .chunks_exact(4)
                    .flat_map(|p| [0, 1, 2].map(|i| over_white(p[i], p[3])))
                    .collect(),
                printpdf::RawImageFormat::RGB8,
            ),
            other => return Err(format!("unsupported colour type {other:?}")),
        };
        Ok(Picture {
            name: name.to_owned(),
            image: printpdf::RawImage {
                pixels: printpdf::RawImageData::U8(pixels),
                width: frame.width as usize,
                height: frame.height as usize,
                data_format,
                tag: Vec::new(),
            },
        })
    }
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
        let pixels_wide = picture.image.width.max(1) as f32;
        // At 72 dpi one pixel is one point; scale to the wanted width.
        let scale = Mm(width).into_pt().0 / pixels_wide;
        self.ops.push(Op::UseXobject {
            id: printpdf::XObjectId(picture.name.clone()),
            transform: printpdf::XObjectTransform {
                translate_x: Some(Mm(x).into_pt()),
                translate_y: Some(Mm(y).into_pt()),
                rotate: None,
                scale_x: Some(scale),
                scale_y: Some(scale),
                dpi: Some(72.0),
                no_auto_scale: false,
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
/// stands alone on its line).
pub fn wrap(face: Face, size: f32, width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && width_mm(face, size, &candidate) > width {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
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
    // Pictures under fixed names, like the fonts.
    for picture in pages.iter().flat_map(|p| &p.pictures) {
        doc.resources.xobjects.map.insert(
            printpdf::XObjectId(picture.name.clone()),
            printpdf::XObject::Image(picture.image.clone()),
        );
    }
    doc.pages = pages
        .into_iter()
        .map(|p| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), p.ops))
        .collect();
    let mut warnings = Vec::new();
    // No image "optimisation": printpdf would scan every pixel and deflate at the slowest level on
    // every print; the image stream is compressed with the rest of the file below instead.
    let options = PdfSaveOptions {
        image_optimization: None,
        ..PdfSaveOptions::default()
    };
    let mut lo = printpdf::serialize::to_lopdf_doc(&doc, &options, &mut warnings);
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
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .expect("writing a PDF into memory cannot fail");
    bytes
}
