//! Preimage: stores call data by its BLAKE2b-256 hash against a deposit, so
//! governance can refer to large calls by hash.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Preimage";
pub const BASE_DEPOSIT: Balance = 1_000_000_000_000;
pub const BYTE_DEPOSIT: Balance = 1_000_000;
pub const MAX_SIZE: usize = 4 * 1024 * 1024;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestStatus {
    #[default]
    None,
    Unrequested {
        depositor: AccountId32,
        deposit: Balance,
        len: u32,
    },
    Requested {
        count: u32,
        len: u32,
    },
}

decl_storage! { NAME;
    pub StatusFor: map Identity [u8; 32] => RequestStatus;
    pub PreimageFor: map Identity [u8; 32] => Vec<u8>;
}

decl_event! { NAME;
    pub enum Event {
        Noted { hash: [u8; 32] },
        Requested { hash: [u8; 32] },
        Cleared { hash: [u8; 32] },
    }
}

decl_error! { NAME;
    pub enum Error {
        TooBig,
        AlreadyNoted,
        NotAuthorized,
        NotNoted,
        Requested,
        NotRequested,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::note_preimage(bytes.len() as u32)]
    fn note_preimage(bytes: Vec<u8>);
    #[weight = WeightInfo::unnote_preimage(0)]
    fn unnote_preimage(hash: [u8; 32]);
    #[weight = WeightInfo::request_preimage(0)]
    fn request_preimage(hash: [u8; 32]);
    #[weight = WeightInfo::unrequest_preimage(0)]
    fn unrequest_preimage(hash: [u8; 32]);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    /// Noting a requested preimage is free; an unrequested one costs a deposit.
    pub fn note_preimage(origin: Origin, bytes: Vec<u8>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(bytes.len() <= MAX_SIZE, Error::TooBig);
        let hash = demo_hashing::blake2_256(&bytes);
        ensure!(!PreimageFor::contains_key(&hash), Error::AlreadyNoted);
        let len = bytes.len() as u32;
        let status = match StatusFor::get(&hash) {
            RequestStatus::Requested { count, .. } => RequestStatus::Requested { count, len },
            _ => {
                let deposit = BASE_DEPOSIT + BYTE_DEPOSIT * len as Balance;
                Balances::reserve(&who, deposit)?;
                RequestStatus::Unrequested {
                    depositor: who,
                    deposit,
                    len,
                }
            }
        };
        StatusFor::insert(&hash, &status);
        PreimageFor::insert(&hash, &bytes);
        Event::Noted { hash }.deposit();
        Ok(())
    }

    pub fn unnote_preimage(origin: Origin, hash: [u8; 32]) -> DispatchResult {
        let who = ensure_signed(origin)?;
        match StatusFor::get(&hash) {
            RequestStatus::Unrequested { depositor, deposit, .. } => {
                ensure!(depositor == who, Error::NotAuthorized);
                Balances::unreserve(&who, deposit);
                StatusFor::remove(&hash);
                PreimageFor::remove(&hash);
                Event::Cleared { hash }.deposit();
                Ok(())
            }
            RequestStatus::Requested { .. } => Err(Error::Requested.into()),
            RequestStatus::None => Err(Error::NotNoted.into()),
        }
    }

    pub fn request_preimage(origin: Origin, hash: [u8; 32]) -> DispatchResult {
        ensure_root(origin)?;
        let status = match StatusFor::get(&hash) {
            RequestStatus::Requested { count, len } => RequestStatus::Requested { count: count + 1, len },
            RequestStatus::Unrequested {
                depositor,
                deposit,
                len,
            } => {
                // Once requested, the noter gets their deposit back.
                Balances::unreserve(&depositor, deposit);
                RequestStatus::Requested { count: 1, len }
            }
            RequestStatus::None => RequestStatus::Requested { count: 1, len: 0 },
        };
        StatusFor::insert(&hash, &status);
        Event::Requested { hash }.deposit();
        Ok(())
    }

    pub fn unrequest_preimage(origin: Origin, hash: [u8; 32]) -> DispatchResult {
        ensure_root(origin)?;
        match StatusFor::get(&hash) {
            RequestStatus::Requested { count, len } if count > 1 => {
                StatusFor::insert(&hash, &RequestStatus::Requested { count: count - 1, len });
            }
            RequestStatus::Requested { .. } => {
                StatusFor::remove(&hash);
                PreimageFor::remove(&hash);
                Event::Cleared { hash }.deposit();
            }
            _ => return Err(Error::NotRequested.into()),
        }
        Ok(())
    }

    pub fn preimage(hash: &[u8; 32]) -> Option<Vec<u8>> {
        PreimageFor::try_get(hash)
    }
}
