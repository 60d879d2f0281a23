//! A cursor over bytes in dlib's serialisation format (`dlib/serialize.h`): variable-length
//! integers, floats as mantissa and exponent, and length-prefixed sequences.
//!
//! Every read names the byte offset where it failed, and every length field is checked against
//! the bytes left before anything is allocated for it, so a corrupt file gives a message instead of
//! a panic or an absurd allocation.

/// Bit of an integer's control byte that marks a negative signed value (`pack_int`).
const NEGATIVE_BIT: u8 = 0x80;
/// Bits of a signed integer's control byte that hold the count of value bytes (`unpack_int`).
const SIGNED_SIZE_MASK: u8 = 0x0F;
/// Bits of an unsigned integer's control byte that dlib keeps before checking the byte count:
/// the sign bit stays in, so a "negative" unsigned value is refused as too long (`unpack_int`).
const UNSIGNED_SIZE_MASK: u8 = 0x8F;
/// Bits that are zero in the first byte of a binary float and set in dlib's older ASCII float
/// format (`deserialize_floating_point`).
const ASCII_FLOAT_BITS: u8 = 0x70;
/// `float_details::is_inf`: the exponent that stands for +infinity; it and the two after it
/// (-infinity, NaN) are not numbers.
const FLOAT_SPECIAL_EXPONENT: i16 = 32_000;

/// Why a read failed, with the byte offset it failed at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    /// Byte offset in the file where the failing value starts.
    pub offset: usize,
    /// What was wrong.
    pub what: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.offset)
    }
}

/// Reads dlib-serialised values from a byte slice, front to back.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// Byte offset of the next read.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// An error at `offset` saying `what`.
    pub fn error_at(offset: usize, what: impl Into<String>) -> ReadError {
        ReadError {
            offset,
            what: what.into(),
        }
    }

    fn byte(&mut self, what: &str) -> Result<u8, ReadError> {
        let byte = *self.bytes.get(self.at).ok_or_else(|| {
            Self::error_at(self.at, format!("file ends inside {what}: truncated"))
        })?;
        self.at += 1;
        Ok(byte)
    }

    /// The little-endian magnitude of `count` value bytes after a control byte.
    fn magnitude(&mut self, count: usize, start: usize, what: &str) -> Result<u64, ReadError> {
        let end = self.at + count;
        let bytes = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| Self::error_at(start, format!("file ends inside {what}: truncated")))?;
        self.at = end;
        Ok(bytes
            .iter()
            .rev()
            .fold(0u64, |value, &byte| (value << 8) | u64::from(byte)))
    }

    /// An unsigned integer of at most `max_bytes` value bytes (dlib's unsigned `unpack_int`).
    pub fn unsigned(&mut self, max_bytes: usize, what: &str) -> Result<u64, ReadError> {
        let start = self.at;
        let count = usize::from(self.byte(what)? & UNSIGNED_SIZE_MASK);
        if count == 0 || count > max_bytes {
            return Err(Self::error_at(
                start,
                format!("{what}: bad integer control byte ({count} value bytes)"),
            ));
        }
        self.magnitude(count, start, what)
    }

    /// A signed integer that fits `i64` in at most `max_bytes` value bytes (dlib's signed
    /// `unpack_int`), refused when its magnitude exceeds `max_magnitude`.
    pub fn signed(
        &mut self,
        max_bytes: usize,
        max_magnitude: u64,
        what: &str,
    ) -> Result<i64, ReadError> {
        let start = self.at;
        let control = self.byte(what)?;
        let count = usize::from(control & SIGNED_SIZE_MASK);
        if count == 0 || count > max_bytes {
            return Err(Self::error_at(
                start,
                format!("{what}: bad integer control byte ({count} value bytes)"),
            ));
        }
        let magnitude = self.magnitude(count, start, what)?;
        if magnitude > max_magnitude {
            return Err(Self::error_at(
                start,
                format!("{what}: {magnitude} is out of range"),
            ));
        }
        // `max_magnitude` is at most `i64::MAX`, so the conversion is exact.
        let value = i64::try_from(magnitude)
            .map_err(|_| Self::error_at(start, format!("{what}: {magnitude} is out of range")))?;
        Ok(if control & NEGATIVE_BIT != 0 {
            -value
        } else {
            value
        })
    }

    /// A C++ `int` (4 value bytes at most).
    pub fn int(&mut self, what: &str) -> Result<i64, ReadError> {
        self.signed(4, i32::MAX as u64, what)
    }

    /// A C++ `long` as written on 64-bit Linux (8 value bytes at most).
    pub fn long(&mut self, what: &str) -> Result<i64, ReadError> {
        self.signed(8, i64::MAX as u64, what)
    }

    /// A C++ `unsigned long` as written on 64-bit Linux (8 value bytes at most).
    pub fn unsigned_long(&mut self, what: &str) -> Result<u64, ReadError> {
        self.unsigned(8, what)
    }

    /// A finite `float` in dlib's binary format: an `int64` mantissa and an `int16` exponent,
    /// converted as dlib does (`ldexp((float)mantissa, exponent)`).
    pub fn float(&mut self, what: &str) -> Result<f32, ReadError> {
        let start = self.at;
        let first = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| Self::error_at(start, format!("file ends inside {what}: truncated")))?;
        if first & ASCII_FLOAT_BITS != 0 {
            return Err(Self::error_at(
                start,
                format!("{what} is in dlib's old ASCII float format, which is not supported"),
            ));
        }
        let mantissa = self.signed(8, i64::MAX as u64, what)?;
        let exponent = self.signed(2, i16::MAX as u64, what)?;
        if exponent >= i64::from(FLOAT_SPECIAL_EXPONENT) {
            return Err(Self::error_at(start, format!("{what} is infinite or NaN")));
        }
        // dlib first rounds the mantissa to a float, then scales it exactly; scaling in f64 and
        // rounding once to f32 is the same for every exponent an f64 can hold, and beyond those
        // the float result is 0 or infinite anyway.
        let mantissa = mantissa as f32;
        let exponent = exponent.clamp(-1100, 1100) as i32;
        let value = (f64::from(mantissa) * 2f64.powi(exponent)) as f32;
        if !value.is_finite() {
            return Err(Self::error_at(start, format!("{what} overflows a float")));
        }
        Ok(value)
    }

    /// A sequence length (`std::vector` or matrix size) whose elements take at least
    /// `min_element_bytes` bytes each, refused when the bytes left cannot hold that many.
    pub fn length(&mut self, min_element_bytes: usize, what: &str) -> Result<usize, ReadError> {
        let start = self.at;
        let length = self.unsigned_long(what)?;
        self.check_fits(start, length, min_element_bytes, what)
    }

    /// Checks that `count` elements of at least `min_element_bytes` bytes each fit in the bytes
    /// left, and returns `count` as a `usize`.
    pub fn check_fits(
        &self,
        start: usize,
        count: u64,
        min_element_bytes: usize,
        what: &str,
    ) -> Result<usize, ReadError> {
        let fits = usize::try_from(count)
            .ok()
            .filter(|&n| n.saturating_mul(min_element_bytes) <= self.remaining());
        fits.ok_or_else(|| {
            Self::error_at(
                start,
                format!(
                    "{what}: {count} elements cannot fit in the {} bytes left: truncated or corrupt",
                    self.remaining()
                ),
            )
        })
    }
}

/// Fewest bytes a serialised integer takes: its control byte and one value byte.
pub(crate) const MIN_INT_BYTES: usize = 2;
/// Fewest bytes a serialised float takes: two integers (mantissa, exponent).
pub(crate) const MIN_FLOAT_BYTES: usize = 2 * MIN_INT_BYTES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_decode_as_dlib_packs_them() {
        // 1; -10; 500 (0x01F4, little-endian); 346.
        let bytes = [0x01, 0x01, 0x81, 0x0a, 0x02, 0xf4, 0x01, 0x02, 0x5a, 0x01];
        let mut reader = Reader::new(&bytes);
        assert_eq!(reader.int("version").unwrap(), 1);
        assert_eq!(reader.long("rows").unwrap(), -10);
        assert_eq!(reader.unsigned_long("count").unwrap(), 500);
        assert_eq!(reader.unsigned_long("index").unwrap(), 346);
        assert_eq!(reader.remaining(), 0);
    }

    #[test]
    fn floats_decode_from_mantissa_and_exponent() {
        // The first value of the 5-point model's mean shape: 0xc6b86e * 2^-24.
        let bytes = [0x03, 0x6e, 0xb8, 0xc6, 0x81, 0x18];
        let value = Reader::new(&bytes).float("mean shape").unwrap();
        assert_eq!(value, 0x00c6_b86e as f32 / 16_777_216.0);
        // -3 * 2^-1.
        let bytes = [0x81, 0x03, 0x81, 0x01];
        assert_eq!(Reader::new(&bytes).float("threshold").unwrap(), -1.5);
    }

    #[test]
    fn bad_control_bytes_and_truncation_are_refused_with_the_offset() {
        let error = Reader::new(&[0x00]).unsigned_long("count").unwrap_err();
        assert_eq!(error.offset, 0);
        assert!(error.what.contains("control byte"), "{error}");
        // A sign bit on an unsigned value makes the byte count too large, as in dlib.
        assert!(Reader::new(&[0x81, 0x01]).unsigned_long("count").is_err());
        let mut reader = Reader::new(&[0x01, 0x05, 0x04, 0x01]);
        reader.int("first").unwrap();
        let error = reader.unsigned_long("second").unwrap_err();
        assert_eq!(error.offset, 2);
        assert!(error.what.contains("file ends"), "{error}");
        // Infinity is float_details::is_inf (32000 = 0x7d00) as exponent.
        let inf = [0x01, 0x00, 0x02, 0x00, 0x7d];
        assert!(
            Reader::new(&inf)
                .float("x")
                .unwrap_err()
                .what
                .contains("infinite")
        );
        assert!(
            Reader::new(b"1.5 ")
                .float("x")
                .unwrap_err()
                .what
                .contains("ASCII")
        );
    }

    #[test]
    fn a_length_larger_than_the_bytes_left_is_refused_before_allocating() {
        // 2^56 elements of 4 bytes each in a 9-byte buffer.
        let bytes = [0x08, 0, 0, 0, 0, 0, 0, 0, 0x01];
        let error = Reader::new(&bytes).length(4, "trees").unwrap_err();
        assert!(error.what.contains("cannot fit"), "{error}");
        assert_eq!(Reader::new(&[0x01, 0x00]).length(4, "empty").unwrap(), 0);
    }
}
