//! [`WeightStore`]: the decoded weights as a net's graph builder consumes them. Each weight is
//! taken once by name with the shape the net's layout needs; a missing name or another shape is
//! an error naming the weight and its file, and [`WeightStore::finish`] refuses weights the
//! layout never took. So the layout written from the net's sources is checked in full before a
//! model is written.

use std::collections::BTreeSet;

use super::weights::{Tensor, WeightMap};

use crate::error::{Result, bail, ensure};

/// Decoded weights with the names taken so far.
#[derive(Debug)]
pub struct WeightStore {
    map: WeightMap,
    net: &'static str,
    taken: BTreeSet<String>,
}

impl WeightStore {
    /// Wraps `map` for building the net called `net` (used in messages).
    pub fn new(map: WeightMap, net: &'static str) -> Self {
        WeightStore {
            map,
            net,
            taken: BTreeSet::new(),
        }
    }

    /// The weight `name`, which must have `shape`.
    pub fn take(&mut self, name: &str, shape: &[usize]) -> Result<&Tensor> {
        let Some(tensor) = self.map.tensors.get(name) else {
            bail!(
                "weight {name} (shape {shape:?}) is missing from {}: it is not {}'s weights file",
                self.map.manifest,
                self.net
            );
        };
        ensure!(
            tensor.shape == shape,
            "weight {name} in {} has shape {:?}, {} needs {shape:?}",
            tensor.file,
            tensor.shape,
            self.net
        );
        ensure!(
            self.taken.insert(name.to_owned()),
            "internal: the {} layout takes weight {name} twice",
            self.net
        );
        Ok(tensor)
    }

    /// Refuses weights of the file that the layout did not take.
    pub fn finish(self) -> Result<()> {
        let unexpected: Vec<String> = self
            .map
            .tensors
            .iter()
            .filter(|(name, _)| !self.taken.contains(*name))
            .map(|(name, tensor)| format!("{name} (in {})", tensor.file))
            .collect();
        ensure!(
            unexpected.is_empty(),
            "{} lists weights that {} does not have: {}",
            self.map.manifest,
            self.net,
            unexpected.join(", ")
        );
        Ok(())
    }
}
