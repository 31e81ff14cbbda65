//! Shared helpers for the end-to-end test binaries and the benchmark.
