//! Assets: fungible tokens other than the native one, each with an owner who
//! can mint, burn and freeze.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Assets";
pub const ASSET_DEPOSIT: Balance = 100_000_000_000_000;
pub const METADATA_DEPOSIT_BASE: Balance = 10_000_000_000;
pub const METADATA_DEPOSIT_PER_BYTE: Balance = 1_000_000_000;
pub const STRING_LIMIT: usize = 50;

pub type AssetId = u32;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AssetStatus {
    #[default]
    Live,
    Frozen,
    Destroying,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AssetDetails {
    pub owner: AccountId32,
    pub issuer: AccountId32,
    pub freezer: AccountId32,
    pub supply: Balance,
    pub deposit: Balance,
    pub min_balance: Balance,
    pub accounts: u32,
    pub status: AssetStatus,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AssetAccount {
    pub balance: Balance,
    pub frozen: bool,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct AssetMetadata {
    pub deposit: Balance,
    pub name: Vec<u8>,
    pub symbol: Vec<u8>,
    pub decimals: u8,
}

decl_storage! { NAME;
    pub Asset: map Blake2_128Concat AssetId => Option<AssetDetails>;
    pub Account: double_map Blake2_128Concat AssetId, Blake2_128Concat AccountId32 => Option<AssetAccount>;
    pub Metadata: map Blake2_128Concat AssetId => AssetMetadata;
}

decl_event! { NAME;
    pub enum Event {
        Created { asset_id: AssetId, creator: AccountId32, owner: AccountId32 },
        Issued { asset_id: AssetId, owner: AccountId32, amount: Balance },
        Transferred { asset_id: AssetId, from: AccountId32, to: AccountId32, amount: Balance },
        Burned { asset_id: AssetId, owner: AccountId32, balance: Balance },
        Frozen { asset_id: AssetId, who: AccountId32 },
        Thawed { asset_id: AssetId, who: AccountId32 },
        MetadataSet { asset_id: AssetId, decimals: u8 },
    }
}

decl_error! { NAME;
    pub enum Error {
        BalanceLow,
        NoAccount,
        NoPermission,
        Unknown,
        Frozen,
        InUse,
        MinBalanceZero,
        BelowMinimum,
        BadMetadata,
        Overflow,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::create(0)]
    fn create(id: Compact<AssetId>, admin: AccountId32, min_balance: Balance);
    #[weight = WeightInfo::mint(0)]
    fn mint(id: Compact<AssetId>, beneficiary: AccountId32, amount: Compact<Balance>);
    #[weight = WeightInfo::burn(0)]
    fn burn(id: Compact<AssetId>, who: AccountId32, amount: Compact<Balance>);
    #[weight = WeightInfo::transfer(0)]
    fn transfer(id: Compact<AssetId>, target: AccountId32, amount: Compact<Balance>);
    #[weight = WeightInfo::freeze(0)]
    fn freeze(id: Compact<AssetId>, who: AccountId32);
    #[weight = WeightInfo::thaw(0)]
    fn thaw(id: Compact<AssetId>, who: AccountId32);
    #[weight = WeightInfo::set_metadata(0)]
    fn set_metadata(id: Compact<AssetId>, name: Vec<u8>, symbol: Vec<u8>, decimals: u8);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    fn details(id: AssetId) -> Result<AssetDetails, DispatchError> {
        Ok(Asset::get(&id).ok_or(Error::Unknown)?)
    }

    pub fn create(origin: Origin, id: Compact<AssetId>, admin: AccountId32, min_balance: Balance) -> DispatchResult {
        let owner = ensure_signed(origin)?;
        let id = id.0;
        ensure!(!Asset::contains_key(&id), Error::InUse);
        ensure!(min_balance > 0, Error::MinBalanceZero);
        Balances::reserve(&owner, ASSET_DEPOSIT)?;
        let details = AssetDetails {
            owner,
            issuer: admin,
            freezer: admin,
            deposit: ASSET_DEPOSIT,
            min_balance,
            ..Default::default()
        };
        Asset::insert(&id, &Some(details));
        Event::Created {
            asset_id: id,
            creator: owner,
            owner: admin,
        }
        .deposit();
        Ok(())
    }

    pub fn mint(
        origin: Origin,
        id: Compact<AssetId>,
        beneficiary: AccountId32,
        amount: Compact<Balance>,
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let mut details = Self::details(id.0)?;
        ensure!(details.issuer == who, Error::NoPermission);
        Self::increase(id.0, &mut details, &beneficiary, amount.0)?;
        details.supply = details.supply.checked_add(amount.0).ok_or(Error::Overflow)?;
        Asset::insert(&id.0, &Some(details));
        Event::Issued {
            asset_id: id.0,
            owner: beneficiary,
            amount: amount.0,
        }
        .deposit();
        Ok(())
    }

    pub fn burn(origin: Origin, id: Compact<AssetId>, who: AccountId32, amount: Compact<Balance>) -> DispatchResult {
        let admin = ensure_signed(origin)?;
        let mut details = Self::details(id.0)?;
        ensure!(details.owner == admin || details.issuer == admin, Error::NoPermission);
        let burned = Self::decrease(id.0, &mut details, &who, amount.0, true)?;
        details.supply -= burned;
        Asset::insert(&id.0, &Some(details));
        Event::Burned {
            asset_id: id.0,
            owner: who,
            balance: burned,
        }
        .deposit();
        Ok(())
    }

    pub fn transfer(
        origin: Origin,
        id: Compact<AssetId>,
        target: AccountId32,
        amount: Compact<Balance>,
    ) -> DispatchResult {
        let from = ensure_signed(origin)?;
        let mut details = Self::details(id.0)?;
        ensure!(details.status == AssetStatus::Live, Error::Frozen);
        Self::decrease(id.0, &mut details, &from, amount.0, false)?;
        Self::increase(id.0, &mut details, &target, amount.0)?;
        Asset::insert(&id.0, &Some(details));
        Event::Transferred {
            asset_id: id.0,
            from,
            to: target,
            amount: amount.0,
        }
        .deposit();
        Ok(())
    }

    fn increase(id: AssetId, details: &mut AssetDetails, who: &AccountId32, amount: Balance) -> DispatchResult {
        let mut account = match Account::get(&id, who) {
            Some(account) => account,
            None => {
                ensure!(amount >= details.min_balance, Error::BelowMinimum);
                details.accounts += 1;
                AssetAccount::default()
            }
        };
        account.balance = account.balance.checked_add(amount).ok_or(Error::Overflow)?;
        Account::insert(&id, who, &Some(account));
        Ok(())
    }

    /// Takes `amount` (or, with `best_effort`, as much as there is); an
    /// account left below the minimum is removed and its dust burned.
    fn decrease(
        id: AssetId,
        details: &mut AssetDetails,
        who: &AccountId32,
        amount: Balance,
        best_effort: bool,
    ) -> Result<Balance, DispatchError> {
        let mut account = Account::get(&id, who).ok_or(Error::NoAccount)?;
        ensure!(!account.frozen, Error::Frozen);
        let taken = if best_effort {
            amount.min(account.balance)
        } else {
            amount
        };
        ensure!(account.balance >= taken, Error::BalanceLow);
        account.balance -= taken;
        if account.balance < details.min_balance {
            details.supply -= account.balance;
            details.accounts -= 1;
            Account::remove(&id, who);
        } else {
            Account::insert(&id, who, &Some(account));
        }
        Ok(taken)
    }

    fn set_frozen(origin: Origin, id: AssetId, who: AccountId32, frozen: bool) -> DispatchResult {
        let admin = ensure_signed(origin)?;
        let details = Self::details(id)?;
        ensure!(details.freezer == admin, Error::NoPermission);
        Account::try_mutate(&id, &who, |account| {
            let account = account.as_mut().ok_or(Error::NoAccount)?;
            account.frozen = frozen;
            Ok::<_, DispatchError>(())
        })
    }

    pub fn freeze(origin: Origin, id: Compact<AssetId>, who: AccountId32) -> DispatchResult {
        Self::set_frozen(origin, id.0, who, true)?;
        Event::Frozen { asset_id: id.0, who }.deposit();
        Ok(())
    }

    pub fn thaw(origin: Origin, id: Compact<AssetId>, who: AccountId32) -> DispatchResult {
        Self::set_frozen(origin, id.0, who, false)?;
        Event::Thawed { asset_id: id.0, who }.deposit();
        Ok(())
    }

    pub fn set_metadata(
        origin: Origin,
        id: Compact<AssetId>,
        name: Vec<u8>,
        symbol: Vec<u8>,
        decimals: u8,
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let details = Self::details(id.0)?;
        ensure!(details.owner == who, Error::NoPermission);
        ensure!(
            name.len() <= STRING_LIMIT && symbol.len() <= STRING_LIMIT,
            Error::BadMetadata
        );
        let old = Metadata::get(&id.0);
        let deposit = METADATA_DEPOSIT_BASE + METADATA_DEPOSIT_PER_BYTE * (name.len() + symbol.len()) as Balance;
        if deposit > old.deposit {
            Balances::reserve(&who, deposit - old.deposit)?;
        } else {
            Balances::unreserve(&who, old.deposit - deposit);
        }
        Metadata::insert(
            &id.0,
            &AssetMetadata {
                deposit,
                name,
                symbol,
                decimals,
            },
        );
        Event::MetadataSet {
            asset_id: id.0,
            decimals,
        }
        .deposit();
        Ok(())
    }

    pub fn balance(id: AssetId, who: &AccountId32) -> Balance {
        Account::get(&id, who).map_or(0, |a| a.balance)
    }
}
