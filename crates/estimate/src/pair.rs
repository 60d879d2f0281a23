//! [`run_pair`]: the age and gender nets of one batch, in parallel through rayon, the first on
//! the calling thread.
//!
//! Why not `rayon::join`: called from outside rayon's pool (the app's frame loop is not a pool
//! thread), `join` hands both closures to the pool and puts the caller to sleep until they are
//! done, so every batch costs a wake-up of a pool thread, a sleep and a wake-up of the caller.
//! When the app's detection workers already keep every core busy, those switches cost more
//! than the parallelism gains. Here the caller runs the first net at once while a pool thread
//! takes the second: yunet + ssrnet on input1.mp4 went from 72.1 to 76.2 FPS (median of five
//! interleaved runs), haar + ssrnet stayed within its noise (28.2-28.8 FPS).

/// Runs `first` on the calling thread and `second` on rayon's global pool at the same time, and
/// returns both results once both are done.
pub(crate) fn run_pair<A, B>(first: impl FnOnce() -> A, second: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    let mut second_result = None;
    let first_result = rayon::in_place_scope(|scope| {
        scope.spawn(|_| second_result = Some(second()));
        first()
    });
    // `in_place_scope` returns only after its spawned task has run, and resumes the task's
    // panic if it had one, so the slot is filled here.
    let second_result = second_result.expect("rayon's scope returned before its spawned task ran");
    (first_result, second_result)
}

#[cfg(test)]
mod tests {
    use super::run_pair;

    #[test]
    fn first_runs_on_the_caller_and_second_on_the_pool() {
        let caller = std::thread::current().id();
        let (first, second) = run_pair(
            || (std::thread::current().id(), rayon::current_thread_index()),
            rayon::current_thread_index,
        );
        assert_eq!(first, (caller, None), "first runs on the calling thread");
        assert!(second.is_some(), "second runs on a pool thread");
    }

    #[test]
    fn both_results_come_back_in_order() {
        let (ages, genders) = run_pair(|| vec![31.5_f32], || vec![0.9_f32, 0.1]);
        assert_eq!((ages, genders), (vec![31.5], vec![0.9, 0.1]));
    }
}
