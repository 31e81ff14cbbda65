//! Value types that parse, not validate: once constructed they are known to be valid.
