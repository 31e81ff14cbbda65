//! The words a child's page uses for what the record stores as codes and identifiers.

use crate::format;

/// A chronology category in words.
pub fn category_name(category: &str) -> String {
    match category {
        "record" => "Record",
        "care" => "Care and placement",
        "education_setting" => "School",
        "people" => "People",
        "sen" => "SEN",
        "attendance" => "Attendance",
        "exclusion" => "Exclusions",
        "attainment" => "Attainment",
        "pep" => "PEP",
        "pep_meeting" => "PEP meeting",
        "target" => "Targets",
        "action" => "Actions",
        "funding" => "PP+",
        "notice" => "Notices",
        other => other,
    }
    .to_owned()
}

/// `CurrentArrangements` as "Current arrangements".
pub(super) fn words(identifier: &str) -> String {
    let mut text = String::new();
    for (index, character) in identifier.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            text.push(' ');
            text.extend(character.to_lowercase());
        } else {
            text.push(character);
        }
    }
    text
}

/// A data-quality flag in words a person can act on (ring the social care team about it).
pub(super) fn flag_words(issue: &domain::child::DataQualityIssue) -> String {
    use domain::child::DataQualityIssue;
    match issue {
        DataQualityIssue::InvalidUpn { upn, reason } => {
            format!("The UPN {upn} is not valid: {reason}")
        }
        DataQualityIssue::OverlappingEpisodes {
            first_start,
            second_start,
        } => format!(
            "Two care episodes overlap: the one starting {} and the one starting {}",
            format::date(*first_start),
            format::date(*second_start)
        ),
        DataQualityIssue::FirstEpisodeNotStart {
            start_date,
            reason_new_episode,
        } => format!(
            "The earliest care episode known, starting {}, does not start a period of care (its reason for a new episode is {reason_new_episode}, not S): an earlier episode may be missing",
            format::date(*start_date)
        ),
    }
}
