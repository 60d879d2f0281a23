//! [`PairRunner`]: the age and gender nets of one batch in parallel, the first on the calling
//! thread and the second on a one-thread rayon pool of the estimator's own.
//!
//! Why not `rayon::join` on the global pool: called from outside that pool (the app's frame loop
//! is not a pool thread), `join` hands both closures to the pool and puts the caller to sleep
//! until they are done, so every batch costs a wake-up of a pool thread, a sleep and a wake-up
//! of the caller. When the app's detection workers already keep every core busy, those switches
//! cost more than the parallelism gains. Running the first net on the caller while one helper
//! thread runs the second avoids them, and a pool of exactly one thread leaves no second idle
//! worker spinning for work beside the caller. Measured on the shared 2-core machine (medians
//! of interleaved runs of yunet + ssrnet on input1.mp4): 72.1 FPS with `join`, 70-76 FPS with
//! the caller and the global pool, 74-77 FPS with the caller and one helper thread; the pair
//! alone at batch 1 (criterion): 1.23-1.26 ms with the global pool, 1.15-1.17 ms with one
//! helper thread.
//!
//! From inside a rayon pool (e.g. `app eval`, which estimates many images in parallel) the
//! global pool is already busy with the same work, so `rayon::join` is used there.

/// Threads of the helper pool: the second net of each batch.
const HELPER_THREADS: usize = 1;
/// Name of the helper thread (in `top`, `perf` and panics).
const HELPER_THREAD_NAME: &str = "estimate-pair";

/// Runs two closures in parallel as described in the module doc.
#[derive(Debug)]
pub(crate) struct PairRunner {
    /// The one-thread helper pool; `None` when its thread could not be started, and then
    /// `rayon::join` does the work.
    helper: Option<rayon::ThreadPool>,
}

impl PairRunner {
    /// Starts the helper thread.
    pub(crate) fn new() -> Self {
        let helper = rayon::ThreadPoolBuilder::new()
            .num_threads(HELPER_THREADS)
            .thread_name(|_| HELPER_THREAD_NAME.to_owned())
            .build();
        match helper {
            Ok(pool) => Self { helper: Some(pool) },
            Err(error) => {
                tracing::warn!(
                    %error,
                    "cannot start the estimator's helper thread; the age and gender nets will run \
                     through rayon's global pool"
                );
                Self { helper: None }
            }
        }
    }

    /// Where the two closures of [`PairRunner::run`] run when called from outside a rayon pool,
    /// for the start-up log: `first` and `second` name them (e.g. "the age net").
    pub(crate) fn describe(&self, first: &str, second: &str) -> String {
        match self.helper {
            Some(_) => format!(
                "{first} on the calling thread and {second} on the estimator's helper thread \
                 ({HELPER_THREAD_NAME}), in parallel"
            ),
            None => format!(
                "{first} and {second} through rayon's global pool, in parallel (the helper \
                 thread could not be started)"
            ),
        }
    }

    /// Runs `first` and `second` at the same time and returns both results once both are done.
    pub(crate) fn run<A, B>(
        &self,
        first: impl FnOnce() -> A + Send,
        second: impl FnOnce() -> B + Send,
    ) -> (A, B)
    where
        A: Send,
        B: Send,
    {
        let on_a_pool_thread = rayon::current_thread_index().is_some();
        let Some(helper) = self.helper.as_ref().filter(|_| !on_a_pool_thread) else {
            return rayon::join(first, second);
        };
        let mut second_result = None;
        let first_result = helper.in_place_scope(|scope| {
            scope.spawn(|_| second_result = Some(second()));
            first()
        });
        // `in_place_scope` returns only after its spawned task has run, and resumes the task's
        // panic if it had one, so the slot is filled here.
        let second_result =
            second_result.expect("rayon's scope returned before its spawned task ran");
        (first_result, second_result)
    }
}

#[cfg(test)]
mod tests {
    use super::{HELPER_THREAD_NAME, PairRunner};

    fn thread_name() -> Option<String> {
        std::thread::current().name().map(str::to_owned)
    }

    #[test]
    fn first_runs_on_the_caller_and_second_on_the_helper_thread() {
        let runner = PairRunner::new();
        let caller = std::thread::current().id();
        let (first, second) = runner.run(|| std::thread::current().id(), thread_name);
        assert_eq!(first, caller, "first runs on the calling thread");
        assert_eq!(second.as_deref(), Some(HELPER_THREAD_NAME));
    }

    #[test]
    fn inside_a_rayon_pool_both_run_through_join() {
        let runner = PairRunner::new();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .thread_name(|i| format!("outer-{i}"))
            .build()
            .unwrap();
        let (first, second) = pool.install(|| runner.run(thread_name, thread_name));
        for name in [first, second] {
            assert!(
                name.is_some_and(|n| n.starts_with("outer-")),
                "ran on the outer pool"
            );
        }
    }

    #[test]
    fn the_description_names_both_nets_and_the_helper_thread() {
        let description = PairRunner::new().describe("the age net", "the gender net");
        for part in [
            "the age net on the calling thread",
            "the gender net",
            HELPER_THREAD_NAME,
        ] {
            assert!(description.contains(part), "{part:?} in {description:?}");
        }
        let without_helper = PairRunner { helper: None }.describe("the age net", "the gender net");
        assert!(
            without_helper.contains("global pool"),
            "{without_helper:?} says where the nets run instead"
        );
    }

    #[test]
    fn both_results_come_back_in_order() {
        let runner = PairRunner::new();
        let (ages, genders) = runner.run(|| vec![31.5_f32], || vec![0.9_f32, 0.1]);
        assert_eq!((ages, genders), (vec![31.5], vec![0.9, 0.1]));
    }
}
