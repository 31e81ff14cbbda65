//! The demo cohort's cast: names, schools, social workers, IROs and target wording, picked by
//! index so the same cohort comes out every time.

use super::DemoSeedError;
use domain::actor::PersonRef;
use domain::child::EducationSetting;
use domain::values::SchoolUrn;
use domain::{Actor, Role};

const GIVEN_NAMES: [&str; 16] = [
    "Amara", "Kai", "Leah", "Tyler", "Zainab", "Oliver", "Maya", "Jayden", "Ruby", "Mohammed",
    "Chloe", "Ethan", "Aisha", "Harvey", "Freya", "Reuben",
];

const FAMILY_NAMES: [&str; 14] = [
    "Okafor", "Smith", "Patel", "Walker", "Nowak", "Hughes", "Begum", "Clarke", "Evans", "Khan",
    "Murphy", "Taylor", "Ahmed", "Lewis",
];

const SCHOOLS: [(&str, &str, &str); 12] = [
    ("124301", "Hillside Primary School", "Mrs J. Patel"),
    ("124318", "St Mary's CE Primary School", "Mr D. Owen"),
    ("124327", "Oakfield Junior School", "Ms R. Chen"),
    ("124350", "Riverside Community Primary", "Mr T. Barker"),
    ("124366", "Millbrook Infant School", "Mrs S. Iqbal"),
    ("124402", "Castle Academy", "Mr P. Green"),
    ("136711", "Northfield High School", "Ms L. Fraser"),
    ("136725", "Kingsway Academy", "Mr A. Mensah"),
    ("136740", "Trent Valley School", "Mrs H. Doyle"),
    ("136752", "St Thomas More Catholic School", "Mr K. Walsh"),
    ("136768", "Greenway Pupil Referral Unit", "Ms E. Hart"),
    ("136779", "Beacon Hill College", "Dr M. Sadiq"),
];

const SOCIAL_WORKERS: [&str; 8] = [
    "Sam Reid",
    "Priya Shah",
    "Tom Baxter",
    "Grace Adebayo",
    "Lucy Marsh",
    "Imran Ali",
    "Nina Kowalski",
    "Ben Hart",
];

const IROS: [&str; 4] = ["Helen Ford", "Marcus Lee", "Fatima Noor", "Gareth Price"];

const TARGETS: [(&str, &str, &str); 4] = [
    (
        "reading",
        "read independently for 20 minutes each day",
        "reading log shows 20 minutes on 4 days a week for 6 weeks",
    ),
    (
        "maths",
        "secure times tables to 12 x 12",
        "scores 45 out of 50 on the weekly times-tables check",
    ),
    (
        "attendance",
        "attend every morning session",
        "attendance above 95% for the half term",
    ),
    (
        "wellbeing",
        "use the agreed calm-down plan in lessons",
        "no more than one removal from class per half term",
    ),
];

/// A school with its designated teacher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct School {
    urn: &'static str,
    name: &'static str,
    designated_teacher: &'static str,
}

impl School {
    /// The school as a child's education setting.
    pub fn setting(&self) -> Result<EducationSetting, DemoSeedError> {
        Ok(EducationSetting {
            urn: Some(
                SchoolUrn::parse(self.urn)
                    .map_err(|error| DemoSeedError::Generator(error.to_string()))?,
            ),
            name: self.name.to_owned(),
        })
    }

    /// The school's designated teacher.
    pub fn designated_teacher(&self) -> PersonRef {
        PersonRef {
            id: format!("dt-{}", self.urn),
            name: self.designated_teacher.to_owned(),
        }
    }

    /// The designated teacher acting.
    pub fn designated_teacher_actor(&self) -> Actor {
        Actor::new(format!("dt-{}", self.urn), Role::DesignatedTeacher)
    }
}

/// The school of the child at `index`.
pub fn school(index: usize) -> School {
    let (urn, name, designated_teacher) = SCHOOLS[index % SCHOOLS.len()];
    School {
        urn,
        name,
        designated_teacher,
    }
}

/// A given name for the child at `index`.
pub fn given_name(index: usize) -> &'static str {
    GIVEN_NAMES[index % GIVEN_NAMES.len()]
}

/// A family name for the child at `index`, varied independently of the given name.
pub fn family_name(index: usize) -> &'static str {
    FAMILY_NAMES[(index / GIVEN_NAMES.len() + index * 5) % FAMILY_NAMES.len()]
}

/// The social worker of the child at `index`.
pub fn social_worker(index: usize) -> PersonRef {
    let slot = index % SOCIAL_WORKERS.len();
    PersonRef {
        id: format!("sw-{}", slot + 1),
        name: SOCIAL_WORKERS[slot].to_owned(),
    }
}

/// The IRO of the child at `index`.
pub fn iro(index: usize) -> PersonRef {
    let slot = index % IROS.len();
    PersonRef {
        id: format!("iro-{}", slot + 1),
        name: IROS[slot].to_owned(),
    }
}

/// Area, description and success criterion of a SMART target.
pub fn target(index: usize) -> (&'static str, &'static str, &'static str) {
    TARGETS[index % TARGETS.len()]
}
