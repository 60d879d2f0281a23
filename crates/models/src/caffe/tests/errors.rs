//! Errors: unsupported layers, bad model files, weight shapes that do not fit.

use super::fixtures::{identity_then, legacy_blob, new_caffemodel, shaped_blob, v1_caffemodel};

fn conversion_error(text: &str, model: &[u8]) -> String {
    match crate::caffe::build(text, model, "test") {
        Ok(_) => panic!("conversion should fail"),
        Err(error) => crate::error::chain(&error),
    }
}

#[test]
fn unknown_layer_type_is_named_with_its_layer() {
    let (text, model) = identity_then(
        [1, 2, 4, 4],
        "layer { name: 'scale1' type: 'Scale' bottom: 'id' top: 's' }",
    );
    let error = conversion_error(&text, &model);
    assert!(
        error.contains("`scale1`") && error.contains("`Scale`"),
        "{error}"
    );
    let v1 = "input: 'data' input_dim: 1 input_dim: 1 input_dim: 2 input_dim: 2\n\
              layers { name: 'split1' type: SPLIT bottom: 'data' top: 'a' }";
    let error = conversion_error(
        v1,
        &v1_caffemodel(vec![("x", vec![legacy_blob([1, 1, 1, 1], vec![1.0])])]),
    );
    assert!(
        error.contains("`split1`") && error.contains("SPLIT"),
        "{error}"
    );
}

#[test]
fn truncated_caffemodel_is_rejected() {
    let (text, model) = identity_then([1, 2, 4, 4], "");
    let error = conversion_error(&text, &model[..model.len() - 3]);
    assert!(
        error.contains(".caffemodel") && error.contains("truncated"),
        "{error}"
    );
}

#[test]
fn prototxt_text_given_as_caffemodel_is_rejected() {
    let (text, _) = identity_then([1, 2, 4, 4], "");
    let error = conversion_error(&text, text.as_bytes());
    assert!(error.contains("text, not a binary Caffe model"), "{error}");
}

#[test]
fn empty_caffemodel_is_rejected() {
    let (text, _) = identity_then([1, 2, 4, 4], "");
    let error = conversion_error(&text, &[]);
    assert!(error.contains("holds no weights"), "{error}");
}

#[test]
fn weight_shape_mismatch_names_the_layer() {
    let (text, _) = identity_then([1, 2, 4, 4], "");
    let wrong = new_caffemodel(vec![(
        "id",
        vec![
            shaped_blob(&[2, 2, 3, 3], vec![0.0; 36]),
            shaped_blob(&[2], vec![0.0; 2]),
        ],
    )]);
    let error = conversion_error(&text, &wrong);
    assert!(
        error.contains("`id`") && error.contains("[2, 2, 3, 3]") && error.contains("[2, 2, 1, 1]"),
        "{error}"
    );
    let missing_bias = new_caffemodel(vec![("id", vec![shaped_blob(&[2, 2, 1, 1], vec![0.0; 4])])]);
    let error = conversion_error(&text, &missing_bias);
    assert!(
        error.contains("`id`") && error.contains("needs 2"),
        "{error}"
    );
    let no_weights = new_caffemodel(vec![("other", vec![shaped_blob(&[1], vec![0.0])])]);
    let error = conversion_error(&text, &no_weights);
    assert!(
        error.contains("`id`") && error.contains("holds 0 blobs"),
        "{error}"
    );
}

#[test]
fn unsupported_options_are_errors_not_silently_ignored() {
    let (text, model) = identity_then(
        [1, 2, 4, 4],
        "layer { name: 'p' type: 'Pooling' bottom: 'id' top: 'p' pooling_param { pool: STOCHASTIC kernel_size: 2 } }",
    );
    assert!(conversion_error(&text, &model).contains("`p`"));
    let (text, model) = identity_then(
        [1, 2, 4, 4],
        "layer { name: 'n' type: 'LRN' bottom: 'id' top: 'n' lrn_param { norm_region: WITHIN_CHANNEL } }",
    );
    assert!(conversion_error(&text, &model).contains("ACROSS_CHANNELS"));
    let (text, model) = identity_then(
        [1, 2, 4, 4],
        "layer { name: 'x' type: 'ReLU' bottom: 'nowhere' top: 'x' }",
    );
    assert!(conversion_error(&text, &model).contains("`nowhere`"));
}
