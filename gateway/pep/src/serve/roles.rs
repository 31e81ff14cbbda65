//! Which parts of the service one `pep serve` process runs (`--role api,relay,...`), so the API,
//! the relay, the projectors, the process manager and the inbound consumer can be scaled apart.

use anyhow::bail;

/// The parts of the service one process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Roles {
    /// The HTTP API.
    pub api: bool,
    /// The relay (store to NATS or the bus).
    pub relay: bool,
    /// The read models' projectors.
    pub projectors: bool,
    /// The process manager (one leader per database).
    pub process_manager: bool,
    /// The inbound feeds' JetStream consumer and dead-letter publisher (NATS only; the HTTP
    /// feed routes belong to `api`).
    pub inbound: bool,
}

impl Roles {
    /// Everything, in one process.
    pub const ALL: Roles = Roles {
        api: true,
        relay: true,
        projectors: true,
        process_manager: true,
        inbound: true,
    };

    /// Parses `api,relay,projectors,process-manager` (any subset, at least one).
    pub fn parse<S: AsRef<str>>(names: &[S]) -> anyhow::Result<Self> {
        let mut roles = Roles {
            api: false,
            relay: false,
            projectors: false,
            process_manager: false,
            inbound: false,
        };
        for name in names {
            match name.as_ref().trim() {
                "api" => roles.api = true,
                "relay" => roles.relay = true,
                "projectors" => roles.projectors = true,
                "process-manager" | "process_manager" => roles.process_manager = true,
                "inbound" => roles.inbound = true,
                "" => {}
                other => bail!(
                    "unknown role {other:?}: the roles are api, relay, projectors, \
                     process-manager and inbound"
                ),
            }
        }
        if roles
            == (Roles {
                api: false,
                relay: false,
                projectors: false,
                process_manager: false,
                inbound: false,
            })
        {
            bail!(
                "no role given: name at least one of api, relay, projectors, process-manager, \
                 inbound"
            );
        }
        Ok(roles)
    }

    /// The roles as written in logs.
    pub fn describe(&self) -> String {
        [
            (self.api, "api"),
            (self.relay, "relay"),
            (self.projectors, "projectors"),
            (self.process_manager, "process-manager"),
            (self.inbound, "inbound"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::{ServeArgs, ServeConfig};
    use pep_reference::{ReferenceData, ReferenceDataArgs};

    fn reference() -> ReferenceData {
        ReferenceData::load(&ReferenceDataArgs::default()).unwrap()
    }

    #[test]
    fn roles_are_checked() {
        assert_eq!(
            Roles::parse(&["api", "relay"]).unwrap().describe(),
            "api,relay"
        );
        assert!(
            Roles::parse(&["api", "web"])
                .unwrap_err()
                .to_string()
                .contains("\"web\"")
        );
        let args = ServeArgs {
            role: Some("api".to_owned()),
            ..ServeArgs::default()
        };
        assert!(ServeConfig::resolve(&args, reference()).is_err());
    }
}
