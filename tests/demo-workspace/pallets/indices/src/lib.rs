//! Indices: short numeric aliases for accounts, claimed against a deposit.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Indices";
pub const DEPOSIT: Balance = 10_000_000_000;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexInfo {
    pub owner: AccountId32,
    pub deposit: Balance,
    /// A frozen index can never be freed or transferred.
    pub frozen: bool,
}

decl_storage! { NAME;
    pub Accounts: map Blake2_128Concat u32 => Option<IndexInfo>;
}

decl_event! { NAME;
    pub enum Event {
        IndexAssigned { who: AccountId32, index: u32 },
        IndexFreed { index: u32 },
        IndexFrozen { index: u32, who: AccountId32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        NotAssigned,
        NotOwner,
        InUse,
        NotTransfer,
        Permanent,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::claim(0)]
    fn claim(index: u32);
    #[weight = WeightInfo::transfer(0)]
    fn transfer(new: AccountId32, index: u32);
    #[weight = WeightInfo::free(0)]
    fn free(index: u32);
    #[weight = WeightInfo::freeze(0)]
    fn freeze(index: u32);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn claim(origin: Origin, index: u32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(Accounts::get(&index).is_none(), Error::InUse);
        Balances::reserve(&who, DEPOSIT)?;
        Accounts::insert(
            &index,
            &Some(IndexInfo {
                owner: who,
                deposit: DEPOSIT,
                frozen: false,
            }),
        );
        Event::IndexAssigned { who, index }.deposit();
        Ok(())
    }

    pub fn transfer(origin: Origin, new: AccountId32, index: u32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(who != new, Error::NotTransfer);
        let mut info = Accounts::get(&index).ok_or(Error::NotAssigned)?;
        ensure!(info.owner == who, Error::NotOwner);
        ensure!(!info.frozen, Error::Permanent);
        Balances::repatriate_reserved(&who, &new, info.deposit)?;
        // The new owner's deposit is taken from the funds just moved.
        Balances::reserve(&new, info.deposit)?;
        info.owner = new;
        Accounts::insert(&index, &Some(info));
        Event::IndexAssigned { who: new, index }.deposit();
        Ok(())
    }

    pub fn free(origin: Origin, index: u32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let info = Accounts::get(&index).ok_or(Error::NotAssigned)?;
        ensure!(info.owner == who, Error::NotOwner);
        ensure!(!info.frozen, Error::Permanent);
        Balances::unreserve(&who, info.deposit);
        Accounts::remove(&index);
        Event::IndexFreed { index }.deposit();
        Ok(())
    }

    /// Makes the index permanent; the deposit is burned.
    pub fn freeze(origin: Origin, index: u32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let mut info = Accounts::get(&index).ok_or(Error::NotAssigned)?;
        ensure!(info.owner == who, Error::NotOwner);
        ensure!(!info.frozen, Error::Permanent);
        Balances::slash_reserved(&who, info.deposit);
        info.frozen = true;
        info.deposit = 0;
        Accounts::insert(&index, &Some(info));
        Event::IndexFrozen { index, who }.deposit();
        Ok(())
    }

    pub fn lookup(index: u32) -> Option<AccountId32> {
        Accounts::get(&index).map(|info| info.owner)
    }
}
