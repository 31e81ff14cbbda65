//! Who is told about a significant change in a child's life: the rule behind every IRO notice's
//! address list, pure so it is tested once here and the delivery code only carries it out.
//!
//! - The child's Independent Reviewing Officer, always, as assigned when the notice was asked
//!   for.
//! - The social worker, when the LA's policy copies them (`[notices] copy_social_worker`).
//! - The Virtual School, when the policy copies it (`[notices] copy_virtual_school`).
//! - A child with no IRO yet has no addressee: the notice waits, unaddressed, until one is
//!   assigned (the delivery side shows it to the Virtual School meanwhile).

use super::{AssignedRole, ChildState};
use crate::actor::PersonRef;
use crate::policy::NoticeRule;

/// One person or office a notice is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeAddressee {
    /// The child's IRO, by their id.
    Iro(String),
    /// The child's social worker, by their id.
    SocialWorker(String),
    /// The Virtual School of the child's LA.
    VirtualSchool,
}

/// The address list of a notice about `child` as it stands: the IRO and everyone the notice
/// goes to (the IRO first). `None` while the child has no IRO.
pub fn notice_addressees(
    child: &ChildState,
    rule: NoticeRule,
) -> Option<(&PersonRef, Vec<NoticeAddressee>)> {
    let iro = child.people.get(&AssignedRole::Iro)?;
    let mut addressees = vec![NoticeAddressee::Iro(iro.id.clone())];
    if rule.copy_social_worker
        && let Some(worker) = child.people.get(&AssignedRole::SocialWorker)
    {
        addressees.push(NoticeAddressee::SocialWorker(worker.id.clone()));
    }
    if rule.copy_virtual_school {
        addressees.push(NoticeAddressee::VirtualSchool);
    }
    Some((iro, addressees))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(people: &[(AssignedRole, &str)]) -> ChildState {
        let mut child = ChildState::default();
        for (role, id) in people {
            child.people.insert(
                *role,
                PersonRef {
                    id: (*id).to_owned(),
                    name: format!("Name of {id}"),
                },
            );
        }
        child
    }

    const BOTH: NoticeRule = NoticeRule {
        copy_social_worker: true,
        copy_virtual_school: true,
    };
    const NEITHER: NoticeRule = NoticeRule {
        copy_social_worker: false,
        copy_virtual_school: false,
    };

    #[test]
    fn the_iro_always_and_the_copies_as_the_policy_says() {
        let child = child(&[
            (AssignedRole::Iro, "iro-1"),
            (AssignedRole::SocialWorker, "sw-1"),
        ]);
        let (iro, addressees) = notice_addressees(&child, BOTH).unwrap();
        assert_eq!(iro.id, "iro-1");
        assert_eq!(
            addressees,
            vec![
                NoticeAddressee::Iro("iro-1".to_owned()),
                NoticeAddressee::SocialWorker("sw-1".to_owned()),
                NoticeAddressee::VirtualSchool,
            ]
        );
        let (_, addressees) = notice_addressees(&child, NEITHER).unwrap();
        assert_eq!(addressees, vec![NoticeAddressee::Iro("iro-1".to_owned())]);
    }

    #[test]
    fn no_social_worker_copy_without_a_social_worker_and_no_list_without_an_iro() {
        let only_iro = child(&[(AssignedRole::Iro, "iro-1")]);
        let (_, addressees) = notice_addressees(&only_iro, BOTH).unwrap();
        assert_eq!(
            addressees,
            vec![
                NoticeAddressee::Iro("iro-1".to_owned()),
                NoticeAddressee::VirtualSchool
            ]
        );
        let no_iro = child(&[(AssignedRole::SocialWorker, "sw-1")]);
        assert!(notice_addressees(&no_iro, BOTH).is_none());
    }
}
