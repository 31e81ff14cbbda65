//! Given/when/then scenarios for every child command and every way it can be refused.
//!
//! The history builders every scenario starts from live here; the scenarios themselves are
//! split by the part of the child record they exercise, so each file reads in one sitting.

use super::*;
use crate::actor::PersonRef;
use crate::ids::{ChildId, PepId};
use crate::pep::{PepKind, PepTrigger};
use crate::testing::given;
use crate::values::{LaCode, SchoolUrn, Upn};
use chrono::NaiveDate;
use uuid::Uuid;

mod education_facts;
mod episodes;
mod notices;
mod people;
mod peps;
mod registration;
mod settings;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn child_id() -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(1))
}

fn pep_id(n: u128) -> PepId {
    PepId::from_uuid(Uuid::from_u128(100 + n))
}

fn valid_upn() -> String {
    let tail = "831200101001";
    format!("{}{tail}", Upn::check_letter_for(tail).unwrap())
}

fn details() -> ChildDetails {
    ChildDetails {
        date_of_birth: date(2012, 3, 27),
        sex: Sex::Female,
        upn: Some(valid_upn()),
        given_name: Some("Amara".to_owned()),
        family_name: Some("Okafor".to_owned()),
    }
}

fn registered() -> ChildEvent {
    ChildEvent::Registered {
        child_id: child_id(),
        la: LaCode::parse("831").unwrap(),
        la_child_id: "566910".to_owned(),
        details: details(),
    }
}

fn episode(start: NaiveDate, rne: &str) -> Ssda903Episode {
    Ssda903Episode {
        start_date: start,
        reason_new_episode: rne.to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: None,
        end_date: None,
        reason_ceased: None,
        placement_postcode: Some("WV27 9FW".to_owned()),
        setting_urn: None,
    }
}

fn closed(mut row: Ssda903Episode, end: NaiveDate, rec: &str) -> Ssda903Episode {
    row.end_date = Some(end);
    row.reason_ceased = Some(rec.to_owned());
    row
}

fn in_care() -> Vec<ChildEvent> {
    vec![
        registered(),
        ChildEvent::CareEpisodeStarted {
            episode: episode(date(2024, 11, 1), "S"),
        },
    ]
}

fn school(urn: &str, name: &str) -> EducationSetting {
    EducationSetting {
        urn: Some(SchoolUrn::parse(urn).unwrap()),
        name: name.to_owned(),
    }
}

fn person(id: &str, name: &str) -> PersonRef {
    PersonRef {
        id: id.to_owned(),
        name: name.to_owned(),
    }
}
