//! The compliance read model's tables: one row a child, one row a due item, and the PEPs and PP+
//! requests it needs to remember between events. Portable types only (`TEXT`, `BIGINT`).

use crate::runtime::TableNames;

/// One row a child: who, where, their open PEP's progress, the flags, and the fold state.
pub const CHILDREN: &str = "compliance_children";
/// One row a dated obligation, in due-date order per child (`item_number` from 1).
pub const DUE_ITEMS: &str = "compliance_due_items";
/// One row a PEP: its child and the status-deciding part of its state.
pub const PEPS: &str = "compliance_peps";
/// One row a PP+ request: the PEP it was made against and where it stands.
pub const FUNDING_REQUESTS: &str = "compliance_funding_requests";

/// Every table, in the order they are created and checksummed.
pub const TABLES: &[&str] = &[CHILDREN, DUE_ITEMS, PEPS, FUNDING_REQUESTS];

/// The DDL under `tables`' names.
pub fn create_tables(tables: &TableNames) -> Vec<String> {
    let children = tables.name(CHILDREN);
    let due_items = tables.name(DUE_ITEMS);
    let peps = tables.name(PEPS);
    let funding_requests = tables.name(FUNDING_REQUESTS);
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {children} (
                child_id TEXT PRIMARY KEY,
                la TEXT NOT NULL,
                la_child_id TEXT NOT NULL,
                date_of_birth TEXT,
                in_care BIGINT NOT NULL,
                care_started_on TEXT,
                school_urn TEXT,
                school_name TEXT,
                social_worker_id TEXT,
                social_worker_name TEXT,
                current_pep_id TEXT,
                open_pep_id TEXT,
                current_pep_status TEXT,
                missing_sections TEXT NOT NULL,
                missing_for_submission TEXT NOT NULL,
                smart_targets_set BIGINT NOT NULL,
                targets_to_review BIGINT NOT NULL,
                targets_reviewed BIGINT NOT NULL,
                smart_targets_complete BIGINT NOT NULL,
                last_qa_rating TEXT,
                last_qa_on TEXT,
                last_qa_pep_id TEXT,
                data_quality TEXT NOT NULL,
                schedule_problems TEXT NOT NULL,
                state TEXT NOT NULL,
                last_position BIGINT NOT NULL
            )"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {children} (la, in_care)",
            tables.index_name(CHILDREN, "by_la")
        ),
        // What the cohort's copy in memory reads on a refresh: the rows changed since.
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {children} (last_position)",
            tables.index_name(CHILDREN, "by_last_position")
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {due_items} (
                child_id TEXT NOT NULL,
                item_number BIGINT NOT NULL,
                kind TEXT NOT NULL,
                kind_detail TEXT NOT NULL,
                label TEXT NOT NULL,
                care_period_started_on TEXT NOT NULL,
                trigger_date TEXT NOT NULL,
                due_date TEXT NOT NULL,
                due_date_is_provisional BIGINT NOT NULL,
                met_on TEXT,
                basis TEXT NOT NULL,
                PRIMARY KEY (child_id, item_number)
            )"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {due_items} (due_date)",
            tables.index_name(DUE_ITEMS, "by_due_date")
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {peps} (
                pep_id TEXT PRIMARY KEY,
                child_id TEXT NOT NULL,
                state TEXT NOT NULL
            )"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {funding_requests} (
                request_id TEXT PRIMARY KEY,
                child_id TEXT NOT NULL,
                pep_id TEXT NOT NULL,
                state TEXT NOT NULL,
                requested_pence BIGINT NOT NULL,
                allocated_pence BIGINT
            )"
        ),
        format!(
            "CREATE INDEX IF NOT EXISTS {} ON {funding_requests} (pep_id)",
            tables.index_name(FUNDING_REQUESTS, "by_pep")
        ),
    ]
}
