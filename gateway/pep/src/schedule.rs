//! `pep schedule`: prints a child's PEP compliance schedule as a table, so the statutory
//! calendar and an LA's policy can be checked by eye before any service is running.

use crate::demo_child::{DEMO_CHILD_DESCRIPTION, demo_child};
use anyhow::bail;
use chrono::NaiveDate;
use clap::Args;
use domain::compliance::{ComplianceReport, DueStatus, evaluate};
use pep_reference::ReferenceData;
use std::fmt::Write as _;

/// Options of `pep schedule`.
#[derive(Debug, Clone, Args)]
pub struct ScheduleArgs {
    /// Show the built-in sample child (the only source until the event store is wired in).
    #[arg(long)]
    pub demo: bool,
    /// Judge the schedule as on this day (YYYY-MM-DD); default: today's date on this machine.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
}

/// Runs `pep schedule`: the clock is read here, at the edge, and nowhere in the domain.
pub fn run(args: &ScheduleArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    if !args.demo {
        bail!(
            "pep schedule needs --demo: reading a child from the event store is not available yet"
        );
    }
    let today = args
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let report = evaluate(&demo_child(), &reference.policy, &reference.calendar, today);
    print_to_stdout(&render(DEMO_CHILD_DESCRIPTION, &report, reference));
    Ok(())
}

// A command-line tool's output is its purpose, so this one function may print.
#[allow(clippy::print_stdout)]
fn print_to_stdout(text: &str) {
    print!("{text}");
}

/// "Wed 3 Jan 2024": dates in the table are read by people, so they carry the weekday.
fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// The schedule as text: a header, one row per obligation with its basis beneath, a summary.
pub fn render(child: &str, report: &ComplianceReport, reference: &ReferenceData) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail, so the fmt::Results below are ignored deliberately.
    let _ = writeln!(
        out,
        "PEP schedule for the {child}, as on {}",
        day(report.today)
    );
    let _ = writeln!(out, "Policy: {}", reference.policy.name);
    let _ = writeln!(
        out,
        "Term dates: {}",
        reference.calendar.terms().local_authority()
    );
    let _ = writeln!(out, "Sources: {}", reference.sources);
    let _ = writeln!(out);

    let obligation_width = report
        .entries
        .iter()
        .map(|entry| entry.item.kind.to_string().len())
        .max()
        .unwrap_or(0)
        .max("Obligation".len());
    let _ = writeln!(
        out,
        "{:<obligation_width$}  {:<16}  {:<16}  {:<16}  Status",
        "Obligation", "Trigger", "Due", "Met"
    );
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  {}",
        "-".repeat(obligation_width),
        "-".repeat(16),
        "-".repeat(16),
        "-".repeat(16),
        "-".repeat(8)
    );
    for entry in &report.entries {
        let item = &entry.item;
        let met = item
            .met_on
            .filter(|met_on| *met_on <= report.today)
            .map_or_else(|| "-".to_owned(), day);
        let due = if item.due_date_is_provisional {
            format!("{}*", day(item.due_date))
        } else {
            day(item.due_date)
        };
        let _ = writeln!(
            out,
            "{:<obligation_width$}  {:<16}  {:<16}  {:<16}  {}",
            item.kind.to_string(),
            day(item.trigger_date),
            due,
            met,
            status_label(entry.status)
        );
        let _ = writeln!(out, "{:<obligation_width$}  {}", "", item.basis);
    }

    let counts = report.counts();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{} on time, {} met late, {} overdue, {} due soon, {} upcoming",
        counts.on_time, counts.met_late, counts.overdue, counts.due_soon, counts.upcoming
    );
    if report
        .entries
        .iter()
        .any(|entry| entry.item.due_date_is_provisional)
    {
        let _ = writeln!(
            out,
            "* provisional: counted past the loaded bank holidays (add newer years with --bank-holidays-file)"
        );
    }
    let last_term_year = reference.calendar.terms().academic_years().last();
    if let Some(last) = last_term_year {
        let _ = writeln!(
            out,
            "Termly reviews and transitions are scheduled through the {last} academic year (the last with term dates loaded)."
        );
    }
    for problem in &report.problems {
        let _ = writeln!(out, "Problem: {}", problem.description);
    }
    out
}

fn status_label(status: DueStatus) -> String {
    match status {
        DueStatus::Overdue => "OVERDUE".to_owned(),
        DueStatus::DueSoon => "DUE SOON".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pep_reference::ReferenceDataArgs;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn rendered_on(today: NaiveDate) -> String {
        let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
        let report = evaluate(&demo_child(), &reference.policy, &reference.calendar, today);
        render(DEMO_CHILD_DESCRIPTION, &report, &reference)
    }

    fn row<'a>(text: &'a str, starts_with: &str) -> &'a str {
        text.lines()
            .find(|line| line.starts_with(starts_with))
            .unwrap_or_else(|| panic!("no row starting {starts_with:?} in\n{text}"))
    }

    #[test]
    fn the_demo_schedule_shows_the_christmas_deadline_and_the_late_pep() {
        let text = rendered_on(date(2026, 12, 10));
        // 10 working days after Fri 15 Dec 2023, skipping Christmas, Boxing Day and New Year's Day.
        let initial = row(&text, "Initial PEP");
        assert!(initial.contains("Wed 3 Jan 2024"), "{initial}");
        assert!(initial.ends_with("on time"), "{initial}");
        let placement = row(&text, "Placement change PEP");
        assert!(placement.contains("Mon 17 Jun 2024"), "{placement}");
        assert!(placement.ends_with("met late"), "{placement}");
        assert!(text.contains("(recorded 12 Jun 2024)"), "{text}");
        // The autumn 2026 review is due on Fri 18 December, eight days after 10 December.
        let autumn = row(&text, "Termly review (autumn 2026-27)");
        assert!(autumn.ends_with("DUE SOON"), "{autumn}");
        assert!(text.contains("KS3 transition PEP (Year 7)"), "{text}");
    }

    #[test]
    fn the_same_schedule_judged_later_shows_what_was_missed() {
        let text = rendered_on(date(2027, 1, 11));
        let autumn = row(&text, "Termly review (autumn 2026-27)");
        assert!(autumn.ends_with("OVERDUE"), "{autumn}");
        let move_transition = row(&text, "School move transition PEP");
        assert!(move_transition.ends_with("OVERDUE"), "{move_transition}");
    }
}
