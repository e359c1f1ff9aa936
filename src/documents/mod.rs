//! Documents (PDF), each printed from a plain record with no I/O: receipts and credit notes today;
//! certificates and letters next. The fonts they use, and the check that a name can be drawn.

pub mod fonts;
pub mod pdf;
pub mod receipt;
