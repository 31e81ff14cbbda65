//! The chronology: exactly the rows a child's history should give, oldest first, with filters,
//! settings attended, placements and exports; refused commands add nothing.

use crate::fixtures::{child_command, child_in_care, episode, mixed_history, school};
use crate::support::{TestEnv, as_role, date, on_both_back_ends, start_instant, text_rows};
use chrono::Duration;
use domain::Role;
use domain::child::{ChildCommand, ExclusionKind, LeavingReason};
use projections::chronology::{
    ChronologyProjector, TimelineQuery, placements, settings_attended, timeline, timeline_csv,
    timeline_json,
};
use std::sync::Arc;

async fn a_childs_history_is_on_their_timeline_in_occurred_order(env: TestEnv) {
    let child_id = child_in_care(&env).await;
    let at = |minutes: i64| start_instant() + Duration::minutes(minutes);
    env.set_clock(at(5));
    child_command(
        &env,
        child_id,
        ChildCommand::ChangeEducationSetting {
            setting: school("100001", "Hillside Primary"),
            started_on: date(2024, 11, 11),
            leaving_reason: None,
            leaving_detail: None,
        },
    )
    .await;
    env.set_clock(at(10));
    let mut closed = episode(date(2024, 11, 1), "S");
    closed.end_date = Some(date(2025, 1, 15));
    closed.reason_ceased = Some("X1".to_owned());
    child_command(
        &env,
        child_id,
        ChildCommand::RecordEpisode { episode: closed },
    )
    .await;
    child_command(
        &env,
        child_id,
        ChildCommand::RecordEpisode {
            episode: episode(date(2025, 1, 15), "P"),
        },
    )
    .await;
    env.set_clock(at(15));
    child_command(
        &env,
        child_id,
        ChildCommand::ChangeEducationSetting {
            setting: school("100002", "Oakwood Academy"),
            started_on: date(2025, 2, 3),
            leaving_reason: Some(LeavingReason::PlacementMove),
            leaving_detail: Some("moved to Leeds".to_owned()),
        },
    )
    .await;
    env.set_clock(at(20));
    env.handler
        .child(
            child_id,
            ChildCommand::RecordExclusion {
                kind: ExclusionKind::Suspension,
                start_date: date(2025, 2, 10),
                days: Some(2),
                reason: "fighting, \"badly\"".to_owned(),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();

    // Refused commands: a setting change without a reason, an episode ending before it starts.
    let head = env.store.head_position().await.unwrap();
    let refused = env
        .handler
        .child(
            child_id,
            ChildCommand::ChangeEducationSetting {
                setting: school("100003", "Elm Tree School"),
                started_on: date(2025, 3, 3),
                leaving_reason: None,
                leaving_detail: None,
            },
            &as_role(Role::SocialWorker),
        )
        .await;
    assert!(refused.is_err());
    let mut backwards = episode(date(2025, 3, 1), "P");
    backwards.end_date = Some(date(2025, 2, 1));
    backwards.reason_ceased = Some("E11".to_owned());
    let refused = env
        .handler
        .child(
            child_id,
            ChildCommand::RecordEpisode { episode: backwards },
            &as_role(Role::SocialWorker),
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(env.store.head_position().await.unwrap(), head);

    let other_child = child_in_care(&env).await;
    let runner = env.runner(Arc::new(ChronologyProjector)).await;
    runner.catch_up(&env.log).await.unwrap();

    let la_child_id = format!("LC{}", &child_id.as_uuid().simple().to_string()[20..]);
    let rows = text_rows(
        &env.read,
        &format!(
            "SELECT event_type, category, occurred_at, recorded_at, actor_id, actor_role, summary \
             FROM chronology_entries WHERE child_id = '{child_id}' ORDER BY occurred_at, position"
        ),
    )
    .await;
    let row = |event_type: &str,
               category: &str,
               occurred_at: &str,
               recorded_at: &str,
               actor: &str,
               summary: &str| {
        vec![
            event_type.to_owned(),
            category.to_owned(),
            occurred_at.to_owned(),
            recorded_at.to_owned(),
            format!("{actor}-1"),
            actor.to_owned(),
            summary.to_owned(),
        ]
    };
    assert_eq!(
        rows,
        vec![
            row(
                "CareEpisodeStarted",
                "care",
                "2024-11-01T00:00:00.000000Z",
                "2025-03-10T09:00:00.000000Z",
                "social_worker",
                "Became looked after on 1 Nov 2024: legal status C2, placement U4 (PR1)"
            ),
            row(
                "EducationSettingChanged",
                "education_setting",
                "2024-11-11T00:00:00.000000Z",
                "2025-03-10T09:05:00.000000Z",
                "social_worker",
                "Started at Hillside Primary (URN 100001) on 11 Nov 2024"
            ),
            row(
                "CareEpisodeEnded",
                "care",
                "2025-01-15T00:00:00.000000Z",
                "2025-03-10T09:10:00.000000Z",
                "social_worker",
                "Episode from 1 Nov 2024 ended on 15 Jan 2025 (reason X1)"
            ),
            row(
                "PlacementChanged",
                "care",
                "2025-01-15T00:00:00.000000Z",
                "2025-03-10T09:10:00.000000Z",
                "social_worker",
                "Placement changed on 15 Jan 2025 to U4 (PR1), reason CARPL"
            ),
            row(
                "EducationSettingChanged",
                "education_setting",
                "2025-02-03T00:00:00.000000Z",
                "2025-03-10T09:15:00.000000Z",
                "social_worker",
                "Started at Oakwood Academy (URN 100002) on 3 Feb 2025; left Hillside Primary \
                 (placement move)"
            ),
            row(
                "ExclusionRecorded",
                "exclusion",
                "2025-02-10T00:00:00.000000Z",
                "2025-03-10T09:20:00.000000Z",
                "designated_teacher",
                "Suspension of 2 school days from 10 Feb 2025: fighting, \"badly\""
            ),
            row(
                "ChildRegistered",
                "record",
                "2025-03-10T09:00:00.000000Z",
                "2025-03-10T09:00:00.000000Z",
                "social_worker",
                &format!("Registered by LA 831 (social care id {la_child_id}), born 20 May 2013")
            ),
        ]
    );

    // The query API returns the same entries, with the envelope and the payload.
    let entries = timeline(&env.read, child_id, &TimelineQuery::default())
        .await
        .unwrap();
    assert_eq!(entries.len(), 7);
    assert!(entries.windows(2).all(|pair| {
        (pair[0].occurred_at, pair[0].position) < (pair[1].occurred_at, pair[1].position)
    }));
    let exclusion = &entries[5];
    assert_eq!(exclusion.child_id, child_id);
    assert_eq!(exclusion.la, "831");
    assert_eq!(exclusion.stream_id, child_id.stream_id());
    assert_eq!(exclusion.detail["kind"], "suspension");
    assert_eq!(exclusion.detail["days"], 2);
    assert_eq!(
        timeline(&env.read, other_child, &TimelineQuery::default())
            .await
            .unwrap()
            .len(),
        2
    );

    let types = |entries: Vec<projections::chronology::TimelineEntry>| {
        entries
            .into_iter()
            .map(|entry| entry.event_type)
            .collect::<Vec<_>>()
    };
    let between = TimelineQuery {
        from: Some(date(2024, 11, 11)),
        to: Some(date(2025, 1, 15)),
        ..TimelineQuery::default()
    };
    assert_eq!(
        types(timeline(&env.read, child_id, &between).await.unwrap()),
        [
            "EducationSettingChanged",
            "CareEpisodeEnded",
            "PlacementChanged"
        ]
    );
    let settings_only = TimelineQuery {
        categories: vec!["education_setting".to_owned()],
        ..TimelineQuery::default()
    };
    assert_eq!(
        types(timeline(&env.read, child_id, &settings_only).await.unwrap()),
        ["EducationSettingChanged", "EducationSettingChanged"]
    );
    let two_types = TimelineQuery {
        event_types: vec![
            "PlacementChanged".to_owned(),
            "ExclusionRecorded".to_owned(),
        ],
        from: Some(date(2025, 2, 1)),
        ..TimelineQuery::default()
    };
    assert_eq!(
        types(timeline(&env.read, child_id, &two_types).await.unwrap()),
        ["ExclusionRecorded"]
    );
    let backwards = TimelineQuery {
        from: Some(date(2025, 2, 1)),
        to: Some(date(2025, 1, 1)),
        ..TimelineQuery::default()
    };
    assert!(timeline(&env.read, child_id, &backwards).await.is_err());

    let settings = settings_attended(&env.read, child_id).await.unwrap();
    assert_eq!(settings.len(), 2);
    assert_eq!(settings[0].setting, school("100001", "Hillside Primary"));
    assert_eq!(settings[0].started_on, Some(date(2024, 11, 11)));
    assert_eq!(settings[0].ended_on, Some(date(2025, 2, 3)));
    assert_eq!(
        settings[0].leaving_reason,
        Some(LeavingReason::PlacementMove)
    );
    assert_eq!(
        settings[0].leaving_detail.as_deref(),
        Some("moved to Leeds")
    );
    assert_eq!(settings[1].setting, school("100002", "Oakwood Academy"));
    assert_eq!(
        (settings[1].started_on, settings[1].ended_on),
        (Some(date(2025, 2, 3)), None)
    );

    let episodes = placements(&env.read, child_id).await.unwrap();
    let mut first = episode(date(2024, 11, 1), "S");
    first.end_date = Some(date(2025, 1, 15));
    first.reason_ceased = Some("X1".to_owned());
    assert_eq!(episodes, vec![first, episode(date(2025, 1, 15), "P")]);

    let csv = timeline_csv(&entries);
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next(),
        Some(
            "occurred_at,recorded_at,category,event_type,summary,actor_id,actor_role,position,\
             event_id,stream_id,detail"
        )
    );
    assert_eq!(csv.matches("\r\n").count(), 8);
    assert!(csv.contains(
        "2025-02-10T00:00:00.000000Z,2025-03-10T09:20:00.000000Z,exclusion,ExclusionRecorded,\
         \"Suspension of 2 school days from 10 Feb 2025: fighting, \"\"badly\"\"\",\
         designated_teacher-1,designated_teacher,"
    ));
    let json: serde_json::Value = serde_json::from_str(&timeline_json(&entries).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 7);
    assert_eq!(json[5]["detail"]["reason"], "fighting, \"badly\"");
    assert_eq!(json[5]["event_type"], "ExclusionRecorded");
    assert_eq!(json[5]["recorded_at"], "2025-03-10T09:20:00Z");
}

async fn pep_and_funding_events_reach_the_childs_timeline(env: TestEnv) {
    let child_id = mixed_history(&env).await;
    let runner = env.runner(Arc::new(ChronologyProjector)).await;
    runner.catch_up(&env.log).await.unwrap();
    let events = env.all_events().await;
    let pep_stream_events = events
        .iter()
        .filter(|event| event.stream_id.starts_with("pep-"))
        .count();
    let entries = timeline(&env.read, child_id, &TimelineQuery::default())
        .await
        .unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|entry| entry.stream_id.starts_with("pep-"))
            .count(),
        pep_stream_events
    );
    // Every event but the LA-wide budget concerns this one child.
    assert_eq!(entries.len(), events.len() - 1);
    let funding: Vec<_> = entries
        .iter()
        .filter(|entry| entry.category == "funding")
        .map(|entry| (entry.event_type.as_str(), entry.summary.as_str()))
        .collect();
    assert_eq!(
        funding,
        [
            (
                "PupilPremiumPlusRequested",
                "PP+ requested: £500.00 for reading tutor, one hour a week"
            ),
            ("PupilPremiumPlusAllocated", "PP+ allocated: £400.00"),
            (
                "PupilPremiumPlusImpactRecorded",
                "PP+ impact recorded: reading age up 8 months"
            ),
        ]
    );
    let initiated = entries
        .iter()
        .find(|entry| entry.event_type == "PepInitiated")
        .unwrap();
    assert_eq!(
        initiated.summary,
        "Initial PEP initiated on 6 Jan 2025 (entered care)"
    );
    let targets = TimelineQuery {
        categories: vec!["target".to_owned(), "pep_meeting".to_owned()],
        ..TimelineQuery::default()
    };
    let summaries: Vec<_> = timeline(&env.read, child_id, &targets)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.summary)
        .collect();
    // Arranging a meeting has no business date of its own, so it occurred when it was
    // recorded (10 March), after the meeting it arranged for 20 January.
    assert_eq!(
        summaries,
        [
            "PEP meeting held on 20 Jan 2025 (1 attended; the child took part)",
            "Short term target set (reading): read independently for 20 minutes daily; owner \
             Person carer-1, due 28 Mar 2025",
            "PEP meeting arranged for 20 Jan 2025 (1 invited)",
        ]
    );
    let owners = text_rows(&env.read, "SELECT child_id FROM chronology_pep_owner").await;
    assert_eq!(owners, vec![vec![child_id.to_string()]]);
}

on_both_back_ends!(
    a_childs_history_is_on_their_timeline_in_occurred_order,
    pep_and_funding_events_reach_the_childs_timeline,
);
