//! Utility: several calls in one extrinsic, and derivative sub-accounts.

use demo_support::dispatch::dispatch_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Utility";
pub const MAX_BATCH: usize = 1024;

decl_event! { NAME;
    pub enum Event {
        BatchInterrupted { index: u32 },
        BatchCompleted,
        BatchCompletedWithErrors,
        ItemCompleted,
        ItemFailed,
        DispatchedAs { ok: bool },
    }
}

decl_error! { NAME;
    pub enum Error {
        TooManyCalls,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::batch(calls.len() as u32)]
    fn batch(calls: Vec<Vec<u8>>);
    #[weight = WeightInfo::as_derivative(0)]
    fn as_derivative(index: u16, call: Vec<u8>);
    #[weight = WeightInfo::batch_all(calls.len() as u32)]
    fn batch_all(calls: Vec<Vec<u8>>);
    #[weight = WeightInfo::force_batch(calls.len() as u32)]
    fn force_batch(calls: Vec<Vec<u8>>);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    /// Stops at the first failure but keeps what succeeded before it.
    pub fn batch(origin: Origin, calls: Vec<Vec<u8>>) -> DispatchResult {
        ensure!(calls.len() <= MAX_BATCH, Error::TooManyCalls);
        for (index, call) in calls.iter().enumerate() {
            if dispatch_encoded(call, origin.clone()).is_err() {
                Event::BatchInterrupted { index: index as u32 }.deposit();
                return Ok(());
            }
            Event::ItemCompleted.deposit();
        }
        Event::BatchCompleted.deposit();
        Ok(())
    }

    /// All or nothing: the first failure fails the whole batch.
    pub fn batch_all(origin: Origin, calls: Vec<Vec<u8>>) -> DispatchResult {
        ensure!(calls.len() <= MAX_BATCH, Error::TooManyCalls);
        demo_support::io::with_transaction(|| {
            for call in &calls {
                dispatch_encoded(call, origin.clone())?;
                Event::ItemCompleted.deposit();
            }
            Event::BatchCompleted.deposit();
            Ok(())
        })
    }

    /// Runs every call regardless of failures.
    pub fn force_batch(origin: Origin, calls: Vec<Vec<u8>>) -> DispatchResult {
        ensure!(calls.len() <= MAX_BATCH, Error::TooManyCalls);
        let mut failed = false;
        for call in &calls {
            if demo_support::dispatch::dispatch_transactional_encoded(call, origin.clone()).is_ok() {
                Event::ItemCompleted.deposit();
            } else {
                failed = true;
                Event::ItemFailed.deposit();
            }
        }
        if failed {
            Event::BatchCompletedWithErrors.deposit();
        } else {
            Event::BatchCompleted.deposit();
        }
        Ok(())
    }

    pub fn as_derivative(origin: Origin, index: u16, call: Vec<u8>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let ok = dispatch_encoded(&call, Origin::Signed(Self::derivative_account(&who, index))).is_ok();
        Event::DispatchedAs { ok }.deposit();
        Ok(())
    }

    /// `blake2_256("modlpy/utilisuba" ‖ who ‖ index)`, Substrate's derivation.
    pub fn derivative_account(who: &AccountId32, index: u16) -> AccountId32 {
        let mut data = b"modlpy/utilisuba".to_vec();
        data.extend_from_slice(who.as_bytes());
        data.extend_from_slice(&index.to_le_bytes());
        AccountId32(demo_hashing::blake2_256(&data))
    }
}
