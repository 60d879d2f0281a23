//! Reads a Keras 2 `save_weights` HDF5 file and checks it against the architecture table:
//! every expected layer present with exactly the expected weights and shapes, and no other layer
//! carrying weights.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hdf5_pure::AttrValue;

use super::architecture::{LayerSpec, WeightSpec};

use crate::error::{Context, ModelsError, Result, bail, ensure, invalid};

/// Root attribute listing every layer of the model (with or without weights).
const LAYER_NAMES_ATTR: &str = "layer_names";
/// Per-layer attribute listing that layer's weight names (`<layer>/kernel:0`, ...).
const WEIGHT_NAMES_ATTR: &str = "weight_names";
/// Suffix Keras/TensorFlow appends to variable names.
const VARIABLE_SUFFIX: &str = ":0";

/// One weight tensor, row-major as stored by Keras.
#[derive(Clone, Debug, PartialEq)]
pub struct WeightTensor {
    /// Shape as stored.
    pub shape: Vec<usize>,
    /// Values, row-major.
    pub data: Vec<f32>,
}

/// All weights of a checked file: `layer -> weight name (no ":0") -> tensor`.
#[derive(Clone, Debug, Default)]
pub struct CheckedWeights {
    layers: BTreeMap<String, BTreeMap<String, WeightTensor>>,
}

impl CheckedWeights {
    /// The weight `weight` of `layer`; only names from the architecture table exist.
    pub fn get(&self, layer: &str, weight: &str) -> Result<&WeightTensor> {
        self.layers
            .get(layer)
            .and_then(|weights| weights.get(weight))
            .with_context(|| format!("internal: weight {layer}/{weight} was not loaded"))
    }
}

/// Opens `path` and loads every layer of `expected`, refusing any difference in layer names,
/// weight names or shapes (the error names the layer and both shapes).
pub fn load_checked(path: &Path, expected: &[LayerSpec]) -> Result<CheckedWeights> {
    let file = hdf5_pure::File::open(path)
        .map_err(|e| ModelsError::hdf5(format!("opening HDF5 file {}", path.display()), e))?;
    let reader = Reader {
        file,
        path: path.to_owned(),
    };
    let present = reader.layer_names()?;
    for spec in expected {
        ensure!(
            present.iter().any(|name| name == &spec.name) && reader.has_group(&spec.name),
            "{}: layer {} is missing (the SSR-Net 3_3_3_64 architecture needs it; layers in the \
             file: {})",
            path.display(),
            spec.name,
            present.join(", ")
        );
    }
    for name in &present {
        let known = expected.iter().any(|spec| &spec.name == name);
        if !known && !reader.weight_names(name)?.is_empty() {
            bail!(
                "{}: layer {name} carries weights but is not part of the SSR-Net 3_3_3_64 \
                 architecture",
                path.display()
            );
        }
    }
    let mut weights = CheckedWeights::default();
    for spec in expected {
        let layer = reader.load_layer(spec)?;
        weights.layers.insert(spec.name.clone(), layer);
    }
    Ok(weights)
}

struct Reader {
    file: hdf5_pure::File,
    path: PathBuf,
}

impl Reader {
    fn layer_names(&self) -> Result<Vec<String>> {
        let attrs = self.file.root().attrs().map_err(|e| {
            ModelsError::hdf5(
                format!("{}: reading root attributes", self.path.display()),
                e,
            )
        })?;
        let value = attrs.get(LAYER_NAMES_ATTR).with_context(|| {
            format!(
                "{}: no root attribute {LAYER_NAMES_ATTR}; not a Keras save_weights file",
                self.path.display()
            )
        })?;
        strings_of(value).with_context(|| {
            format!(
                "{}: attribute {LAYER_NAMES_ATTR} is not a list of strings",
                self.path.display()
            )
        })
    }

    fn has_group(&self, layer: &str) -> bool {
        self.file.group(layer).is_ok()
    }

    /// The layer's weight names without the `<layer>/` prefix and `:0` suffix.
    fn weight_names(&self, layer: &str) -> Result<Vec<String>> {
        let group = self.file.group(layer).map_err(|e| {
            ModelsError::hdf5(format!("{}: layer group {layer}", self.path.display()), e)
        })?;
        let attrs = group.attrs().map_err(|e| {
            ModelsError::hdf5(
                format!("{}: attributes of layer {layer}", self.path.display()),
                e,
            )
        })?;
        let Some(value) = attrs.get(WEIGHT_NAMES_ATTR) else {
            return Ok(Vec::new());
        };
        let names = strings_of(value).with_context(|| {
            format!(
                "{}: layer {layer}: attribute {WEIGHT_NAMES_ATTR} is not a list of strings",
                self.path.display()
            )
        })?;
        Ok(names
            .iter()
            .map(|full| {
                let short = full.strip_prefix(&format!("{layer}/")).unwrap_or(full);
                short
                    .strip_suffix(VARIABLE_SUFFIX)
                    .unwrap_or(short)
                    .to_owned()
            })
            .collect())
    }

    fn load_layer(&self, spec: &LayerSpec) -> Result<BTreeMap<String, WeightTensor>> {
        let layer = &spec.name;
        let wanted: Vec<WeightSpec> = spec.kind.weights();
        let present = self.weight_names(layer)?;
        let wanted_names: Vec<&str> = wanted.iter().map(|w| w.name).collect();
        let mut present_sorted: Vec<&str> = present.iter().map(String::as_str).collect();
        present_sorted.sort_unstable();
        let mut wanted_sorted = wanted_names.clone();
        wanted_sorted.sort_unstable();
        ensure!(
            present_sorted == wanted_sorted,
            "{}: layer {layer} has weights [{}], the SSR-Net architecture needs [{}]",
            self.path.display(),
            present.join(", "),
            wanted_names.join(", ")
        );
        let mut tensors = BTreeMap::new();
        for weight in wanted {
            let dataset_path = format!("{layer}/{layer}/{}{VARIABLE_SUFFIX}", weight.name);
            let dataset = self.file.dataset(&dataset_path).map_err(|e| {
                ModelsError::hdf5(
                    format!("{}: dataset {dataset_path}", self.path.display()),
                    e,
                )
            })?;
            let shape = dataset
                .shape()
                .map_err(|e| {
                    ModelsError::hdf5(
                        format!("{}: shape of {dataset_path}", self.path.display()),
                        e,
                    )
                })?
                .into_iter()
                .map(usize::try_from)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| {
                    invalid(format!(
                        "{}: shape of {dataset_path}: {e}",
                        self.path.display()
                    ))
                })?;
            ensure!(
                shape == weight.shape,
                "{}: layer {layer}: weight {}{VARIABLE_SUFFIX} has shape {shape:?}, the SSR-Net \
                 architecture needs {:?}",
                self.path.display(),
                weight.name,
                weight.shape
            );
            let data = dataset.read_f32().map_err(|e| {
                ModelsError::hdf5(
                    format!("{}: reading {dataset_path}", self.path.display()),
                    e,
                )
            })?;
            let count: usize = shape.iter().product();
            ensure!(
                data.len() == count,
                "{}: layer {layer}: {dataset_path} holds {} values, its shape {shape:?} needs \
                 {count}",
                self.path.display(),
                data.len()
            );
            tensors.insert(weight.name.to_owned(), WeightTensor { shape, data });
        }
        Ok(tensors)
    }
}

/// The strings of a string or string-array attribute (Keras writes numpy `S` arrays).
fn strings_of(value: &AttrValue) -> Result<Vec<String>> {
    let strings = match value {
        AttrValue::StringArray(values)
        | AttrValue::AsciiStringArray(values)
        | AttrValue::VarLenStringArray(values)
        | AttrValue::VarLenAsciiStringArray(values)
        | AttrValue::VarLenAsciiCharArray(values)
        | AttrValue::StringArraySized { values, .. }
        | AttrValue::AsciiStringArraySized { values, .. } => values.clone(),
        AttrValue::String(value)
        | AttrValue::AsciiString(value)
        | AttrValue::VarLenString(value)
        | AttrValue::VarLenAsciiString(value)
        | AttrValue::StringSized { value, .. }
        | AttrValue::AsciiStringSized { value, .. } => vec![value.clone()],
        // h5py stores an empty list (a layer without weights) as an empty float64 array.
        AttrValue::F64Array(values) if values.is_empty() => Vec::new(),
        AttrValue::F32Array(values) if values.is_empty() => Vec::new(),
        other => bail!("unexpected attribute value {other:?}"),
    };
    Ok(strings
        .into_iter()
        .map(|s| s.trim_end_matches('\0').to_owned())
        .collect())
}
