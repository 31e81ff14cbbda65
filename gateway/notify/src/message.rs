//! The notice as receivers get it (the JSON body of the NATS message and of the webhook POST,
//! `docs/schemas/pep.v1.notify.schema.json`), the subjects it is published on, and the stable
//! ids derived from what a notice is about, so that repeating any step makes the same ids.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The prefix of every notice subject.
pub const NOTIFY_SUBJECT_PREFIX: &str = "pep.v1.notify";

/// The namespace of the ids derived here (UUID v5), fixed forever: changing it would change
/// every derived id and defeat deduplication.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f0c_3c58_2b1e_4d57_9a0e_8a3b_1d6c_0e21);

/// A person (or team) a notice is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct Recipient {
    /// `iro`, `social_worker` or `virtual_school`.
    pub role: String,
    /// The person's id as assigned on the child record; the LA code for the Virtual School.
    pub id: String,
}

impl Recipient {
    /// The child's Independent Reviewing Officer.
    pub fn iro(id: &str) -> Self {
        Self {
            role: "iro".to_owned(),
            id: id.to_owned(),
        }
    }

    /// The child's social worker (a copy).
    pub fn social_worker(id: &str) -> Self {
        Self {
            role: "social_worker".to_owned(),
            id: id.to_owned(),
        }
    }

    /// The LA's Virtual School team (a copy).
    pub fn virtual_school(la: &str) -> Self {
        Self {
            role: "virtual_school".to_owned(),
            id: la.to_owned(),
        }
    }

    /// The inbox this recipient reads: `<role>:<id>`.
    pub fn inbox_key(&self) -> String {
        format!("{}:{}", self.role, self.id)
    }

    /// The NATS subject: `pep.v1.notify.<la>.iro.<id>`, `...social_worker.<id>`, or
    /// `pep.v1.notify.<la>.virtual_school`.
    pub fn subject(&self, la: &str) -> String {
        if self.role == "virtual_school" {
            format!(
                "{NOTIFY_SUBJECT_PREFIX}.{}.virtual_school",
                subject_token(la)
            )
        } else {
            format!(
                "{NOTIFY_SUBJECT_PREFIX}.{}.{}.{}",
                subject_token(la),
                self.role,
                subject_token(&self.id)
            )
        }
    }
}

/// A person id as one subject token: characters NATS gives a meaning to (`.`, `*`, `>`,
/// whitespace) become `_`, so an id can never address more than its own subject.
pub fn subject_token(text: &str) -> String {
    let token: String = text
        .chars()
        .map(|character| match character {
            '.' | '*' | '>' => '_',
            other if other.is_whitespace() || other.is_control() => '_',
            other => other,
        })
        .collect();
    if token.is_empty() {
        "_".to_owned()
    } else {
        token
    }
}

/// The IRO a notice is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NamedPerson {
    /// Their id on the child record.
    pub id: String,
    /// Their name.
    pub name: String,
}

/// The body of a notice (`pep.v1.notify`, version 1). Fields are only ever added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NoticeMessage {
    /// `pep.v1.notify`.
    pub schema: String,
    /// Stable id: the same notice always carries it, so receivers deduplicate on it.
    pub notice_id: Uuid,
    /// The responsible LA's 3-digit code.
    pub la: String,
    /// The child the notice is about (no name: receivers look the child up with their access).
    pub child_id: Uuid,
    /// `placement_change`, `school_change`, `education_breakdown`, `exclusion`, `pep_overdue`.
    pub reason: String,
    /// One line for the IRO.
    pub summary: String,
    /// The day the change happened (for an overdue PEP, the day it fell due).
    pub occurred_on: chrono::NaiveDate,
    /// The event that made the notice necessary (derived from the due item when overdue).
    pub about_event_id: Uuid,
    /// The global position of the `IroNoticeRequested` event.
    pub position: u64,
    /// When the notice was requested.
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// The child's IRO.
    pub iro: NamedPerson,
    /// Who this copy of the notice is for: one recipient on NATS and in the inbox, every
    /// recipient on a webhook.
    pub recipients: Vec<Recipient>,
}

/// The value of [`NoticeMessage::schema`].
pub const MESSAGE_SCHEMA: &str = "pep.v1.notify";

/// A UUID v5 of `parts` joined, under this module's namespace.
fn derived(parts: &[&str]) -> Uuid {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

/// The id of one delivery: the same notice, channel and target always give the same id, which
/// is the NATS `Nats-Msg-Id` and the webhook's `Pep-Delivery-Id`.
pub fn delivery_id(notice_id: Uuid, channel: &str, target: &str) -> Uuid {
    derived(&["delivery", &notice_id.to_string(), channel, target])
}

/// The ids of the overdue notice about one due item: `(notice_id, about_event_id)`. The item
/// is named by its kind (as JSON), the start of its care period and its due date, so a sweep
/// repeated on any node, any day, derives the same pair.
pub fn overdue_notice_ids(
    child_id: Uuid,
    item_key: &str,
    due_date: chrono::NaiveDate,
) -> (Uuid, Uuid) {
    let child = child_id.to_string();
    let due = due_date.to_string();
    (
        derived(&["overdue-notice", &child, item_key, &due]),
        derived(&["overdue-item", &child, item_key, &due]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_keep_ids_inside_one_token() {
        assert_eq!(
            Recipient::iro("iro-7").subject("831"),
            "pep.v1.notify.831.iro.iro-7"
        );
        assert_eq!(
            Recipient::social_worker("a.b *>c").subject("831"),
            "pep.v1.notify.831.social_worker.a_b___c"
        );
        assert_eq!(
            Recipient::virtual_school("831").subject("831"),
            "pep.v1.notify.831.virtual_school"
        );
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let notice = Uuid::from_u128(1);
        assert_eq!(
            delivery_id(notice, "nats", "x"),
            delivery_id(notice, "nats", "x")
        );
        assert_ne!(
            delivery_id(notice, "nats", "x"),
            delivery_id(notice, "inbox", "x")
        );
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
        let (first, about) = overdue_notice_ids(notice, "{\"kind\":\"initial_pep\"}", day);
        assert_eq!(
            (first, about),
            overdue_notice_ids(notice, "{\"kind\":\"initial_pep\"}", day)
        );
        assert_ne!(first, about);
        assert_ne!(
            first,
            overdue_notice_ids(
                notice,
                "{\"kind\":\"initial_pep\"}",
                day.succ_opt().unwrap()
            )
            .0
        );
    }
}
