//! Everything a pallet needs: typed storage items, the dispatch model
//! (origins, calls, errors, weights), events and the macros that declare them.
//!
//! Pallets here are plain modules with concrete types (no `Config` generics),
//! so each pallet's code is compiled in its own crate rather than all at once
//! in the runtime.

pub mod dispatch;
pub mod events;
mod macros;
pub mod storage;

pub use demo_arith as arith;
pub use demo_codec::{self as codec, Codec, Compact, Decode, Encode};
pub use demo_core as core_types;
pub use demo_core::{AccountId32, Balance, BlockNumber, Moment, Nonce, H256};
pub use demo_hashing::{Blake2_128, Blake2_128Concat, Blake2_256, Identity, StorageHasher, Twox128, Twox64Concat};
pub use demo_io as io;
pub use demo_weights::{self as weights, DispatchClass, DispatchInfo, Pays, Weight};
pub use dispatch::{DispatchError, DispatchResult, Dispatchable, Origin};
pub use storage::StorageInstance;

/// Per-block hooks a pallet may implement; everything defaults to doing nothing.
pub trait Hooks {
    fn on_initialize(_n: BlockNumber) -> Weight {
        Weight::ZERO
    }
    fn on_finalize(_n: BlockNumber) {}
    /// Sanity checks of constants, run once when the runtime is assembled.
    fn integrity_test() {}
}

/// Static facts about a pallet.
pub trait PalletInfo {
    const NAME: &'static str;
}

/// Fails the current dispatch with `$err` unless `$cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $err:expr $(,)?) => {
        if !$cond {
            return ::core::result::Result::Err($err.into());
        }
    };
}

pub mod prelude {
    pub use crate::dispatch::{
        ensure_none, ensure_root, ensure_signed, DispatchError, DispatchResult, Dispatchable, Origin,
    };
    pub use crate::{ensure, Hooks, PalletInfo};
    pub use crate::{AccountId32, Balance, BlockNumber, Moment, Nonce, H256};
    pub use crate::{Blake2_128Concat, Identity, Twox64Concat};
    pub use crate::{Codec, Decode, Encode, Weight};
    pub use demo_arith::{AtLeast32Bit, Perbill, Permill};
    pub use demo_weights::ROCKS_DB_WEIGHT;
}
