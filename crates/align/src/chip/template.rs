//! Where each landmark scheme's points go in an aligned chip: the templates of
//! `get_face_chip_details`, in the unit square at padding 0.

use face::LandmarkScheme;

/// dlib's 5-point template, copied from `get_face_chip_details` in dlib's
/// `dlib/image_transforms/interpolation.h`, in the 5-point shape predictor's part order: outer
/// and inner corner of the eye on the image's right, outer and inner corner of the eye on the
/// image's left, base of the nose.
pub const DLIB5_TEMPLATE: [[f64; 2]; 5] = [
    [0.8595674595992, 0.2134981538014],
    [0.6460604764104, 0.2289674387677],
    [0.1205750620789, 0.2137274526848],
    [0.3340850613712, 0.2290642403242],
    [0.4901123135679, 0.6277975316475],
];

/// Points 36-41 of dlib's 68-point mean face (`mean_face_shape_x/y` in
/// `get_face_chip_details`, which lists points 17-67): the eye on the image's left (the
/// subject's right eye; x grows to the image's right).
const MEAN_FACE_IMAGE_LEFT_EYE: [[f64; 2]; 6] = [
    [0.121737, 0.216423],
    [0.187122, 0.178758],
    [0.265825, 0.179852],
    [0.334606, 0.231733],
    [0.260918, 0.245099],
    [0.182743, 0.244077],
];

/// Points 42-47 of dlib's mean face: the eye on the image's right (the subject's left eye).
const MEAN_FACE_IMAGE_RIGHT_EYE: [[f64; 2]; 6] = [
    [0.645647, 0.231733],
    [0.714428, 0.179852],
    [0.793132, 0.178758],
    [0.858516, 0.216423],
    [0.79751, 0.244077],
    [0.719335, 0.245099],
];

/// Point 30 of dlib's mean face: the nose tip.
const MEAN_FACE_NOSE_TIP: [f64; 2] = [0.490127, 0.515625];

/// Point 48 of dlib's mean face: the mouth corner on the image's left (subject's right).
const MEAN_FACE_IMAGE_LEFT_MOUTH: [f64; 2] = [0.254149, 0.780233];

/// Point 54 of dlib's mean face: the mouth corner on the image's right (subject's left).
const MEAN_FACE_IMAGE_RIGHT_MOUTH: [f64; 2] = [0.726104, 0.780233];

/// The centre (mean) of six points.
const fn centre(points: [[f64; 2]; 6]) -> [f64; 2] {
    let mut sum = [0.0, 0.0];
    let mut i = 0;
    while i < points.len() {
        sum[0] += points[i][0];
        sum[1] += points[i][1];
        i += 1;
    }
    [sum[0] / 6.0, sum[1] / 6.0]
}

/// YuNet's five points on dlib's 68-point mean face, in YuNet's order: right eye centre (the
/// subject's right, on the image's left: mean of points 36-41, about (0.225492, 0.215990)),
/// left eye centre (mean of 42-47, about (0.754761, 0.215990)), nose tip (point 30), right
/// mouth corner (image left, point 48), left mouth corner (image right, point 54).
pub const YUNET5_TEMPLATE: [[f64; 2]; 5] = [
    centre(MEAN_FACE_IMAGE_LEFT_EYE),
    centre(MEAN_FACE_IMAGE_RIGHT_EYE),
    MEAN_FACE_NOSE_TIP,
    MEAN_FACE_IMAGE_LEFT_MOUTH,
    MEAN_FACE_IMAGE_RIGHT_MOUTH,
];

/// The unit-square template (padding 0) of a landmark scheme, in the scheme's point order.
pub fn unit_template(scheme: LandmarkScheme) -> &'static [[f64; 2]; 5] {
    match scheme {
        LandmarkScheme::Dlib5 => &DLIB5_TEMPLATE,
        LandmarkScheme::Yunet5 => &YUNET5_TEMPLATE,
    }
}

/// A template point placed in a `size` x `size` chip with `padding`, as `get_face_chip_details`:
/// `(padding + p) / (2 * padding + 1) * size`.
pub fn chip_point(p: [f64; 2], size: u32, padding: f64) -> [f64; 2] {
    let place = |v: f64| (padding + v) / (2.0 * padding + 1.0) * f64::from(size);
    [place(p[0]), place(p[1])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yunet_template_is_the_mean_face_points_of_the_issue() {
        // The values the issue gives (6 digits), from dlib's mean face.
        let expected = [
            [0.225492, 0.215990],
            [0.754761, 0.215990],
            [0.490127, 0.515625],
            [0.254149, 0.780233],
            [0.726104, 0.780233],
        ];
        for (got, want) in YUNET5_TEMPLATE.iter().zip(expected) {
            assert!((got[0] - want[0]).abs() < 1e-6, "{got:?} vs {want:?}");
            assert!((got[1] - want[1]).abs() < 1e-6, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn yunet_points_go_left_to_right_as_in_the_image() {
        // YuNet point 0 is the eye on the image's left, point 3 the mouth corner on its left.
        let t = YUNET5_TEMPLATE;
        assert!(t[0][0] < t[2][0] && t[2][0] < t[1][0]);
        assert!(t[3][0] < t[2][0] && t[2][0] < t[4][0]);
        // dlib's parts 0-1 are the eye on the image's right, 2-3 the one on its left.
        let d = DLIB5_TEMPLATE;
        assert!(d[2][0] < d[3][0] && d[3][0] < d[4][0] && d[4][0] < d[1][0] && d[1][0] < d[0][0]);
    }

    #[test]
    fn padding_maps_the_unit_square_into_the_chip() {
        assert_eq!(chip_point([0.0, 1.0], 64, 0.0), [0.0, 64.0]);
        // With padding 0.5 the unit square covers the middle half of the chip.
        assert_eq!(chip_point([0.0, 1.0], 64, 0.5), [16.0, 48.0]);
    }
}
