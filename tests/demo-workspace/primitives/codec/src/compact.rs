//! SCALE compact integers: the two low bits of the first byte select the mode.
//! 0b00: 6-bit value in one byte; 0b01: 14 bits in two; 0b10: 30 bits in four;
//! 0b11: the upper six bits give the number of following bytes minus four.

use crate::{take, Decode, Encode, Error};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Compact<T>(pub T);

fn encode_u128(value: u128, out: &mut Vec<u8>) {
    if value < 1 << 6 {
        out.push((value as u8) << 2);
    } else if value < 1 << 14 {
        out.extend_from_slice(&(((value as u16) << 2) | 0b01).to_le_bytes());
    } else if value < 1 << 30 {
        out.extend_from_slice(&(((value as u32) << 2) | 0b10).to_le_bytes());
    } else {
        let bytes = value.to_le_bytes();
        let len = 16 - (value.leading_zeros() / 8) as usize;
        out.push((((len - 4) as u8) << 2) | 0b11);
        out.extend_from_slice(&bytes[..len]);
    }
}

fn decode_u128(input: &mut &[u8]) -> Result<u128, Error> {
    let first = u8::decode(input)?;
    let value = match first & 0b11 {
        0b00 => u128::from(first >> 2),
        0b01 => {
            let v = u16::from_le_bytes([first, u8::decode(input)?]) >> 2;
            if v < 1 << 6 {
                return Err(Error::BadCompact);
            }
            u128::from(v)
        }
        0b10 => {
            let rest = take(input, 3)?;
            let v = u32::from_le_bytes([first, rest[0], rest[1], rest[2]]) >> 2;
            if v < 1 << 14 {
                return Err(Error::BadCompact);
            }
            u128::from(v)
        }
        _ => {
            let len = usize::from(first >> 2) + 4;
            if len > 16 {
                return Err(Error::BadCompact);
            }
            let mut bytes = [0u8; 16];
            bytes[..len].copy_from_slice(take(input, len)?);
            let v = u128::from_le_bytes(bytes);
            // The big mode must be needed and must use no more bytes than necessary.
            if v < 1 << 30 || bytes[len - 1] == 0 {
                return Err(Error::BadCompact);
            }
            v
        }
    };
    Ok(value)
}

macro_rules! impl_compact {
    ($($t:ty),*) => {$(
        impl Encode for Compact<$t> {
            fn encode_to(&self, out: &mut Vec<u8>) {
                encode_u128(self.0 as u128, out)
            }
            fn size_hint(&self) -> usize {
                1 + core::mem::size_of::<$t>()
            }
        }
        impl Decode for Compact<$t> {
            fn decode(input: &mut &[u8]) -> Result<Self, Error> {
                let v = decode_u128(input)?;
                <$t>::try_from(v).map(Compact).map_err(|_| Error::BadCompact)
            }
        }
        impl From<$t> for Compact<$t> {
            fn from(v: $t) -> Self {
                Compact(v)
            }
        }
    )*};
}
impl_compact!(u8, u16, u32, u64, u128);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_encodings() {
        assert_eq!(Compact(0u32).encode(), [0x00]);
        assert_eq!(Compact(63u32).encode(), [0xfc]);
        assert_eq!(Compact(64u32).encode(), [0x01, 0x01]);
        assert_eq!(Compact(16383u32).encode(), [0xfd, 0xff]);
        assert_eq!(Compact(16384u32).encode(), [0x02, 0x00, 0x01, 0x00]);
        assert_eq!(Compact(1u64 << 30).encode(), [0x03, 0x00, 0x00, 0x00, 0x40]);
        for v in [0u128, 1, 63, 64, 1 << 14, 1 << 30, u64::MAX as u128, u128::MAX] {
            assert_eq!(crate::decode_all::<Compact<u128>>(&Compact(v).encode()), Ok(Compact(v)));
        }
    }
}
