//! The decisions about the JetStream stream that need no server: what its configuration should
//! be, whether an existing one must be updated, and where a run resumes. Kept apart from the
//! network code so that they are unit-tested.

use super::subject::EVENT_SUBJECT_PREFIX;
use async_nats::jetstream::stream::{Config, StorageType};
use std::time::Duration;

/// The stream the relay owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSettings {
    /// The stream's name (`PEP_EVENTS`).
    pub name: String,
    /// How long JetStream remembers `Nats-Msg-Id`s. It must outlast any gap between a publish
    /// and the relay's next run, so re-publishing after a crash or a restart adds nothing.
    pub duplicate_window: Duration,
    /// Replicas when the stream is created (3 on a production cluster). Not changed later:
    /// that is an operator's decision.
    pub replicas: usize,
}

impl Default for StreamSettings {
    fn default() -> Self {
        Self {
            name: "PEP_EVENTS".to_owned(),
            duplicate_window: Duration::from_secs(2 * 60 * 60),
            replicas: 1,
        }
    }
}

impl StreamSettings {
    /// The subjects the stream captures: every event subject.
    pub fn subjects(&self) -> Vec<String> {
        vec![format!("{EVENT_SUBJECT_PREFIX}.>")]
    }

    /// The configuration a new stream is created with: file storage, kept forever (limits
    /// retention without limits; the store is the archive, the stream a replayable feed).
    pub fn new_stream_config(&self) -> Config {
        Config {
            name: self.name.clone(),
            subjects: self.subjects(),
            storage: StorageType::File,
            num_replicas: self.replicas.max(1),
            duplicate_window: self.duplicate_window,
            ..Config::default()
        }
    }
}

/// The configuration to update an existing stream to, or `None` when it already matches.
///
/// Only what the relay relies on is compared (subjects, duplicate window); everything else an
/// operator set (replicas, limits, placement) is kept as the server reports it.
pub fn reconcile(current: &Config, wanted: &StreamSettings) -> Option<Config> {
    let subjects = wanted.subjects();
    if current.subjects == subjects && current.duplicate_window == wanted.duplicate_window {
        return None;
    }
    let mut updated = current.clone();
    updated.subjects = subjects;
    updated.duplicate_window = wanted.duplicate_window;
    Some(updated)
}

/// The stream's last message, shown to be this store's event at `position`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedTail {
    /// The event's global position.
    pub position: u64,
    /// Its stream sequence.
    pub sequence: u64,
}

/// Where a run starts and what its first publish names as its predecessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResumePoint {
    /// The first event published is the one after this position.
    pub resume_after: u64,
    /// The stream sequence the first publish must follow (`Nats-Expected-Last-Sequence`), or
    /// `None` when the stream's tail is not ours and only de-duplication can protect it.
    pub expected_last_sequence: Option<u64>,
}

/// Decides where a run resumes.
///
/// When the stream's last message is this store's event, the stream itself says what it
/// holds: resume after it, whatever the checkpoint says. A checkpoint behind it (a crash before
/// the save) would only cause duplicates; a checkpoint ahead of it (a stream restored from an
/// older backup) would leave a gap. An empty stream starts at sequence 0 after the checkpoint.
///
/// Otherwise (the last message is someone else's, or was deleted) the checkpoint is all there
/// is, and re-published events may be in the stream already: JetStream answers those as
/// duplicates without storing them, so their sequences cannot be predicted, and the run
/// publishes without the expected-sequence check.
pub fn resume_point(
    checkpoint: u64,
    last_sequence: u64,
    tail: Option<PublishedTail>,
) -> ResumePoint {
    match tail {
        Some(tail) => ResumePoint {
            resume_after: tail.position,
            expected_last_sequence: Some(tail.sequence),
        },
        None if last_sequence == 0 => ResumePoint {
            resume_after: checkpoint,
            expected_last_sequence: Some(0),
        },
        None => ResumePoint {
            resume_after: checkpoint,
            expected_last_sequence: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_stream_captures_every_event_subject_on_file_with_a_two_hour_window() {
        let config = StreamSettings::default().new_stream_config();
        assert_eq!(config.name, "PEP_EVENTS");
        assert_eq!(config.subjects, vec!["pep.v1.events.>".to_owned()]);
        assert_eq!(config.storage, StorageType::File);
        assert_eq!(config.duplicate_window, Duration::from_secs(7200));
        assert_eq!(config.num_replicas, 1);
    }

    #[test]
    fn a_matching_stream_is_left_alone_even_with_operator_settings() {
        let settings = StreamSettings::default();
        let mut current = settings.new_stream_config();
        current.num_replicas = 3;
        current.max_bytes = 1 << 40;
        assert_eq!(reconcile(&current, &settings), None);
    }

    #[test]
    fn a_different_window_or_subject_is_updated_and_the_rest_kept() {
        let settings = StreamSettings::default();
        let mut current = settings.new_stream_config();
        current.num_replicas = 3;
        current.duplicate_window = Duration::from_secs(120);
        let updated = reconcile(&current, &settings).unwrap();
        assert_eq!(updated.duplicate_window, Duration::from_secs(7200));
        assert_eq!(updated.num_replicas, 3);

        let mut current = settings.new_stream_config();
        current.subjects = vec!["pep.v1.events.831.>".to_owned()];
        let updated = reconcile(&current, &settings).unwrap();
        assert_eq!(updated.subjects, vec!["pep.v1.events.>".to_owned()]);
    }

    #[test]
    fn the_stream_tail_wins_over_the_checkpoint_when_it_is_ours() {
        let tail = PublishedTail {
            position: 120,
            sequence: 125,
        };
        let behind = resume_point(100, 125, Some(tail));
        assert_eq!(behind.resume_after, 120);
        assert_eq!(behind.expected_last_sequence, Some(125));
        let ahead = resume_point(150, 125, Some(tail));
        assert_eq!(ahead.resume_after, 120);
    }

    #[test]
    fn an_empty_stream_is_filled_from_the_checkpoint_with_predicted_sequences() {
        let empty = resume_point(40, 0, None);
        assert_eq!(empty.resume_after, 40);
        assert_eq!(empty.expected_last_sequence, Some(0));
    }

    #[test]
    fn a_foreign_tail_resumes_from_the_checkpoint_relying_on_de_duplication_alone() {
        let foreign = resume_point(40, 900, None);
        assert_eq!(foreign.resume_after, 40);
        assert_eq!(foreign.expected_last_sequence, None);
    }
}
