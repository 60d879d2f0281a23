//! Converter tests on small hand-built Caffe nets in both layer formats: the ONNX is run through
//! tract and compared with outputs computed by a direct re-implementation of Caffe's layer loops
//! (`reference`) and, for pooling, with numbers worked out by hand.

mod errors;
mod fixtures;
mod levi_hassner;
mod nets;
mod pooling;
mod reference;
mod runner;
