//! The instance's upkeep of its search indexes (building them, applying the library's changes,
//! merging segments) on a thread of its own that runs at a lower CPU priority than the threads
//! serving requests.
//!
//! On a busy machine a change's indexing then waits for the pages and searches being served,
//! not they for it: the index and the engine trail the library by a few more milliseconds, and
//! a visitor's request is not held up by someone else's save. tantivy's own threads (the
//! indexing worker, the segment updater, the merges) are started by the index writer from the
//! thread that makes or commits it, and take that thread's priority with them, so every index
//! is made and written here.

use std::sync::mpsc;

use crate::error::WebError;

/// How much lower than the serving threads the upkeep runs: added to their Linux nice value
/// (0 by default; 19 is the lowest priority, where it stops). At 10 more the scheduler gives a
/// busy serving thread about nine times the share of a core the upkeep gets; the upkeep still
/// runs at full speed on an idle machine.
const UPKEEP_NICENESS: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// The upkeep thread: jobs run one at a time, in the order given.
pub(crate) struct Upkeep {
    jobs: mpsc::Sender<Job>,
}

impl Upkeep {
    /// Starts the thread (it ends when the last handle to it is dropped).
    pub(crate) fn start() -> Result<Upkeep, WebError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("index-upkeep".into())
            .spawn(move || {
                lower_priority();
                for job in queue {
                    // A job that panics loses its answer (its caller gets an error), not the
                    // thread.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .map_err(|e| WebError::Internal(format!("the index upkeep thread: {e}")))?;
        Ok(Upkeep { jobs })
    }

    /// Runs `job` on the upkeep thread and waits for its answer.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WebError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(job());
            }))
            .map_err(|_| WebError::Internal("the index upkeep thread has stopped".into()))?;
        answered
            .await
            .map_err(|_| WebError::Internal("an index upkeep job failed".into()))
    }

    /// Drops `value` on the upkeep thread rather than the caller's, without waiting. An engine
    /// replaced by a change holds the whole library's vocabulary and statistics: freeing them
    /// takes milliseconds, which on a serving thread would hold up the requests queued on it.
    /// Where the thread has stopped, `value` is dropped here.
    pub(crate) fn drop_later<T: Send + 'static>(&self, value: T) {
        let _ = self.jobs.send(Box::new(move || drop(value)));
    }
}

/// Lowers the calling thread's CPU priority by [`UPKEEP_NICENESS`] (Linux keeps a nice value
/// per thread; threads it starts inherit it). Elsewhere the upkeep runs at the serving
/// threads' priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: nice has no memory effects; on Linux it changes the calling thread only. It
        // answers the new value, or -1 and EPERM when refused (-1 may also be a new value).
        let now = unsafe { libc::nice(UPKEEP_NICENESS) };
        let refused =
            now == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        if refused {
            tracing::warn!(
                error = %std::io::Error::last_os_error(),
                "the index upkeep runs at the serving threads' priority"
            );
        }
    }
}

/// This thread's nice value (Linux), for tests.
#[cfg(all(test, target_os = "linux"))]
fn niceness() -> i32 {
    let tid = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Field 19 of stat is the nice value; the command name (field 2) may hold spaces but ends
    // at the last ')'.
    tid.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(16))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_at_the_lower_priority_and_so_do_the_threads_they_start() {
        let here = niceness();
        let up = Upkeep::start().unwrap();
        let (job, started) = up
            .run(|| {
                let started = std::thread::spawn(niceness).join().unwrap();
                (niceness(), started)
            })
            .await
            .unwrap();
        assert_eq!(job, (here + UPKEEP_NICENESS).min(19));
        assert_eq!(started, job);
        assert_eq!(niceness(), here, "the caller's priority is left as it was");
    }

    #[tokio::test]
    async fn what_is_dropped_later_is_dropped_on_the_upkeep_thread() {
        struct Noted(std::sync::mpsc::Sender<Option<String>>);
        impl Drop for Noted {
            fn drop(&mut self) {
                let _ = self
                    .0
                    .send(std::thread::current().name().map(str::to_string));
            }
        }
        let up = Upkeep::start().unwrap();
        let (noted, dropped) = std::sync::mpsc::channel();
        up.drop_later(Noted(noted));
        assert_eq!(
            dropped.recv_timeout(std::time::Duration::from_secs(10)),
            Ok(Some("index-upkeep".to_string()))
        );
    }

    #[tokio::test]
    async fn a_job_that_panics_is_an_error_and_the_thread_goes_on() {
        let up = Upkeep::start().unwrap();
        assert!(up.run(|| -> u8 { panic!("a job's bug") }).await.is_err());
        assert_eq!(up.run(|| 7).await.unwrap(), 7);
    }
}
