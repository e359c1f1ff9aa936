//! Documents: certificates, receipts, letters (PDF). Today: the fonts they use, and the check that a
//! name can be drawn with them.

pub mod fonts;
