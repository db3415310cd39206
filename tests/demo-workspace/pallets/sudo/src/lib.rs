//! Sudo: one key may dispatch any call as root. Calls are carried encoded and
//! dispatched through the runtime's registered dispatcher.

use demo_support::dispatch::dispatch_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Sudo";

decl_storage! { NAME;
    pub Key: value Option<AccountId32>;
}

decl_event! { NAME;
    pub enum Event {
        /// The call was dispatched; `ok` tells whether it succeeded.
        Sudid { ok: bool },
        KeyChanged { old: Option<AccountId32>, new: AccountId32 },
        KeyRemoved,
        SudoAsDone { ok: bool },
    }
}

decl_error! { NAME;
    pub enum Error {
        RequireSudo,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::sudo(call.len() as u32)]
    fn sudo(call: Vec<u8>);
    /// Dispatches with a caller-chosen weight, for calls weighing a whole block.
    #[weight = Weight::from_parts(*weight, 0)]
    fn sudo_unchecked_weight(call: Vec<u8>, weight: u64);
    #[weight = WeightInfo::set_key(0)]
    fn set_key(new: AccountId32);
    #[weight = WeightInfo::sudo_as(call.len() as u32)]
    fn sudo_as(who: AccountId32, call: Vec<u8>);
    #[weight = WeightInfo::remove_key(0)]
    fn remove_key();
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    fn ensure_sudo(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(Key::get() == Some(who), Error::RequireSudo);
        Ok(())
    }

    /// The outer extrinsic succeeds even when the inner call fails, as in Substrate.
    pub fn sudo(origin: Origin, call: Vec<u8>) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let ok = dispatch_encoded(&call, Origin::Root).is_ok();
        Event::Sudid { ok }.deposit();
        Ok(())
    }

    pub fn sudo_unchecked_weight(origin: Origin, call: Vec<u8>, _weight: u64) -> DispatchResult {
        Self::sudo(origin, call)
    }

    pub fn set_key(origin: Origin, new: AccountId32) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let old = Key::get();
        Key::put(&Some(new));
        Event::KeyChanged { old, new }.deposit();
        Ok(())
    }

    pub fn sudo_as(origin: Origin, who: AccountId32, call: Vec<u8>) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        let ok = dispatch_encoded(&call, Origin::Signed(who)).is_ok();
        Event::SudoAsDone { ok }.deposit();
        Ok(())
    }

    pub fn remove_key(origin: Origin) -> DispatchResult {
        Self::ensure_sudo(origin)?;
        Key::kill();
        Event::KeyRemoved.deposit();
        Ok(())
    }
}
