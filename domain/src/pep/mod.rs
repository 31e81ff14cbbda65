//! The PEP document aggregate.
