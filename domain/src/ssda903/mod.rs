//! SSDA903 code lists (the statutory looked-after children return), versioned by collection year.
//!
//! Codes change from one collection year (1 April to 31 March) to the next, so each code carries
//! the years it is valid in and every check names the year: a placement that started in 2025-26
//! may not use `Z1`, one that started in 2024-25 may. The lists are data
//! (`domain/data/ssda903/*.toml`), embedded in the release and replaceable from a file; see
//! `docs/ssda903.md` for their sources and format.

mod code_lists;
mod collection_year;
mod kind;
#[cfg(test)]
mod tests;

pub use code_lists::{CodeEntry, CodeError, CodeListError, CodeLists, UNCONFIRMED_DESCRIPTION};
pub use collection_year::{CollectionYear, CollectionYearError};
pub use kind::{CodeListKind, UnknownCodeListField};
