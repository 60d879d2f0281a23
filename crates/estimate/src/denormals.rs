//! [`FlushDenormals`]: a scoped guard that makes the current thread flush denormal floats to zero
//! (x86_64 MXCSR bits FTZ and DAZ) while a net runs, and restores the thread's previous mode
//! when dropped.
//!
//! Why: a result or an input that is denormal (below 1.2e-38 in magnitude) costs about a hundred
//! cycles per SSE/AVX operation on x86 unless the CPU is told to treat it as zero; deep nets whose
//! activations decay towards zero (e.g. after many ReLU and batch-norm layers) can spend most of
//! their time on them. The flag is per thread, so the guard is taken around each net run on the
//! thread that runs it (the caller, the pair's helper thread, rayon threads), and dropped before
//! control returns to the caller, whose float semantics stay untouched.
//!
//! On this project's nets tract produced the same outputs, bit for bit, in the same time with and
//! without flushing (onnxruntime on one thread did not, docs/BENCHMARKS.md); the guard stays because it
//! costs two register writes per run and rules the slow case out for nets to come.
//!
//! On other architectures the guard does nothing.

use std::marker::PhantomData;

/// Flushes denormal floats to zero on the current thread until dropped.
///
/// Not `Send`: the MXCSR register belongs to the thread that set it, so the guard must be
/// dropped (and the previous mode restored) on that same thread.
#[must_use = "denormals are flushed only while the guard lives"]
pub(crate) struct FlushDenormals {
    /// The thread's control word before the guard set its bits.
    #[cfg(target_arch = "x86_64")]
    previous: u32,
    _not_send: PhantomData<*const ()>,
}

impl FlushDenormals {
    /// Sets FTZ and DAZ on the current thread, remembering the previous mode.
    pub(crate) fn new() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            let previous = mxcsr::read();
            mxcsr::write(previous | mxcsr::FLUSH_TO_ZERO | mxcsr::DENORMALS_ARE_ZERO);
            Self {
                previous,
                _not_send: PhantomData,
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        Self {
            _not_send: PhantomData,
        }
    }
}

impl Drop for FlushDenormals {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        mxcsr::write(self.previous);
    }
}

/// Reading and writing the SSE control and status register of the current thread.
#[cfg(target_arch = "x86_64")]
pub(crate) mod mxcsr {
    use std::arch::asm;

    /// MXCSR bit 15, "flush to zero": denormal results become zero (Intel SDM vol. 1, 10.2.3).
    pub(crate) const FLUSH_TO_ZERO: u32 = 1 << 15;
    /// MXCSR bit 6, "denormals are zero": denormal inputs are read as zero (Intel SDM vol. 1,
    /// 10.2.3; every x86_64 CPU has it).
    pub(crate) const DENORMALS_ARE_ZERO: u32 = 1 << 6;

    /// The current thread's MXCSR.
    pub(crate) fn read() -> u32 {
        let mut value: u32 = 0;
        // SAFETY: `stmxcsr` stores the 32-bit MXCSR to the given address, which is a valid,
        // aligned, writable `u32` on this stack frame; SSE is part of the x86_64 baseline.
        unsafe {
            asm!("stmxcsr [{}]", in(reg) &mut value, options(nostack, preserves_flags));
        }
        value
    }

    /// Sets the current thread's MXCSR to `value`.
    pub(crate) fn write(value: u32) {
        // SAFETY: `ldmxcsr` loads MXCSR from a valid, aligned `u32`. Callers only pass a value read
        // by `read` with the FTZ/DAZ bits set or that value itself, so no reserved bit is set
        // (which would fault). Changing the rounding and denormal modes is the purpose; the asm
        // block is a compiler barrier for memory, so float code that reads or writes memory is
        // not moved across it.
        unsafe {
            asm!("ldmxcsr [{}]", in(reg) &value, options(nostack, readonly, preserves_flags));
        }
    }
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use std::hint::black_box;

    use super::*;

    /// The smallest positive normal `f32` times this is a denormal (about 1.2e-39).
    const DENORMAL_SCALE: f32 = 0.1;
    const FLUSH_BITS: u32 = mxcsr::FLUSH_TO_ZERO | mxcsr::DENORMALS_ARE_ZERO;

    /// `f32::MIN_POSITIVE * DENORMAL_SCALE` computed at run time (black boxes keep the compiler
    /// from folding it under its default float mode).
    fn multiply_into_denormal() -> f32 {
        black_box(f32::MIN_POSITIVE) * black_box(DENORMAL_SCALE)
    }

    #[test]
    fn guard_sets_both_bits_and_restores_the_previous_mode() {
        // On a fresh thread so that no other test's guard is involved.
        std::thread::spawn(|| {
            let before = mxcsr::read();
            assert_eq!(before & FLUSH_BITS, 0, "threads start without FTZ/DAZ");
            {
                let _guard = FlushDenormals::new();
                assert_eq!(mxcsr::read(), before | FLUSH_BITS);
            }
            assert_eq!(mxcsr::read(), before);
        })
        .join()
        .expect("test thread");
    }

    #[test]
    fn guard_restores_a_mode_that_already_flushed() {
        std::thread::spawn(|| {
            let before = mxcsr::read();
            mxcsr::write(before | mxcsr::FLUSH_TO_ZERO);
            drop(FlushDenormals::new());
            assert_eq!(mxcsr::read(), before | mxcsr::FLUSH_TO_ZERO);
            mxcsr::write(before);
        })
        .join()
        .expect("test thread");
    }

    #[test]
    fn denormal_products_are_zero_only_on_a_guarded_thread() {
        std::thread::spawn(|| {
            let unguarded = multiply_into_denormal();
            assert!(unguarded.is_subnormal(), "{unguarded:e}");
            let guarded = {
                let _guard = FlushDenormals::new();
                // A denormal input read as zero (DAZ) and a denormal result written as zero (FTZ).
                let input = black_box(unguarded) * black_box(1.0_f32);
                (input, multiply_into_denormal())
            };
            assert_eq!(guarded, (0.0, 0.0));
            assert!(multiply_into_denormal().is_subnormal(), "mode restored");
        })
        .join()
        .expect("test thread");
    }

    /// The Cydral age net: where onnxruntime on one thread spent most of its time on denormals.
    const DLIB_AGE_MODEL: &str = "age-v1.onnx";
    /// Its input side and per-channel RGB means (`../shared/mirror/cydral-manifest.json`:
    /// 122.781998, 117.000999, 104.297997, the same `f32`s); inputs are `(byte - mean) / 256`.
    const DLIB_AGE_SIZE: usize = 64;
    /// How far flushed and unflushed probabilities may differ.
    const TOLERANCE: f32 = 1e-6;

    #[test]
    fn a_net_gives_the_same_outputs_flushed_and_leaves_the_callers_mode_alone() {
        let path = test_data::models_dir().join(DLIB_AGE_MODEL);
        let net = crate::onnx_net::OnnxNet::load(&path, &[3, DLIB_AGE_SIZE, DLIB_AGE_SIZE])
            .unwrap_or_else(|e| panic!("{e}"));
        let values = crate::dlib::test_input::cydral_input(DLIB_AGE_SIZE);
        let (flushed, unflushed) = std::thread::spawn(move || {
            let before = mxcsr::read();
            let run = |flush| {
                let input = net.input(values.clone(), 1).expect("input");
                if flush {
                    net.run(input, 1, 81)
                } else {
                    net.run_in_current_float_mode(input, 1, 81)
                }
                .expect("age net")
            };
            let flushed = run(true);
            assert_eq!(mxcsr::read(), before, "the run restored the caller's mode");
            (flushed, run(false))
        })
        .join()
        .expect("test thread");
        let largest_difference = flushed
            .iter()
            .zip(&unflushed)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0_f32, f32::max);
        assert!(
            largest_difference <= TOLERANCE,
            "flushed and unflushed ages differ by {largest_difference:e}"
        );
        let total: f32 = flushed.iter().sum();
        assert!((total - 1.0).abs() < 1e-4, "81 probabilities, sum {total}");
    }
}
