//! Staking: stash accounts bond funds, declare intent to validate or
//! nominate, and receive a share of each era's reward by their stake.

use demo_arith::Perbill;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Staking";
pub const STAKING_ID: [u8; 8] = *b"staking ";
pub const BONDING_DURATION: u32 = 28;
pub const SESSIONS_PER_ERA: u32 = 6;
pub const MAX_NOMINATIONS: usize = 16;
pub const MAX_UNLOCKING_CHUNKS: usize = 32;
pub const ERA_PAYOUT: Balance = 100_000_000_000_000;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnlockChunk {
    pub value: Balance,
    pub era: u32,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct StakingLedger {
    pub stash: AccountId32,
    pub total: Balance,
    pub active: Balance,
    pub unlocking: Vec<UnlockChunk>,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ValidatorPrefs {
    pub commission: Perbill,
    pub blocked: bool,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Nominations {
    pub targets: Vec<AccountId32>,
    pub submitted_in: u32,
}

decl_storage! { NAME;
    pub CurrentEra: value u32;
    pub Ledger: map Blake2_128Concat AccountId32 => Option<StakingLedger>;
    pub Validators: map Twox64Concat AccountId32 => Option<ValidatorPrefs>;
    pub Nominators: map Twox64Concat AccountId32 => Option<Nominations>;
    pub ValidatorCount: value u32;
    pub ErasRewardPoints: double_map Twox64Concat u32, Twox64Concat AccountId32 => u32;
    pub ErasTotalStake: map Twox64Concat u32 => Balance;
}

decl_event! { NAME;
    pub enum Event {
        Bonded { stash: AccountId32, amount: Balance },
        Unbonded { stash: AccountId32, amount: Balance },
        Withdrawn { stash: AccountId32, amount: Balance },
        Rewarded { stash: AccountId32, amount: Balance },
        EraPaid { era_index: u32, validator_payout: Balance },
        Chilled { stash: AccountId32 },
        ValidatorPrefsSet { stash: AccountId32, prefs: ValidatorPrefs },
    }
}

decl_error! { NAME;
    pub enum Error {
        NotStash,
        AlreadyBonded,
        InsufficientBond,
        NoMoreChunks,
        EmptyTargets,
        TooManyTargets,
        BadTarget,
        NoUnlockChunk,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::bond(0)]
    fn bond(value: Compact<Balance>);
    #[weight = WeightInfo::bond_extra(0)]
    fn bond_extra(max_additional: Compact<Balance>);
    #[weight = WeightInfo::unbond(0)]
    fn unbond(value: Compact<Balance>);
    #[weight = WeightInfo::withdraw_unbonded(0)]
    fn withdraw_unbonded();
    #[weight = WeightInfo::validate(0)]
    fn validate(prefs: ValidatorPrefs);
    #[weight = WeightInfo::nominate(targets.len() as u32)]
    fn nominate(targets: Vec<AccountId32>);
    #[weight = WeightInfo::chill(0)]
    fn chill();
    #[weight = WeightInfo::set_validator_count(0)]
    fn set_validator_count(new: u32);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    fn on_initialize(n: BlockNumber) -> Weight {
        // Eras end on session boundaries.
        let era_blocks = pallet_session::PERIOD * SESSIONS_PER_ERA;
        if n > 0 && n.is_multiple_of(era_blocks) {
            Self::end_era();
            ROCKS_DB_WEIGHT.reads_writes(20, 20)
        } else {
            Weight::ZERO
        }
    }
}

const _: () = assert!(MAX_NOMINATIONS > 0 && BONDING_DURATION > 0);

impl Pallet {
    pub fn bond(origin: Origin, value: Compact<Balance>) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        ensure!(Ledger::get(&stash).is_none(), Error::AlreadyBonded);
        let value = value.0.min(Balances::free_balance(&stash));
        ensure!(value >= pallet_balances::EXISTENTIAL_DEPOSIT, Error::InsufficientBond);
        demo_system::Pallet::inc_consumers(&stash);
        let ledger = StakingLedger {
            stash,
            total: value,
            active: value,
            unlocking: Vec::new(),
        };
        Self::update_ledger(&ledger)?;
        Event::Bonded { stash, amount: value }.deposit();
        Ok(())
    }

    pub fn bond_extra(origin: Origin, max_additional: Compact<Balance>) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        let mut ledger = Ledger::get(&stash).ok_or(Error::NotStash)?;
        let free = Balances::free_balance(&stash).saturating_sub(ledger.total);
        let extra = max_additional.0.min(free);
        ledger.total += extra;
        ledger.active += extra;
        Self::update_ledger(&ledger)?;
        Event::Bonded { stash, amount: extra }.deposit();
        Ok(())
    }

    pub fn unbond(origin: Origin, value: Compact<Balance>) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        let mut ledger = Ledger::get(&stash).ok_or(Error::NotStash)?;
        ensure!(ledger.unlocking.len() < MAX_UNLOCKING_CHUNKS, Error::NoMoreChunks);
        let mut value = value.0.min(ledger.active);
        // Unbonding to dust unbonds everything.
        if ledger.active - value < pallet_balances::EXISTENTIAL_DEPOSIT {
            value = ledger.active;
        }
        ledger.active -= value;
        let era = CurrentEra::get() + BONDING_DURATION;
        match ledger.unlocking.iter_mut().find(|c| c.era == era) {
            Some(chunk) => chunk.value += value,
            None => ledger.unlocking.push(UnlockChunk { value, era }),
        }
        Self::update_ledger(&ledger)?;
        Event::Unbonded { stash, amount: value }.deposit();
        Ok(())
    }

    pub fn withdraw_unbonded(origin: Origin) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        let mut ledger = Ledger::get(&stash).ok_or(Error::NotStash)?;
        let era = CurrentEra::get();
        let before = ledger.total;
        ledger.unlocking.retain(|chunk| {
            if chunk.era <= era {
                ledger.total -= chunk.value;
                false
            } else {
                true
            }
        });
        let withdrawn = before - ledger.total;
        ensure!(withdrawn > 0, Error::NoUnlockChunk);
        if ledger.total == 0 {
            Self::kill_stash(&stash);
        } else {
            Self::update_ledger(&ledger)?;
        }
        Event::Withdrawn {
            stash,
            amount: withdrawn,
        }
        .deposit();
        Ok(())
    }

    pub fn validate(origin: Origin, prefs: ValidatorPrefs) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        ensure!(Ledger::get(&stash).is_some(), Error::NotStash);
        Nominators::remove(&stash);
        Validators::insert(&stash, &Some(prefs));
        Event::ValidatorPrefsSet { stash, prefs }.deposit();
        Ok(())
    }

    pub fn nominate(origin: Origin, targets: Vec<AccountId32>) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        ensure!(Ledger::get(&stash).is_some(), Error::NotStash);
        ensure!(!targets.is_empty(), Error::EmptyTargets);
        ensure!(targets.len() <= MAX_NOMINATIONS, Error::TooManyTargets);
        for target in &targets {
            let prefs = Validators::get(target).ok_or(Error::BadTarget)?;
            ensure!(!prefs.blocked, Error::BadTarget);
        }
        Validators::remove(&stash);
        let mut targets = targets;
        targets.sort();
        targets.dedup();
        Nominators::insert(
            &stash,
            &Some(Nominations {
                targets,
                submitted_in: CurrentEra::get(),
            }),
        );
        Ok(())
    }

    pub fn chill(origin: Origin) -> DispatchResult {
        let stash = ensure_signed(origin)?;
        ensure!(Ledger::get(&stash).is_some(), Error::NotStash);
        Validators::remove(&stash);
        Nominators::remove(&stash);
        Event::Chilled { stash }.deposit();
        Ok(())
    }

    pub fn set_validator_count(origin: Origin, new: u32) -> DispatchResult {
        ensure_root(origin)?;
        ValidatorCount::put(&new);
        Ok(())
    }

    fn update_ledger(ledger: &StakingLedger) -> DispatchResult {
        Balances::set_lock(&ledger.stash, STAKING_ID, ledger.total)?;
        Ledger::insert(&ledger.stash, &Some(ledger.clone()));
        Ok(())
    }

    fn kill_stash(stash: &AccountId32) {
        Ledger::remove(stash);
        Validators::remove(stash);
        Nominators::remove(stash);
        Balances::remove_lock(stash, STAKING_ID);
        demo_system::Pallet::dec_consumers(stash);
    }

    pub fn reward_by_ids(validators: &[(AccountId32, u32)]) {
        let era = CurrentEra::get();
        for (who, points) in validators {
            ErasRewardPoints::mutate(&era, who, |p| *p += points);
        }
    }

    /// Each validator's backing: own stake plus an equal split of each nominator's stake.
    pub fn exposures() -> Vec<(AccountId32, Balance)> {
        let mut exposure: Vec<(AccountId32, Balance)> = Validators::iter()
            .into_iter()
            .filter_map(|(who, _)| Some((who, Ledger::get(&who)?.active)))
            .collect();
        for (nominator, nominations) in Nominators::iter() {
            let (Some(nominations), Some(ledger)) = (nominations, Ledger::get(&nominator)) else {
                continue;
            };
            let share = ledger.active / nominations.targets.len().max(1) as Balance;
            for target in &nominations.targets {
                if let Some(entry) = exposure.iter_mut().find(|(v, _)| v == target) {
                    entry.1 += share;
                }
            }
        }
        exposure
    }

    /// Nominators backing `validator`, with the stake each puts behind it.
    fn nominators_of(validator: &AccountId32) -> Vec<(AccountId32, Balance)> {
        Nominators::iter()
            .into_iter()
            .filter_map(|(nominator, nominations)| {
                let nominations = nominations?;
                if !nominations.targets.contains(validator) {
                    return None;
                }
                let active = Ledger::get(&nominator)?.active;
                Some((nominator, active / nominations.targets.len() as Balance))
            })
            .collect()
    }

    fn pay(who: &AccountId32, amount: Balance) -> Balance {
        if amount > 0 && Balances::deposit_creating(who, amount).is_ok() {
            Event::Rewarded { stash: *who, amount }.deposit();
            amount
        } else {
            0
        }
    }

    /// Elects the best-backed validators, pays the ending era and starts the next.
    pub fn end_era() {
        let era = CurrentEra::get();
        let mut exposures = Self::exposures();
        exposures.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        exposures.truncate(ValidatorCount::get().max(1) as usize);
        let total_stake: Balance = exposures.iter().map(|(_, s)| s).sum();
        ErasTotalStake::insert(&era, &total_stake);

        let total_points: u32 = exposures.iter().map(|(v, _)| ErasRewardPoints::get(&era, v)).sum();
        let mut paid = 0;
        for (validator, _) in &exposures {
            let points = ErasRewardPoints::get(&era, validator);
            let share = Perbill::from_rational(points, total_points.max(1)).mul_floor(ERA_PAYOUT);
            // The validator keeps its commission; the rest is split by stake
            // between it and its nominators.
            let commission = Validators::get(validator).map(|p| p.commission).unwrap_or_default();
            let own_stake = Ledger::get(validator).map(|l| l.active).unwrap_or(0);
            let backing = exposures.iter().find(|(v, _)| v == validator).map_or(0, |(_, s)| *s);
            let commission_part = commission.mul_floor(share);
            let amount =
                commission_part + Perbill::from_rational(own_stake, backing.max(1)).mul_floor(share - commission_part);
            paid += Self::pay(validator, amount);
            for (nominator, stake) in Self::nominators_of(validator) {
                let part = Perbill::from_rational(stake, backing.max(1)).mul_floor(share - commission_part);
                paid += Self::pay(&nominator, part);
            }
        }
        Event::EraPaid {
            era_index: era,
            validator_payout: paid,
        }
        .deposit();
        ErasRewardPoints::clear_prefix(&era);
        CurrentEra::put(&(era + 1));
        pallet_session::Pallet::queue_validators(exposures.into_iter().map(|(v, _)| v).collect());
    }
}
