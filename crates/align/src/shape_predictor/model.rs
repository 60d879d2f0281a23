//! Reading dlib's serialisation of a `shape_predictor` (`dlib/image_processing/shape_predictor.h`)
//! into the flat, checked tables [`super::ShapePredictor`] runs on.
//!
//! The layout is: `int` version (1); the mean shape as a `matrix<float,0,1>`; the forests as a
//! `std::vector` (one per cascade) of `std::vector<regression_tree>`, a tree being its splits
//! (`idx1`, `idx2` as `unsigned long`, `thresh` as `float`) and its leaves (`matrix<float,0,1>`
//! each); then per cascade the anchor landmark index of every feature pixel and the pixel's offset
//! from that landmark in the mean shape (`dlib::vector<float,2>`).

use super::SHAPE_LEN;
use super::reader::{MIN_FLOAT_BYTES, MIN_INT_BYTES, ReadError, Reader};

/// The only `shape_predictor` serialisation version dlib writes and reads.
const SUPPORTED_VERSION: i64 = 1;
/// Fewest bytes of a serialised matrix: its two dimensions.
const MIN_MATRIX_BYTES: usize = 2 * MIN_INT_BYTES;
/// Fewest bytes of a serialised split: two indices and a threshold.
const MIN_SPLIT_BYTES: usize = 2 * MIN_INT_BYTES + MIN_FLOAT_BYTES;
/// Fewest bytes of a serialised tree: two empty sequences.
const MIN_TREE_BYTES: usize = 2 * MIN_INT_BYTES;
/// Fewest bytes of a serialised `dlib::vector<float,2>`.
const MIN_DELTA_BYTES: usize = 2 * MIN_FLOAT_BYTES;

/// One split node: go left when `pixel[first] - pixel[second] > threshold`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// Index of the first feature pixel of the cascade.
    pub first: u32,
    /// Index of the second feature pixel.
    pub second: u32,
    /// Intensity difference above which the left child is taken.
    pub threshold: f32,
}

/// Where one tree's nodes sit in its cascade's flat tables.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tree {
    /// First split of the tree in [`Cascade::splits`] (nodes in dlib's breadth-first order).
    pub split_start: u32,
    /// Number of splits; the tree has `split_count + 1` leaves, a power of two.
    pub split_count: u32,
    /// First value of the tree's first leaf in [`Cascade::leaves`] (`SHAPE_LEN` values a leaf).
    pub leaf_start: u32,
}

/// One level of the cascade: its feature pixels and its trees.
#[derive(Debug, Clone)]
pub(crate) struct Cascade {
    /// For each feature pixel, the landmark it is placed relative to.
    pub anchors: Vec<u32>,
    /// For each feature pixel, its offset from the anchor in the mean shape's frame.
    pub deltas: Vec<[f32; 2]>,
    /// The trees, evaluated in order.
    pub trees: Vec<Tree>,
    /// Every tree's splits, tree after tree.
    pub splits: Vec<Split>,
    /// Every tree's leaf shape updates, tree after tree, leaf after leaf.
    pub leaves: Vec<f32>,
}

/// A whole model as read and checked.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    /// The mean shape in box-normalised coordinates (x0, y0, x1, y1, ...).
    pub initial_shape: [f32; SHAPE_LEN],
    /// The cascades, in order.
    pub cascades: Vec<Cascade>,
}

/// Reads and checks a model from the file's bytes.
pub(crate) fn parse(bytes: &[u8]) -> Result<Model, ReadError> {
    let mut reader = Reader::new(bytes);
    let at = reader.offset();
    let version = reader.int("the version")?;
    if version != SUPPORTED_VERSION {
        return Err(Reader::error_at(
            at,
            format!("version {version}, expected {SUPPORTED_VERSION}"),
        ));
    }
    let at = reader.offset();
    let shape = column(&mut reader, "the mean shape")?;
    let initial_shape: [f32; SHAPE_LEN] = shape.try_into().map_err(|shape: Vec<f32>| {
        Reader::error_at(
            at,
            format!(
                "the mean shape has {} values; only the 5-point model ({SHAPE_LEN} values) is supported",
                shape.len()
            ),
        )
    })?;

    let at = reader.offset();
    let cascade_count = reader.length(MIN_INT_BYTES, "the number of cascades")?;
    let mut forests = Vec::with_capacity(cascade_count);
    for cascade in 0..cascade_count {
        forests.push(forest(&mut reader, cascade)?);
    }
    let anchors = per_cascade(
        &mut reader,
        cascade_count,
        at,
        "anchor",
        MIN_INT_BYTES,
        |reader, what| {
            let at = reader.offset();
            let anchor = reader.unsigned_long(what)?;
            u32::try_from(anchor)
                .ok()
                .filter(|&anchor| (anchor as usize) < SHAPE_LEN / 2)
                .ok_or_else(|| Reader::error_at(at, format!("{what} {anchor} is not a landmark")))
        },
    )?;
    let deltas = per_cascade(
        &mut reader,
        cascade_count,
        at,
        "pixel offset",
        MIN_DELTA_BYTES,
        |reader, what| Ok([reader.float(what)?, reader.float(what)?]),
    )?;
    if reader.remaining() != 0 {
        return Err(Reader::error_at(
            reader.offset(),
            format!("{} bytes follow the end of the model", reader.remaining()),
        ));
    }

    let cascades = forests
        .into_iter()
        .zip(anchors.into_iter().zip(deltas))
        .enumerate()
        .map(|(index, (forest, (anchors, deltas)))| {
            check_cascade(&forest, anchors.len(), deltas.len(), index)?;
            Ok(Cascade {
                anchors,
                deltas,
                trees: forest.trees,
                splits: forest.splits,
                leaves: forest.leaves,
            })
        })
        .collect::<Result<Vec<_>, ReadError>>()?;
    Ok(Model {
        initial_shape,
        cascades,
    })
}

/// A cascade's trees as read, before its pixel tables are known.
struct Forest {
    trees: Vec<Tree>,
    splits: Vec<Split>,
    leaves: Vec<f32>,
    /// Offset of the forest in the file, for messages.
    offset: usize,
    /// Largest pixel index a split uses, with the split's offset, to check against the pixels.
    largest_index: Option<(u64, usize)>,
}

/// Reads a `matrix<float,0,1>` (a column) into its values.
fn column(reader: &mut Reader<'_>, what: &str) -> Result<Vec<f32>, ReadError> {
    let at = reader.offset();
    let rows = reader.long(what)?;
    let cols = reader.long(what)?;
    // dlib's newer format writes both dimensions negated; an older one wrote them as they are.
    let (rows, cols) = if rows < 0 && cols < 0 {
        (-rows, -cols)
    } else {
        (rows, cols)
    };
    if cols != 1 || rows < 0 {
        return Err(Reader::error_at(
            at,
            format!("{what} is a {rows}x{cols} matrix, expected one column"),
        ));
    }
    let rows = reader.check_fits(at, rows as u64, MIN_FLOAT_BYTES, what)?;
    (0..rows).map(|_| reader.float(what)).collect()
}

/// Reads the trees of cascade `cascade`.
fn forest(reader: &mut Reader<'_>, cascade: usize) -> Result<Forest, ReadError> {
    let offset = reader.offset();
    let what = format!("cascade {cascade}'s tree count");
    let tree_count = reader.length(MIN_TREE_BYTES, &what)?;
    let mut forest = Forest {
        trees: Vec::with_capacity(tree_count),
        splits: Vec::new(),
        leaves: Vec::new(),
        offset,
        largest_index: None,
    };
    for tree in 0..tree_count {
        read_tree(
            reader,
            &mut forest,
            &format!("cascade {cascade}, tree {tree}"),
        )?;
    }
    Ok(forest)
}

/// Reads one tree into `forest`, checking that it is complete and its leaves fit the shape.
fn read_tree(reader: &mut Reader<'_>, forest: &mut Forest, what: &str) -> Result<(), ReadError> {
    let at = reader.offset();
    let split_count = reader.length(MIN_SPLIT_BYTES, &format!("{what}'s split count"))?;
    let split_start = forest.splits.len();
    for _ in 0..split_count {
        let split_at = reader.offset();
        let first = reader.unsigned_long(what)?;
        let second = reader.unsigned_long(what)?;
        let threshold = reader.float(what)?;
        let largest = first.max(second);
        if forest
            .largest_index
            .is_none_or(|(index, _)| largest > index)
        {
            forest.largest_index = Some((largest, split_at));
        }
        // Indices are checked against the pixel count once it is read; clamp only to store them.
        let narrow = |index: u64| u32::try_from(index).unwrap_or(u32::MAX);
        forest.splits.push(Split {
            first: narrow(first),
            second: narrow(second),
            threshold,
        });
    }
    let leaves_at = reader.offset();
    let leaf_count = reader.length(MIN_MATRIX_BYTES, &format!("{what}'s leaf count"))?;
    // dlib walks a tree as a complete binary tree: it needs 2^depth leaves, one more than splits.
    if leaf_count != split_count + 1 || !leaf_count.is_power_of_two() {
        return Err(Reader::error_at(
            leaves_at,
            format!("{what} has {split_count} splits and {leaf_count} leaves, not a complete tree"),
        ));
    }
    let leaf_start = forest.leaves.len();
    for leaf in 0..leaf_count {
        let leaf_at = reader.offset();
        let values = column(reader, what)?;
        if values.len() != SHAPE_LEN {
            return Err(Reader::error_at(
                leaf_at,
                format!(
                    "{what}, leaf {leaf} has {} values, the shape {SHAPE_LEN}",
                    values.len()
                ),
            ));
        }
        forest.leaves.extend_from_slice(&values);
    }
    let too_big = || Reader::error_at(at, format!("{what}: the model is too large"));
    forest.trees.push(Tree {
        split_start: u32::try_from(split_start).map_err(|_| too_big())?,
        split_count: u32::try_from(split_count).map_err(|_| too_big())?,
        leaf_start: u32::try_from(leaf_start).map_err(|_| too_big())?,
    });
    Ok(())
}

/// Reads a `std::vector` with one sequence per cascade, each element by `element`.
fn per_cascade<T>(
    reader: &mut Reader<'_>,
    cascade_count: usize,
    cascades_at: usize,
    name: &str,
    min_element_bytes: usize,
    mut element: impl FnMut(&mut Reader<'_>, &str) -> Result<T, ReadError>,
) -> Result<Vec<Vec<T>>, ReadError> {
    let at = reader.offset();
    let count = reader.length(MIN_INT_BYTES, &format!("the number of {name} tables"))?;
    if count != cascade_count {
        return Err(Reader::error_at(
            at,
            format!(
                "{count} {name} tables for the {cascade_count} cascades counted at byte {cascades_at}"
            ),
        ));
    }
    (0..count)
        .map(|cascade| {
            let what = format!("cascade {cascade}'s {name}");
            let length = reader.length(min_element_bytes, &format!("{what} count"))?;
            (0..length).map(|_| element(reader, &what)).collect()
        })
        .collect()
}

/// Checks that a cascade's anchor and offset tables agree and that its splits only use its pixels.
fn check_cascade(
    forest: &Forest,
    anchors: usize,
    deltas: usize,
    cascade: usize,
) -> Result<(), ReadError> {
    if anchors != deltas {
        return Err(Reader::error_at(
            forest.offset,
            format!("cascade {cascade} has {anchors} pixel anchors but {deltas} pixel offsets"),
        ));
    }
    if let Some((index, at)) = forest.largest_index
        && index >= anchors as u64
    {
        return Err(Reader::error_at(
            at,
            format!("cascade {cascade}: a split uses pixel {index} of {anchors}"),
        ));
    }
    Ok(())
}
