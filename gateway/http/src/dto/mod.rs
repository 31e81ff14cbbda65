//! Request bodies: one struct per command, `deny_unknown_fields` so a misspelt field is an
//! error rather than silently ignored, value types that parse (UPN, URN, LA code, dates, money),
//! and a conversion into the domain command.

pub mod children;
pub mod funding;
pub mod pep_workflow;
pub mod peps;
pub mod sharing;
pub mod values;
