//! [`NetPair`]: an estimator's age and gender nets, the files they came from, and the runner that
//! puts both to work on each batch at the same time. SSR-Net and the Levi-Hassner nets differ in
//! preprocessing and in what their outputs mean, not in how the pair is run.

use crate::error::EstimateError;
use crate::models::ModelPaths;
use crate::onnx_net::OnnxNet;
use crate::pair::PairRunner;

/// Outputs of one batch: the age net's and the gender net's, each flat and row-major.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PairOutputs {
    /// `n * age_outputs` values.
    pub(crate) ages: Vec<f32>,
    /// `n * gender_outputs` values.
    pub(crate) genders: Vec<f32>,
}

/// The age and gender nets of one estimator, loaded and optimised once.
#[derive(Debug)]
pub(crate) struct NetPair {
    age: OnnxNet,
    gender: OnnxNet,
    paths: ModelPaths,
    runner: PairRunner,
}

impl NetPair {
    /// Pairs two loaded nets taking the same input, and starts the runner's helper thread.
    pub(crate) fn new(age: OnnxNet, gender: OnnxNet) -> Self {
        let paths = ModelPaths {
            age: age.path().to_path_buf(),
            gender: gender.path().to_path_buf(),
        };
        Self {
            age,
            gender,
            paths,
            runner: PairRunner::new(),
        }
    }

    /// The files the nets were loaded from.
    pub(crate) fn paths(&self) -> &ModelPaths {
        &self.paths
    }

    /// Which threads run the two nets, for the start-up log.
    pub(crate) fn threads(&self) -> String {
        self.runner.describe("the age net", "the gender net")
    }

    /// Runs one batch of `n` items (`blob`, row-major) through both nets in parallel; each net's
    /// output is checked to hold `age_outputs` / `gender_outputs` values per item. An empty batch
    /// returns empty outputs without running the nets.
    pub(crate) fn run(
        &self,
        blob: Vec<f32>,
        n: usize,
        age_outputs: usize,
        gender_outputs: usize,
    ) -> Result<PairOutputs, EstimateError> {
        if n == 0 && blob.is_empty() {
            return Ok(PairOutputs::default());
        }
        let input = self.age.input(blob, n)?;
        let (ages, genders) = self.runner.run(
            || self.age.run(input.clone(), n, age_outputs),
            || self.gender.run(input.clone(), n, gender_outputs),
        );
        Ok(PairOutputs {
            ages: ages?,
            genders: genders?,
        })
    }

    /// Runs `n` items through both nets in parallel, each net on its own input (for nets that
    /// take different input sizes, as dlib's): `age_blob` and `gender_blob` are row-major.
    /// `alongside` runs on the gender net's thread after it (a third net of the estimator), so
    /// three nets take two threads. An empty batch returns empty outputs without running them.
    pub(crate) fn run_each<T: Send>(
        &self,
        age_blob: Vec<f32>,
        gender_blob: Vec<f32>,
        n: usize,
        outputs: (usize, usize),
        alongside: impl FnOnce() -> Result<T, EstimateError> + Send,
    ) -> Result<(PairOutputs, T), EstimateError> {
        let (age_outputs, gender_outputs) = outputs;
        let age_input = self.age.input(age_blob, n)?;
        let gender_input = self.gender.input(gender_blob, n)?;
        let (ages, (genders, other)) = self.runner.run(
            || self.age.run(age_input, n, age_outputs),
            || {
                let genders = self.gender.run(gender_input, n, gender_outputs);
                (genders, alongside())
            },
        );
        Ok((
            PairOutputs {
                ages: ages?,
                genders: genders?,
            },
            other?,
        ))
    }
}
