//! `pep token issue`: mints a development token signed with the configured HS256 secret, so a
//! developer or a demo can call the API as any role without an identity provider.

use anyhow::Context;
use clap::{Args, Subcommand};
use pep_auth::claims::{Claims, Principal};
use pep_auth::verifier::issue_development_token;
use std::io::Write;
use std::time::Duration;

/// `pep token ...`
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// What to do with tokens.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// The token subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Print a development token (HS256) for a role in an LA.
    Issue(IssueArgs),
}

/// `pep token issue --role R --la 831 ...`
#[derive(Debug, Clone, Args)]
pub struct IssueArgs {
    /// The role: virtual_school, designated_teacher, social_worker, carer, young_person, iro,
    /// auditor, integration or admin.
    #[arg(long)]
    pub role: String,
    /// The 3-digit LA number.
    #[arg(long)]
    pub la: String,
    /// The subject (the actor recorded on events); defaults to `dev-<role>`.
    #[arg(long)]
    pub sub: Option<String>,
    /// A designated teacher's school URN.
    #[arg(long)]
    pub school_urn: Option<String>,
    /// A child a carer or young person may act on (repeat for several).
    #[arg(long = "child-id")]
    pub child_ids: Vec<String>,
    /// A child on a social worker's caseload (repeat for several).
    #[arg(long = "caseload")]
    pub caseload: Vec<String>,
    /// An IRO's id as assigned on child records.
    #[arg(long)]
    pub iro_id: Option<String>,
    /// The HS256 secret the server verifies with (at least 32 bytes).
    #[arg(long, env = "PEP_JWT_SECRET", hide_env_values = true)]
    pub secret: String,
    /// How long the token lasts: seconds, or a number with s, m, h or d.
    #[arg(long, default_value = "8h", value_parser = parse_ttl)]
    pub ttl: Duration,
}

/// Runs `pep token ...`.
pub fn run_token_command(args: &TokenArgs) -> anyhow::Result<()> {
    match &args.command {
        TokenCommand::Issue(issue_args) => {
            let now = jsonwebtoken::get_current_timestamp();
            let token = issue(issue_args, now)?;
            // The token is the command's output; stdout is where it belongs.
            writeln!(std::io::stdout().lock(), "{token}").context("cannot write the token")?;
            Ok(())
        }
    }
}

/// The claims and signed token `pep token issue` prints, issued at `now` (Unix seconds). The
/// claims are checked as the server will check them, so a token that would be refused is never
/// printed.
pub fn issue(args: &IssueArgs, now: u64) -> anyhow::Result<String> {
    let claims = Claims {
        sub: args
            .sub
            .clone()
            .unwrap_or_else(|| format!("dev-{}", args.role)),
        role: args.role.clone(),
        la: args.la.clone(),
        school_urn: args.school_urn.clone(),
        child_ids: args.child_ids.clone(),
        caseload: args.caseload.clone(),
        iro_id: args.iro_id.clone(),
        exp: now + args.ttl.as_secs(),
        iat: Some(now),
    };
    Principal::from_claims(&claims).context("the token would be refused")?;
    Ok(issue_development_token(args.secret.as_bytes(), &claims)?)
}

/// Parses `3600`, `90s`, `30m`, `8h` or `7d`.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (digits, unit_seconds) = match text.chars().last() {
        Some('s') => (&text[..text.len() - 1], 1),
        Some('m') => (&text[..text.len() - 1], 60),
        Some('h') => (&text[..text.len() - 1], 3600),
        Some('d') => (&text[..text.len() - 1], 86_400),
        _ => (text, 1),
    };
    let amount: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 3600, 30m, 8h or 7d"))?;
    if amount == 0 {
        return Err("a token must last at least one second".to_owned());
    }
    amount
        .checked_mul(unit_seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Role;
    use pep_auth::verifier::TokenVerifier;

    const SECRET: &str = "a development secret of at least 32 bytes";

    fn args(role: &str) -> IssueArgs {
        IssueArgs {
            role: role.to_owned(),
            la: "831".to_owned(),
            sub: None,
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: None,
            secret: SECRET.to_owned(),
            ttl: Duration::from_secs(3600),
        }
    }

    #[test]
    fn an_issued_token_verifies_as_the_role_asked_for() {
        let now = jsonwebtoken::get_current_timestamp();
        let mut teacher = args("designated_teacher");
        teacher.school_urn = Some("100001".to_owned());
        let token = issue(&teacher, now).unwrap();
        let principal = TokenVerifier::hs256(SECRET.as_bytes())
            .unwrap()
            .verify(&token)
            .unwrap();
        assert_eq!(principal.role, Role::DesignatedTeacher);
        assert_eq!(principal.subject, "dev-designated_teacher");
    }

    #[test]
    fn a_token_the_server_would_refuse_is_not_issued() {
        let now = jsonwebtoken::get_current_timestamp();
        assert!(issue(&args("designated_teacher"), now).is_err());
        assert!(issue(&args("system"), now).is_err());
    }

    #[test]
    fn ttls_read_as_a_person_writes_them() {
        assert_eq!(parse_ttl("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("8h"), Ok(Duration::from_secs(28_800)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(604_800)));
        assert!(parse_ttl("0").is_err());
        assert!(parse_ttl("soon").is_err());
    }
}
