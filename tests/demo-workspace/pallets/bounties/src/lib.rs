//! Bounties: the treasury funds a task; a curator awards it to whoever did
//! the work, who can claim after a delay.

use demo_arith::Permill;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_balances::Pallet as Balances;
use pallet_treasury::Pallet as Treasury;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Bounties";
pub const DEPOSIT_BASE: Balance = 1_000_000_000_000;
pub const DATA_DEPOSIT_PER_BYTE: Balance = 10_000_000;
pub const MAX_DESCRIPTION: usize = 16_384;
pub const PAYOUT_DELAY: BlockNumber = 8;
pub const CURATOR_DEPOSIT: Permill = Permill::from_percent(50);

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BountyStatus {
    #[default]
    Proposed,
    Approved,
    Active {
        curator: AccountId32,
    },
    PendingPayout {
        curator: AccountId32,
        beneficiary: AccountId32,
        unlock_at: BlockNumber,
    },
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounty {
    pub proposer: AccountId32,
    pub value: Balance,
    pub fee: Balance,
    pub curator_deposit: Balance,
    pub bond: Balance,
    pub status: BountyStatus,
}

decl_storage! { NAME;
    pub BountyCount: value u32;
    pub Bounties: map Twox64Concat u32 => Option<Bounty>;
    pub BountyDescriptions: map Twox64Concat u32 => Vec<u8>;
}

decl_event! { NAME;
    pub enum Event {
        BountyProposed { index: u32 },
        BountyApproved { index: u32 },
        CuratorAccepted { index: u32, curator: AccountId32 },
        BountyAwarded { index: u32, beneficiary: AccountId32 },
        BountyClaimed { index: u32, payout: Balance, beneficiary: AccountId32 },
        BountyCanceled { index: u32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        InvalidIndex,
        ReasonTooBig,
        UnexpectedStatus,
        RequireCurator,
        InvalidFee,
        Premature,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::propose_bounty(0)]
    fn propose_bounty(value: Compact<Balance>, description: Vec<u8>);
    #[weight = WeightInfo::approve_bounty(0)]
    fn approve_bounty(bounty_id: Compact<u32>);
    #[weight = WeightInfo::accept_curator(0)]
    fn accept_curator(bounty_id: Compact<u32>, fee: Compact<Balance>);
    #[weight = WeightInfo::award_bounty(0)]
    fn award_bounty(bounty_id: Compact<u32>, beneficiary: AccountId32);
    #[weight = WeightInfo::claim_bounty(0)]
    fn claim_bounty(bounty_id: Compact<u32>);
    #[weight = WeightInfo::close_bounty(0)]
    fn close_bounty(bounty_id: Compact<u32>);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn propose_bounty(origin: Origin, value: Compact<Balance>, description: Vec<u8>) -> DispatchResult {
        let proposer = ensure_signed(origin)?;
        ensure!(description.len() <= MAX_DESCRIPTION, Error::ReasonTooBig);
        let bond = DEPOSIT_BASE + DATA_DEPOSIT_PER_BYTE * description.len() as Balance;
        Balances::reserve(&proposer, bond)?;
        let index = BountyCount::mutate(|n| {
            *n += 1;
            *n - 1
        });
        let bounty = Bounty {
            proposer,
            value: value.0,
            bond,
            ..Default::default()
        };
        Bounties::insert(&index, &Some(bounty));
        BountyDescriptions::insert(&index, &description);
        Event::BountyProposed { index }.deposit();
        Ok(())
    }

    fn with_bounty(id: u32, f: impl FnOnce(&mut Bounty) -> DispatchResult) -> DispatchResult {
        Bounties::try_mutate(&id, |maybe| {
            let bounty = maybe.as_mut().ok_or(Error::InvalidIndex)?;
            f(bounty)
        })
    }

    pub fn approve_bounty(origin: Origin, bounty_id: Compact<u32>) -> DispatchResult {
        ensure_root(origin)?;
        Self::with_bounty(bounty_id.0, |b| {
            ensure!(b.status == BountyStatus::Proposed, Error::UnexpectedStatus);
            b.status = BountyStatus::Approved;
            Balances::unreserve(&b.proposer, b.bond);
            Ok(())
        })?;
        Event::BountyApproved { index: bounty_id.0 }.deposit();
        Ok(())
    }

    /// Anyone may become curator of an approved bounty by putting down a deposit.
    pub fn accept_curator(origin: Origin, bounty_id: Compact<u32>, fee: Compact<Balance>) -> DispatchResult {
        let curator = ensure_signed(origin)?;
        Self::with_bounty(bounty_id.0, |b| {
            ensure!(b.status == BountyStatus::Approved, Error::UnexpectedStatus);
            ensure!(fee.0 < b.value, Error::InvalidFee);
            let deposit = CURATOR_DEPOSIT.mul_floor(fee.0);
            Balances::reserve(&curator, deposit)?;
            b.fee = fee.0;
            b.curator_deposit = deposit;
            b.status = BountyStatus::Active { curator };
            Ok(())
        })?;
        Event::CuratorAccepted {
            index: bounty_id.0,
            curator,
        }
        .deposit();
        Ok(())
    }

    pub fn award_bounty(origin: Origin, bounty_id: Compact<u32>, beneficiary: AccountId32) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let unlock_at = demo_system::Pallet::block_number() + PAYOUT_DELAY;
        Self::with_bounty(bounty_id.0, |b| {
            let BountyStatus::Active { curator } = b.status else {
                return Err(Error::UnexpectedStatus.into());
            };
            ensure!(curator == who, Error::RequireCurator);
            b.status = BountyStatus::PendingPayout {
                curator,
                beneficiary,
                unlock_at,
            };
            Ok(())
        })?;
        Event::BountyAwarded {
            index: bounty_id.0,
            beneficiary,
        }
        .deposit();
        Ok(())
    }

    pub fn claim_bounty(origin: Origin, bounty_id: Compact<u32>) -> DispatchResult {
        ensure_signed(origin)?;
        let bounty = Bounties::get(&bounty_id.0).ok_or(Error::InvalidIndex)?;
        let BountyStatus::PendingPayout {
            curator,
            beneficiary,
            unlock_at,
        } = bounty.status
        else {
            return Err(Error::UnexpectedStatus.into());
        };
        ensure!(demo_system::Pallet::block_number() >= unlock_at, Error::Premature);
        Balances::unreserve(&curator, bounty.curator_deposit);
        Treasury::pay_from_pot(&curator, bounty.fee)?;
        let payout = bounty.value - bounty.fee;
        Treasury::pay_from_pot(&beneficiary, payout)?;
        Bounties::remove(&bounty_id.0);
        BountyDescriptions::remove(&bounty_id.0);
        Event::BountyClaimed {
            index: bounty_id.0,
            payout,
            beneficiary,
        }
        .deposit();
        Ok(())
    }

    pub fn close_bounty(origin: Origin, bounty_id: Compact<u32>) -> DispatchResult {
        ensure_root(origin)?;
        let bounty = Bounties::get(&bounty_id.0).ok_or(Error::InvalidIndex)?;
        match bounty.status {
            BountyStatus::Proposed => {
                Balances::slash_reserved(&bounty.proposer, bounty.bond);
            }
            BountyStatus::Active { curator } => {
                Balances::unreserve(&curator, bounty.curator_deposit);
            }
            BountyStatus::PendingPayout { .. } => return Err(Error::UnexpectedStatus.into()),
            BountyStatus::Approved => {}
        }
        Bounties::remove(&bounty_id.0);
        BountyDescriptions::remove(&bounty_id.0);
        Event::BountyCanceled { index: bounty_id.0 }.deposit();
        Ok(())
    }
}
