//! A notice's recipients as channel targets, and the delivery rows that follow: pure, so the
//! translation is tested without a database. Who is told is the domain's rule
//! (`domain::child::notice_addressees`); this file only carries it onto the channels.
//!
//! - No IRO yet: the notice is `unaddressed`; only the Virtual School's inbox gets it (so a
//!   person sees that the child has no IRO), and the rest follows when an IRO is assigned.
//! - Each recipient gets an inbox row and, when NATS is configured, a NATS row on its own
//!   subject; every active webhook of the LA gets one row naming all recipients.

use super::message::{MESSAGE_SCHEMA, NamedPerson, NoticeMessage, Recipient, delivery_id};
use super::tables::{NewDelivery, NoticeRow, Webhook};
use domain::child::{ChildState, NoticeAddressee, notice_addressees};
use domain::policy::NoticeRule;

/// The child's IRO and the recipients of a notice about the child as it stands: the address
/// list is the domain's rule ([`notice_addressees`]); this only names each addressee's channel
/// target (the Virtual School by its LA).
pub fn recipients_of(
    child: &ChildState,
    la: &str,
    rule: NoticeRule,
) -> (Option<NamedPerson>, Vec<Recipient>) {
    let Some((iro, addressees)) = notice_addressees(child, rule) else {
        return (None, Vec::new());
    };
    let recipients = addressees
        .iter()
        .map(|addressee| match addressee {
            NoticeAddressee::Iro(id) => Recipient::iro(id),
            NoticeAddressee::SocialWorker(id) => Recipient::social_worker(id),
            NoticeAddressee::VirtualSchool => Recipient::virtual_school(la),
        })
        .collect();
    let iro = NamedPerson {
        id: iro.id.clone(),
        name: iro.name.clone(),
    };
    (Some(iro), recipients)
}

/// The delivery rows of `notice` to `recipients` over the channels available.
pub fn deliveries_for(
    notice: &NoticeRow,
    recipients: &[Recipient],
    webhooks: &[Webhook],
    nats_enabled: bool,
) -> Vec<NewDelivery> {
    let mut rows = Vec::new();
    let inbox = |recipient: &Recipient| {
        let target = recipient.inbox_key();
        NewDelivery {
            delivery_id: delivery_id(notice.notice_id, "inbox", &target),
            channel: "inbox",
            target,
            // The inbox reads the notice itself; nothing is sent.
            payload: String::new(),
        }
    };
    let Some(iro) = &notice.iro else {
        rows.push(inbox(&Recipient::virtual_school(&notice.la)));
        return rows;
    };
    for recipient in recipients {
        rows.push(inbox(recipient));
        if nats_enabled {
            let target = recipient.subject(&notice.la);
            rows.push(NewDelivery {
                delivery_id: delivery_id(notice.notice_id, "nats", &target),
                channel: "nats",
                target,
                payload: body(notice, iro, vec![recipient.clone()]),
            });
        }
    }
    for webhook in webhooks.iter().filter(|webhook| webhook.active) {
        let target = webhook.webhook_id.to_string();
        rows.push(NewDelivery {
            delivery_id: delivery_id(notice.notice_id, "webhook", &target),
            channel: "webhook",
            target,
            payload: body(notice, iro, recipients.to_vec()),
        });
    }
    rows
}

/// The JSON body of a notice for `recipients`.
pub fn message(notice: &NoticeRow, iro: &NamedPerson, recipients: Vec<Recipient>) -> NoticeMessage {
    NoticeMessage {
        schema: MESSAGE_SCHEMA.to_owned(),
        notice_id: notice.notice_id,
        la: notice.la.clone(),
        child_id: notice.child_id,
        reason: notice.reason.clone(),
        summary: notice.summary.clone(),
        occurred_on: notice.occurred_on,
        about_event_id: notice.about_event_id,
        position: notice.position,
        requested_at: notice.requested_at,
        iro: iro.clone(),
        recipients,
    }
}

fn body(notice: &NoticeRow, iro: &NamedPerson, recipients: Vec<Recipient>) -> String {
    // A struct of strings, dates and ids always serialises.
    serde_json::to_string(&message(notice, iro, recipients)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::PersonRef;
    use domain::child::AssignedRole;
    use domain::child::ChildEvent;
    use uuid::Uuid;

    fn child(people: &[(AssignedRole, &str)]) -> ChildState {
        people
            .iter()
            .fold(ChildState::default(), |state, (role, id)| {
                state.evolve(&ChildEvent::PersonAssigned {
                    role: *role,
                    person: PersonRef {
                        id: (*id).to_owned(),
                        name: format!("{id} name"),
                    },
                    from: chrono::NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
                })
            })
    }

    fn notice(iro: Option<NamedPerson>) -> NoticeRow {
        NoticeRow {
            notice_id: Uuid::from_u128(7),
            la: "831".to_owned(),
            child_id: Uuid::from_u128(8),
            reason: "placement_change".to_owned(),
            summary: "moved".to_owned(),
            occurred_on: chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
            about_event_id: Uuid::from_u128(9),
            position: 12,
            requested_at: chrono::DateTime::from_timestamp(1_736_150_400, 0).unwrap(),
            state: if iro.is_some() {
                "addressed"
            } else {
                "unaddressed"
            }
            .to_owned(),
            iro,
        }
    }

    #[test]
    fn the_policy_decides_the_copies() {
        let child = child(&[
            (AssignedRole::Iro, "iro-1"),
            (AssignedRole::SocialWorker, "sw-1"),
        ]);
        let (iro, recipients) = recipients_of(&child, "831", NoticeRule::default());
        assert_eq!(iro.unwrap().id, "iro-1");
        assert_eq!(
            recipients,
            vec![Recipient::iro("iro-1"), Recipient::social_worker("sw-1")]
        );
        let everyone = NoticeRule {
            copy_social_worker: true,
            copy_virtual_school: true,
        };
        assert_eq!(recipients_of(&child, "831", everyone).1.len(), 3);
        let iro_only = NoticeRule {
            copy_social_worker: false,
            copy_virtual_school: false,
        };
        assert_eq!(
            recipients_of(&child, "831", iro_only).1,
            vec![Recipient::iro("iro-1")]
        );
        let without_iro = recipients_of(
            &self::child(&[(AssignedRole::SocialWorker, "sw-1")]),
            "831",
            everyone,
        );
        assert_eq!(without_iro, (None, Vec::new()));
    }

    #[test]
    fn rows_per_channel_and_recipient_and_the_unaddressed_case() {
        let iro = NamedPerson {
            id: "iro-1".to_owned(),
            name: "Iro One".to_owned(),
        };
        let addressed = notice(Some(iro));
        let recipients = vec![Recipient::iro("iro-1"), Recipient::social_worker("sw-1")];
        let webhook = Webhook {
            webhook_id: Uuid::from_u128(3),
            la: "831".to_owned(),
            url: "https://example.invalid/hook".to_owned(),
            description: "case system".to_owned(),
            active: true,
            created_by: "vs".to_owned(),
            created_at: addressed.requested_at,
            deactivated_at: None,
        };
        let rows = deliveries_for(
            &addressed,
            &recipients,
            std::slice::from_ref(&webhook),
            true,
        );
        let targets: Vec<(&str, &str)> = rows
            .iter()
            .map(|row| (row.channel, row.target.as_str()))
            .collect();
        assert_eq!(
            targets,
            vec![
                ("inbox", "iro:iro-1"),
                ("nats", "pep.v1.notify.831.iro.iro-1"),
                ("inbox", "social_worker:sw-1"),
                ("nats", "pep.v1.notify.831.social_worker.sw-1"),
                ("webhook", "00000000-0000-0000-0000-000000000003"),
            ]
        );
        let hook_body: serde_json::Value = serde_json::from_str(&rows[4].payload).unwrap();
        assert_eq!(hook_body["recipients"].as_array().unwrap().len(), 2);
        assert_eq!(deliveries_for(&addressed, &recipients, &[], false).len(), 2);

        let waiting = deliveries_for(&notice(None), &[], &[webhook], true);
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].target, "virtual_school:831");
    }
}
