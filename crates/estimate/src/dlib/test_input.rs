//! Test input shared by the unit tests of the nets' loading: a real face as a Cydral net's input.

/// A real face (`../shared/parity/crop_0.png`) as a Cydral net's `[1, 3, size, size]` input
/// (`(byte - mean) / 256`, RGB planes, as `dlib_blob` makes it).
pub(crate) fn cydral_input(size: usize) -> Vec<f32> {
    let path = test_data::shared_dir().join("parity/crop_0.png");
    let file = std::fs::File::open(&path)
        .unwrap_or_else(|e| panic!("{} (the shared data): {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .expect("png header");
    let mut rgb = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut rgb).expect("png frame");
    let bgr: Vec<u8> = rgb[..info.buffer_size()]
        .chunks(3)
        .flat_map(|p| [p[2], p[1], p[0]])
        .collect();
    let face =
        crate::BgrImage::packed(info.width as usize, info.height as usize, &bgr).expect("crop");
    let chip = crate::preprocess::resize_bilinear(&face, size, size).expect("resize");
    let chip = crate::BgrImage::packed(size, size, &chip).expect("chip");
    super::dlib_blob(&[chip], size as u32).expect("blob")
}
