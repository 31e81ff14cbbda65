//! Read models built by projectors from the event log.
