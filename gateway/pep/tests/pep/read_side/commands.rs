//! The operator commands run as the real `pep` binary: `pep rebuild --compare-only` and
//! `pep audit verify` report matching checksums on a healthy database and fail, naming the read
//! model, once a row is edited behind its projector's back; `pep rebuild` repairs it;
//! `pep audit export` writes every event of the child once plus the verification line;
//! `pep audit replay` prints JSON; `pep migrate` makes the embedded database in its data
//! directory.

use crate::read_side::history::record_children;
use crate::read_side::support::{World, projectors};
use commands::store::{EventStore, ReadStreamOptions, RecordedEvent};
use projections::runtime::ProjectorRunner;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

/// Runs `pep` with `arguments`, free of any database settings in the environment.
async fn pep(arguments: &[&str]) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_pep"))
        .args(arguments)
        .env_remove("DATABASE_URL")
        .env_remove("PEP_DATA_DIR")
        .env_remove("RUST_LOG")
        .env("RUST_BACKTRACE", "0")
        .output()
        .await
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_succeeded(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

fn assert_failed(output: &Output, what: &str) {
    assert!(
        !output.status.success(),
        "{what} should have failed:\n{}\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Applies the whole log to every read model, as the running service would have.
async fn project_everything(world: &World) {
    for projector in projectors() {
        let runner = ProjectorRunner::new(world.read.clone(), projector);
        runner.ensure_schema().await.unwrap();
        runner.catch_up(&world.log).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_and_verify_report_matches_then_an_edited_row_then_the_repair() {
    let world = World::postgres().await;
    record_children(&world, 2).await;
    project_everything(&world).await;
    let url = world.url.as_str();

    let compared = pep(&["rebuild", "--all", "--compare-only", "--database-url", url]).await;
    assert_succeeded(&compared, "pep rebuild --all --compare-only");
    let text = stdout(&compared);
    assert_eq!(
        text.matches("checksums MATCH; live tables left as they were")
            .count(),
        4,
        "{text}"
    );
    assert!(text.contains("events/s"), "progress is shown: {text}");
    assert!(
        text.contains("all 4 read model(s) rebuilt match the event log"),
        "{text}"
    );

    let verified = pep(&["audit", "verify", "--database-url", url]).await;
    assert_succeeded(&verified, "pep audit verify");
    let text = stdout(&verified);
    assert!(text.contains("hash chain: INTACT"), "{text}");
    assert_eq!(text.matches("MATCHES the log").count(), 4, "{text}");
    assert!(text.contains("verified: yes"), "{text}");

    sqlx::query("UPDATE funding_requests SET requested_pence = requested_pence + 1")
        .execute(world.read.pool())
        .await
        .unwrap();

    let compared = pep(&[
        "rebuild",
        "funding",
        "--compare-only",
        "--database-url",
        url,
    ])
    .await;
    assert_failed(
        &compared,
        "pep rebuild funding --compare-only after an edit",
    );
    let text = stdout(&compared);
    assert!(text.contains("funding: checksums DIFFER"), "{text}");
    assert!(text.contains("funding_requests"), "{text}");
    assert!(stderr(&compared).contains("`pep rebuild funding` repairs it"));

    let verified = pep(&["audit", "verify", "--database-url", url]).await;
    assert_failed(&verified, "pep audit verify after an edit");
    let text = stdout(&verified);
    assert!(
        text.contains("read model funding: DOES NOT MATCH the log"),
        "{text}"
    );
    assert!(
        text.contains("read model chronology: MATCHES the log"),
        "{text}"
    );
    assert!(text.contains("verified: NO"), "{text}");
    assert!(stderr(&verified).contains("`pep rebuild funding` repairs it"));

    let repaired = pep(&["rebuild", "funding", "--database-url", url]).await;
    assert_succeeded(&repaired, "pep rebuild funding");
    let text = stdout(&repaired);
    assert!(text.contains("rebuilt tables are swapped in"), "{text}");
    assert!(text.contains("repaired: funding"), "{text}");

    let verified = pep(&["audit", "verify", "--database-url", url]).await;
    assert_succeeded(&verified, "pep audit verify after the repair");
}

/// Every event of the child and of each of its PEPs, in position order, from the store.
async fn child_events(store: &dyn EventStore, child_stream: &str) -> Vec<RecordedEvent> {
    let mut events = store
        .read_stream(child_stream, ReadStreamOptions::all())
        .await
        .unwrap();
    let pep_streams: BTreeSet<String> = events
        .iter()
        .filter(|event| event.event_type == "PepOpened")
        .map(|event| format!("pep-{}", event.payload["pep_id"].as_str().unwrap()))
        .collect();
    assert!(!pep_streams.is_empty(), "the child has a PEP");
    for stream in pep_streams {
        events.extend(
            store
                .read_stream(&stream, ReadStreamOptions::all())
                .await
                .unwrap(),
        );
    }
    events.sort_by_key(|event| event.global_position);
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_replay_and_migrate_work_on_the_embedded_database_in_its_data_directory() {
    let world = World::sqlite().await;
    let children = record_children(&world, 2).await;
    project_everything(&world).await;
    // World::sqlite keeps its file as `pep.db` in a directory of its own: a data directory.
    let data_dir = world
        .url
        .trim_start_matches("sqlite://")
        .trim_end_matches("/pep.db");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("child.jsonl");
    let child = children[0].to_string();

    let exported = pep(&[
        "audit",
        "export",
        "--child",
        &child,
        "--out",
        file.to_str().unwrap(),
        "--data-dir",
        data_dir,
    ])
    .await;
    assert_succeeded(&exported, "pep audit export");
    assert!(stdout(&exported).contains("verified: yes"));
    assert!(!Path::new(&format!("{}.partial", file.display())).exists());
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (last, event_lines) = lines.split_last().unwrap();
    let exported_events: Vec<RecordedEvent> = event_lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let expected = child_events(world.store.as_ref(), &children[0].stream_id()).await;
    assert_eq!(
        exported_events, expected,
        "every event of the child once, in order"
    );
    let last: serde_json::Value = serde_json::from_str(last).unwrap();
    let summary = &last["audit_export"];
    assert_eq!(summary["child_id"], child);
    assert_eq!(summary["events"], expected.len());
    assert_eq!(summary["verification"]["verified"], true);
    assert_eq!(summary["verification"]["chain"]["intact"], true);
    assert_eq!(
        summary["verification"]["read_models"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    let replayed = pep(&[
        "audit",
        "replay",
        "--child",
        &child,
        "--as-of",
        "2024-12-01",
        "--data-dir",
        data_dir,
    ])
    .await;
    assert_succeeded(&replayed, "pep audit replay");
    let replay: serde_json::Value = serde_json::from_slice(&replayed.stdout).unwrap();
    assert_eq!(replay["child_id"], child);
    assert_eq!(replay["as_of"], "2024-12-01");
    assert_eq!(replay["in_care"], true);
    assert_eq!(
        replay["peps"],
        serde_json::json!([]),
        "the PEP opened in 2025"
    );
    let included = replay["events_included"].as_u64().unwrap();
    assert!(
        included > 0 && included < expected.len() as u64,
        "{included}"
    );
    assert!(replay["due_dates"]["items"].is_array());

    let unknown = pep(&[
        "audit",
        "replay",
        "--child",
        "00000000-0000-7000-8000-000000000000",
        "--data-dir",
        data_dir,
    ])
    .await;
    assert_failed(&unknown, "replaying an unknown child");
    assert!(stderr(&unknown).contains("no child 00000000-0000-7000-8000-000000000000 is recorded"));

    let fresh = tempfile::tempdir().unwrap();
    let fresh_data = fresh.path().join("data");
    let fresh_data = fresh_data.to_str().unwrap();
    let missing = pep(&["audit", "verify", "--data-dir", fresh_data]).await;
    assert_failed(&missing, "verifying a database that does not exist");
    assert!(stderr(&missing).contains("run `pep migrate` first"));
    let migrated = pep(&["migrate", "--data-dir", fresh_data]).await;
    assert_succeeded(&migrated, "pep migrate");
    assert!(fresh.path().join("data/pep.db").is_file());
    let verified = pep(&["audit", "verify", "--data-dir", fresh_data]).await;
    assert_succeeded(&verified, "pep audit verify on the new, empty database");
}

#[tokio::test]
async fn a_mistake_on_the_command_line_is_one_clear_line_and_exit_1_never_a_stack_trace() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pep"))
        .args(["token", "issue", "--role", "headteacher", "--la", "831"])
        .env("PEP_JWT_SECRET", "a development secret")
        .env("RUST_BACKTRACE", "1")
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("error: ") && message.contains("\"headteacher\""),
        "{message}"
    );
    assert!(!message.contains("backtrace"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
}
