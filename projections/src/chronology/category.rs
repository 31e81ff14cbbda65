//! The categories a timeline can be filtered by, one per kind of fact about a child.

use serde::Serialize;

/// What kind of fact an entry is, for filtering a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Registration and identifying details.
    Record,
    /// Care episodes: entering care, placements, legal status, leaving care.
    Care,
    /// Schools and other education settings.
    EducationSetting,
    /// People assigned around the child.
    People,
    /// Special educational needs.
    Sen,
    /// Attendance.
    Attendance,
    /// Suspensions and exclusions.
    Exclusion,
    /// Attainment and progress.
    Attainment,
    /// The PEP document and its workflow.
    Pep,
    /// PEP meetings.
    PepMeeting,
    /// SMART targets and their reviews.
    Target,
    /// Actions agreed at PEP meetings.
    Action,
    /// Pupil Premium Plus.
    Funding,
    /// IRO notices.
    Notice,
}

impl Category {
    /// Every category, in a stable order.
    pub const ALL: [Category; 14] = [
        Category::Record,
        Category::Care,
        Category::EducationSetting,
        Category::People,
        Category::Sen,
        Category::Attendance,
        Category::Exclusion,
        Category::Attainment,
        Category::Pep,
        Category::PepMeeting,
        Category::Target,
        Category::Action,
        Category::Funding,
        Category::Notice,
    ];

    /// The stable wire name stored in `chronology_entries.category`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Category::Record => "record",
            Category::Care => "care",
            Category::EducationSetting => "education_setting",
            Category::People => "people",
            Category::Sen => "sen",
            Category::Attendance => "attendance",
            Category::Exclusion => "exclusion",
            Category::Attainment => "attainment",
            Category::Pep => "pep",
            Category::PepMeeting => "pep_meeting",
            Category::Target => "target",
            Category::Action => "action",
            Category::Funding => "funding",
            Category::Notice => "notice",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|category| category.as_str() == text)
    }
}
