//! The service's read models, in one list, so `pep serve`, `pep migrate`, `pep rebuild` and
//! `pep audit verify` always agree on which projectors exist and how compliance is configured.

use pep_reference::ReferenceData;
use projections::chronology::ChronologyProjector;
use projections::compliance::ComplianceProjector;
use projections::funding::FundingProjector;
use projections::notices::NoticesProjector;
use projections::runtime::Projector;
use std::sync::Arc;

/// Every projector's name (its checkpoint key), in the order they are listed and rebuilt.
pub const READ_MODEL_NAMES: [&str; 4] = ["chronology", "funding", "notices", "compliance"];

/// Every read model's projector. Compliance dates obligations with the loaded policy and
/// calendar; a change to either needs `pep rebuild compliance`.
pub fn read_model_projectors(reference: &ReferenceData) -> Vec<Arc<dyn Projector>> {
    vec![
        Arc::new(ChronologyProjector),
        Arc::new(FundingProjector),
        Arc::new(NoticesProjector),
        Arc::new(ComplianceProjector::new(
            reference.policy.clone(),
            reference.calendar.clone(),
        )),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pep_reference::ReferenceDataArgs;

    #[test]
    fn the_names_are_the_projectors_checkpoint_keys_in_order() {
        let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
        let names: Vec<&str> = read_model_projectors(&reference)
            .iter()
            .map(|projector| projector.name())
            .collect();
        assert_eq!(names, READ_MODEL_NAMES);
    }
}
