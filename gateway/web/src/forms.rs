//! What every form page shares: the posted fields, the fields a page asks for (rendered by
//! `form.html` as GOV.UK text inputs, textareas, date inputs, radios and checkboxes), the GOV.UK
//! error summary, and running a command with the person as its actor.
//!
//! A form that fails is shown again with everything the person typed and the reason at the top,
//! linked to the field it is about. That includes a save the service could not make (the
//! database unreachable): the text is never lost to an error page.

use crate::WebState;
use crate::error::PageError;
use crate::session::{SignedIn, check_csrf};
use chrono::NaiveDate;
use commands::handlers::CommandContext;
use pep_http::{ApiError, ProblemKind};
use sha2::{Digest, Sha256};

/// The fields of a posted form, in order (repeated names for checkboxes).
#[derive(Debug, Clone, Default)]
pub struct Posted(pub Vec<(String, String)>);

impl Posted {
    /// The first value named `name`, trimmed; empty when absent.
    pub fn text(&self, name: &str) -> String {
        self.raw(name).trim().to_owned()
    }

    /// The first value named `name`, exactly as sent (line ends normalised to `\n`).
    pub fn raw(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    /// Every value named `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    /// The GOV.UK date input `name` (`name-day`, `name-month`, `name-year`): `Ok(None)` when all
    /// three are empty, the reason in words when it is not a real date.
    pub fn date(&self, name: &str, label: &str) -> Result<Option<NaiveDate>, String> {
        let parts = [
            self.text(&format!("{name}-day")),
            self.text(&format!("{name}-month")),
            self.text(&format!("{name}-year")),
        ];
        if parts.iter().all(String::is_empty) {
            return Ok(None);
        }
        let number = |text: &str| text.parse::<u32>().ok();
        match (
            number(&parts[0]),
            number(&parts[1]),
            parts[2].parse::<i32>().ok(),
        ) {
            (Some(day), Some(month), Some(year)) if (1900..=2200).contains(&year) => {
                NaiveDate::from_ymd_opt(year, month, day)
                    .map(Some)
                    .ok_or_else(|| format!("{label} must be a real date"))
            }
            (_, _, Some(year)) if !(1900..=2200).contains(&year) => {
                Err(format!("{label} must have a four-digit year, like 2027"))
            }
            _ => Err(format!(
                "{label} must be a real date, with a day, month and year"
            )),
        }
    }

    /// Checks the session's CSRF token.
    pub fn check(&self, signed_in: &SignedIn) -> Result<(), PageError> {
        check_csrf(signed_in, &self.text("csrf_token"))
    }

    /// The SHA-256 of the form's fields apart from its tokens, with the page it was posted to:
    /// what makes two posts "the same" for the form's idempotency key.
    pub fn fingerprint(&self, path: &str) -> String {
        let mut digest = Sha256::new();
        digest.update(path.as_bytes());
        for (key, value) in &self.0 {
            if key == "csrf_token" || key == "form_key" {
                continue;
            }
            digest.update(b"\n");
            digest.update(key.as_bytes());
            digest.update(b"=");
            digest.update(value.as_bytes());
        }
        hex::encode(digest.finalize())
    }
}

/// A choice of a radio or checkbox field.
#[derive(Debug, Clone)]
pub struct Choice {
    /// What is sent.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Chosen.
    pub checked: bool,
}

impl Choice {
    /// A choice, chosen when `value` is among `chosen`.
    pub fn new(value: &str, label: &str, chosen: &[String]) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            checked: chosen.iter().any(|chosen| chosen == value),
        }
    }
}

/// One field of a form.
#[derive(Debug, Clone)]
pub struct Field {
    /// Its name (and id).
    pub name: String,
    /// Its label.
    pub label: String,
    /// Help under the label.
    pub hint: String,
    /// `text`, `textarea`, `date`, `radios` or `checkboxes`.
    pub kind: &'static str,
    /// What it holds (for a date: `day`, `month`, `year` below).
    pub value: String,
    /// A date's parts.
    pub day: String,
    /// A date's parts.
    pub month: String,
    /// A date's parts.
    pub year: String,
    /// The choices of radios or checkboxes.
    pub choices: Vec<Choice>,
    /// What is wrong with it.
    pub error: Option<String>,
    /// Extra classes for a text input (`govuk-input--width-10`).
    pub width: &'static str,
}

impl Field {
    fn new(name: &str, label: &str, kind: &'static str) -> Self {
        Self {
            name: name.to_owned(),
            label: label.to_owned(),
            hint: String::new(),
            kind,
            value: String::new(),
            day: String::new(),
            month: String::new(),
            year: String::new(),
            choices: Vec::new(),
            error: None,
            width: "",
        }
    }

    /// A one-line text input holding what was posted.
    pub fn text(name: &str, label: &str, posted: &Posted) -> Self {
        Self {
            value: posted.raw(name),
            ..Self::new(name, label, "text")
        }
    }

    /// A textarea holding what was posted.
    pub fn textarea(name: &str, label: &str, posted: &Posted) -> Self {
        Self {
            value: posted.raw(name),
            ..Self::new(name, label, "textarea")
        }
    }

    /// A GOV.UK date input holding what was posted, or `default` on a new form.
    pub fn date(name: &str, label: &str, posted: &Posted, default: Option<NaiveDate>) -> Self {
        let part = |suffix: &str| posted.raw(&format!("{name}-{suffix}"));
        let mut field = Self {
            day: part("day"),
            month: part("month"),
            year: part("year"),
            hint: "For example, 27 3 2027".to_owned(),
            ..Self::new(name, label, "date")
        };
        if posted.0.is_empty()
            && let Some(default) = default
        {
            use chrono::Datelike;
            field.day = default.day().to_string();
            field.month = default.month().to_string();
            field.year = default.year().to_string();
        }
        field
    }

    /// Radios, one of `choices` (value, label).
    pub fn radios(name: &str, label: &str, posted: &Posted, choices: &[(&str, &str)]) -> Self {
        let chosen = posted.all(name);
        Self {
            choices: choices
                .iter()
                .map(|(value, label)| Choice::new(value, label, &chosen))
                .collect(),
            ..Self::new(name, label, "radios")
        }
    }

    /// Checkboxes, any of `choices`.
    pub fn checkboxes(
        name: &str,
        label: &str,
        chosen: &[String],
        choices: Vec<(String, String)>,
    ) -> Self {
        Self {
            choices: choices
                .iter()
                .map(|(value, label)| Choice::new(value, label, chosen))
                .collect(),
            ..Self::new(name, label, "checkboxes")
        }
    }

    /// With help text.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = hint.to_owned();
        self
    }

    /// A narrower text input.
    pub fn width(mut self, class: &'static str) -> Self {
        self.width = class;
        self
    }

    /// The id the error summary links to: the field, or a date's day box, or a choice's first.
    pub fn anchor(&self) -> String {
        match self.kind {
            "date" => format!("{}-day", self.name),
            "radios" | "checkboxes" => format!("{}-0", self.name),
            _ => self.name.clone(),
        }
    }
}

/// One line of the GOV.UK error summary.
#[derive(Debug, Clone)]
pub struct SummaryError {
    /// The id it links to (empty for none).
    pub anchor: String,
    /// What is wrong.
    pub message: String,
}

/// What a form found wrong.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// The summary's lines.
    pub summary: Vec<SummaryError>,
}

impl Problems {
    /// Nothing wrong yet.
    pub fn none() -> Self {
        Self::default()
    }

    /// Marks `name` (among `fields`) wrong with `message`, or adds a line of its own.
    pub fn add(&mut self, fields: &mut [Field], name: &str, message: impl Into<String>) {
        let message = message.into();
        let anchor = match fields.iter_mut().find(|field| field.name == name) {
            Some(field) => {
                field.error = Some(message.clone());
                field.anchor()
            }
            None => String::new(),
        };
        self.summary.push(SummaryError { anchor, message });
    }

    /// Whether anything is wrong.
    pub fn is_empty(&self) -> bool {
        self.summary.is_empty()
    }

    /// The API's refusal shown on the form: each field error on its field (the API's
    /// `body.<name>` paths), otherwise the detail at the top linked to `first_field`. A refusal
    /// of the role or the record is an error page instead; a failure of the service keeps the
    /// form, saying nothing was saved.
    pub fn from_api(
        error: ApiError,
        fields: &mut [Field],
        first_field: &str,
        request_id: uuid::Uuid,
    ) -> Result<Self, PageError> {
        let mut problems = Self::none();
        match error.kind {
            ProblemKind::Forbidden | ProblemKind::ForbiddenByRule | ProblemKind::NotFound => {
                return Err(PageError::from_api(error, request_id));
            }
            ProblemKind::Unavailable | ProblemKind::Internal => {
                tracing::warn!(%error, "a form's command failed; the form is shown again");
                problems.add(
                    fields,
                    first_field,
                    format!(
                        "Nothing was saved: the service could not record this just now. Your \
                         answers are still here; try again in a moment (reference {request_id})."
                    ),
                );
            }
            _ if !error.errors().is_empty() => {
                for field_error in error.errors() {
                    let name = field_error
                        .path
                        .strip_prefix("body.")
                        .unwrap_or(&field_error.path)
                        .split(['.', '['])
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let name = if fields.iter().any(|field| field.name == name) {
                        name
                    } else {
                        first_field.to_owned()
                    };
                    let label = fields
                        .iter()
                        .find(|field| field.name == name)
                        .map(|field| field.label.clone())
                        .unwrap_or_default();
                    let message = if field_error
                        .message
                        .starts_with(|first: char| first.is_lowercase())
                        && !label.is_empty()
                    {
                        format!("{label} {}", field_error.message)
                    } else {
                        sentence(&field_error.message)
                    };
                    problems.add(fields, &name, message);
                }
            }
            _ => problems.add(fields, first_field, sentence(&error.detail)),
        }
        Ok(problems)
    }
}

/// `text` as a sentence: a capital first letter.
pub fn sentence(text: &str) -> String {
    let mut characters = text.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// The context a page's command runs in: the signed-in person as the actor, the request's id,
/// source `web`, and the form's idempotency key (a random key rendered into the form), so a
/// form sent twice (a double click, a resend after a dropped connection) is recorded once.
pub fn context(signed_in: &SignedIn, posted: &Posted, path: &str) -> CommandContext {
    let context = CommandContext::new(signed_in.principal.actor(), signed_in.request_id, "web");
    let key = posted.text("form_key");
    if key.is_empty() {
        context
    } else {
        context.with_idempotency(
            format!("web:{}:{key}", signed_in.principal.subject),
            posted.fingerprint(path),
        )
    }
}

/// The id of what a form creates (a PEP, target, meeting, PP+ request): derived from the
/// form's key, the person and the form's fields, so the form sent twice names the same thing
/// and is recorded once; fresh when the form has no key.
pub fn id_from_key(
    state: &WebState,
    signed_in: &SignedIn,
    posted: &Posted,
    path: &str,
    purpose: &str,
) -> uuid::Uuid {
    match posted.text("form_key").as_str() {
        "" => state.api().ids().new_id(),
        key => pep_http::command::derived_id(
            &signed_in.principal.subject,
            key,
            &posted.fingerprint(path),
            purpose,
        ),
    }
}

/// Today in England, the date a form's command records.
pub fn today(state: &WebState) -> NaiveDate {
    pep_http::command::london_date(state.api().clock().now())
}

/// The required date input `name`: the day, or `missing` (when left empty) or why it is not a
/// date marked on the field.
pub fn required_date(
    posted: &Posted,
    fields: &mut [Field],
    problems: &mut Problems,
    name: &str,
    label: &str,
    missing: &str,
) -> Option<NaiveDate> {
    match posted.date(name, label) {
        Ok(Some(day)) => Some(day),
        Ok(None) => {
            problems.add(fields, name, missing);
            None
        }
        Err(message) => {
            problems.add(fields, name, message);
            None
        }
    }
}

/// A fresh idempotency key for a form being rendered.
pub fn new_form_key(state: &WebState) -> String {
    state.api().ids().new_id().to_string()
}

/// A page with one form: a back link, a caption (whose record), a heading, a few paragraphs,
/// the fields and one button.
#[derive(Debug, askama::Template)]
#[template(path = "form.html")]
pub struct FormPage {
    /// The frame.
    pub layout: crate::nav::Layout,
    /// Where Back and Cancel go.
    pub back_href: String,
    /// Above the heading: whose record.
    pub caption: String,
    /// The heading.
    pub heading: String,
    /// Paragraphs before the form.
    pub intro: Vec<String>,
    /// Where the form posts.
    pub action: String,
    /// The form's idempotency key.
    pub form_key: String,
    /// The fields.
    pub fields: Vec<Field>,
    /// What is wrong, after a failed post.
    pub problems: Problems,
    /// The button's words.
    pub submit: String,
    /// A red button (for a step that cannot be undone by the person).
    pub warning: bool,
}

impl FormPage {
    /// The page, answered 200 when new and 422 (or 503 when nothing could be saved) when shown
    /// again with problems.
    pub fn respond(self) -> axum::response::Response {
        let status = if self.problems.is_empty() {
            axum::http::StatusCode::OK
        } else if self
            .problems
            .summary
            .iter()
            .any(|line| line.message.starts_with("Nothing was saved"))
        {
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        } else {
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        crate::error::render_with_status(status, &self)
    }
}
