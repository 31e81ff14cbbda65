//! What every domain event has in common.
