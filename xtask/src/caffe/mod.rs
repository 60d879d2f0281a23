//! Caffe -> ONNX converter (owned by the caffe helper)
