//! The write side: event store back ends, command handlers and process managers.
