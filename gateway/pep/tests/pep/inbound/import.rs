//! `pep import 903`, the real binary against PostgreSQL: an extract goes through the inbound
//! path (checks, exactly-once keys, rejections), progress goes to stderr and the summary to
//! stdout; importing the same extract again is all duplicates.

use crate::inbound::support::child_event_types;
use crate::relay::support::TestDatabase;
use std::process::Command;

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB
566910,2,27/03/2012,WBRI,D051910639385,,
566911,1,14/09/2015,WBRI,,,
566912,1,30/02/2014,WBRI,,,
";

const EPISODES: &str =
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN
566910,14/08/2023,S,C2,N1,U4,PR1,01/03/2024,X1,,,WV27 9FW,8969628
566910,01/03/2024,P,C2,N1,U4,PR1,,,CARPL,,WV27 9FW,8969628
566911,10/10/2024,S,C2,N1,Q9,PR1,,,,,,
566911,10/10/2024,S,C2,N1,U4,PR1,,,,,,
566913,10/10/2024,S,C2,N1,U4,PR1,,,,,,
";

fn import(database: &TestDatabase, directory: &std::path::Path) -> (String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_pep"))
        .args([
            "import",
            "903",
            "--la",
            "831",
            "--database-url",
            &database.url,
        ])
        .arg(directory.join("header.csv"))
        .arg(directory.join("episodes.csv"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn line_value(summary: &str, label: &str) -> String {
    summary
        .lines()
        .find(|line| line.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{summary}"))
        .split(':')
        .nth(1)
        .unwrap()
        .trim()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extract_is_imported_through_the_feed_path_and_again_as_duplicates() {
    let database = TestDatabase::create().await;
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("header.csv"), HEADER).unwrap();
    std::fs::write(directory.path().join("episodes.csv"), EPISODES).unwrap();

    let (summary, progress) = import(&database, directory.path());
    assert!(progress.contains("imported 8 of 8 rows"), "{progress}");
    assert_eq!(line_value(&summary, "rows read"), "8", "{summary}");
    // Two children, their three good episodes; the orphan episode waits for its child.
    assert_eq!(line_value(&summary, "applied"), "5", "{summary}");
    assert_eq!(line_value(&summary, "waiting for child"), "1", "{summary}");
    assert_eq!(line_value(&summary, "rejected"), "2", "{summary}");
    assert_eq!(line_value(&summary, "invalid_date"), "1", "{summary}");
    assert_eq!(line_value(&summary, "unknown_code"), "1", "{summary}");
    assert_eq!(
        line_value(&summary, "children registered"),
        "2",
        "{summary}"
    );
    assert_eq!(line_value(&summary, "invalid_upn"), "1", "{summary}");

    let store = database.store().await;
    let types = child_event_types(&store, &crate::inbound::support::child_id("566910")).await;
    assert_eq!(
        types,
        ["ChildRegistered", "CareEpisodeStarted", "PlacementChanged"],
        "the process manager does not run in an import; the service reacts when it next runs"
    );
    let head = store.head_position().await.unwrap();

    let (summary, _) = import(&database, directory.path());
    assert_eq!(line_value(&summary, "applied"), "0", "{summary}");
    assert_eq!(line_value(&summary, "duplicates"), "5", "{summary}");
    assert_eq!(line_value(&summary, "rejected"), "2", "{summary}");
    assert_eq!(
        store.head_position().await.unwrap(),
        head,
        "nothing written twice"
    );
}
