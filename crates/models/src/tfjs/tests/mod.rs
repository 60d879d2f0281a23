//! Converter tests: decoding of hand-built shards (float32, uint8, uint16), refusal of broken
//! files with messages that name the weight and the file, and the real AgeGenderNet weights of
//! the shared mirror converted and run through tract.

mod decode;
mod errors;
mod fixtures;
mod real;
