//! The frame of every page: its title, the service navigation a role sees (only the pages its
//! role may open: a page a person may not see is never linked), who is signed in, the sign-out
//! form's CSRF token, and the banner that marks a demonstration sign-in.

use crate::session::signed_in::SignedIn;
use pep_auth::policy::{Reach, reach};
use pep_auth::{Operation, Principal};

/// One navigation link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    /// Where it goes.
    pub href: String,
    /// Its words.
    pub label: String,
    /// The page being shown is this one.
    pub current: bool,
}

/// Who is signed in, as the header shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserBadge {
    /// Their name.
    pub name: String,
    /// Their role, in words.
    pub role: String,
}

/// What the base template needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The page's title (the service name is added).
    pub title: String,
    /// The links the person's role may follow.
    pub nav: Vec<NavItem>,
    /// Who is signed in, or `None` on the sign-in and error pages.
    pub user: Option<UserBadge>,
    /// The sign-out form's CSRF token.
    pub csrf_token: String,
    /// Signed in as a demonstration person: the banner says it is not for real records.
    pub demo: bool,
}

impl Layout {
    /// The frame of a page for someone signed in; `current` is the navigation link to mark.
    pub fn signed_in(signed_in: &SignedIn, title: &str, current: &str) -> Self {
        let nav = links_for(&signed_in.principal)
            .into_iter()
            .map(|(href, label)| NavItem {
                current: href == current,
                href: href.to_owned(),
                label: label.to_owned(),
            })
            .collect();
        Self {
            title: title.to_owned(),
            nav,
            user: Some(UserBadge {
                name: signed_in.display_name.clone(),
                role: crate::format::role_name(signed_in.principal.role).to_owned(),
            }),
            csrf_token: signed_in.csrf_token.clone(),
            demo: signed_in.signed_in_via == "demo",
        }
    }

    /// The frame of a page for no one in particular (sign-in, errors).
    pub fn anonymous(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            nav: Vec::new(),
            user: None,
            csrf_token: String::new(),
            demo: false,
        }
    }
}

/// Whether the person reads every child of their LA (the Virtual School, auditors, admins).
pub fn reads_whole_la(principal: &Principal) -> bool {
    matches!(
        reach(principal, Operation::ReadChildRecord),
        Ok(Reach::LocalAuthority)
    )
}

/// The pages a role may open, in the order the navigation shows them.
pub fn links_for(principal: &Principal) -> Vec<(&'static str, &'static str)> {
    let mut links = Vec::new();
    if reads_whole_la(principal) {
        links.push(("/dashboard", "Dashboard"));
        links.push(("/children", "Children"));
    } else if reach(principal, Operation::ReadChildRecord).is_ok() {
        links.push(("/my-children", "My children"));
    }
    if reach(principal, Operation::QualityAssurePep).is_ok() {
        links.push(("/quality-assurance", "Quality assurance"));
    }
    if reach(principal, Operation::RecordFundingPayment).is_ok() {
        links.push(("/funding", "PP+"));
    }
    if reach(principal, Operation::ReadInbox).is_ok() {
        links.push(("/inbox", "Notices"));
    }
    if reach(principal, Operation::ReadDataQuality).is_ok() {
        links.push(("/data-quality", "Data quality"));
    }
    if reach(principal, Operation::QueryAccessLog).is_ok() {
        links.push(("/audit", "Audit"));
    }
    links
}

/// The page a person lands on after signing in.
pub fn home_for(principal: &Principal) -> &'static str {
    links_for(principal)
        .first()
        .map(|(href, _)| *href)
        .unwrap_or("/my-children")
}
