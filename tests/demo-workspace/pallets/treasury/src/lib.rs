//! Treasury: a pot account that pays approved spending proposals every
//! `SPEND_PERIOD` blocks and burns a fraction of what is left.

use demo_arith::Permill;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_balances::{Existence, Pallet as Balances};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Treasury";
pub const SPEND_PERIOD: BlockNumber = 24;
pub const PROPOSAL_BOND: Permill = Permill::from_percent(5);
pub const PROPOSAL_BOND_MINIMUM: Balance = 1_000_000_000_000;
pub const BURN: Permill = Permill::from_percent(1);
pub const MAX_APPROVALS: usize = 100;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    pub proposer: AccountId32,
    pub value: Balance,
    pub beneficiary: AccountId32,
    pub bond: Balance,
}

decl_storage! { NAME;
    pub ProposalCount: value u32;
    pub Proposals: map Twox64Concat u32 => Option<Proposal>;
    pub Approvals: value Vec<u32>;
}

decl_event! { NAME;
    pub enum Event {
        Proposed { proposal_index: u32 },
        Spending { budget_remaining: Balance },
        Awarded { proposal_index: u32, award: Balance, account: AccountId32 },
        Rejected { proposal_index: u32, slashed: Balance },
        Burnt { burnt_funds: Balance },
        Rollover { rollover_balance: Balance },
    }
}

decl_error! { NAME;
    pub enum Error {
        InsufficientProposersBalance,
        InvalidIndex,
        TooManyApprovals,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::propose_spend(0)]
    fn propose_spend(value: Compact<Balance>, beneficiary: AccountId32);
    #[weight = WeightInfo::reject_proposal(0)]
    fn reject_proposal(proposal_id: Compact<u32>);
    #[weight = WeightInfo::approve_proposal(0)]
    fn approve_proposal(proposal_id: Compact<u32>);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    fn on_initialize(n: BlockNumber) -> Weight {
        if n > 0 && n.is_multiple_of(SPEND_PERIOD) {
            Self::spend_funds();
            ROCKS_DB_WEIGHT.reads_writes(2 + Approvals::get().len() as u64, 3)
        } else {
            Weight::ZERO
        }
    }
}

impl Pallet {
    /// The pot's account: a fixed id padded with zeros, like a pallet id account.
    pub fn account_id() -> AccountId32 {
        let mut id = [0u8; 32];
        id[..12].copy_from_slice(b"modlpy/trsry");
        AccountId32(id)
    }

    pub fn pot() -> Balance {
        Balances::free_balance(&Self::account_id()).saturating_sub(pallet_balances::EXISTENTIAL_DEPOSIT)
    }

    pub fn propose_spend(origin: Origin, value: Compact<Balance>, beneficiary: AccountId32) -> DispatchResult {
        let proposer = ensure_signed(origin)?;
        let bond = PROPOSAL_BOND.mul_floor(value.0).max(PROPOSAL_BOND_MINIMUM);
        Balances::reserve(&proposer, bond).map_err(|_| Error::InsufficientProposersBalance)?;
        let index = ProposalCount::get();
        Proposals::insert(
            &index,
            &Some(Proposal {
                proposer,
                value: value.0,
                beneficiary,
                bond,
            }),
        );
        ProposalCount::put(&(index + 1));
        Event::Proposed { proposal_index: index }.deposit();
        Ok(())
    }

    pub fn reject_proposal(origin: Origin, proposal_id: Compact<u32>) -> DispatchResult {
        ensure_root(origin)?;
        let proposal = Proposals::take(&proposal_id.0).ok_or(Error::InvalidIndex)?;
        let slashed = Balances::slash_reserved(&proposal.proposer, proposal.bond);
        Event::Rejected {
            proposal_index: proposal_id.0,
            slashed,
        }
        .deposit();
        Ok(())
    }

    pub fn approve_proposal(origin: Origin, proposal_id: Compact<u32>) -> DispatchResult {
        ensure_root(origin)?;
        ensure!(Proposals::contains_key(&proposal_id.0), Error::InvalidIndex);
        Approvals::try_mutate(|approvals| {
            ensure!(approvals.len() < MAX_APPROVALS, Error::TooManyApprovals);
            approvals.push(proposal_id.0);
            Ok(())
        })
    }

    /// Pays approved proposals in order while funds last; the rest roll over.
    pub fn spend_funds() {
        let mut budget = Self::pot();
        Event::Spending {
            budget_remaining: budget,
        }
        .deposit();
        let mut unpaid = Vec::new();
        for index in Approvals::take() {
            let Some(proposal) = Proposals::get(&index) else {
                continue;
            };
            if proposal.value > budget {
                unpaid.push(index);
                continue;
            }
            let paid = Balances::transfer(
                &Self::account_id(),
                &proposal.beneficiary,
                proposal.value,
                Existence::KeepAlive,
            );
            if paid.is_ok() {
                budget -= proposal.value;
                Balances::unreserve(&proposal.proposer, proposal.bond);
                Proposals::remove(&index);
                Event::Awarded {
                    proposal_index: index,
                    award: proposal.value,
                    account: proposal.beneficiary,
                }
                .deposit();
            } else {
                unpaid.push(index);
            }
        }
        Approvals::put(&unpaid);
        let burn = BURN.mul_floor(budget);
        if burn > 0 && Balances::withdraw(&Self::account_id(), burn, Existence::KeepAlive).is_ok() {
            budget -= burn;
            Event::Burnt { burnt_funds: burn }.deposit();
        }
        Event::Rollover {
            rollover_balance: budget,
        }
        .deposit();
    }

    /// Pays from the pot directly (used by bounties).
    pub fn pay_from_pot(to: &AccountId32, amount: Balance) -> DispatchResult {
        Balances::transfer(&Self::account_id(), to, amount, Existence::KeepAlive)
    }
}
