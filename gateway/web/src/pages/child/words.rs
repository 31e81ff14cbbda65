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

/// A suspension or permanent exclusion in words.
pub(super) fn exclusion_kind_name(kind: domain::child::ExclusionKind) -> &'static str {
    use domain::child::ExclusionKind;
    match kind {
        ExclusionKind::Suspension => "Suspension (fixed-term)",
        ExclusionKind::PermanentExclusion => "Permanent exclusion",
    }
}

/// How long an exclusion lasts: "3 school days", or "Permanent".
pub(super) fn exclusion_length(kind: domain::child::ExclusionKind, days: Option<u32>) -> String {
    use domain::child::ExclusionKind;
    match (kind, days) {
        (ExclusionKind::PermanentExclusion, _) => "Permanent".to_owned(),
        (ExclusionKind::Suspension, Some(1)) => "1 school day".to_owned(),
        (ExclusionKind::Suspension, Some(days)) => format!("{days} school days"),
        (ExclusionKind::Suspension, None) => "Not recorded".to_owned(),
    }
}

/// Sessions attended as a percentage of those possible, to one decimal place, written as the
/// timeline writes it.
pub(super) fn percentage(attended: u32, possible: u32) -> String {
    projections::chronology::attendance_percentage(attended, possible)
        .unwrap_or_else(|| "No sessions possible".to_owned())
}

/// Whether a result is on track against expected progress, as the school said.
pub(super) fn on_track_words(on_track: Option<bool>) -> &'static str {
    match on_track {
        Some(true) => "On track",
        Some(false) => "Not on track",
        None => "Not stated",
    }
}

/// SEN provision in words.
pub(super) fn sen_name(provision: Option<domain::child::SenProvision>) -> &'static str {
    use domain::child::SenProvision;
    match provision {
        None => "Not recorded",
        Some(SenProvision::None) => "No identified needs",
        Some(SenProvision::SenSupport) => "SEN support",
        Some(SenProvision::EhcpAssessment) => "EHC plan being assessed",
        Some(SenProvision::Ehcp) => "EHC plan",
    }
}

/// A domain value's name in words (`PartlyMet` as "Partly met").
pub fn debug_words(value: &impl std::fmt::Debug) -> String {
    words(&format!("{value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::child::ExclusionKind;

    #[test]
    fn attendance_is_a_percentage_in_tenths() {
        assert_eq!(percentage(171, 180), "95.0%");
        assert_eq!(percentage(2, 3), "66.6%");
        assert_eq!(percentage(0, 0), "No sessions possible");
    }

    #[test]
    fn exclusions_are_in_words() {
        assert_eq!(
            exclusion_kind_name(ExclusionKind::Suspension),
            "Suspension (fixed-term)"
        );
        assert_eq!(
            exclusion_length(ExclusionKind::Suspension, Some(1)),
            "1 school day"
        );
        assert_eq!(
            exclusion_length(ExclusionKind::Suspension, Some(3)),
            "3 school days"
        );
        assert_eq!(
            exclusion_length(ExclusionKind::PermanentExclusion, None),
            "Permanent"
        );
    }
}
