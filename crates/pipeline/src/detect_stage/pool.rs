//! [`WorkerPool`]: worker threads that each take whole items from one queue, with results handed
//! back in input order, memory bounded by a fixed number of items in flight per worker, and
//! (optionally) more workers started while the consumer waits for results.
//!
//! A dealer thread reads the source and queues each item with its index; any idle worker takes
//! the next one. Results come back in any order and wait in a small reorder buffer until their
//! turn. The dealer needs a token for every item it queues and the consumer gives one back for
//! every result it takes, so at most [`ITEMS_PER_WORKER`] items per worker are between the source
//! and the consumer at any time, whatever the order they finish in.
//!
//! Growth counts only the consumer's waits that began while items were queued for the workers: a
//! consumer waiting for the source (a camera's next frame) would wait as long with more workers.
//!
//! Generic over the work so its ordering, growth and failure handling are tested without video
//! (the tests below); the app runs it with one face finder per worker (`super`).

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Context, Result, bail_run, run_error};

use super::growth::GrowthMonitor;

/// Items between the source and the consumer per worker: one in the worker's hands and one waiting,
/// so a worker never waits for the dealer while the consumer keeps up; more would only hold frames
/// (25 MB each at 4K).
pub const ITEMS_PER_WORKER: usize = 2;
/// How often a consumer waiting for a result checks that some worker is still alive.
const LIVENESS_CHECK: Duration = Duration::from_millis(200);

/// The work a pool's threads do, one item at a time.
pub trait Work: Send + 'static {
    /// What the source yields.
    type Input: Send + 'static;
    /// What the consumer gets back.
    type Output: Send + 'static;
    /// Processes one item.
    fn work(&mut self, input: Self::Input) -> Result<Self::Output>;
}

/// Builds one more worker when the pool grows, on the new worker's own thread.
pub type WorkerFactory<W> = Arc<dyn Fn() -> Result<W> + Send + Sync>;

/// How many workers a pool may have and how to build the ones it does not start with.
pub struct Growth<W> {
    /// Most workers the pool runs.
    pub max_workers: usize,
    /// Builds each added worker.
    pub factory: WorkerFactory<W>,
    /// Names the work in the log line that announces a new worker (e.g. "face detection").
    pub what: &'static str,
}

/// What a worker or the dealer sends the consumer.
enum Finished<O> {
    /// The result for the item with this index.
    Item(u64, Result<O>),
    /// The source ended after this many items.
    End(u64),
}

type Job<I> = (u64, Result<I>);

/// A pool of worker threads between a source and one consumer, see the module doc.
pub struct WorkerPool<W: Work> {
    jobs: Arc<Mutex<Receiver<Job<W::Input>>>>,
    /// Items queued and not taken by a worker yet: while some are, the consumer's wait is for the
    /// workers, not for the source.
    queued: Arc<AtomicUsize>,
    results: Receiver<Finished<W::Output>>,
    /// Cloned into workers started later.
    results_sender: Sender<Finished<W::Output>>,
    /// Tokens back to the dealer, one per item taken; `None` once the pool is stopping.
    tokens: Option<SyncSender<()>>,
    pending: BTreeMap<u64, Result<W::Output>>,
    next_index: u64,
    end: Option<u64>,
    done: bool,
    last_taken: Option<Instant>,
    dealer: Option<JoinHandle<()>>,
    workers: Vec<JoinHandle<Option<W>>>,
    growth: Option<(Growth<W>, GrowthMonitor)>,
    thread_prefix: &'static str,
}

impl<W: Work> WorkerPool<W> {
    /// Starts one thread per worker of `workers` (at least one) and the dealer reading `source`;
    /// with `growth`, more workers are started (up to its maximum) while the consumer waits for
    /// results. Threads are named `<thread_prefix>-<n>`.
    pub fn start(
        source: impl Iterator<Item = Result<W::Input>> + Send + 'static,
        workers: Vec<W>,
        growth: Option<Growth<W>>,
        thread_prefix: &'static str,
    ) -> Result<Self> {
        if workers.is_empty() {
            bail_run!("a worker pool needs at least one worker");
        }
        let max_workers = growth
            .as_ref()
            .map_or(workers.len(), |growth| growth.max_workers)
            .max(workers.len());
        let (token_sender, token_receiver) = sync_channel(ITEMS_PER_WORKER * max_workers);
        let (job_sender, jobs) = channel();
        let (results_sender, results) = channel();
        let mut pool = Self {
            jobs: Arc::new(Mutex::new(jobs)),
            queued: Arc::new(AtomicUsize::new(0)),
            results,
            results_sender,
            tokens: Some(token_sender),
            pending: BTreeMap::new(),
            next_index: 0,
            end: None,
            done: false,
            last_taken: None,
            dealer: None,
            workers: Vec::with_capacity(max_workers),
            growth: growth.map(|growth| (growth, GrowthMonitor::new())),
            thread_prefix,
        };
        // The dealer first: it owns the queue's only sender, so if a worker cannot start, dropping
        // the pool stops the dealer, which closes the queue for the workers already started.
        let end_sender = pool.results_sender.clone();
        let queued = Arc::clone(&pool.queued);
        pool.dealer = Some(
            std::thread::Builder::new()
                .name(format!("{thread_prefix}-deal"))
                .spawn(move || deal(source, &token_receiver, &job_sender, &queued, &end_sender))
                .context("cannot start the thread that deals work to the workers")?,
        );
        for worker in workers {
            pool.spawn_worker(move || Ok(worker))?;
        }
        Ok(pool)
    }

    /// Workers started so far (including one whose factory may still be building it).
    #[cfg(test)]
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// The next result in input order, `None` after the last one or after an error was returned.
    pub fn next(&mut self) -> Option<Result<W::Output>> {
        if self.done {
            return None;
        }
        let started = Instant::now();
        // Whether this wait is for the workers: items were queued for them when it began. A wait
        // with nothing queued is for the source (a camera's next frame, a slow decoder), which
        // more workers would not shorten.
        let waiting_for_workers = self.queued.load(Ordering::SeqCst) > 0;
        loop {
            if let Some(result) = self.pending.remove(&self.next_index) {
                let waited = if waiting_for_workers {
                    started.elapsed()
                } else {
                    Duration::ZERO
                };
                return Some(self.hand_out(result, waited));
            }
            if self.end == Some(self.next_index) {
                self.done = true;
                return None;
            }
            match self.results.recv_timeout(LIVENESS_CHECK) {
                Ok(Finished::Item(index, result)) => {
                    self.pending.insert(index, result);
                }
                Ok(Finished::End(count)) => self.end = Some(count),
                Err(RecvTimeoutError::Timeout) if self.all_threads_stopped() => {
                    self.done = true;
                    return Some(Err(run_error!(
                        "every worker thread stopped before item {} was done",
                        self.next_index
                    )));
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {}
            }
        }
    }

    /// Stops the threads (items not taken yet are dropped) and returns the workers, those added
    /// while running included, with the growth the pool was started with while it has not reached
    /// its maximum: what the next pool over the same work starts from.
    pub fn finish(mut self) -> Result<(Vec<W>, Option<Growth<W>>)> {
        let workers = self.stop()?;
        let growth = self
            .growth
            .take()
            .map(|(growth, _)| growth)
            .filter(|growth| workers.len() < growth.max_workers);
        Ok((workers, growth))
    }

    fn hand_out(&mut self, result: Result<W::Output>, waited: Duration) -> Result<W::Output> {
        self.next_index += 1;
        if let Some(tokens) = &self.tokens {
            // Cannot be full: the channel holds a token for every item any worker could hold.
            let _ = tokens.try_send(());
        }
        if result.is_err() {
            self.done = true;
            return result;
        }
        let now = Instant::now();
        let cycle = self.last_taken.map(|last| now.duration_since(last));
        self.last_taken = Some(now);
        self.grow_if_waiting(waited, cycle);
        result
    }

    /// Starts one more worker when the consumer has been waiting for results (see
    /// `growth`) and the pool may still grow.
    fn grow_if_waiting(&mut self, waited: Duration, cycle: Option<Duration>) {
        let Some((growth, monitor)) = self.growth.as_mut() else {
            return;
        };
        if self.workers.len() >= growth.max_workers {
            return;
        }
        // Once the source has ended, a new worker would only load its detector for nothing.
        if !monitor.record(waited, cycle) || self.end.is_some() {
            return;
        }
        let factory = Arc::clone(&growth.factory);
        let (what, max_workers) = (growth.what, growth.max_workers);
        let number = self.workers.len() + 1;
        tracing::info!(
            workers = number,
            max_workers,
            "{what}: the frame loop was waiting for it; starting worker {number} of at most \
             {max_workers}"
        );
        if let Err(err) = self.spawn_worker(move || factory()) {
            tracing::warn!("{err:#}; going on with {} workers", number - 1);
        }
    }

    /// Starts a worker thread that builds its worker with `build` and then takes items, and hands
    /// the dealer the tokens for the items the new worker may hold.
    fn spawn_worker(&mut self, build: impl FnOnce() -> Result<W> + Send + 'static) -> Result<()> {
        let jobs = Arc::clone(&self.jobs);
        let queued = Arc::clone(&self.queued);
        let results = self.results_sender.clone();
        let handle = std::thread::Builder::new()
            .name(format!("{}-{}", self.thread_prefix, self.workers.len()))
            .spawn(move || {
                let worker = match build() {
                    Ok(worker) => worker,
                    Err(err) => {
                        tracing::warn!("cannot start another worker: {err:#}");
                        return None;
                    }
                };
                Some(work_loop(worker, &jobs, &queued, &results))
            })
            .context("cannot start a worker thread")?;
        self.workers.push(handle);
        if let Some(tokens) = &self.tokens {
            for _ in 0..ITEMS_PER_WORKER {
                let _ = tokens.try_send(());
            }
        }
        Ok(())
    }

    fn all_threads_stopped(&self) -> bool {
        self.workers.iter().all(JoinHandle::is_finished)
            && self.dealer.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Takes the dealer's tokens away, which makes it return and close the queue, which makes
    /// every worker return; then joins them all.
    fn stop(&mut self) -> Result<Vec<W>> {
        self.done = true;
        self.tokens = None;
        self.pending.clear();
        let dealer = self.dealer.take().map(|dealer| {
            dealer
                .join()
                .map_err(|_| run_error!("the thread dealing work to the workers panicked"))
        });
        let workers = std::mem::take(&mut self.workers)
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .map_err(|_| run_error!("a worker thread panicked"))
            })
            .collect::<Result<Vec<_>>>();
        dealer.transpose()?;
        Ok(workers?.into_iter().flatten().collect())
    }
}

impl<W: Work> Drop for WorkerPool<W> {
    fn drop(&mut self) {
        if self.dealer.is_none() && self.workers.is_empty() {
            return;
        }
        if let Err(err) = self.stop() {
            tracing::error!("{err:#}");
        }
    }
}

/// Queues the items of `source` with their index, one per token, until the source ends (then
/// says how many there were), an error (queued, then dealing stops) or the pool stops.
fn deal<I, O>(
    mut source: impl Iterator<Item = Result<I>>,
    tokens: &Receiver<()>,
    jobs: &Sender<Job<I>>,
    queued: &AtomicUsize,
    results: &Sender<Finished<O>>,
) {
    let mut index = 0;
    loop {
        if tokens.recv().is_err() {
            return;
        }
        let Some(item) = source.next() else {
            let _ = results.send(Finished::End(index));
            return;
        };
        let failed = item.is_err();
        queued.fetch_add(1, Ordering::SeqCst);
        if jobs.send((index, item)).is_err() || failed {
            return;
        }
        index += 1;
    }
}

/// Works on queued items until the queue closes, an error (sent on, then this worker stops) or
/// the consumer is gone. A panic in the work comes back as that item's error.
fn work_loop<W: Work>(
    mut worker: W,
    jobs: &Mutex<Receiver<Job<W::Input>>>,
    queued: &AtomicUsize,
    results: &Sender<Finished<W::Output>>,
) -> W {
    loop {
        let job = match jobs.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return worker,
        };
        let Ok((index, input)) = job else {
            return worker;
        };
        queued.fetch_sub(1, Ordering::SeqCst);
        let result = input.and_then(|input| {
            catch_unwind(AssertUnwindSafe(|| worker.work(input))).unwrap_or_else(|panic| {
                Err(run_error!("a worker panicked: {}", panic_text(&panic)))
            })
        });
        let failed = result.is_err();
        if results.send(Finished::Item(index, result)).is_err() || failed {
            return worker;
        }
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Squares numbers after sleeping `delay`; fails on `fail_on` and panics on `panic_on`.
    struct Squarer {
        delay: Duration,
        fail_on: Option<u64>,
        panic_on: Option<u64>,
    }

    impl Work for Squarer {
        type Input = Tracked;
        type Output = (u64, Tracked);

        fn work(&mut self, input: Tracked) -> Result<(u64, Tracked)> {
            std::thread::sleep(self.delay);
            let value = input.value;
            if self.fail_on == Some(value) {
                bail_run!("cannot square {value}");
            }
            assert!(self.panic_on != Some(value), "squaring {value} panicked");
            Ok((value * value, input))
        }
    }

    /// An item that counts itself in `in_flight` while it exists.
    #[derive(Debug)]
    struct Tracked {
        value: u64,
        in_flight: Arc<AtomicUsize>,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn source(
        count: u64,
        in_flight: &Arc<AtomicUsize>,
    ) -> impl Iterator<Item = Result<Tracked>> + use<> {
        let in_flight = Arc::clone(in_flight);
        (0..count).map(move |value| {
            in_flight.fetch_add(1, Ordering::SeqCst);
            Ok(Tracked {
                value,
                in_flight: Arc::clone(&in_flight),
            })
        })
    }

    fn squarer(delay_ms: u64) -> Squarer {
        Squarer {
            delay: Duration::from_millis(delay_ms),
            fail_on: None,
            panic_on: None,
        }
    }

    fn growth(max_workers: usize, delay_ms: u64) -> Growth<Squarer> {
        Growth {
            max_workers,
            factory: Arc::new(move || Ok(squarer(delay_ms))),
            what: "squaring",
        }
    }

    /// Takes every result, checking the order, and returns the squares.
    fn drain(pool: &mut WorkerPool<Squarer>) -> Vec<u64> {
        let mut squares = Vec::new();
        while let Some(result) = pool.next() {
            let (square, input) = result.expect("no error");
            assert_eq!(input.value, squares.len() as u64, "input order");
            squares.push(square);
        }
        squares
    }

    #[test]
    fn results_come_back_in_input_order_from_uneven_workers() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let workers = vec![squarer(1), squarer(7), squarer(3)];
        let mut pool = WorkerPool::start(source(40, &in_flight), workers, None, "t").unwrap();
        let squares = drain(&mut pool);
        assert_eq!(squares, (0..40).map(|v| v * v).collect::<Vec<_>>());
        assert_eq!(pool.finish().unwrap().0.len(), 3, "every worker comes back");
    }

    #[test]
    fn items_in_flight_stay_within_the_bound_when_the_consumer_is_slow() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let workers = vec![squarer(0), squarer(0)];
        let mut pool = WorkerPool::start(source(30, &in_flight), workers, None, "t").unwrap();
        let mut most = 0;
        while let Some(result) = pool.next() {
            std::thread::sleep(Duration::from_millis(3));
            // The item just taken is still alive here.
            most = most.max(in_flight.load(Ordering::SeqCst));
            drop(result);
        }
        // The queued and worked-on items, plus the one the consumer holds.
        assert!(
            most <= ITEMS_PER_WORKER * 2 + 1,
            "{most} items alive at once with 2 workers"
        );
        assert!(most >= 2, "workers ran ahead of the consumer ({most})");
    }

    #[test]
    fn a_waiting_consumer_makes_the_pool_grow_to_its_maximum() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut pool = WorkerPool::start(
            source(30, &in_flight),
            vec![squarer(5)],
            Some(growth(3, 5)),
            "t",
        )
        .unwrap();
        let squares = drain(&mut pool);
        assert_eq!(squares.len(), 30);
        assert_eq!(pool.workers(), 3, "grew to the maximum and no further");
        assert_eq!(pool.finish().unwrap().0.len(), 3, "added workers come back");
    }

    #[test]
    fn a_busy_consumer_keeps_one_worker() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut pool = WorkerPool::start(
            source(20, &in_flight),
            vec![squarer(0)],
            Some(growth(4, 0)),
            "t",
        )
        .unwrap();
        while let Some(result) = pool.next() {
            result.unwrap();
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(pool.workers(), 1);
    }

    #[test]
    fn waiting_for_a_slow_source_does_not_grow_the_pool() {
        // A camera's pace: every item takes 15 ms to arrive and 1 ms to work on. The consumer
        // waits most of the time, but for the source: another worker would find nothing to do.
        let in_flight = Arc::new(AtomicUsize::new(0));
        let slow =
            source(20, &in_flight).inspect(|_| std::thread::sleep(Duration::from_millis(15)));
        let mut pool = WorkerPool::start(slow, vec![squarer(1)], Some(growth(2, 1)), "t").unwrap();
        assert_eq!(drain(&mut pool).len(), 20);
        assert_eq!(pool.workers(), 1);
    }

    #[test]
    fn a_worker_that_cannot_be_built_leaves_the_others_working() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let failing = Growth {
            max_workers: 2,
            factory: Arc::new(|| Err(run_error!("no detector today"))),
            what: "squaring",
        };
        let mut pool =
            WorkerPool::start(source(20, &in_flight), vec![squarer(3)], Some(failing), "t")
                .unwrap();
        assert_eq!(drain(&mut pool).len(), 20);
        assert_eq!(pool.workers(), 2, "the second worker was tried");
        assert_eq!(
            pool.finish().unwrap().0.len(),
            1,
            "only the built one comes back"
        );
    }

    #[test]
    fn an_error_comes_back_at_its_place_and_ends_the_results() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        // Either worker may take item 5, so both fail on it.
        let workers: Vec<Squarer> = (0..2)
            .map(|_| Squarer {
                fail_on: Some(5),
                ..squarer(1)
            })
            .collect();
        let mut pool = WorkerPool::start(source(20, &in_flight), workers, None, "t").unwrap();
        for expected in 0..5 {
            let (square, _) = pool.next().unwrap().unwrap();
            assert_eq!(square, expected * expected);
        }
        let error = pool.next().unwrap().unwrap_err();
        assert!(error.to_string().contains("cannot square 5"), "{error:#}");
        assert!(pool.next().is_none(), "nothing after the error");
        pool.finish().unwrap();
    }

    #[test]
    fn a_source_error_comes_back_at_its_place() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let items = source(3, &in_flight).chain(std::iter::once(Err(run_error!("bad frame"))));
        let mut pool = WorkerPool::start(items, vec![squarer(0)], None, "t").unwrap();
        for _ in 0..3 {
            pool.next().unwrap().unwrap();
        }
        let error = pool.next().unwrap().unwrap_err();
        assert_eq!(error.to_string(), "bad frame");
        assert!(pool.next().is_none());
    }

    #[test]
    fn a_panic_in_the_work_becomes_that_items_error() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut panicking = squarer(0);
        panicking.panic_on = Some(2);
        let mut pool =
            WorkerPool::start(source(10, &in_flight), vec![panicking], None, "t").unwrap();
        pool.next().unwrap().unwrap();
        pool.next().unwrap().unwrap();
        let error = pool.next().unwrap().unwrap_err();
        assert!(
            error.to_string().contains("squaring 2 panicked"),
            "{error:#}"
        );
        assert!(pool.next().is_none());
    }

    #[test]
    fn an_empty_source_ends_at_once() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let mut pool =
            WorkerPool::start(source(0, &in_flight), vec![squarer(0)], None, "t").unwrap();
        assert!(pool.next().is_none());
        assert_eq!(pool.finish().unwrap().0.len(), 1);
    }

    #[test]
    fn stopping_early_returns_the_workers_without_hanging() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let workers = vec![squarer(2), squarer(2)];
        let mut pool = WorkerPool::start(source(1000, &in_flight), workers, None, "t").unwrap();
        pool.next().unwrap().unwrap();
        assert_eq!(pool.finish().unwrap().0.len(), 2);
        assert_eq!(
            in_flight.load(Ordering::SeqCst),
            0,
            "every queued item dropped"
        );
    }

    #[test]
    fn a_pool_needs_a_worker() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        assert!(
            WorkerPool::<Squarer>::start(source(1, &in_flight), Vec::new(), None, "t").is_err()
        );
    }
}
