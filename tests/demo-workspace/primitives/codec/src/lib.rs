//! A small implementation of the SCALE codec used by Substrate: little-endian
//! fixed-width integers, compact integers, length-prefixed sequences and
//! index-prefixed enums. `#[derive(Codec)]` comes from `demo-macros`.

use std::collections::BTreeMap;
use std::fmt;

pub use demo_macros::Codec;

// Lets `#[derive(Codec)]` (which names `::demo_codec`) be used in this crate's tests.
extern crate self as demo_codec;

mod compact;
pub use compact::Compact;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input ended before the value did.
    UnexpectedEnd {
        needed: usize,
        left: usize,
    },
    InvalidVariant {
        ty: &'static str,
        index: u8,
    },
    InvalidBool(u8),
    InvalidUtf8,
    /// A compact integer that does not fit the requested type, or is not minimally encoded.
    BadCompact,
    /// Bytes were left over after `decode_all`.
    TrailingBytes(usize),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::UnexpectedEnd { needed, left } => write!(f, "input too short: needed {needed} bytes, {left} left"),
            Error::InvalidVariant { ty, index } => write!(f, "invalid variant index {index} for {ty}"),
            Error::InvalidBool(b) => write!(f, "invalid bool byte {b}"),
            Error::InvalidUtf8 => write!(f, "string is not UTF-8"),
            Error::BadCompact => write!(f, "invalid compact integer"),
            Error::TrailingBytes(n) => write!(f, "{n} trailing bytes after value"),
        }
    }
}

impl std::error::Error for Error {}

pub trait Encode {
    fn encode_to(&self, out: &mut Vec<u8>);

    /// A guess of the encoded size, used to reserve space. Never needs to be exact.
    fn size_hint(&self) -> usize {
        0
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.size_hint());
        self.encode_to(&mut out);
        out
    }
}

pub trait Decode: Sized {
    fn decode(input: &mut &[u8]) -> Result<Self, Error>;
}

/// Decodes a value that must use the whole input.
pub fn decode_all<T: Decode>(mut input: &[u8]) -> Result<T, Error> {
    let value = T::decode(&mut input)?;
    if input.is_empty() {
        Ok(value)
    } else {
        Err(Error::TrailingBytes(input.len()))
    }
}

/// Takes `n` bytes off the front of the input.
pub fn take<'a>(input: &mut &'a [u8], n: usize) -> Result<&'a [u8], Error> {
    if input.len() < n {
        return Err(Error::UnexpectedEnd {
            needed: n,
            left: input.len(),
        });
    }
    let (head, tail) = input.split_at(n);
    *input = tail;
    Ok(head)
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode_to(&self, out: &mut Vec<u8>) {
        (**self).encode_to(out)
    }
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

macro_rules! impl_fixed_width {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode_to(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn size_hint(&self) -> usize {
                core::mem::size_of::<$t>()
            }
        }
        impl Decode for $t {
            fn decode(input: &mut &[u8]) -> Result<Self, Error> {
                let bytes = take(input, core::mem::size_of::<$t>())?;
                Ok(<$t>::from_le_bytes(bytes.try_into().expect("length checked by take")))
            }
        }
    )*};
}
impl_fixed_width!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

impl Encode for bool {
    fn encode_to(&self, out: &mut Vec<u8>) {
        out.push(*self as u8);
    }
    fn size_hint(&self) -> usize {
        1
    }
}

impl Decode for bool {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        match u8::decode(input)? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(Error::InvalidBool(b)),
        }
    }
}

impl Encode for () {
    fn encode_to(&self, _out: &mut Vec<u8>) {}
}

impl Decode for () {
    fn decode(_input: &mut &[u8]) -> Result<Self, Error> {
        Ok(())
    }
}

fn encode_len(len: usize, out: &mut Vec<u8>) {
    Compact(len as u32).encode_to(out);
}

fn decode_len(input: &mut &[u8]) -> Result<usize, Error> {
    Ok(Compact::<u32>::decode(input)?.0 as usize)
}

impl<T: Encode> Encode for [T] {
    fn encode_to(&self, out: &mut Vec<u8>) {
        encode_len(self.len(), out);
        for item in self {
            item.encode_to(out);
        }
    }
    fn size_hint(&self) -> usize {
        5 + self.iter().map(Encode::size_hint).sum::<usize>()
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.as_slice().encode_to(out)
    }
    fn size_hint(&self) -> usize {
        self.as_slice().size_hint()
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        let len = decode_len(input)?;
        // Never trust a length prefix for the allocation: each item needs at least
        // one byte except zero-sized ones, so cap the reservation by the input left.
        let mut items = Vec::with_capacity(len.min(input.len()));
        for _ in 0..len {
            items.push(T::decode(input)?);
        }
        Ok(items)
    }
}

impl Encode for str {
    fn encode_to(&self, out: &mut Vec<u8>) {
        encode_len(self.len(), out);
        out.extend_from_slice(self.as_bytes());
    }
    fn size_hint(&self) -> usize {
        5 + self.len()
    }
}

impl Encode for String {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.as_str().encode_to(out)
    }
    fn size_hint(&self) -> usize {
        self.as_str().size_hint()
    }
}

impl Decode for String {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        let len = decode_len(input)?;
        let bytes = take(input, len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| Error::InvalidUtf8)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.encode_to(out);
            }
        }
    }
    fn size_hint(&self) -> usize {
        1 + self.as_ref().map_or(0, Encode::size_hint)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        match u8::decode(input)? {
            0 => Ok(None),
            1 => Ok(Some(T::decode(input)?)),
            index => Err(Error::InvalidVariant { ty: "Option", index }),
        }
    }
}

impl<T: Encode, E: Encode> Encode for Result<T, E> {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            Ok(v) => {
                out.push(0);
                v.encode_to(out);
            }
            Err(e) => {
                out.push(1);
                e.encode_to(out);
            }
        }
    }
}

impl<T: Decode, E: Decode> Decode for Result<T, E> {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        match u8::decode(input)? {
            0 => Ok(Ok(T::decode(input)?)),
            1 => Ok(Err(E::decode(input)?)),
            index => Err(Error::InvalidVariant { ty: "Result", index }),
        }
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode_to(&self, out: &mut Vec<u8>) {
        (**self).encode_to(out)
    }
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        T::decode(input).map(Box::new)
    }
}

/// Fixed-size arrays carry no length prefix.
impl<T: Encode, const N: usize> Encode for [T; N] {
    fn encode_to(&self, out: &mut Vec<u8>) {
        for item in self {
            item.encode_to(out);
        }
    }
    fn size_hint(&self) -> usize {
        self.iter().map(Encode::size_hint).sum()
    }
}

impl<T: Decode, const N: usize> Decode for [T; N] {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        let mut items = Vec::with_capacity(N);
        for _ in 0..N {
            items.push(T::decode(input)?);
        }
        Ok(items
            .try_into()
            .unwrap_or_else(|_| unreachable!("exactly N items were pushed")))
    }
}

impl<K: Encode, V: Encode> Encode for BTreeMap<K, V> {
    fn encode_to(&self, out: &mut Vec<u8>) {
        encode_len(self.len(), out);
        for (k, v) in self {
            k.encode_to(out);
            v.encode_to(out);
        }
    }
}

impl<K: Decode + Ord, V: Decode> Decode for BTreeMap<K, V> {
    fn decode(input: &mut &[u8]) -> Result<Self, Error> {
        let len = decode_len(input)?;
        let mut map = BTreeMap::new();
        for _ in 0..len {
            let k = K::decode(input)?;
            map.insert(k, V::decode(input)?);
        }
        Ok(map)
    }
}

macro_rules! impl_tuples {
    ($( ($($name:ident),+) )*) => {$(
        impl<$($name: Encode),+> Encode for ($($name,)+) {
            #[allow(non_snake_case)]
            fn encode_to(&self, out: &mut Vec<u8>) {
                let ($($name,)+) = self;
                $( $name.encode_to(out); )+
            }
            #[allow(non_snake_case)]
            fn size_hint(&self) -> usize {
                let ($($name,)+) = self;
                0 $( + $name.size_hint() )+
            }
        }
        impl<$($name: Decode),+> Decode for ($($name,)+) {
            fn decode(input: &mut &[u8]) -> Result<Self, Error> {
                Ok(($( $name::decode(input)?, )+))
            }
        }
    )*};
}
impl_tuples! {
    (A) (A, B) (A, B, C) (A, B, C, D) (A, B, C, D, E) (A, B, C, D, E, F)
    (A, B, C, D, E, F, G) (A, B, C, D, E, F, G, H)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Codec, Debug, PartialEq)]
    struct Named<T> {
        id: u32,
        value: Option<T>,
        list: Vec<(u8, bool)>,
    }

    #[derive(Codec, Debug, PartialEq)]
    enum Kind {
        Empty,
        Pair(u16, String),
        Record { out: u64, input: [u8; 2] },
    }

    #[test]
    fn derived_round_trip() {
        let value = Named {
            id: 7,
            value: Some(Kind::Record { out: 1, input: [2, 3] }),
            list: vec![(1, true)],
        };
        let bytes = value.encode();
        assert_eq!(bytes[..4], [7, 0, 0, 0]);
        assert_eq!(decode_all::<Named<Kind>>(&bytes), Ok(value));
        assert_eq!(Kind::Pair(1, "ab".into()).encode(), vec![1, 1, 0, 8, b'a', b'b']);
        assert_eq!(decode_all::<Kind>(&[0]), Ok(Kind::Empty));
        assert!(decode_all::<Kind>(&[9]).is_err());
    }
}
