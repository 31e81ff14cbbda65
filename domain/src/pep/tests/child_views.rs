//! Scenarios for the child's views, apart because the child's voice has its own rule: words or
//! attachments, never neither.

use super::*;

#[test]
fn the_childs_views_are_recorded_as_words_or_attachments() {
    let drawing = AttachmentRef {
        attachment_id: "att-1".to_owned(),
        file_name: "my-school.png".to_owned(),
        media_type: "image/png".to_owned(),
        size_bytes: 48_213,
        sha256: "ab".repeat(32),
    };
    given::<PepDecider>([initiated()])
        .when(PepCommand::RecordChildViews {
            views: String::new(),
            attachments: vec![drawing.clone()],
            in_own_words: true,
            by: as_role(Role::Carer),
            recorded_on: date(2025, 1, 15),
        })
        .then([PepEvent::ChildViewsRecorded {
            views: String::new(),
            attachments: vec![drawing],
            recorded_by_role: Role::Carer,
            in_own_words: true,
            recorded_on: date(2025, 1, 15),
        }]);
    given::<PepDecider>([initiated()])
        .when(PepCommand::RecordChildViews {
            views: " ".to_owned(),
            attachments: vec![],
            in_own_words: true,
            by: as_role(Role::YoungPerson),
            recorded_on: date(2025, 1, 15),
        })
        .then_error(PepError::EmptyField {
            field: "views or attachments",
        });
}
