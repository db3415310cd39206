//! Vesting: locked balances that unlock linearly from a starting block.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};
use pallet_balances::{Existence, Pallet as Balances};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Vesting";
pub const VESTING_ID: [u8; 8] = *b"vesting ";
pub const MAX_SCHEDULES: usize = 28;
pub const MIN_VESTED_TRANSFER: Balance = 100_000_000_000;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VestingInfo {
    pub locked: Balance,
    pub per_block: Balance,
    pub starting_block: BlockNumber,
}

impl VestingInfo {
    pub fn locked_at(&self, n: BlockNumber) -> Balance {
        let elapsed = n.saturating_sub(self.starting_block) as Balance;
        self.locked.saturating_sub(self.per_block.saturating_mul(elapsed))
    }

    /// The block after which nothing is locked.
    pub fn ending_block(&self) -> BlockNumber {
        let per_block = self.per_block.max(1);
        let blocks = self.locked / per_block + Balance::from(!self.locked.is_multiple_of(per_block));
        self.starting_block
            .saturating_add(blocks.min(u32::MAX as Balance) as u32)
    }

    pub fn is_valid(&self) -> bool {
        self.locked > 0 && self.per_block > 0
    }
}

decl_storage! { NAME;
    pub Vesting: map Blake2_128Concat AccountId32 => Vec<VestingInfo>;
}

decl_event! { NAME;
    pub enum Event {
        VestingUpdated { account: AccountId32, unvested: Balance },
        VestingCompleted { account: AccountId32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        NotVesting,
        AtMaxVestingSchedules,
        AmountLow,
        ScheduleIndexOutOfBounds,
        InvalidScheduleParams,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::vest(0)]
    fn vest();
    #[weight = WeightInfo::vest_other(0)]
    fn vest_other(target: AccountId32);
    #[weight = WeightInfo::vested_transfer(0)]
    fn vested_transfer(target: AccountId32, schedule: VestingInfo);
    #[weight = WeightInfo::merge_schedules(0)]
    fn merge_schedules(schedule1_index: u32, schedule2_index: u32);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn vest(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        Self::update_lock(&who)
    }

    pub fn vest_other(origin: Origin, target: AccountId32) -> DispatchResult {
        ensure_signed(origin)?;
        Self::update_lock(&target)
    }

    pub fn vested_transfer(origin: Origin, target: AccountId32, schedule: VestingInfo) -> DispatchResult {
        let source = ensure_signed(origin)?;
        ensure!(schedule.locked >= MIN_VESTED_TRANSFER, Error::AmountLow);
        ensure!(schedule.is_valid(), Error::InvalidScheduleParams);
        ensure!(
            Vesting::get(&target).len() < MAX_SCHEDULES,
            Error::AtMaxVestingSchedules
        );
        Balances::transfer(&source, &target, schedule.locked, Existence::AllowDeath)?;
        Vesting::mutate(&target, |s| s.push(schedule));
        Self::update_lock(&target)
    }

    /// Replaces two schedules by one that ends at the later end and starts at
    /// the later start, unlocking the same total.
    pub fn merge_schedules(origin: Origin, schedule1_index: u32, schedule2_index: u32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        if schedule1_index == schedule2_index {
            return Ok(());
        }
        let now = demo_system::Pallet::block_number();
        let mut schedules = Vesting::get(&who);
        let (i, j) = (schedule1_index as usize, schedule2_index as usize);
        ensure!(
            i < schedules.len() && j < schedules.len(),
            Error::ScheduleIndexOutOfBounds
        );
        // Remove the higher index first so the lower one stays valid.
        let b = schedules.remove(i.max(j));
        let a = schedules.remove(i.min(j));
        let locked = a.locked_at(now) + b.locked_at(now);
        let end = a.ending_block().max(b.ending_block());
        let start = a.starting_block.max(b.starting_block).max(now);
        if locked > 0 && end > start {
            let per_block = (locked / (end - start) as Balance).max(1);
            schedules.push(VestingInfo {
                locked,
                per_block,
                starting_block: start,
            });
        }
        Vesting::insert(&who, &schedules);
        Self::update_lock(&who)
    }

    pub fn vesting_balance(who: &AccountId32) -> Balance {
        let now = demo_system::Pallet::block_number();
        Vesting::get(who).iter().map(|s| s.locked_at(now)).sum()
    }

    fn update_lock(who: &AccountId32) -> DispatchResult {
        let schedules = Vesting::get(who);
        ensure!(!schedules.is_empty(), Error::NotVesting);
        let now = demo_system::Pallet::block_number();
        let remaining: Vec<VestingInfo> = schedules.into_iter().filter(|s| s.locked_at(now) > 0).collect();
        let unvested: Balance = remaining.iter().map(|s| s.locked_at(now)).sum();
        if remaining.is_empty() {
            Vesting::remove(who);
            Balances::remove_lock(who, VESTING_ID);
            Event::VestingCompleted { account: *who }.deposit();
        } else {
            Vesting::insert(who, &remaining);
            Balances::set_lock(who, VESTING_ID, unvested)?;
            Event::VestingUpdated {
                account: *who,
                unvested,
            }
            .deposit();
        }
        Ok(())
    }
}
