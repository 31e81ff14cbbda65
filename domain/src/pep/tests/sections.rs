//! Section scenarios, apart because section ownership by role is the PEP's main access rule and has
//! the most refusals.

use super::*;

#[test]
fn the_owner_and_the_virtual_school_draft_a_section() {
    let state = given::<PepDecider>([initiated()])
        .when(draft(PepSection::CareContext, Role::SocialWorker))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "new text".to_owned(),
            by_role: Role::SocialWorker,
        }]);
    assert_eq!(state.status(), PepStatus::InProgress);
    given::<PepDecider>([initiated()])
        .when(draft(PepSection::CareContext, Role::VirtualSchool))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "new text".to_owned(),
            by_role: Role::VirtualSchool,
        }]);
}

#[test]
fn another_role_cannot_draft_a_section() {
    given::<PepDecider>([initiated()])
        .when(draft(PepSection::AttainmentAndProgress, Role::Carer))
        .then_error(PepError::NotSectionOwner {
            section: "attainment_and_progress",
            owner: Role::DesignatedTeacher,
            by: Role::Carer,
            verb: "draft",
        });
}

#[test]
fn an_empty_draft_is_refused_and_an_unchanged_one_records_nothing() {
    given::<PepDecider>([initiated()])
        .when(PepCommand::DraftSection {
            section: PepSection::ChildViews,
            content: "   ".to_owned(),
            by: as_role(Role::YoungPerson),
        })
        .then_error(PepError::EmptyField { field: "content" });
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::DraftSection {
            section: PepSection::CareContext,
            content: "care_context notes".to_owned(),
            by: as_role(Role::SocialWorker),
        })
        .then([]);
}

#[test]
fn only_the_owning_role_completes_a_section() {
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::CompleteSection {
            section: PepSection::CareContext,
            by: as_role(Role::SocialWorker),
            completed_on: date(2025, 1, 20),
        })
        .then([PepEvent::SectionCompleted {
            section: PepSection::CareContext,
            by_role: Role::SocialWorker,
            completed_on: date(2025, 1, 20),
        }]);
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::CompleteSection {
            section: PepSection::CareContext,
            by: as_role(Role::VirtualSchool),
            completed_on: date(2025, 1, 20),
        })
        .then_error(PepError::NotSectionOwner {
            section: "care_context",
            owner: Role::SocialWorker,
            by: Role::VirtualSchool,
            verb: "complete",
        });
}

#[test]
fn a_section_without_content_cannot_be_completed_and_completing_twice_records_nothing() {
    given::<PepDecider>([initiated()])
        .when(PepCommand::CompleteSection {
            section: PepSection::ChildViews,
            by: as_role(Role::YoungPerson),
            completed_on: date(2025, 1, 20),
        })
        .then_error(PepError::SectionEmpty("child_views"));
    given::<PepDecider>([
        initiated(),
        drafted(PepSection::CareContext),
        completed(PepSection::CareContext),
    ])
    .when(PepCommand::CompleteSection {
        section: PepSection::CareContext,
        by: as_role(Role::SocialWorker),
        completed_on: date(2025, 1, 21),
    })
    .then([]);
}

#[test]
fn redrafting_a_completed_section_reopens_it() {
    let state = given::<PepDecider>([
        initiated(),
        drafted(PepSection::CareContext),
        completed(PepSection::CareContext),
    ])
    .when(draft(PepSection::CareContext, Role::SocialWorker))
    .then([PepEvent::SectionDrafted {
        section: PepSection::CareContext,
        content: "new text".to_owned(),
        by_role: Role::SocialWorker,
    }]);
    assert_eq!(state.sections[&PepSection::CareContext].completed_on, None);
}
