//! A given/when/then harness for deciders.
