//! The people the web sign-in offers in a demonstration: one of each role, drawn from the demo
//! cohort's own schools, social workers and IROs, so each sees the children the cohort gives
//! them.

use super::DEMO_LA;
use super::people::{iro, school, social_worker};
use domain::Role;
use pep_web::{DemoPerson, DemoReach};

/// One person of each role the service has for people.
pub fn demo_people() -> Vec<DemoPerson> {
    let first_school = school(0);
    let teacher = first_school.designated_teacher();
    let worker = social_worker(0);
    let reviewer = iro(0);
    let person = |key: &str,
                  name: &str,
                  role: Role,
                  description: String,
                  subject: &str,
                  reach: DemoReach| DemoPerson {
        key: key.to_owned(),
        name: name.to_owned(),
        role,
        description,
        subject: subject.to_owned(),
        la: DEMO_LA.to_owned(),
        school_urn: None,
        iro_id: None,
        reach,
    };
    let school_urn = teacher
        .id
        .strip_prefix("dt-")
        .unwrap_or_default()
        .to_owned();
    vec![
        person(
            "virtual-school",
            "Alex Morgan",
            Role::VirtualSchool,
            "Virtual School officer: sees every child in the local authority and the dashboard"
                .to_owned(),
            "vs-demo",
            DemoReach::AsTheRoleSays,
        ),
        DemoPerson {
            school_urn: Some(school_urn.clone()),
            ..person(
                "designated-teacher",
                &teacher.name,
                Role::DesignatedTeacher,
                "Designated teacher: sees the children on roll at their school".to_owned(),
                &teacher.id,
                DemoReach::AsTheRoleSays,
            )
        },
        person(
            "social-worker",
            &worker.name,
            Role::SocialWorker,
            "Social worker: sees the children on their caseload".to_owned(),
            &worker.id,
            DemoReach::Caseload,
        ),
        DemoPerson {
            iro_id: Some(reviewer.id.clone()),
            ..person(
                "iro",
                &reviewer.name,
                Role::Iro,
                "Independent reviewing officer: sees the children they review and their notices"
                    .to_owned(),
                &reviewer.id,
                DemoReach::AsTheRoleSays,
            )
        },
        person(
            "carer",
            "Pat Jones",
            Role::Carer,
            "Foster carer: sees the one child in their care".to_owned(),
            "carer-demo",
            DemoReach::OneChild {
                school_urn: Some(school_urn.clone()),
                social_worker_id: Some(worker.id.clone()),
            },
        ),
        person(
            "young-person",
            "Jordan",
            Role::YoungPerson,
            "Young person: sees their own record".to_owned(),
            "young-person-demo",
            DemoReach::OneChild {
                school_urn: Some(school_urn.clone()),
                social_worker_id: Some(worker.id.clone()),
            },
        ),
        person(
            "auditor",
            "Chris Evans",
            Role::Auditor,
            "Auditor: reads everything in the local authority, changes nothing".to_owned(),
            "auditor-demo",
            DemoReach::AsTheRoleSays,
        ),
        person(
            "admin",
            "Sam Taylor",
            Role::Admin,
            "Service administrator".to_owned(),
            "admin-demo",
            DemoReach::AsTheRoleSays,
        ),
    ]
}
