//! A PostgreSQL database made for one test or benchmark run, dropped when the run ends.

use anyhow::Context;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// The admin URL used when none is given (the project machines' trust-auth server).
pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database named `<prefix>_<uuid>` on the server behind an admin URL.
#[derive(Debug)]
pub struct FreshDatabase {
    admin_url: String,
    /// The database's name.
    pub name: String,
    /// A URL connecting to it.
    pub url: String,
}

impl FreshDatabase {
    /// Creates the database; the error says how to start PostgreSQL if it is unreachable.
    pub async fn create(admin_url: &str, prefix: &str) -> anyhow::Result<Self> {
        let mut admin = PgConnection::connect(admin_url).await.with_context(|| {
            format!(
                "PostgreSQL is not reachable at {admin_url}; start it with deploy/local/test.sh \
                 or pass the admin URL of a running server"
            )
        })?;
        let name = format!("{prefix}_{}", Uuid::now_v7().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let url = replace_database(admin_url, &name)?;
        Ok(Self {
            admin_url: admin_url.to_owned(),
            name,
            url,
        })
    }

    /// Drops the database, ending any connection still open to it.
    pub async fn drop_database(self) -> anyhow::Result<()> {
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin)
        .await?;
        Ok(())
    }
}

/// `postgres://host/postgres?x=y` with the database replaced by `name`.
fn replace_database(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let (without_query, query) = match admin_url.split_once('?') {
        Some((url, query)) => (url, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let (base, _) = without_query
        .rsplit_once('/')
        .context("the admin URL must end with /<database>")?;
    Ok(format!("{base}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_replaced_and_the_query_kept() {
        assert_eq!(
            replace_database("postgres://u@h:5432/postgres?sslmode=disable", "x").unwrap(),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            replace_database(DEFAULT_ADMIN_URL, "x").unwrap(),
            "postgres://postgres@127.0.0.1:5432/x"
        );
    }
}
