//! The plan's parts: SMART targets, actions, meetings (arranged with invitees, then recorded
//! with who attended) and the child's views. People are chosen from those on the child's
//! record (their social worker, designated teacher, carer, IRO, Virtual School officer) and the
//! person writing, so a target or action always names a real person on the record.

use super::{Loaded, PipeOk, done, load_for, run};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{
    Field, FormPage, Posted, Problems, id_from_key, new_form_key, required_date, today,
};
use crate::nav::Layout;
use crate::session::SignedIn;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::actor::PersonRef;
use domain::ids::{ActionId, MeetingId, TargetId};
use domain::pep::{Attendee, PepCommand, TargetHorizon};
use pep_auth::Operation;

/// The people a target, action or meeting may name: the child's people and the writer, each
/// with the capacity they act in. Keyed by their position, which the form sends.
fn people(loaded: &Loaded, signed_in: &SignedIn) -> Vec<(PersonRef, String)> {
    let mut people: Vec<(PersonRef, String)> = loaded
        .child
        .people
        .iter()
        .map(|(role, person)| (person.clone(), crate::pages::child::debug_words(role)))
        .collect();
    let me = PersonRef {
        id: signed_in.principal.subject.clone(),
        name: signed_in.display_name.clone(),
    };
    if !people.iter().any(|(person, _)| person.id == me.id) {
        people.push((
            me,
            crate::format::role_name(signed_in.principal.role).to_owned(),
        ));
    }
    people
}

fn person_choices(people: &[(PersonRef, String)]) -> Vec<(String, String)> {
    people
        .iter()
        .enumerate()
        .map(|(index, (person, capacity))| {
            (index.to_string(), format!("{} ({capacity})", person.name))
        })
        .collect()
}

fn chosen_people(
    posted: &Posted,
    name: &str,
    people: &[(PersonRef, String)],
) -> Vec<(PersonRef, String)> {
    posted
        .all(name)
        .iter()
        .filter_map(|index| index.parse::<usize>().ok())
        .filter_map(|index| people.get(index).cloned())
        .collect()
}

struct FormText {
    heading: &'static str,
    intro: &'static str,
    submit: &'static str,
    path: String,
}

fn page(
    state: &WebState,
    signed_in: &SignedIn,
    loaded: &Loaded,
    form: &FormText,
    fields: Vec<Field>,
    problems: Problems,
) -> Response {
    FormPage {
        layout: Layout::signed_in(signed_in, form.heading, ""),
        back_href: loaded.href(),
        caption: loaded.caption(),
        heading: form.heading.to_owned(),
        intro: vec![form.intro.to_owned()],
        action: form.path.clone(),
        form_key: new_form_key(state),
        fields,
        problems,
        submit: form.submit.to_owned(),
        warning: false,
    }
    .respond()
}

// --- SMART targets -------------------------------------------------------------------------

fn target_form(loaded: &Loaded) -> FormText {
    FormText {
        heading: "Add a SMART target",
        intro: "A SMART target is Specific, Measurable, Achievable, Relevant and Time-bound: say \
                what the child will achieve, how you will know (the measure, where they are now \
                and the goal), who helps, and by when.",
        submit: "Add the target",
        path: format!("{}/targets/new", loaded.href()),
    }
}

fn target_fields(posted: &Posted, people: &[(PersonRef, String)]) -> Vec<Field> {
    let owner = Field::radios("owner", "Who is responsible for it?", posted, &[]);
    let chosen = posted.all("owner");
    vec![
        Field::text("area", "Area", posted)
            .hint("For example, reading, maths, attendance, friendships.")
            .width("govuk-!-width-two-thirds"),
        Field::textarea("description", "What will the child achieve?", posted)
            .hint("Specific: for example, read a Year 5 book aloud with fewer than five errors a page."),
        Field::textarea("success_criterion", "How will you know it is achieved?", posted)
            .hint("Measurable: the measure, where the child is now (the baseline) and the goal, such as a reading age from 8y2m to 9y0m."),
        Field {
            choices: person_choices(people)
                .iter()
                .map(|(value, label)| crate::forms::Choice::new(value, label, &chosen))
                .collect(),
            ..owner
        },
        Field::date("due_on", "By when?", posted, None),
        Field::radios(
            "horizon",
            "Is it short or long term?",
            posted,
            &[("short_term", "Short term (this term)"), ("long_term", "Long term (this year or beyond)")],
        ),
    ]
}

/// `GET /peps/{pep_id}/targets/new`.
pub async fn target_new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(&signed_in.principal, Operation::SetTarget, "set a target")?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::SetTarget).await?;
    let people = people(&loaded, &signed_in);
    let posted = Posted::default();
    page(
        &state,
        &signed_in,
        &loaded,
        &target_form(&loaded),
        target_fields(&posted, &people),
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /peps/{pep_id}/targets/new`.
pub async fn target_add(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::SetTarget).await?;
    let people = people(&loaded, &signed_in);
    let form = target_form(&loaded);
    let mut fields = target_fields(&posted, &people);
    let mut problems = Problems::none();
    for (name, message) in [
        ("area", "Say which area the target is in"),
        ("description", "Say what the child will achieve"),
        ("success_criterion", "Say how you will know it is achieved"),
    ] {
        if posted.text(name).is_empty() {
            problems.add(&mut fields, name, message);
        }
    }
    let owner = chosen_people(&posted, "owner", &people).into_iter().next();
    if owner.is_none() {
        problems.add(
            &mut fields,
            "owner",
            "Choose who is responsible for the target",
        );
    }
    let due_on = required_date(
        &posted,
        &mut fields,
        &mut problems,
        "due_on",
        "The date",
        "Enter the date the target is to be achieved by",
    );
    let horizon: Option<TargetHorizon> =
        serde_json::from_value(serde_json::Value::String(posted.text("horizon"))).ok();
    if horizon.is_none() {
        problems.add(
            &mut fields,
            "horizon",
            "Choose whether the target is short or long term",
        );
    }
    let (Some((owner, _)), Some(due_on), Some(horizon), true) =
        (owner, due_on, horizon, problems.is_empty())
    else {
        return page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok();
    };
    let command = PepCommand::SetTarget {
        target_id: TargetId::from_uuid(id_from_key(
            &state, &signed_in, &posted, &form.path, "target",
        )),
        area: posted.text("area"),
        description: posted.text("description"),
        success_criterion: posted.text("success_criterion"),
        owner,
        set_on: today(&state),
        due_on,
        horizon,
        carried_from: None,
    };
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &posted,
        &form.path,
    )
    .await
    {
        Ok(_) => Ok(done(loaded.pep_id, "target")),
        Err(error) => {
            let problems =
                Problems::from_api(error, &mut fields, "description", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok()
        }
    }
}

// --- Actions -------------------------------------------------------------------------------

fn action_form(loaded: &Loaded) -> FormText {
    FormText {
        heading: "Add an action",
        intro: "Who does what, by when. Open actions are shown on the child's page until they \
                are marked done.",
        submit: "Add the action",
        path: format!("{}/actions/new", loaded.href()),
    }
}

fn action_fields(posted: &Posted, people: &[(PersonRef, String)], loaded: &Loaded) -> Vec<Field> {
    let chosen = posted.all("owner");
    let chosen_target = posted.all("target");
    let mut targets: Vec<(String, String)> = vec![(String::new(), "None in particular".to_owned())];
    targets.extend(
        loaded
            .pep
            .targets
            .iter()
            .map(|(target_id, target)| (target_id.to_string(), target.description.clone())),
    );
    vec![
        Field::textarea("description", "What is to be done?", posted),
        Field {
            choices: person_choices(people)
                .iter()
                .map(|(value, label)| crate::forms::Choice::new(value, label, &chosen))
                .collect(),
            ..Field::radios("owner", "Who will do it?", posted, &[])
        },
        Field::date("due_on", "By when?", posted, None),
        Field {
            choices: targets
                .iter()
                .map(|(value, label)| crate::forms::Choice::new(value, label, &chosen_target))
                .collect(),
            ..Field::radios("target", "Which target does it serve?", posted, &[])
        },
    ]
}

/// `GET /peps/{pep_id}/actions/new`.
pub async fn action_new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::AgreeAction,
        "agree an action",
    )?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::AgreeAction).await?;
    let people = people(&loaded, &signed_in);
    let posted = Posted::default();
    let fields = action_fields(&posted, &people, &loaded);
    page(
        &state,
        &signed_in,
        &loaded,
        &action_form(&loaded),
        fields,
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /peps/{pep_id}/actions/new`.
pub async fn action_add(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::AgreeAction).await?;
    let people = people(&loaded, &signed_in);
    let form = action_form(&loaded);
    let mut fields = action_fields(&posted, &people, &loaded);
    let mut problems = Problems::none();
    if posted.text("description").is_empty() {
        problems.add(&mut fields, "description", "Say what is to be done");
    }
    let owner = chosen_people(&posted, "owner", &people).into_iter().next();
    if owner.is_none() {
        problems.add(&mut fields, "owner", "Choose who will do it");
    }
    let due_on = required_date(
        &posted,
        &mut fields,
        &mut problems,
        "due_on",
        "The date",
        "Enter the date it is to be done by",
    );
    let target_id = posted.text("target").parse::<TargetId>().ok();
    let (Some((owner, _)), Some(due_on), true) = (owner, due_on, problems.is_empty()) else {
        return page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok();
    };
    let command = PepCommand::AgreeAction {
        action_id: ActionId::from_uuid(id_from_key(
            &state, &signed_in, &posted, &form.path, "action",
        )),
        description: posted.text("description"),
        owner,
        agreed_on: today(&state),
        due_on,
        target_id,
    };
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &posted,
        &form.path,
    )
    .await
    {
        Ok(_) => Ok(done(loaded.pep_id, "action")),
        Err(error) => {
            let problems =
                Problems::from_api(error, &mut fields, "description", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok()
        }
    }
}

/// `POST /peps/{pep_id}/actions/{action_id}/done`.
pub async fn action_done(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, action_id)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let action_id: ActionId = action_id.parse().map_err(|_| PageError::NotFound)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::CompleteAction).await?;
    let command = PepCommand::CompleteAction {
        action_id,
        completed_on: today(&state),
    };
    let path = format!("{}/actions/{action_id}/done", loaded.href());
    run(&state, &signed_in, loaded.pep_id, command, &posted, &path)
        .await
        .map_err(|error| super::workflow::step_refused(error, signed_in.request_id))?;
    Ok(done(loaded.pep_id, "action-done"))
}

// --- Meetings ------------------------------------------------------------------------------

fn meeting_form(loaded: &Loaded) -> FormText {
    FormText {
        heading: "Arrange a PEP meeting",
        intro: "Choose the date and who is invited. After the meeting, record who attended and \
                the date agreed for the next one.",
        submit: "Arrange the meeting",
        path: format!("{}/meetings/new", loaded.href()),
    }
}

fn meeting_fields(posted: &Posted, people: &[(PersonRef, String)]) -> Vec<Field> {
    vec![
        Field::date("scheduled_for", "Date of the meeting", posted, None),
        Field::checkboxes(
            "invitees",
            "Who is invited?",
            &posted.all("invitees"),
            person_choices(people),
        ),
    ]
}

/// `GET /peps/{pep_id}/meetings/new`.
pub async fn meeting_new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::ScheduleMeeting,
        "arrange a meeting",
    )?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::ScheduleMeeting).await?;
    let people = people(&loaded, &signed_in);
    let posted = Posted::default();
    page(
        &state,
        &signed_in,
        &loaded,
        &meeting_form(&loaded),
        meeting_fields(&posted, &people),
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /peps/{pep_id}/meetings/new`.
pub async fn meeting_add(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::ScheduleMeeting).await?;
    let people = people(&loaded, &signed_in);
    let form = meeting_form(&loaded);
    let mut fields = meeting_fields(&posted, &people);
    let mut problems = Problems::none();
    let day = required_date(
        &posted,
        &mut fields,
        &mut problems,
        "scheduled_for",
        "The date of the meeting",
        "Enter the date of the meeting",
    );
    let invitees: Vec<PersonRef> = chosen_people(&posted, "invitees", &people)
        .into_iter()
        .map(|(person, _)| person)
        .collect();
    if invitees.is_empty() {
        problems.add(
            &mut fields,
            "invitees",
            "Choose at least one person to invite",
        );
    }
    let (Some(day), true) = (day, problems.is_empty()) else {
        return page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok();
    };
    let command = PepCommand::ScheduleMeeting {
        meeting_id: MeetingId::from_uuid(id_from_key(
            &state, &signed_in, &posted, &form.path, "meeting",
        )),
        scheduled_for: day,
        invitees,
    };
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &posted,
        &form.path,
    )
    .await
    {
        Ok(_) => Ok(done(loaded.pep_id, "meeting")),
        Err(error) => {
            let problems =
                Problems::from_api(error, &mut fields, "scheduled_for", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok()
        }
    }
}

fn held_form(loaded: &Loaded, meeting_id: MeetingId) -> FormText {
    FormText {
        heading: "Record the PEP meeting",
        intro: "Who attended, in what capacity, and whether the child took part. The compliance \
                view counts the PEP's meeting from this record.",
        submit: "Record the meeting",
        path: format!("{}/meetings/{meeting_id}/held", loaded.href()),
    }
}

fn held_fields(
    posted: &Posted,
    people: &[(PersonRef, String)],
    today: chrono::NaiveDate,
) -> Vec<Field> {
    vec![
        Field::date("held_on", "Date it was held", posted, Some(today)),
        Field::checkboxes(
            "attendees",
            "Who attended?",
            &posted.all("attendees"),
            person_choices(people),
        ),
        Field::radios(
            "child_attended",
            "Did the child take part?",
            posted,
            &[("yes", "Yes"), ("no", "No")],
        ),
        Field::textarea("child_absence_reason", "If not, why not?", posted),
    ]
}

/// `GET /peps/{pep_id}/meetings/{meeting_id}/held`.
pub async fn held_new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, meeting_id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::HoldMeeting,
        "record a meeting",
    )?;
    let meeting_id: MeetingId = meeting_id.parse().map_err(|_| PageError::NotFound)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::HoldMeeting).await?;
    let people = people(&loaded, &signed_in);
    let posted = Posted::default();
    let fields = held_fields(&posted, &people, today(&state));
    page(
        &state,
        &signed_in,
        &loaded,
        &held_form(&loaded, meeting_id),
        fields,
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /peps/{pep_id}/meetings/{meeting_id}/held`.
pub async fn held(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path((pep_id, meeting_id)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let meeting_id: MeetingId = meeting_id.parse().map_err(|_| PageError::NotFound)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::HoldMeeting).await?;
    let people = people(&loaded, &signed_in);
    let form = held_form(&loaded, meeting_id);
    let mut fields = held_fields(&posted, &people, today(&state));
    let mut problems = Problems::none();
    let day = required_date(
        &posted,
        &mut fields,
        &mut problems,
        "held_on",
        "The date it was held",
        "Enter the date the meeting was held",
    );
    let attendees: Vec<Attendee> = chosen_people(&posted, "attendees", &people)
        .into_iter()
        .map(|(person, capacity)| Attendee { person, capacity })
        .collect();
    if attendees.is_empty() {
        problems.add(&mut fields, "attendees", "Choose who attended");
    }
    let child_attended = match posted.text("child_attended").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            problems.add(
                &mut fields,
                "child_attended",
                "Say whether the child took part",
            );
            None
        }
    };
    let absence = posted.text("child_absence_reason");
    if child_attended == Some(false) && absence.is_empty() {
        problems.add(
            &mut fields,
            "child_absence_reason",
            "Say why the child did not take part",
        );
    }
    let (Some(day), Some(child_attended), true) = (day, child_attended, problems.is_empty()) else {
        return page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok();
    };
    let command = PepCommand::HoldMeeting {
        meeting_id,
        held_on: day,
        attendees,
        child_attended,
        child_absence_reason: (!child_attended).then_some(absence),
    };
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &posted,
        &form.path,
    )
    .await
    {
        Ok(_) => Ok(done(loaded.pep_id, "held")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "held_on", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok()
        }
    }
}

// --- The child's views ---------------------------------------------------------------------

fn views_form(loaded: &Loaded) -> FormText {
    FormText {
        heading: "Record the child's views",
        intro: "What the child says about school, their learning and their plans. Use their own \
                words where you can.",
        submit: "Record their views",
        path: format!("{}/child-views", loaded.href()),
    }
}

fn views_fields(posted: &Posted) -> Vec<Field> {
    vec![
        Field::textarea("views", "Their views", posted),
        Field::checkboxes(
            "in_own_words",
            "Whose words are these?",
            &posted.all("in_own_words"),
            vec![(
                "yes".to_owned(),
                "These are the child's own words".to_owned(),
            )],
        ),
    ]
}

/// `GET /peps/{pep_id}/child-views`.
pub async fn views_new(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
) -> Result<Response, PageError> {
    crate::error::require(
        &signed_in.principal,
        Operation::RecordChildViews,
        "record the child's views",
    )?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::RecordChildViews).await?;
    let posted = Posted::default();
    page(
        &state,
        &signed_in,
        &loaded,
        &views_form(&loaded),
        views_fields(&posted),
        Problems::none(),
    )
    .pipe_ok()
}

/// `POST /peps/{pep_id}/child-views`.
pub async fn views(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(pep_id): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let posted = Posted(posted);
    posted.check(&signed_in)?;
    let loaded = load_for(&state, &signed_in, &pep_id, Operation::RecordChildViews).await?;
    let form = views_form(&loaded);
    let mut fields = views_fields(&posted);
    let text = posted.raw("views").trim().to_owned();
    if text.is_empty() {
        let mut problems = Problems::none();
        problems.add(&mut fields, "views", "Write the child's views");
        return page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok();
    }
    let command = PepCommand::RecordChildViews {
        views: text,
        attachments: Vec::new(),
        in_own_words: posted.text("in_own_words") == "yes",
        by: signed_in.principal.actor(),
        recorded_on: today(&state),
    };
    match run(
        &state,
        &signed_in,
        loaded.pep_id,
        command,
        &posted,
        &form.path,
    )
    .await
    {
        Ok(_) => Ok(done(loaded.pep_id, "views")),
        Err(error) => {
            let problems = Problems::from_api(error, &mut fields, "views", signed_in.request_id)?;
            page(&state, &signed_in, &loaded, &form, fields, problems).pipe_ok()
        }
    }
}
