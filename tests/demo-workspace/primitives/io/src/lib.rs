//! Host functions of the demo runtime. A real runtime calls into the node for
//! storage; here the state lives in a thread-local ordered map, with nested
//! transactional layers so a failing call can roll back its writes.

use std::cell::RefCell;
use std::collections::BTreeMap;

type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

#[derive(Default)]
struct State {
    committed: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Open transactions, innermost last; `None` marks a deletion.
    layers: Vec<Changes>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

pub mod storage {
    use super::*;

    pub fn get(key: &[u8]) -> Option<Vec<u8>> {
        STATE.with(|s| {
            let s = s.borrow();
            for layer in s.layers.iter().rev() {
                if let Some(change) = layer.get(key) {
                    return change.clone();
                }
            }
            s.committed.get(key).cloned()
        })
    }

    fn write(key: &[u8], value: Option<Vec<u8>>) {
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            match s.layers.last_mut() {
                Some(layer) => {
                    layer.insert(key.to_vec(), value);
                }
                None => match value {
                    Some(v) => {
                        s.committed.insert(key.to_vec(), v);
                    }
                    None => {
                        s.committed.remove(key);
                    }
                },
            }
        })
    }

    pub fn set(key: &[u8], value: &[u8]) {
        write(key, Some(value.to_vec()))
    }

    pub fn clear(key: &[u8]) {
        write(key, None)
    }

    pub fn exists(key: &[u8]) -> bool {
        get(key).is_some()
    }

    /// All keys starting with `prefix`, in order, as currently visible.
    pub fn keys_with_prefix(prefix: &[u8]) -> Vec<Vec<u8>> {
        STATE.with(|s| {
            let s = s.borrow();
            let mut view: BTreeMap<&[u8], bool> = s
                .committed
                .range(prefix.to_vec()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, _)| (k.as_slice(), true))
                .collect();
            for layer in &s.layers {
                for (k, v) in layer
                    .range(prefix.to_vec()..)
                    .take_while(|(k, _)| k.starts_with(prefix))
                {
                    view.insert(k.as_slice(), v.is_some());
                }
            }
            view.into_iter()
                .filter(|(_, live)| *live)
                .map(|(k, _)| k.to_vec())
                .collect()
        })
    }

    pub fn clear_prefix(prefix: &[u8]) -> u32 {
        let keys = keys_with_prefix(prefix);
        for key in &keys {
            clear(key);
        }
        keys.len() as u32
    }

    pub fn start_transaction() {
        STATE.with(|s| s.borrow_mut().layers.push(Changes::new()))
    }

    /// Folds the innermost layer into the one below (or into committed state).
    pub fn commit_transaction() {
        let layer = STATE
            .with(|s| s.borrow_mut().layers.pop())
            .expect("commit without a transaction");
        for (key, value) in layer {
            write(&key, value);
        }
    }

    pub fn rollback_transaction() {
        STATE
            .with(|s| s.borrow_mut().layers.pop())
            .expect("rollback without a transaction");
    }

    /// A commitment to the committed state: BLAKE2b-256 over every key-value pair in order.
    pub fn root() -> [u8; 32] {
        STATE.with(|s| {
            let s = s.borrow();
            assert!(s.layers.is_empty(), "state root taken inside a transaction");
            let mut hasher = demo_hashing::Blake2b::<32>::new();
            for (k, v) in &s.committed {
                hasher.update(&demo_codec::Encode::encode(k));
                hasher.update(&demo_codec::Encode::encode(v));
            }
            hasher.finalize()
        })
    }

    pub fn reset() {
        STATE.with(|s| *s.borrow_mut() = State::default())
    }
}

/// Runs `f` in a storage transaction, committed only if it returns `Ok`.
pub fn with_transaction<T, E>(f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    storage::start_transaction();
    let result = f();
    match result {
        Ok(_) => storage::commit_transaction(),
        Err(_) => storage::rollback_transaction(),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transactions_roll_back() {
        storage::reset();
        storage::set(b"a", b"1");
        let r: Result<(), ()> = with_transaction(|| {
            storage::set(b"a", b"2");
            storage::set(b"ab", b"3");
            assert_eq!(storage::keys_with_prefix(b"a").len(), 2);
            Err(())
        });
        assert!(r.is_err());
        assert_eq!(storage::get(b"a"), Some(b"1".to_vec()));
        assert!(!storage::exists(b"ab"));
    }
}
