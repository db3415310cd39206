//! Typed storage on top of `demo_io::storage`. A storage key is
//! `twox_128(pallet) ‖ twox_128(item)`, followed for maps by each key hashed
//! with the map's hasher, exactly the layout Substrate uses.
//!
//! The generic functions here are what `decl_storage!` items forward to; each
//! storage item instantiates them with its own key and value types.

use demo_codec::{Decode, Encode};
use demo_hashing::{twox_128, StorageHasher};
use demo_io::storage as io;

pub trait StorageInstance {
    const PALLET: &'static str;
    const NAME: &'static str;

    fn prefix() -> Vec<u8> {
        let mut key = Vec::with_capacity(64);
        key.extend_from_slice(&twox_128(Self::PALLET.as_bytes()));
        key.extend_from_slice(&twox_128(Self::NAME.as_bytes()));
        key
    }
}

fn read<V: Decode>(key: &[u8]) -> Option<V> {
    // Undecodable data is treated as absent: a corrupt entry must not halt the chain.
    io::get(key).and_then(|bytes| demo_codec::decode_all(&bytes).ok())
}

pub fn map_key<P: StorageInstance, H: StorageHasher, K: Encode>(k: &K) -> Vec<u8> {
    let mut key = P::prefix();
    H::hash_into(&k.encode(), &mut key);
    key
}

pub fn double_map_key<P, H1, K1, H2, K2>(k1: &K1, k2: &K2) -> Vec<u8>
where
    P: StorageInstance,
    H1: StorageHasher,
    H2: StorageHasher,
    K1: Encode,
    K2: Encode,
{
    let mut key = map_key::<P, H1, K1>(k1);
    H2::hash_into(&k2.encode(), &mut key);
    key
}

pub fn get_or_default<V: Decode + Default>(key: &[u8]) -> V {
    read(key).unwrap_or_default()
}

pub fn try_get<V: Decode>(key: &[u8]) -> Option<V> {
    read(key)
}

pub fn put<V: Encode>(key: &[u8], value: &V) {
    io::set(key, &value.encode())
}

pub fn kill(key: &[u8]) {
    io::clear(key)
}

pub fn exists(key: &[u8]) -> bool {
    io::exists(key)
}

pub fn take<V: Decode + Default>(key: &[u8]) -> V {
    let value = get_or_default(key);
    io::clear(key);
    value
}

/// Runs `f` on the stored value (default if absent) and writes it back;
/// a value equal to the default is removed instead of stored.
pub fn mutate<V, R>(key: &[u8], f: impl FnOnce(&mut V) -> R) -> R
where
    V: Encode + Decode + Default + PartialEq,
{
    let mut value: V = get_or_default(key);
    let result = f(&mut value);
    store_or_remove(key, &value);
    result
}

/// Like `mutate`, but nothing is written if `f` fails.
pub fn try_mutate<V, R, E>(key: &[u8], f: impl FnOnce(&mut V) -> Result<R, E>) -> Result<R, E>
where
    V: Encode + Decode + Default + PartialEq,
{
    let mut value: V = get_or_default(key);
    let result = f(&mut value)?;
    store_or_remove(key, &value);
    Ok(result)
}

/// `mutate` over an optional value: setting `None` removes the entry.
pub fn mutate_exists<V, R>(key: &[u8], f: impl FnOnce(&mut Option<V>) -> R) -> R
where
    V: Encode + Decode,
{
    let mut value: Option<V> = read(key);
    let result = f(&mut value);
    match &value {
        Some(v) => put(key, v),
        None => kill(key),
    }
    result
}

fn store_or_remove<V: Encode + Default + PartialEq>(key: &[u8], value: &V) {
    if *value == V::default() {
        kill(key);
    } else {
        put(key, value);
    }
}

/// Decodes the map key back out of a full storage key; only possible for
/// hashers that append the key (`*Concat`, `Identity`).
pub fn decode_map_key<H: StorageHasher, K: Decode>(prefix_len: usize, full_key: &[u8]) -> Option<K> {
    if !H::REVERSIBLE {
        return None;
    }
    let mut probe = Vec::new();
    H::hash_into(&[], &mut probe);
    // For a concatenating hasher the hash part has a fixed length: what it
    // produced for the empty key.
    let mut rest = full_key.get(prefix_len + probe.len()..)?;
    K::decode(&mut rest).ok()
}

/// All entries of a map, in storage-key order.
pub fn iter_map<P, H, K, V>() -> Vec<(K, V)>
where
    P: StorageInstance,
    H: StorageHasher,
    K: Decode,
    V: Decode,
{
    let prefix = P::prefix();
    io::keys_with_prefix(&prefix)
        .into_iter()
        .filter_map(|full| Some((decode_map_key::<H, K>(prefix.len(), &full)?, read(&full)?)))
        .collect()
}

pub fn count<P: StorageInstance>() -> u32 {
    io::keys_with_prefix(&P::prefix()).len() as u32
}

pub fn clear_all<P: StorageInstance>() -> u32 {
    io::clear_prefix(&P::prefix())
}
