//! The child record aggregate.
