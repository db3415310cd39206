//! Membership: a sorted set of accounts managed by root, with an optional prime member.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Membership";
pub const MAX_MEMBERS: usize = 100;

decl_storage! { NAME;
    pub Members: value Vec<AccountId32>;
    pub Prime: value Option<AccountId32>;
}

decl_event! { NAME;
    pub enum Event {
        MemberAdded,
        MemberRemoved,
        MembersSwapped,
        MembersReset,
        KeyChanged,
    }
}

decl_error! { NAME;
    pub enum Error {
        AlreadyMember,
        NotMember,
        TooManyMembers,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::add_member(0)]
    fn add_member(who: AccountId32);
    #[weight = WeightInfo::remove_member(0)]
    fn remove_member(who: AccountId32);
    #[weight = WeightInfo::swap_member(0)]
    fn swap_member(remove: AccountId32, add: AccountId32);
    #[weight = WeightInfo::reset_members(0)]
    fn reset_members(members: Vec<AccountId32>);
    #[weight = WeightInfo::change_key(0)]
    fn change_key(new: AccountId32);
    #[weight = WeightInfo::set_prime(0)]
    fn set_prime(who: AccountId32);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn add_member(origin: Origin, who: AccountId32) -> DispatchResult {
        ensure_root(origin)?;
        Members::try_mutate(|members| {
            let position = members.binary_search(&who).err().ok_or(Error::AlreadyMember)?;
            ensure!(members.len() < MAX_MEMBERS, Error::TooManyMembers);
            members.insert(position, who);
            Ok::<_, DispatchError>(())
        })?;
        Event::MemberAdded.deposit();
        Ok(())
    }

    pub fn remove_member(origin: Origin, who: AccountId32) -> DispatchResult {
        ensure_root(origin)?;
        Self::take_member(&who)?;
        if Prime::get() == Some(who) {
            Prime::kill();
        }
        Event::MemberRemoved.deposit();
        Ok(())
    }

    fn take_member(who: &AccountId32) -> DispatchResult {
        Members::try_mutate(|members| {
            let position = members.binary_search(who).map_err(|_| Error::NotMember)?;
            members.remove(position);
            Ok(())
        })
    }

    fn insert_member(who: AccountId32) -> DispatchResult {
        Members::try_mutate(|members| {
            let position = members.binary_search(&who).err().ok_or(Error::AlreadyMember)?;
            members.insert(position, who);
            Ok(())
        })
    }

    pub fn swap_member(origin: Origin, remove: AccountId32, add: AccountId32) -> DispatchResult {
        ensure_root(origin)?;
        if remove == add {
            return Ok(());
        }
        Self::take_member(&remove)?;
        Self::insert_member(add)?;
        if Prime::get() == Some(remove) {
            Prime::put(&Some(add));
        }
        Event::MembersSwapped.deposit();
        Ok(())
    }

    pub fn reset_members(origin: Origin, members: Vec<AccountId32>) -> DispatchResult {
        ensure_root(origin)?;
        ensure!(members.len() <= MAX_MEMBERS, Error::TooManyMembers);
        let mut members = members;
        members.sort();
        members.dedup();
        if Prime::get().is_some_and(|p| members.binary_search(&p).is_err()) {
            Prime::kill();
        }
        Members::put(&members);
        Event::MembersReset.deposit();
        Ok(())
    }

    /// A member hands its seat to another account.
    pub fn change_key(origin: Origin, new: AccountId32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        if who == new {
            return Ok(());
        }
        Self::take_member(&who)?;
        Self::insert_member(new)?;
        if Prime::get() == Some(who) {
            Prime::put(&Some(new));
        }
        Event::KeyChanged.deposit();
        Ok(())
    }

    pub fn set_prime(origin: Origin, who: AccountId32) -> DispatchResult {
        ensure_root(origin)?;
        ensure!(Self::is_member(&who), Error::NotMember);
        Prime::put(&Some(who));
        Ok(())
    }

    pub fn is_member(who: &AccountId32) -> bool {
        Members::get().binary_search(who).is_ok()
    }

    pub fn members() -> Vec<AccountId32> {
        Members::get()
    }

    pub fn prime() -> Option<AccountId32> {
        Prime::get()
    }
}
