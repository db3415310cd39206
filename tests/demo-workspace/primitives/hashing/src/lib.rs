//! Hash functions used for storage keys and block hashes: BLAKE2b (RFC 7693)
//! and xxHash64, plus Substrate-style storage hashers built on them.

mod blake2b;
mod xxhash;

pub use blake2b::{blake2b, Blake2b};
pub use xxhash::xxh64;

pub fn blake2_128(data: &[u8]) -> [u8; 16] {
    blake2b::<16>(data)
}

pub fn blake2_256(data: &[u8]) -> [u8; 32] {
    blake2b::<32>(data)
}

pub fn blake2_512(data: &[u8]) -> [u8; 64] {
    blake2b::<64>(data)
}

/// xxHash64 with seeds 0..N/8, each result little-endian: Substrate's `twox_N`.
pub fn twox<const N: usize>(data: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (seed, chunk) in out.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&xxh64(data, seed as u64).to_le_bytes()[..chunk.len()]);
    }
    out
}

pub fn twox_64(data: &[u8]) -> [u8; 8] {
    twox::<8>(data)
}

pub fn twox_128(data: &[u8]) -> [u8; 16] {
    twox::<16>(data)
}

/// How a storage map turns a key into part of a storage key.
pub trait StorageHasher {
    const NAME: &'static str;
    /// Whether the key itself follows the hash, which makes keys iterable.
    const REVERSIBLE: bool;
    fn hash_into(key: &[u8], out: &mut Vec<u8>);
}

macro_rules! hasher {
    ($(#[$doc:meta])* $name:ident, $reversible:expr, |$key:ident, $out:ident| $body:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl StorageHasher for $name {
            const NAME: &'static str = stringify!($name);
            const REVERSIBLE: bool = $reversible;
            fn hash_into($key: &[u8], $out: &mut Vec<u8>) {
                $body
            }
        }
    };
}

hasher!(/// 16-byte BLAKE2b digest followed by the key.
    Blake2_128Concat, true, |key, out| {
    out.extend_from_slice(&blake2_128(key));
    out.extend_from_slice(key);
});
hasher!(/// 16-byte BLAKE2b digest only.
    Blake2_128, false, |key, out| out.extend_from_slice(&blake2_128(key)));
hasher!(/// 32-byte BLAKE2b digest only.
    Blake2_256, false, |key, out| out.extend_from_slice(&blake2_256(key)));
hasher!(/// 8-byte xxHash followed by the key; only for keys users cannot choose.
    Twox64Concat, true, |key, out| {
    out.extend_from_slice(&twox_64(key));
    out.extend_from_slice(key);
});
hasher!(/// 16-byte xxHash only.
    Twox128, false, |key, out| out.extend_from_slice(&twox_128(key)));
hasher!(/// The key itself.
    Identity, true, |key, out| out.extend_from_slice(key));

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn blake2b_known_answers() {
        // RFC 7693 appendix A.
        assert_eq!(
            hex(&blake2_512(b"abc")),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1\
             7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
        );
        assert_eq!(
            hex(&blake2_256(b"")),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"
        );
    }

    #[test]
    fn twox_matches_substrate_storage_prefixes() {
        // The System.Events storage key is twox_128("System") ++ twox_128("Events").
        assert_eq!(hex(&twox_128(b"System")), "26aa394eea5630e07c48ae0c9558cef7");
        assert_eq!(hex(&twox_128(b"Events")), "80d41e5e16056765bc8461851072c9d7");
    }
}
