//! Session: validators register session keys; every `PERIOD` blocks the
//! queued validator set becomes active.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Session";
pub const PERIOD: BlockNumber = 10;
pub const KEY_TYPES: [[u8; 4]; 3] = [*b"babe", *b"gran", *b"imon"];

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionKeys {
    pub babe: [u8; 32],
    pub grandpa: [u8; 32],
    pub im_online: [u8; 32],
}

impl SessionKeys {
    fn key(&self, key_type: [u8; 4]) -> [u8; 32] {
        match &key_type {
            b"babe" => self.babe,
            b"gran" => self.grandpa,
            _ => self.im_online,
        }
    }
}

decl_storage! { NAME;
    pub Validators: value Vec<AccountId32>;
    pub QueuedValidators: value Vec<AccountId32>;
    pub CurrentIndex: value u32;
    /// Time the current session started (milliseconds).
    pub SessionStart: value Moment;
    pub NextKeys: map Twox64Concat AccountId32 => Option<SessionKeys>;
    /// Reverse lookup so a key cannot be registered by two validators.
    pub KeyOwner: double_map Twox64Concat [u8; 4], Blake2_128Concat [u8; 32] => Option<AccountId32>;
}

decl_event! { NAME;
    pub enum Event {
        NewSession { session_index: u32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        DuplicatedKey,
        NoKeys,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::set_keys(0)]
    fn set_keys(keys: SessionKeys, proof: Vec<u8>);
    #[weight = WeightInfo::purge_keys(0)]
    fn purge_keys();
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    fn on_initialize(n: BlockNumber) -> Weight {
        if n > 0 && n.is_multiple_of(PERIOD) {
            Self::rotate_session();
            ROCKS_DB_WEIGHT.reads_writes(3, 3)
        } else {
            Weight::ZERO
        }
    }
}

const _: () = assert!(PERIOD > 0, "sessions must last at least one block");

impl Pallet {
    pub fn set_keys(origin: Origin, keys: SessionKeys, _proof: Vec<u8>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        for key_type in KEY_TYPES {
            let owner = KeyOwner::get(&key_type, &keys.key(key_type));
            ensure!(owner.is_none() || owner == Some(who), Error::DuplicatedKey);
        }
        if let Some(old) = NextKeys::get(&who) {
            Self::clear_owners(&old);
        } else {
            demo_system::Pallet::inc_consumers(&who);
        }
        for key_type in KEY_TYPES {
            KeyOwner::insert(&key_type, &keys.key(key_type), &Some(who));
        }
        NextKeys::insert(&who, &Some(keys));
        Ok(())
    }

    pub fn purge_keys(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let old = NextKeys::take(&who).ok_or(Error::NoKeys)?;
        Self::clear_owners(&old);
        demo_system::Pallet::dec_consumers(&who);
        Ok(())
    }

    fn clear_owners(keys: &SessionKeys) {
        for key_type in KEY_TYPES {
            KeyOwner::remove(&key_type, &keys.key(key_type));
        }
    }

    /// Queues the validators for the next session (called by staking).
    pub fn queue_validators(validators: Vec<AccountId32>) {
        // Only validators with keys can author blocks.
        let with_keys: Vec<AccountId32> = validators.into_iter().filter(|v| NextKeys::get(v).is_some()).collect();
        QueuedValidators::put(&with_keys);
    }

    pub fn rotate_session() {
        let index = CurrentIndex::mutate(|i| {
            *i += 1;
            *i
        });
        let queued = QueuedValidators::get();
        if !queued.is_empty() {
            Validators::put(&queued);
        }
        SessionStart::put(&pallet_timestamp::Pallet::now());
        Event::NewSession { session_index: index }.deposit();
    }

    pub fn validators() -> Vec<AccountId32> {
        Validators::get()
    }
}
