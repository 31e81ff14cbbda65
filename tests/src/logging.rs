//! Tracing for tests: silent unless `TEST_LOG` is set, so a failing test's output stays short.

use std::sync::Once;

/// Logs go to the test output when `TEST_LOG` is set, and nowhere otherwise.
pub fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_default_env()
                        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
                )
                .with_test_writer()
                .try_init();
        }
    });
}
