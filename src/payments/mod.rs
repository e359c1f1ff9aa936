//! Payments: the providers behind one trait (Stripe, simulated), and what their webhooks are checked
//! with.

pub mod signature;
