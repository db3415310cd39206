//! Balances: free and reserved funds kept in `System.Account`, an existential
//! deposit below which accounts are reaped, and named locks that freeze funds.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use demo_system::{AccountData, Pallet as System};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Balances";
pub const EXISTENTIAL_DEPOSIT: Balance = 1_000_000_000;
pub const MAX_LOCKS: usize = 50;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BalanceLock {
    pub id: [u8; 8],
    pub amount: Balance,
}

/// Whether an operation may take an account below the existential deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existence {
    KeepAlive,
    AllowDeath,
}

decl_storage! { NAME;
    pub TotalIssuance: value Balance;
    pub Locks: map Blake2_128Concat AccountId32 => Vec<BalanceLock>;
}

decl_event! { NAME;
    pub enum Event {
        Endowed { account: AccountId32, free_balance: Balance },
        DustLost { account: AccountId32, amount: Balance },
        Transfer { from: AccountId32, to: AccountId32, amount: Balance },
        BalanceSet { who: AccountId32, free: Balance },
        Reserved { who: AccountId32, amount: Balance },
        Unreserved { who: AccountId32, amount: Balance },
        Deposit { who: AccountId32, amount: Balance },
        Withdraw { who: AccountId32, amount: Balance },
        Slashed { who: AccountId32, amount: Balance },
    }
}

decl_error! { NAME;
    pub enum Error {
        /// Funds are locked or reserved.
        LiquidityRestrictions,
        TooManyLocks,
        InsufficientBalance,
        ExistentialDeposit,
        Expendability,
        DeadAccount,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::transfer_allow_death(0)]
    fn transfer_allow_death(dest: AccountId32, value: Compact<Balance>);
    #[weight = WeightInfo::force_transfer(0)]
    fn force_transfer(source: AccountId32, dest: AccountId32, value: Compact<Balance>);
    #[weight = WeightInfo::transfer_keep_alive(0)]
    fn transfer_keep_alive(dest: AccountId32, value: Compact<Balance>);
    #[weight = WeightInfo::transfer_all(0)]
    fn transfer_all(dest: AccountId32, keep_alive: bool);
    #[weight = WeightInfo::force_unreserve(0)]
    fn force_unreserve(who: AccountId32, amount: Balance);
    #[weight = WeightInfo::force_set_balance(0)]
    fn force_set_balance(who: AccountId32, new_free: Compact<Balance>);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

const _: () = assert!(
    EXISTENTIAL_DEPOSIT > 0,
    "a zero existential deposit lets dust accounts pile up"
);

impl Pallet {
    pub fn transfer_allow_death(origin: Origin, dest: AccountId32, value: Compact<Balance>) -> DispatchResult {
        let source = ensure_signed(origin)?;
        Self::transfer(&source, &dest, value.0, Existence::AllowDeath)
    }

    pub fn force_transfer(
        origin: Origin,
        source: AccountId32,
        dest: AccountId32,
        value: Compact<Balance>,
    ) -> DispatchResult {
        ensure_root(origin)?;
        Self::transfer(&source, &dest, value.0, Existence::AllowDeath)
    }

    pub fn transfer_keep_alive(origin: Origin, dest: AccountId32, value: Compact<Balance>) -> DispatchResult {
        let source = ensure_signed(origin)?;
        Self::transfer(&source, &dest, value.0, Existence::KeepAlive)
    }

    pub fn transfer_all(origin: Origin, dest: AccountId32, keep_alive: bool) -> DispatchResult {
        let source = ensure_signed(origin)?;
        let existence = if keep_alive {
            Existence::KeepAlive
        } else {
            Existence::AllowDeath
        };
        let mut amount = Self::usable_balance(&source);
        if keep_alive {
            amount = amount.saturating_sub(EXISTENTIAL_DEPOSIT);
        }
        Self::transfer(&source, &dest, amount, existence)
    }

    pub fn force_unreserve(origin: Origin, who: AccountId32, amount: Balance) -> DispatchResult {
        ensure_root(origin)?;
        Self::unreserve(&who, amount);
        Ok(())
    }

    pub fn force_set_balance(origin: Origin, who: AccountId32, new_free: Compact<Balance>) -> DispatchResult {
        ensure_root(origin)?;
        let new_free = if new_free.0 < EXISTENTIAL_DEPOSIT {
            0
        } else {
            new_free.0
        };
        let old = System::account_data(&who);
        TotalIssuance::mutate(|t| *t = t.saturating_add(new_free).saturating_sub(old.free));
        Self::write_account(&who, AccountData { free: new_free, ..old })?;
        Event::BalanceSet { who, free: new_free }.deposit();
        Ok(())
    }

    pub fn free_balance(who: &AccountId32) -> Balance {
        System::account_data(who).free
    }

    pub fn reserved_balance(who: &AccountId32) -> Balance {
        System::account_data(who).reserved
    }

    /// Free balance not held by any lock.
    pub fn usable_balance(who: &AccountId32) -> Balance {
        let data = System::account_data(who);
        data.free.saturating_sub(data.frozen)
    }

    /// Writes account data, creating or reaping the account as needed.
    fn write_account(who: &AccountId32, data: AccountData) -> DispatchResult {
        let before = System::account_data(who);
        let existed = before.free > 0 || before.reserved > 0;
        let exists = data.free > 0 || data.reserved > 0;
        if exists && !existed {
            ensure!(data.free >= EXISTENTIAL_DEPOSIT, Error::ExistentialDeposit);
            System::inc_providers(who);
            Event::Endowed {
                account: *who,
                free_balance: data.free,
            }
            .deposit();
        }
        System::mutate_account_data(who, |d| *d = data);
        if existed && !exists {
            System::dec_providers(who)?;
        }
        Ok(())
    }

    pub fn transfer(source: &AccountId32, dest: &AccountId32, amount: Balance, existence: Existence) -> DispatchResult {
        if amount == 0 || source == dest {
            return Ok(());
        }
        let mut from = System::account_data(source);
        ensure!(Self::usable_balance(source) >= amount, Error::InsufficientBalance);
        from.free -= amount;
        if from.free < EXISTENTIAL_DEPOSIT {
            ensure!(existence == Existence::AllowDeath, Error::Expendability);
            ensure!(from.reserved == 0 && from.frozen == 0, Error::LiquidityRestrictions);
            if from.free > 0 {
                Event::DustLost {
                    account: *source,
                    amount: from.free,
                }
                .deposit();
                TotalIssuance::mutate(|t| *t -= from.free);
                from.free = 0;
            }
        }
        let mut to = System::account_data(dest);
        to.free = to
            .free
            .checked_add(amount)
            .ok_or(demo_support::dispatch::ArithmeticError::Overflow)?;
        Self::write_account(dest, to)?;
        Self::write_account(source, from)?;
        Event::Transfer {
            from: *source,
            to: *dest,
            amount,
        }
        .deposit();
        Ok(())
    }

    /// Mints into an account (genesis, rewards).
    pub fn deposit_creating(who: &AccountId32, amount: Balance) -> DispatchResult {
        let mut data = System::account_data(who);
        data.free = data.free.saturating_add(amount);
        Self::write_account(who, data)?;
        TotalIssuance::mutate(|t| *t = t.saturating_add(amount));
        Event::Deposit { who: *who, amount }.deposit();
        Ok(())
    }

    /// Burns from an account (fees).
    pub fn withdraw(who: &AccountId32, amount: Balance, existence: Existence) -> DispatchResult {
        let mut data = System::account_data(who);
        ensure!(Self::usable_balance(who) >= amount, Error::InsufficientBalance);
        data.free -= amount;
        if data.free < EXISTENTIAL_DEPOSIT && existence == Existence::KeepAlive {
            return Err(Error::Expendability.into());
        }
        Self::write_account(who, data)?;
        TotalIssuance::mutate(|t| *t = t.saturating_sub(amount));
        Event::Withdraw { who: *who, amount }.deposit();
        Ok(())
    }

    pub fn reserve(who: &AccountId32, amount: Balance) -> DispatchResult {
        ensure!(Self::usable_balance(who) >= amount, Error::InsufficientBalance);
        let mut data = System::account_data(who);
        data.free -= amount;
        data.reserved += amount;
        ensure!(
            data.free >= EXISTENTIAL_DEPOSIT || data.free == 0,
            Error::ExistentialDeposit
        );
        Self::write_account(who, data)?;
        Event::Reserved { who: *who, amount }.deposit();
        Ok(())
    }

    /// Moves up to `amount` back to free; returns what could not be unreserved.
    pub fn unreserve(who: &AccountId32, amount: Balance) -> Balance {
        let mut data = System::account_data(who);
        let actual = amount.min(data.reserved);
        data.reserved -= actual;
        data.free += actual;
        if Self::write_account(who, data).is_err() {
            return amount;
        }
        if actual > 0 {
            Event::Unreserved {
                who: *who,
                amount: actual,
            }
            .deposit();
        }
        amount - actual
    }

    /// Destroys up to `amount` of reserved funds; returns the part that was slashed.
    pub fn slash_reserved(who: &AccountId32, amount: Balance) -> Balance {
        let mut data = System::account_data(who);
        let actual = amount.min(data.reserved);
        data.reserved -= actual;
        if Self::write_account(who, data).is_ok() {
            TotalIssuance::mutate(|t| *t = t.saturating_sub(actual));
            Event::Slashed {
                who: *who,
                amount: actual,
            }
            .deposit();
            actual
        } else {
            0
        }
    }

    /// Moves reserved funds of `from` into the free balance of `to`.
    pub fn repatriate_reserved(from: &AccountId32, to: &AccountId32, amount: Balance) -> DispatchResult {
        let mut source = System::account_data(from);
        ensure!(source.reserved >= amount, Error::InsufficientBalance);
        source.reserved -= amount;
        let mut dest = System::account_data(to);
        dest.free = dest.free.saturating_add(amount);
        Self::write_account(to, dest)?;
        Self::write_account(from, source)
    }

    /// Sets or replaces the lock `id`; the frozen amount is the largest lock.
    pub fn set_lock(who: &AccountId32, id: [u8; 8], amount: Balance) -> DispatchResult {
        let mut locks = Locks::get(who);
        match locks.iter_mut().find(|l| l.id == id) {
            Some(lock) => lock.amount = amount,
            None => {
                ensure!(locks.len() < MAX_LOCKS, Error::TooManyLocks);
                locks.push(BalanceLock { id, amount });
            }
        }
        Self::update_locks(who, locks);
        Ok(())
    }

    pub fn remove_lock(who: &AccountId32, id: [u8; 8]) {
        let mut locks = Locks::get(who);
        locks.retain(|l| l.id != id);
        Self::update_locks(who, locks);
    }

    fn update_locks(who: &AccountId32, locks: Vec<BalanceLock>) {
        let frozen = locks.iter().map(|l| l.amount).max().unwrap_or(0);
        System::mutate_account_data(who, |d| d.frozen = frozen);
        if locks.is_empty() {
            Locks::remove(who);
        } else {
            Locks::insert(who, &locks);
        }
    }
}
