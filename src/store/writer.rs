//! Group commit: every write to the file runs on one thread, which gathers the writes that
//! arrive while it is busy into one redb transaction and makes them durable with one commit.
//!
//! A durable commit costs an fsync (about 0.6 ms here), so one commit per request caps a
//! server near 1,600 writes a second however many cores it has. Under load the writer instead
//! commits dozens of requests with each fsync; alone, a request still gets its own commit at
//! once, so nothing waits for a batch to fill.
//!
//! Invariants:
//! - Every commit is `redb::Durability::Immediate`: it returns only after the file was synced
//!   (`fdatasync`), so what it wrote survives a power cut, not just `kill -9`.
//!   `tests/it/durability.rs` traces the server's system calls to show the sync comes first.
//! - A caller hears `Ok` only after the commit holding its write has returned, so an answer a
//!   client has seen survives `kill -9` exactly as before.
//! - A commit that fails with an I/O error is answered `Unconfirmed`, not `Unwritable`: its
//!   pages may be in the file although the sync failed, so callers must not assume it did
//!   nothing (see `app/unconfirmed.rs`).
//! - A write that fails changes nothing: the transaction is abandoned and the batch is run
//!   again without it, so the others neither fail with it nor see what it half-wrote.
//! - The writes of one batch apply in arrival order, each seeing those before it, as if each
//!   had had its own transaction.
//! - After an I/O failure the writer empties the database slot, answers every write with the
//!   failure and tries to reopen the file, more slowly the longer it fails; service resumes
//!   by itself once the disk has room or is writable again.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use redb::{Database, Durability, WriteTransaction};

use super::StoreError;
use super::slot::DatabaseSlot;

/// The most writes one commit carries; a bound on how long the first of them waits.
const MOST_PER_COMMIT: usize = 256;
/// Writes that may queue for the writer before callers wait to hand theirs over.
const QUEUE_DEPTH: usize = 4096;
/// The first and the longest wait between attempts to reopen the file after an I/O failure.
const FIRST_REOPEN_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_REOPEN_PAUSE: Duration = Duration::from_secs(1);

/// Opens the data file again after an I/O failure.
pub(super) type Reopen = Box<dyn FnMut() -> Result<Database, StoreError> + Send>;

/// One caller's write, waiting for the writer.
trait Pending: Send {
    /// Applies the write to `txn`. `Err` means what it wrote must not be committed.
    fn apply(&mut self, txn: &WriteTransaction) -> Result<(), StoreError>;
    /// Answers the caller: the outcome of the last `apply` once committed, or `failure`.
    fn answer(self: Box<Self>, failure: Option<StoreError>);
}

struct Write<W, R> {
    work: W,
    outcome: Option<R>,
    reply: Reply<R>,
}

/// How the caller waits for its answer: a thread blocked on a channel, or a task awaiting.
enum Reply<R> {
    Blocking(SyncSender<Result<R, StoreError>>),
    Awaiting(tokio::sync::oneshot::Sender<Result<R, StoreError>>),
}

impl<R> Reply<R> {
    fn send(self, answer: Result<R, StoreError>) {
        // The caller may have gone (its thread ended, its request was dropped); the write
        // stands regardless.
        match self {
            Reply::Blocking(sender) => {
                let _ = sender.send(answer);
            }
            Reply::Awaiting(sender) => {
                let _ = sender.send(answer);
            }
        }
    }
}

fn stopped() -> StoreError {
    StoreError::Storage("the store is closing".into())
}

impl<W, R> Pending for Write<W, R>
where
    W: FnMut(&WriteTransaction) -> Result<R, StoreError> + Send,
    R: Send,
{
    fn apply(&mut self, txn: &WriteTransaction) -> Result<(), StoreError> {
        // A panicking write must not take the writer, and every later write, down with it.
        let outcome = catch_unwind(AssertUnwindSafe(|| (self.work)(txn)))
            .map_err(|_| StoreError::Storage("a write failed unexpectedly".into()))??;
        self.outcome = Some(outcome);
        Ok(())
    }

    fn answer(self: Box<Self>, failure: Option<StoreError>) {
        let result = match (failure, self.outcome) {
            (Some(failure), _) => Err(failure),
            (None, Some(outcome)) => Ok(outcome),
            (None, None) => Err(StoreError::Storage("a write was never applied".into())),
        };
        self.reply.send(result);
    }
}

/// The handle through which the store submits writes; dropping it stops the writer thread
/// once the writes already queued are committed.
pub(super) struct Writer {
    queue: Option<SyncSender<Box<dyn Pending>>>,
    thread: Option<JoinHandle<()>>,
    /// Read by tests; `/metrics` reports the same through `authbox_store_commit_batch_size`.
    #[cfg_attr(not(test), allow(dead_code))]
    commits: Arc<AtomicU64>,
}

impl Writer {
    pub(super) fn start(slot: Arc<DatabaseSlot>, reopen: Reopen) -> Result<Writer, StoreError> {
        let (queue, arrivals) = sync_channel(QUEUE_DEPTH);
        let commits = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&commits);
        let thread = std::thread::Builder::new()
            .name("authbox-writer".into())
            .spawn(move || run(&slot, reopen, &arrivals, &counted))
            .map_err(|e| StoreError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer {
            queue: Some(queue),
            thread: Some(thread),
            commits,
        })
    }

    /// How many transactions the writer has committed so far.
    #[cfg(test)]
    fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Runs `work` in a write transaction and returns its outcome once that is durable.
    /// `work` may run more than once (when another write in its batch fails), each time
    /// against the same state; it must not have effects outside `txn`.
    pub(super) fn write<R, W>(&self, work: W) -> Result<R, StoreError>
    where
        W: FnMut(&WriteTransaction) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = sync_channel(1);
        let pending = Box::new(Write {
            work,
            outcome: None,
            reply: Reply::Blocking(reply),
        });
        self.queue
            .as_ref()
            .ok_or_else(stopped)?
            .send(pending)
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }

    /// [`Writer::write`] for async callers: hands the write over without blocking (a full
    /// queue is an error, for the caller to answer "try again"), and resolves once durable.
    pub(super) fn write_async<R, W>(
        &self,
        work: W,
    ) -> impl Future<Output = Result<R, StoreError>> + use<R, W>
    where
        W: FnMut(&WriteTransaction) -> Result<R, StoreError> + Send + 'static,
        R: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending = Box::new(Write {
            work,
            outcome: None,
            reply: Reply::Awaiting(reply),
        });
        let handed_over = match &self.queue {
            Some(queue) => queue.try_send(pending).map_err(|e| match e {
                TrySendError::Full(_) => {
                    StoreError::Storage("too many writes are waiting; try again shortly".into())
                }
                TrySendError::Disconnected(_) => stopped(),
            }),
            None => Err(stopped()),
        };
        async move {
            handed_over?;
            answer.await.map_err(|_| stopped())?
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    slot: &DatabaseSlot,
    mut reopen: Reopen,
    arrivals: &Receiver<Box<dyn Pending>>,
    commits: &AtomicU64,
) {
    let mut reopen_pause = FIRST_REOPEN_PAUSE;
    while let Ok(first) = arrivals.recv() {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_COMMIT {
            match arrivals.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let db = match slot.get() {
            Ok(db) => db,
            Err(failure) => {
                fail_all(batch, &failure);
                continue;
            }
        };
        match commit_batch(&db, batch) {
            BatchOutcome::Committed => {
                commits.fetch_add(1, Ordering::Relaxed);
                reopen_pause = FIRST_REOPEN_PAUSE;
            }
            BatchOutcome::Failed => {}
            BatchOutcome::Unwritable(failure, batch) => {
                drop(db);
                // Emptied before the callers hear of the failure, so none of them can read
                // through the spent handle afterwards.
                slot.clear();
                fail_all(batch, &failure);
                // A reopened file that fails again at once (a disk still full) waits longer
                // before the next attempt, so a failing disk is not hammered.
                if !recover(slot, &mut reopen, arrivals, &failure, reopen_pause) {
                    return;
                }
                reopen_pause = (reopen_pause * 2).min(LONGEST_REOPEN_PAUSE);
            }
        }
    }
}

/// Empties the slot and reopens the file once that works, answering the writes that arrive
/// meanwhile with `failure`. `false` when the store closed before the file could be reopened.
fn recover(
    slot: &DatabaseSlot,
    reopen: &mut Reopen,
    arrivals: &Receiver<Box<dyn Pending>>,
    failure: &StoreError,
    first_pause: Duration,
) -> bool {
    slot.clear();
    tracing::error!(error = %failure, "writing to the data file failed; requests that need it get 503 until it can be reopened");
    let mut pause = first_pause;
    let mut next_attempt = Instant::now() + pause;
    loop {
        match arrivals.recv_timeout(next_attempt.saturating_duration_since(Instant::now())) {
            Ok(pending) => {
                pending.answer(Some(copy_of(failure)));
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return false,
        }
        match reopen() {
            Ok(db) => {
                slot.put(db);
                tracing::warn!("the data file was reopened; writing works again");
                return true;
            }
            Err(still) => {
                tracing::debug!(error = %still, "the data file cannot be reopened yet");
                pause = (pause * 2).min(LONGEST_REOPEN_PAUSE);
                next_attempt = Instant::now() + pause;
            }
        }
    }
}

/// What became of a batch.
enum BatchOutcome {
    Committed,
    /// Nothing was committed; every caller has its error.
    Failed,
    /// The file could not be written and the handle is spent; the callers still wait for
    /// their answer, to be given once the handle is out of reach.
    Unwritable(StoreError, Vec<Box<dyn Pending>>),
}

/// Applies and commits `batch`, answering every caller.
fn commit_batch(db: &Database, mut batch: Vec<Box<dyn Pending>>) -> BatchOutcome {
    'attempt: while !batch.is_empty() {
        let mut txn = match db.begin_write() {
            Ok(txn) => txn,
            Err(e) => return fail_batch(batch, StoreError::from(e)),
        };
        // redb's default, named so that no change of default can weaken it unseen.
        if let Err(e) = txn.set_durability(Durability::Immediate) {
            let _ = txn.abort();
            return fail_batch(batch, StoreError::Storage(e.to_string()));
        }
        for index in 0..batch.len() {
            if let Err(failure) = batch[index].apply(&txn) {
                let _ = txn.abort();
                if matches!(failure, StoreError::Unwritable(_)) {
                    // Not this write's fault: the others would fail the same way.
                    return fail_batch(batch, failure);
                }
                // Undo everything the batch wrote, the failed write's part included, and go
                // again without it; the others' writes are recomputed on the same state.
                batch.remove(index).answer(Some(failure));
                continue 'attempt;
            }
        }
        let started = Instant::now();
        return match txn.commit() {
            Ok(()) => {
                crate::telemetry::store_commit(started.elapsed(), batch.len());
                for pending in batch {
                    pending.answer(None);
                }
                BatchOutcome::Committed
            }
            Err(e) => fail_batch(batch, unconfirmed(StoreError::from(e))),
        };
    }
    BatchOutcome::Failed
}

/// An I/O failure of the commit itself: the pages may have reached the file before the sync
/// failed, so unlike a failure before committing, it cannot be said to have changed nothing.
fn unconfirmed(failure: StoreError) -> StoreError {
    match failure {
        StoreError::Unwritable(detail) => StoreError::Unconfirmed(detail),
        other => other,
    }
}

fn fail_batch(batch: Vec<Box<dyn Pending>>, failure: StoreError) -> BatchOutcome {
    if matches!(
        failure,
        StoreError::Unwritable(_) | StoreError::Unconfirmed(_)
    ) {
        return BatchOutcome::Unwritable(failure, batch);
    }
    fail_all(batch, &failure);
    BatchOutcome::Failed
}

/// The same failure again, for another caller (store errors are not `Clone`).
fn copy_of(failure: &StoreError) -> StoreError {
    match failure {
        StoreError::Corrupt(detail) => StoreError::Corrupt(detail.clone()),
        StoreError::Unwritable(detail) => StoreError::Unwritable(detail.clone()),
        StoreError::Unconfirmed(detail) => StoreError::Unconfirmed(detail.clone()),
        other => StoreError::Storage(other.to_string()),
    }
}

fn fail_all(batch: Vec<Box<dyn Pending>>, failure: &StoreError) {
    for pending in batch {
        pending.answer(Some(copy_of(failure)));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use std::time::Duration;

    use redb::{ReadableDatabase, ReadableTable, TableDefinition};

    use super::*;

    const NUMBERS: TableDefinition<u64, u64> = TableDefinition::new("numbers");

    fn database(dir: &tempfile::TempDir) -> Arc<Database> {
        let db = Database::create(dir.path().join("test.redb")).expect("a scratch database");
        Arc::new(db)
    }

    fn stored(db: &Database, key: u64) -> Option<u64> {
        let read = db.begin_read().expect("a read transaction");
        match read.open_table(NUMBERS) {
            Ok(table) => table.get(key).expect("a readable table").map(|v| v.value()),
            Err(_) => None,
        }
    }

    fn insert(key: u64, value: u64) -> impl FnMut(&WriteTransaction) -> Result<u64, StoreError> {
        move |txn| {
            txn.open_table(NUMBERS)?.insert(key, value)?;
            Ok(value)
        }
    }

    type Answer = std::sync::mpsc::Receiver<Result<u64, StoreError>>;

    fn pending<W>(work: W) -> (Box<dyn Pending>, Answer)
    where
        W: FnMut(&WriteTransaction) -> Result<u64, StoreError> + Send + 'static,
    {
        let (reply, answer) = sync_channel(1);
        let write = Write {
            work,
            outcome: None,
            reply: Reply::Blocking(reply),
        };
        (Box::new(write), answer)
    }

    #[test]
    fn a_failed_write_leaves_no_trace_and_the_rest_of_its_batch_commits() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let db = database(&dir);
        let (first, first_answer) = pending(insert(1, 10));
        let (failing, failing_answer) = pending(|txn: &WriteTransaction| {
            txn.open_table(NUMBERS)?.insert(2, 20)?;
            Err(StoreError::Storage("refused after writing".into()))
        });
        let (panicking, panicking_answer) =
            pending(|_: &WriteTransaction| -> Result<u64, StoreError> { panic!("a bug") });
        // Sees the first write of its own batch, as if that had committed before it.
        let (reader, reader_answer) = pending(|txn: &WriteTransaction| {
            let table = txn.open_table(NUMBERS)?;
            let seen = table.get(1)?.map(|v| v.value()).unwrap_or(0);
            drop(table);
            txn.open_table(NUMBERS)?.insert(3, seen + 1)?;
            Ok(seen + 1)
        });

        assert!(matches!(
            commit_batch(&db, vec![first, failing, panicking, reader]),
            BatchOutcome::Committed
        ));

        assert_eq!(first_answer.recv().ok().and_then(Result::ok), Some(10));
        assert!(failing_answer.recv().is_ok_and(|r| r.is_err()));
        assert!(panicking_answer.recv().is_ok_and(|r| r.is_err()));
        assert_eq!(reader_answer.recv().ok().and_then(Result::ok), Some(11));
        assert_eq!(stored(&db, 1), Some(10));
        assert_eq!(
            stored(&db, 2),
            None,
            "the failed write's row must not be committed"
        );
        assert_eq!(stored(&db, 3), Some(11));
    }

    #[test]
    fn writes_that_arrive_together_share_one_commit_and_each_is_durable_when_answered() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let slot = Arc::new(DatabaseSlot::new(
            Database::create(dir.path().join("test.redb")).expect("a scratch database"),
        ));
        let never = || Err(StoreError::Storage("nothing fails here".into()));
        let writer = Arc::new(Writer::start(Arc::clone(&slot), Box::new(never)).expect("a writer"));
        let db = slot.get().expect("the open database");
        let callers = 48;
        let arrived = Arc::new(AtomicUsize::new(0));
        // Holds the writer busy until every caller has handed its write over.
        let gate = {
            let writer = Arc::clone(&writer);
            let arrived = Arc::clone(&arrived);
            std::thread::spawn(move || {
                writer.write(move |_| {
                    while arrived.load(Ordering::SeqCst) < callers {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    std::thread::sleep(Duration::from_millis(200));
                    Ok(0)
                })
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        let threads: Vec<_> = (0..callers as u64)
            .map(|n| {
                let writer = Arc::clone(&writer);
                let arrived = Arc::clone(&arrived);
                std::thread::spawn(move || {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    writer.write(insert(100 + n, n))
                })
            })
            .collect();
        for (n, thread) in threads.into_iter().enumerate() {
            let answer = thread.join().expect("a caller thread");
            assert_eq!(answer.ok(), Some(n as u64));
            assert_eq!(stored(&db, 100 + n as u64), Some(n as u64));
        }
        assert!(gate.join().expect("the gate thread").is_ok());
        let commits = writer.commits();
        assert!(
            commits < callers as u64 / 2,
            "{callers} writes arriving together took {commits} commits"
        );
    }

    #[test]
    fn after_an_io_failure_the_file_is_reopened_and_writes_work_again() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("test.redb");
        let slot = Arc::new(DatabaseSlot::new(
            Database::create(&path).expect("a scratch database"),
        ));
        let reopened = Arc::new(AtomicUsize::new(0));
        // The disk stays "full" until the test says otherwise.
        let space_returned = Arc::new(AtomicBool::new(false));
        let reopen = {
            let (reopened, space_returned) = (Arc::clone(&reopened), Arc::clone(&space_returned));
            move || {
                if !space_returned.load(Ordering::SeqCst) {
                    return Err(StoreError::Unwritable("no space left on device".into()));
                }
                reopened.fetch_add(1, Ordering::SeqCst);
                Ok(Database::open(&path)?)
            }
        };
        let writer = Writer::start(Arc::clone(&slot), Box::new(reopen)).expect("a writer");
        assert_eq!(writer.write(insert(1, 10)).ok(), Some(10));

        let failed = writer.write(|txn: &WriteTransaction| -> Result<u64, StoreError> {
            txn.open_table(NUMBERS)?.insert(2, 20)?;
            Err(StoreError::Unwritable("no space left on device".into()))
        });
        assert!(
            matches!(failed, Err(StoreError::Unwritable(_))),
            "{failed:?}"
        );
        // Until the file is open again, readers and writers hear that it is unavailable.
        assert!(matches!(slot.get(), Err(StoreError::Unwritable(_))));
        assert!(matches!(
            writer.write(insert(3, 30)),
            Err(StoreError::Unwritable(_))
        ));
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            matches!(slot.get(), Err(StoreError::Unwritable(_))),
            "not reopened while the disk is still full"
        );
        space_returned.store(true, Ordering::SeqCst);

        let deadline = Instant::now() + Duration::from_secs(5);
        let answer = loop {
            match writer.write(insert(4, 40)) {
                Ok(answer) => break answer,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Err(e) => panic!("never reopened: {e}"),
            }
        };
        assert_eq!(answer, 40);
        assert_eq!(reopened.load(Ordering::SeqCst), 1);
        let db = slot.get().expect("the reopened database");
        assert_eq!(stored(&db, 1), Some(10), "what was committed before stays");
        assert_eq!(stored(&db, 2), None, "the failed write left nothing");
        assert_eq!(stored(&db, 3), None);
        assert_eq!(stored(&db, 4), Some(40));
    }
}
