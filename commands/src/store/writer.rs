//! The single writer: queued appends are drained into one transaction (group commit).
//!
//! Callers send a prepared request and wait on a oneshot; the task takes everything queued
//! (up to the batch limits), lets the back end plan and commit it in one transaction, and
//! answers each caller. A batch the database refuses is retried one request at a time, so one
//! bad request cannot fail the others.

use super::StoreSettings;
use super::append::{AppendError, AppendOutcome};
use super::plan::PreparedRequest;
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, watch};

/// One answer per request of a batch, in order.
pub(crate) type BatchAnswers = Vec<Result<AppendOutcome, AppendError>>;

/// Why a batch transaction did not commit.
#[derive(Debug)]
pub(crate) enum BatchFailure {
    /// The database could not be reached; the message says what callers should know.
    Unavailable(String),
    /// The database refused the batch. `data_error` is true when it refused the data itself (a
    /// constraint or a bad value), which makes the request invalid when it was alone.
    Refused { message: String, data_error: bool },
}

/// A back end's batch transaction.
#[async_trait]
pub(crate) trait BatchWriter: Send + 'static {
    /// Plans and commits `requests` in one transaction, answering each.
    async fn write_batch(
        &mut self,
        requests: &[&PreparedRequest],
    ) -> Result<BatchAnswers, BatchFailure>;
}

struct Job {
    request: PreparedRequest,
    reply: oneshot::Sender<Result<AppendOutcome, AppendError>>,
}

/// The callers' end of the writer task; dropping the last one stops the task.
#[derive(Debug, Clone)]
pub(crate) struct WriterHandle {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Job")
            .field("events", &self.request.event_count())
            .finish()
    }
}

/// How many appends may wait for the writer before callers are slowed down.
const QUEUE_CAPACITY: usize = 16 * 1024;

impl WriterHandle {
    /// Starts the writer task. `head` is told the last committed position after each commit.
    pub(crate) fn spawn(
        backend: impl BatchWriter,
        settings: &StoreSettings,
        head: Arc<watch::Sender<u64>>,
    ) -> Self {
        let (jobs, queue) = mpsc::channel(QUEUE_CAPACITY);
        let limits = BatchLimits {
            max_requests: settings.max_batch_requests.max(1),
            max_events: settings.max_batch_events.max(1),
        };
        tokio::spawn(run_writer(backend, queue, limits, head));
        Self { jobs }
    }

    /// Queues a request and waits for its answer.
    pub(crate) async fn append(
        &self,
        request: PreparedRequest,
    ) -> Result<AppendOutcome, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job { request, reply })
            .await
            .map_err(|_| AppendError::Unavailable("the store's writer has stopped".to_owned()))?;
        answer.await.map_err(|_| {
            AppendError::Unavailable("the store's writer stopped before answering".to_owned())
        })?
    }
}

#[derive(Debug, Clone, Copy)]
struct BatchLimits {
    max_requests: usize,
    max_events: usize,
}

async fn run_writer(
    mut backend: impl BatchWriter,
    mut queue: mpsc::Receiver<Job>,
    limits: BatchLimits,
    head: Arc<watch::Sender<u64>>,
) {
    while let Some(first) = queue.recv().await {
        let mut events = first.request.event_count();
        let mut batch = vec![first];
        while batch.len() < limits.max_requests && events < limits.max_events {
            match queue.try_recv() {
                Ok(job) => {
                    events += job.request.event_count();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let answers = write_with_isolation(&mut backend, &batch).await;
        let committed_up_to = answers
            .iter()
            .filter_map(|answer| answer.as_ref().ok())
            .filter(|outcome| !outcome.duplicate)
            .map(|outcome| outcome.last_position)
            .max();
        if let Some(position) = committed_up_to {
            head.send_if_modified(|known| {
                let moved = position > *known;
                if moved {
                    *known = position;
                }
                moved
            });
        }
        for (job, answer) in batch.into_iter().zip(answers) {
            // A caller that stopped waiting (cancelled) simply misses its answer; the append
            // stands and a retry with the same idempotency key will find it.
            let _ = job.reply.send(answer);
        }
    }
}

async fn write_with_isolation(backend: &mut impl BatchWriter, batch: &[Job]) -> BatchAnswers {
    let requests: Vec<&PreparedRequest> = batch.iter().map(|job| &job.request).collect();
    match backend.write_batch(&requests).await {
        Ok(answers) => answers,
        Err(BatchFailure::Unavailable(message)) => {
            vec![Err(AppendError::Unavailable(message)); batch.len()]
        }
        Err(BatchFailure::Refused {
            message,
            data_error,
        }) if requests.len() == 1 => vec![Err(refusal(message, data_error))],
        Err(BatchFailure::Refused { message, .. }) => {
            tracing::warn!(%message, requests = requests.len(), "batch refused; retrying each request alone");
            let mut answers = Vec::with_capacity(requests.len());
            for request in requests {
                let answer = match backend.write_batch(&[request]).await {
                    Ok(mut single) => single
                        .pop()
                        .unwrap_or_else(|| Err(AppendError::Unavailable("no answer".to_owned()))),
                    Err(BatchFailure::Unavailable(message)) => {
                        Err(AppendError::Unavailable(message))
                    }
                    Err(BatchFailure::Refused {
                        message,
                        data_error,
                    }) => Err(refusal(message, data_error)),
                };
                answers.push(answer);
            }
            answers
        }
    }
}

fn refusal(message: String, data_error: bool) -> AppendError {
    if data_error {
        AppendError::Invalid(format!("the database refused the events: {message}"))
    } else {
        AppendError::Unavailable(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::append::{AppendRequest, ExpectedVersion};
    use chrono::Utc;
    use domain::envelope::{EventMetadata, NewEvent};
    use domain::{Actor, Role};
    use std::sync::Mutex;
    use uuid::Uuid;

    /// Refuses any batch holding the poisoned event id, as a unique constraint would.
    struct FakeBackend {
        poisoned: Uuid,
        batch_sizes: Arc<Mutex<Vec<usize>>>,
        next_position: u64,
    }

    #[async_trait]
    impl BatchWriter for FakeBackend {
        async fn write_batch(
            &mut self,
            requests: &[&PreparedRequest],
        ) -> Result<BatchAnswers, BatchFailure> {
            self.batch_sizes.lock().unwrap().push(requests.len());
            let poisoned = requests
                .iter()
                .any(|request| request.streams[0].events[0].event_id == self.poisoned);
            if poisoned {
                return Err(BatchFailure::Refused {
                    message: "duplicate key".to_owned(),
                    data_error: true,
                });
            }
            Ok(requests
                .iter()
                .map(|_| {
                    self.next_position += 1;
                    Ok(AppendOutcome {
                        streams: vec![],
                        first_position: self.next_position,
                        last_position: self.next_position,
                        duplicate: false,
                    })
                })
                .collect())
        }
    }

    fn request(id: u128) -> PreparedRequest {
        let metadata = EventMetadata {
            la: "831".to_owned(),
            occurred_at: Utc::now(),
            actor: Actor::new("a", Role::System),
            correlation_id: Uuid::nil(),
            causation_id: Uuid::nil(),
            source: "test".to_owned(),
        };
        let event = NewEvent::new(
            Uuid::from_u128(id),
            "T",
            1,
            serde_json::json!({}),
            &metadata,
        );
        PreparedRequest::prepare(AppendRequest::single(
            "s",
            ExpectedVersion::Any,
            vec![event],
            None,
        ))
        .unwrap()
    }

    #[tokio::test]
    async fn one_refused_request_does_not_fail_the_others_in_its_batch() {
        let batch_sizes = Arc::new(Mutex::new(Vec::new()));
        let mut backend = FakeBackend {
            poisoned: Uuid::from_u128(2),
            batch_sizes: batch_sizes.clone(),
            next_position: 0,
        };
        let (reply_senders, _receivers): (Vec<_>, Vec<_>) =
            (0..3).map(|_| oneshot::channel()).unzip();
        let jobs: Vec<Job> = reply_senders
            .into_iter()
            .enumerate()
            .map(|(index, reply)| Job {
                request: request(index as u128 + 1),
                reply,
            })
            .collect();
        let answers = write_with_isolation(&mut backend, &jobs).await;
        assert!(answers[0].is_ok());
        assert!(matches!(answers[1], Err(AppendError::Invalid(_))));
        assert!(answers[2].is_ok());
        assert_eq!(*batch_sizes.lock().unwrap(), vec![3, 1, 1, 1]);
    }

    #[tokio::test]
    async fn queued_requests_are_committed_together_and_advance_the_head() {
        let batch_sizes = Arc::new(Mutex::new(Vec::new()));
        let backend = FakeBackend {
            poisoned: Uuid::from_u128(999),
            batch_sizes: batch_sizes.clone(),
            next_position: 0,
        };
        let head = Arc::new(watch::channel(0).0);
        let mut head_changes = head.subscribe();
        let writer = WriterHandle::spawn(backend, &StoreSettings::default(), head);
        let appends: Vec<_> = (1..=20)
            .map(|id| {
                let writer = writer.clone();
                tokio::spawn(async move { writer.append(request(id)).await })
            })
            .collect();
        for append in appends {
            append.await.unwrap().unwrap();
        }
        let sizes = batch_sizes.lock().unwrap().clone();
        assert_eq!(sizes.iter().sum::<usize>(), 20);
        head_changes.changed().await.unwrap();
        assert_eq!(*head_changes.borrow(), 20);
    }
}
