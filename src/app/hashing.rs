//! Password hashing on a few threads of its own: one per core, with a short queue.
//!
//! One Argon2id check holds 19 MiB while it runs. Run on the request threads, a burst of
//! sign-ins hashes on as many threads at once as the blocking pool has, and each thread's
//! allocator arena keeps its 19 MiB afterwards: 200 concurrent wrong passwords once took the
//! server past 800 MiB. Here at most `workers` hashes run at once, always on the same threads,
//! so memory stays near `workers × 19 MiB`; a caller that finds the queue full is told to try
//! again instead of waiting without end.
//!
//! Invariant: every password hash and check of the server goes through [`HashingPool::run`].

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// Callers queued per worker before more are turned away: a queued check waits for at most
/// this many others (tens of milliseconds each) per worker.
const QUEUED_PER_WORKER: usize = 64;

/// Every worker was busy and the queue full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

pub(super) struct HashingPool {
    jobs: SyncSender<Job>,
}

impl HashingPool {
    /// Starts one worker per core. Workers end when the pool is dropped.
    pub(super) fn start() -> std::io::Result<HashingPool> {
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let (jobs, queue) = sync_channel::<Job>(workers * QUEUED_PER_WORKER);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..workers {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("authbox-hash-{n}"))
                .spawn(move || work(&queue))?;
        }
        Ok(HashingPool { jobs })
    }

    /// Runs `hash` on a worker and waits for its result; `Err(Busy)` at once when the queue
    /// is full.
    pub(super) fn run<T: Send + 'static>(
        &self,
        hash: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (done, result) = sync_channel(1);
        self.jobs
            .try_send(Box::new(move || {
                let _ = done.send(hash());
            }))
            .map_err(|_| Busy)?;
        result.recv().map_err(|_| Busy)
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(job) = job else {
            return;
        };
        // A panicking job drops its answer channel, so its caller hears Busy; the worker stays.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_jobs_run_at_once_than_there_are_workers() {
        let pool = Arc::new(HashingPool::start().unwrap());
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let callers = workers * 4;
        let barrier = Arc::new(Barrier::new(callers));
        let threads: Vec<_> = (0..callers)
            .map(|_| {
                let (pool, running, most, barrier) = (
                    Arc::clone(&pool),
                    Arc::clone(&running),
                    Arc::clone(&most),
                    Arc::clone(&barrier),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), Ok(()));
        }
        assert!(most.load(Ordering::SeqCst) <= workers);
        assert!(most.load(Ordering::SeqCst) >= 1);
    }

    #[test]
    fn a_panicking_job_answers_busy_and_the_worker_carries_on() {
        let pool = HashingPool::start().unwrap();
        assert_eq!(pool.run(|| -> u8 { panic!("a bad job") }), Err(Busy));
        for n in 0..10 {
            assert_eq!(pool.run(move || n * 2), Ok(n * 2));
        }
    }
}
