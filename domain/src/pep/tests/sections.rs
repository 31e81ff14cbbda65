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
            based_on: None,
            section: PepSection::ChildViews,
            content: "   ".to_owned(),
            by: as_role(Role::YoungPerson),
        })
        .then_error(PepError::EmptyField { field: "content" });
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(PepCommand::DraftSection {
            based_on: None,
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

#[test]
fn a_draft_from_an_older_revision_is_refused_with_the_text_stored_now() {
    let write = |based_on: Option<u32>, content: &str| PepCommand::DraftSection {
        based_on,
        section: PepSection::CareContext,
        content: content.to_owned(),
        by: as_role(Role::SocialWorker),
    };
    // Someone drafted revision 1 while this writer still had revision 0 open.
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(write(Some(0), "my text"))
        .then_error(PepError::SectionChanged {
            section: "care_context",
            based_on: 0,
            revision: 1,
            content: "care_context notes".to_owned(),
        });
    // Having seen it, the writer drafts from revision 1: accepted.
    let state = given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(write(Some(1), "merged text"))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "merged text".to_owned(),
            by_role: Role::SocialWorker,
        }]);
    assert_eq!(state.sections[&PepSection::CareContext].revision, 2);
    // Writing the same text as is stored is no conflict, and without a revision the draft
    // replaces what is there.
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(write(Some(0), "care_context notes"))
        .then([]);
    given::<PepDecider>([initiated(), drafted(PepSection::CareContext)])
        .when(write(None, "replaced"))
        .then([PepEvent::SectionDrafted {
            section: PepSection::CareContext,
            content: "replaced".to_owned(),
            by_role: Role::SocialWorker,
        }]);
}
