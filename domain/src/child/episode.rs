//! One SSDA903 episode row, as social care systems send it (contracts.md §1), and the checks
//! that make it well formed.
//!
//! Codes are kept as the strings the return uses: which codes are valid is data that changes by
//! collection year ([`crate::ssda903::CodeLists`]), so the edge checks them against the list for
//! the episode's year before a command is built, and the record keeps exactly what was sent.

use crate::ssda903::{CodeError, CodeListKind, CodeLists, CollectionYear};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One SSDA903 episode: a period with one legal status and one placement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ssda903Episode {
    /// DECOM: the date the episode started. With the child it identifies the episode.
    pub start_date: NaiveDate,
    /// RNE: why a new episode started (S, L, P, T, B, U).
    pub reason_new_episode: String,
    /// LS: legal status.
    pub legal_status: String,
    /// PLACE: placement type.
    pub placement_type: String,
    /// PLACE_PROVIDER.
    pub placement_provider: String,
    /// REASON_PLACE_CHANGE, when the placement changed.
    #[serde(default)]
    pub reason_place_change: Option<String>,
    /// DEC: the date the episode ended, if it has.
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    /// REC: why the episode ended.
    #[serde(default)]
    pub reason_ceased: Option<String>,
    /// Postcode of the placement.
    #[serde(default)]
    pub placement_postcode: Option<String>,
    /// URN of the placement setting (Ofsted URN) as reported.
    #[serde(default)]
    pub setting_urn: Option<String>,
}

/// What kind of change an episode records, from its RNE code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpisodeChange {
    /// RNE `S`: started to be looked after.
    StartedCare,
    /// RNE `L`: change of legal status only.
    LegalStatusOnly,
    /// RNE `P`, `T`, `B` or `U`: the placement changed (with or without legal status).
    Placement,
}

/// REC code meaning "episode ceases and a new one begins on the same day": the child stays in care.
pub const REASON_CEASED_CONTINUES: &str = "X1";

/// Why an episode row is malformed (and so refused rather than applied).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EpisodeError {
    /// DEC before DECOM.
    #[error("end_date {end_date} is before start_date {start_date}")]
    EndsBeforeStart {
        /// DECOM.
        start_date: NaiveDate,
        /// DEC.
        end_date: NaiveDate,
    },
    /// DEC without REC, or REC without DEC.
    #[error("end_date and reason_ceased must be given together")]
    EndWithoutReason,
    /// A code is not in the code list of the collection year it belongs to.
    #[error("{field}: {source}")]
    Code {
        /// The 903 field.
        field: &'static str,
        /// What the code list said.
        source: CodeError,
    },
}

impl Ssda903Episode {
    /// The kind of change, from RNE. Unknown codes never reach here (see [`Self::check`]), but
    /// the answer for them is `Placement`, the change that asks most of the PEP.
    pub fn change(&self) -> EpisodeChange {
        match self.reason_new_episode.as_str() {
            "S" => EpisodeChange::StartedCare,
            "L" => EpisodeChange::LegalStatusOnly,
            _ => EpisodeChange::Placement,
        }
    }

    /// True when the episode ended and the child left care with it (REC other than `X1`).
    pub fn left_care(&self) -> bool {
        self.end_date.is_some() && self.reason_ceased.as_deref() != Some(REASON_CEASED_CONTINUES)
    }

    /// Structural rules that need no reference data.
    pub fn check_shape(&self) -> Result<(), EpisodeError> {
        if let Some(end_date) = self.end_date
            && end_date < self.start_date
        {
            return Err(EpisodeError::EndsBeforeStart {
                start_date: self.start_date,
                end_date,
            });
        }
        if self.end_date.is_some() != self.reason_ceased.is_some() {
            return Err(EpisodeError::EndWithoutReason);
        }
        Ok(())
    }

    /// Every rule, including each code against the code list of its collection year (the year
    /// of DECOM for the start codes, of DEC for REC).
    pub fn check(&self, code_lists: &CodeLists) -> Result<(), EpisodeError> {
        self.check_shape()?;
        let start_year = CollectionYear::for_date(self.start_date);
        let mut fields = vec![
            (
                "reason_new_episode",
                CodeListKind::ReasonNewEpisode,
                Some(&self.reason_new_episode),
                start_year,
            ),
            (
                "legal_status",
                CodeListKind::LegalStatus,
                Some(&self.legal_status),
                start_year,
            ),
            (
                "placement_type",
                CodeListKind::PlacementType,
                Some(&self.placement_type),
                start_year,
            ),
            (
                "placement_provider",
                CodeListKind::PlacementProvider,
                Some(&self.placement_provider),
                start_year,
            ),
            (
                "reason_place_change",
                CodeListKind::ReasonPlaceChange,
                self.reason_place_change.as_ref(),
                start_year,
            ),
        ];
        if let Some(end_date) = self.end_date {
            fields.push((
                "reason_ceased",
                CodeListKind::ReasonCeased,
                self.reason_ceased.as_ref(),
                CollectionYear::for_date(end_date),
            ));
        }
        for (field, kind, code, year) in fields {
            if let Some(code) = code {
                code_lists
                    .lookup(kind, code, year)
                    .map_err(|source| EpisodeError::Code { field, source })?;
            }
        }
        Ok(())
    }

    /// True when the two episodes' date ranges share at least one day. An episode that ends on
    /// the day the next starts does not overlap it (903 episodes chain that way).
    pub fn overlaps(&self, other: &Ssda903Episode) -> bool {
        let (first, second) = if self.start_date <= other.start_date {
            (self, other)
        } else {
            (other, self)
        };
        match first.end_date {
            None => true,
            Some(end_date) => second.start_date < end_date,
        }
    }
}
