//! Core chain types shared by the runtime and the node.

use demo_codec::{Codec, Compact, Decode, Encode};
use std::fmt;

mod ss58;
pub use ss58::{ss58_decode, ss58_encode};

pub type BlockNumber = u32;
pub type Balance = u128;
pub type Nonce = u32;
pub type Moment = u64;

macro_rules! fixed_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Codec, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; $len]);

        // Arrays implement `Default` only up to 32 elements.
        impl Default for $name {
            fn default() -> Self {
                Self([0; $len])
            }
        }

        impl $name {
            pub const LEN: usize = $len;
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }
            /// Parses `0x`-prefixed or bare hex.
            pub fn from_hex(s: &str) -> Option<Self> {
                let s = s.strip_prefix("0x").unwrap_or(s);
                if s.len() != 2 * $len {
                    return None;
                }
                let mut out = [0u8; $len];
                for (i, byte) in out.iter_mut().enumerate() {
                    *byte = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
                }
                Some(Self(out))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "0x")?;
                for b in self.0 {
                    write!(f, "{b:02x}")?;
                }
                Ok(())
            }
        }

        impl From<[u8; $len]> for $name {
            fn from(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }
        }
    };
}

fixed_bytes!(/// A 32-byte hash.
    H256, 32);
fixed_bytes!(/// A 32-byte account identifier (a public key).
    AccountId32, 32);
fixed_bytes!(/// A 64-byte signature.
    Signature64, 64);

impl AccountId32 {
    /// A deterministic development account derived from a name, e.g. "Alice".
    /// Not a real key derivation: the demo runtime does not check signatures.
    pub fn dev(name: &str) -> Self {
        Self(demo_hashing::blake2_256(format!("//{name}").as_bytes()))
    }
}

impl H256 {
    pub fn hash_of<T: Encode>(value: &T) -> Self {
        Self(demo_hashing::blake2_256(&value.encode()))
    }
}

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub enum DigestItem {
    PreRuntime([u8; 4], Vec<u8>),
    Consensus([u8; 4], Vec<u8>),
    Seal([u8; 4], Vec<u8>),
    Other(Vec<u8>),
    RuntimeEnvironmentUpdated,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest {
    pub logs: Vec<DigestItem>,
}

/// A block header. The number is compact-encoded, as in Substrate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub parent_hash: H256,
    pub number: BlockNumber,
    pub state_root: H256,
    pub extrinsics_root: H256,
    pub digest: Digest,
}

impl Encode for Header {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.parent_hash.encode_to(out);
        Compact(self.number).encode_to(out);
        self.state_root.encode_to(out);
        self.extrinsics_root.encode_to(out);
        self.digest.encode_to(out);
    }
}

impl Decode for Header {
    fn decode(input: &mut &[u8]) -> Result<Self, demo_codec::Error> {
        Ok(Header {
            parent_hash: H256::decode(input)?,
            number: Compact::<u32>::decode(input)?.0,
            state_root: H256::decode(input)?,
            extrinsics_root: H256::decode(input)?,
            digest: Digest::decode(input)?,
        })
    }
}

impl Header {
    pub fn hash(&self) -> H256 {
        H256::hash_of(self)
    }
}

/// Transaction lifetime: immortal, or valid for `period` blocks from a birth block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Era {
    Immortal,
    Mortal { period: u64, phase: u64 },
}

impl Era {
    /// A mortal era around `current`; `period` is rounded to a power of two in 4..=65536.
    pub fn mortal(period: u64, current: u64) -> Self {
        let period = period.checked_next_power_of_two().unwrap_or(1 << 16).clamp(4, 1 << 16);
        let quantize = (period >> 12).max(1);
        let phase = current % period / quantize * quantize;
        Era::Mortal { period, phase }
    }
}

impl Encode for Era {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match *self {
            Era::Immortal => out.push(0),
            Era::Mortal { period, phase } => {
                let quantize = (period >> 12).max(1);
                let low = (period.trailing_zeros() - 1).clamp(1, 15) as u16;
                let encoded = low | (((phase / quantize) as u16) << 4);
                out.extend_from_slice(&encoded.to_le_bytes());
            }
        }
    }
}

impl Decode for Era {
    fn decode(input: &mut &[u8]) -> Result<Self, demo_codec::Error> {
        let first = u8::decode(input)?;
        if first == 0 {
            return Ok(Era::Immortal);
        }
        let encoded = u16::from_le_bytes([first, u8::decode(input)?]);
        let period = 2u64 << (encoded % (1 << 4));
        let quantize = (period >> 12).max(1);
        let phase = u64::from(encoded >> 4) * quantize;
        if period >= 4 && phase < period {
            Ok(Era::Mortal { period, phase })
        } else {
            Err(demo_codec::Error::BadCompact)
        }
    }
}

/// What a signer commits to besides the call.
#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct SignedExtra {
    pub era: Era,
    pub nonce: Compact<Nonce>,
    pub tip: Compact<Balance>,
}

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct SignaturePart {
    pub signer: AccountId32,
    pub signature: Signature64,
    pub extra: SignedExtra,
}

/// An extrinsic with the call kept as opaque bytes until the runtime decodes it.
#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct OpaqueExtrinsic {
    pub signature: Option<SignaturePart>,
    pub call: Vec<u8>,
}

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub header: Header,
    pub extrinsics: Vec<OpaqueExtrinsic>,
}

/// Mirrors Substrate's `RuntimeVersion`, as found in the `runtime_version` wasm section.
#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct RuntimeVersion {
    pub spec_name: String,
    pub impl_name: String,
    pub authoring_version: u32,
    pub spec_version: u32,
    pub impl_version: u32,
    pub apis: Vec<([u8; 8], u32)>,
    pub transaction_version: u32,
    pub system_version: u8,
}

/// Binary Merkle root over encoded items (not a Patricia trie: the demo only
/// needs a commitment that changes whenever an item does).
pub fn ordered_root<T: Encode>(items: &[T]) -> H256 {
    let mut layer: Vec<[u8; 32]> = items.iter().map(|i| demo_hashing::blake2_256(&i.encode())).collect();
    if layer.is_empty() {
        return H256(demo_hashing::blake2_256(&[]));
    }
    while layer.len() > 1 {
        layer = layer
            .chunks(2)
            .map(|pair| {
                let mut both = pair[0].to_vec();
                both.extend_from_slice(pair.get(1).unwrap_or(&pair[0]));
                demo_hashing::blake2_256(&both)
            })
            .collect();
    }
    H256(layer[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_matches_substrate() {
        let era = Era::mortal(64, 42);
        assert_eq!(era.encode(), [0xA5, 0x02]);
        assert_eq!(demo_codec::decode_all::<Era>(&era.encode()), Ok(era));
    }

    #[test]
    fn header_round_trip() {
        let header = Header {
            parent_hash: H256([1; 32]),
            number: 1000,
            state_root: H256([2; 32]),
            extrinsics_root: H256([3; 32]),
            digest: Digest {
                logs: vec![DigestItem::Other(vec![1, 2])],
            },
        };
        assert_eq!(demo_codec::decode_all::<Header>(&header.encode()), Ok(header));
    }
}
