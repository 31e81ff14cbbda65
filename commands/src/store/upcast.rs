//! Schema evolution on read: upcasters turn an old payload into the current one.
//!
//! Stored events are never rewritten (that would break the hash chain and the law's idea of a
//! record); instead each breaking payload change registers a step from version `n` to `n + 1`,
//! keyed by (event type, schema version), and reads apply the steps in order.

use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use thiserror::Error;

type UpcastStep = Box<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// The registered upcasting steps.
#[derive(Default)]
pub struct Upcasters {
    /// (event type, from version) to the step that produces version `from + 1`.
    steps: HashMap<(String, u32), UpcastStep>,
}

/// An upcasting step refused a stored payload.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot upcast {event_type} from schema version {from_version}: {reason}")]
pub struct UpcastError {
    /// The stored type string.
    pub event_type: String,
    /// The version the failing step starts from.
    pub from_version: u32,
    /// What the step said.
    pub reason: String,
}

impl Upcasters {
    /// No steps: every payload reads as stored.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the step that turns `event_type` at `from_version` into `from_version + 1`.
    /// A later registration for the same key replaces the earlier one.
    pub fn register(
        &mut self,
        event_type: impl Into<String>,
        from_version: u32,
        step: impl Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    ) -> &mut Self {
        self.steps
            .insert((event_type.into(), from_version), Box::new(step));
        self
    }

    /// Builder form of [`Upcasters::register`].
    pub fn with(
        mut self,
        event_type: impl Into<String>,
        from_version: u32,
        step: impl Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.register(event_type, from_version, step);
        self
    }

    /// Applies every step that applies, returning the final schema version and payload.
    pub fn upcast(
        &self,
        event_type: &str,
        schema_version: u32,
        payload: Value,
    ) -> Result<(u32, Value), UpcastError> {
        let mut version = schema_version;
        let mut payload = payload;
        // Looking up by a borrowed pair would need a custom key type; event types are short, so
        // one allocation per upcast read is cheaper than the complexity.
        while let Some(step) = self.steps.get(&(event_type.to_owned(), version)) {
            payload = step(payload).map_err(|reason| UpcastError {
                event_type: event_type.to_owned(),
                from_version: version,
                reason,
            })?;
            version += 1;
        }
        Ok((version, payload))
    }

    /// True when no step is registered, so reads can skip the lookups entirely.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Debug for Upcasters {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<_> = self.steps.keys().collect();
        keys.sort();
        formatter
            .debug_struct("Upcasters")
            .field("steps", &keys)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn renames_name_to_full_name(mut payload: Value) -> Result<Value, String> {
        let object = payload.as_object_mut().ok_or("payload is not an object")?;
        let name = object.remove("name").ok_or("no name")?;
        object.insert("full_name".to_owned(), name);
        Ok(payload)
    }

    fn adds_school(mut payload: Value) -> Result<Value, String> {
        let object = payload.as_object_mut().ok_or("payload is not an object")?;
        object.insert("school_urn".to_owned(), Value::Null);
        Ok(payload)
    }

    #[test]
    fn steps_apply_in_order_up_to_the_current_version() {
        let upcasters = Upcasters::new()
            .with("ChildRegistered", 1, renames_name_to_full_name)
            .with("ChildRegistered", 2, adds_school);
        let (version, payload) = upcasters
            .upcast("ChildRegistered", 1, json!({ "name": "Ada" }))
            .unwrap();
        assert_eq!(version, 3);
        assert_eq!(payload, json!({ "full_name": "Ada", "school_urn": null }));
        let (version, _) = upcasters
            .upcast("ChildRegistered", 2, json!({ "full_name": "Ada" }))
            .unwrap();
        assert_eq!(version, 3);
    }

    #[test]
    fn other_types_and_current_versions_pass_through() {
        let upcasters = Upcasters::new().with("ChildRegistered", 1, renames_name_to_full_name);
        let payload = json!({ "name": "Ada" });
        assert_eq!(
            upcasters.upcast("PlacementChanged", 1, payload.clone()),
            Ok((1, payload.clone()))
        );
        assert_eq!(
            upcasters.upcast("ChildRegistered", 2, payload.clone()),
            Ok((2, payload))
        );
    }

    #[test]
    fn a_failing_step_names_the_type_and_version() {
        let upcasters = Upcasters::new().with("ChildRegistered", 1, renames_name_to_full_name);
        let error = upcasters
            .upcast("ChildRegistered", 1, json!({ "other": 1 }))
            .unwrap_err();
        assert_eq!(error.from_version, 1);
        assert_eq!(
            error.to_string(),
            "cannot upcast ChildRegistered from schema version 1: no name"
        );
    }
}
