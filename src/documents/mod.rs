//! Documents (PDF), each printed from a plain record with no I/O: receipts and credit notes,
//! certificates (attestation of success, AFGSU 2) with their signed data embedded, visa
//! invitation letters and the cohort's badges; the fonts they use, the check that a name can be drawn,
//! the slots that make every accepted text fit its place on the page, and the PDF signature
//! (`seal`) certificates and visa letters carry.

pub mod badges;
pub mod certificate;
pub mod fonts;
pub mod layout;
pub mod pdf;
pub mod receipt;
pub mod seal;
pub mod signatures;
pub mod specimen;
pub mod transfer;
pub mod visa;
