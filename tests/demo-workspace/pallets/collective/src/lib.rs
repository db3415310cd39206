//! Collective: members of `pallet-membership` propose calls and vote; a
//! proposal passing its threshold is dispatched with a collective origin
//! (root, in this demo). Abstentions count as the prime member's vote.

use demo_support::dispatch::dispatch_transactional_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_membership::Pallet as Membership;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Collective";
pub const MAX_PROPOSALS: usize = 100;
pub const MOTION_DURATION: BlockNumber = 50;

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Votes {
    pub index: u32,
    pub threshold: u32,
    pub ayes: Vec<AccountId32>,
    pub nays: Vec<AccountId32>,
    pub end: BlockNumber,
}

decl_storage! { NAME;
    pub Proposals: value Vec<[u8; 32]>;
    pub ProposalOf: map Identity [u8; 32] => Vec<u8>;
    pub Voting: map Identity [u8; 32] => Option<Votes>;
    pub ProposalCount: value u32;
}

decl_event! { NAME;
    pub enum Event {
        Proposed { account: AccountId32, proposal_index: u32, proposal_hash: [u8; 32], threshold: u32 },
        Voted { account: AccountId32, proposal_hash: [u8; 32], voted: bool, yes: u32, no: u32 },
        Approved { proposal_hash: [u8; 32] },
        Disapproved { proposal_hash: [u8; 32] },
        Executed { proposal_hash: [u8; 32], ok: bool },
        Closed { proposal_hash: [u8; 32], yes: u32, no: u32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        NotMember,
        DuplicateProposal,
        ProposalMissing,
        WrongIndex,
        DuplicateVote,
        TooEarly,
        TooManyProposals,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::propose(proposal.len() as u32)]
    fn propose(threshold: Compact<u32>, proposal: Vec<u8>);
    #[weight = WeightInfo::vote(0)]
    fn vote(proposal: [u8; 32], index: Compact<u32>, approve: bool);
    #[weight = WeightInfo::close(0)]
    fn close(proposal_hash: [u8; 32], index: Compact<u32>);
    #[weight = WeightInfo::disapprove_proposal(0)]
    fn disapprove_proposal(proposal_hash: [u8; 32]);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    fn ensure_member(origin: Origin) -> Result<AccountId32, DispatchError> {
        let who = ensure_signed(origin)?;
        ensure!(Membership::is_member(&who), Error::NotMember);
        Ok(who)
    }

    pub fn propose(origin: Origin, threshold: Compact<u32>, proposal: Vec<u8>) -> DispatchResult {
        let who = Self::ensure_member(origin)?;
        let hash = demo_hashing::blake2_256(&proposal);
        ensure!(!ProposalOf::contains_key(&hash), Error::DuplicateProposal);
        // A threshold of one executes at once, as Substrate does.
        if threshold.0 < 2 {
            let ok = dispatch_transactional_encoded(&proposal, Origin::Root).is_ok();
            Event::Executed {
                proposal_hash: hash,
                ok,
            }
            .deposit();
            return Ok(());
        }
        Proposals::try_mutate(|proposals| {
            ensure!(proposals.len() < MAX_PROPOSALS, Error::TooManyProposals);
            proposals.push(hash);
            Ok::<_, DispatchError>(())
        })?;
        let index = ProposalCount::mutate(|n| {
            *n += 1;
            *n - 1
        });
        ProposalOf::insert(&hash, &proposal);
        let end = demo_system::Pallet::block_number() + MOTION_DURATION;
        let votes = Votes {
            index,
            threshold: threshold.0,
            ayes: vec![who],
            nays: Vec::new(),
            end,
        };
        Voting::insert(&hash, &Some(votes));
        Event::Proposed {
            account: who,
            proposal_index: index,
            proposal_hash: hash,
            threshold: threshold.0,
        }
        .deposit();
        Ok(())
    }

    pub fn vote(origin: Origin, proposal: [u8; 32], index: Compact<u32>, approve: bool) -> DispatchResult {
        let who = Self::ensure_member(origin)?;
        let mut votes = Voting::get(&proposal).ok_or(Error::ProposalMissing)?;
        ensure!(votes.index == index.0, Error::WrongIndex);
        let (same, other) = if approve {
            (&mut votes.ayes, &mut votes.nays)
        } else {
            (&mut votes.nays, &mut votes.ayes)
        };
        ensure!(!same.contains(&who), Error::DuplicateVote);
        same.push(who);
        other.retain(|a| *a != who);
        let (yes, no) = (votes.ayes.len() as u32, votes.nays.len() as u32);
        Voting::insert(&proposal, &Some(votes));
        Event::Voted {
            account: who,
            proposal_hash: proposal,
            voted: approve,
            yes,
            no,
        }
        .deposit();
        Ok(())
    }

    /// Closes a proposal once decided or after its voting period.
    pub fn close(origin: Origin, proposal_hash: [u8; 32], index: Compact<u32>) -> DispatchResult {
        Self::ensure_member(origin)?;
        let votes = Voting::get(&proposal_hash).ok_or(Error::ProposalMissing)?;
        ensure!(votes.index == index.0, Error::WrongIndex);
        let seats = Membership::members().len() as u32;
        let mut yes = votes.ayes.len() as u32;
        let mut no = votes.nays.len() as u32;
        let approved = yes >= votes.threshold;
        let disapproved = seats.saturating_sub(no) < votes.threshold;
        if !approved && !disapproved {
            ensure!(demo_system::Pallet::block_number() >= votes.end, Error::TooEarly);
            // Members who did not vote follow the prime member, or vote nay without one.
            let abstentions = seats - yes - no;
            let prime_aye = Membership::prime().is_some_and(|p| votes.ayes.contains(&p));
            if prime_aye {
                yes += abstentions
            } else {
                no += abstentions
            }
        }
        Event::Closed { proposal_hash, yes, no }.deposit();
        if yes >= votes.threshold {
            Event::Approved { proposal_hash }.deposit();
            let proposal = ProposalOf::get(&proposal_hash);
            let ok = dispatch_transactional_encoded(&proposal, Origin::Root).is_ok();
            Event::Executed { proposal_hash, ok }.deposit();
        } else {
            Event::Disapproved { proposal_hash }.deposit();
        }
        Self::remove_proposal(&proposal_hash);
        Ok(())
    }

    pub fn disapprove_proposal(origin: Origin, proposal_hash: [u8; 32]) -> DispatchResult {
        ensure_root(origin)?;
        ensure!(Voting::contains_key(&proposal_hash), Error::ProposalMissing);
        Self::remove_proposal(&proposal_hash);
        Event::Disapproved { proposal_hash }.deposit();
        Ok(())
    }

    fn remove_proposal(hash: &[u8; 32]) {
        ProposalOf::remove(hash);
        Voting::remove(hash);
        Proposals::mutate(|proposals| proposals.retain(|h| h != hash));
    }
}
