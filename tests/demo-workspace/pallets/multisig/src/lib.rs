//! Multisig: a call dispatched from an account derived from a set of
//! signatories once `threshold` of them have approved its hash.

use demo_support::dispatch::dispatch_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Multisig";
pub const DEPOSIT_BASE: Balance = 2_000_000_000_000;
pub const DEPOSIT_FACTOR: Balance = 100_000_000_000;
pub const MAX_SIGNATORIES: usize = 100;

/// A point in the chain: block number and extrinsic index.
#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timepoint {
    pub height: BlockNumber,
    pub index: u32,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Multisig {
    pub when: Timepoint,
    pub deposit: Balance,
    pub depositor: AccountId32,
    pub approvals: Vec<AccountId32>,
}

decl_storage! { NAME;
    pub Multisigs: double_map Twox64Concat AccountId32, Blake2_128Concat [u8; 32] => Option<Multisig>;
}

decl_event! { NAME;
    pub enum Event {
        NewMultisig { approving: AccountId32, multisig: AccountId32, call_hash: [u8; 32] },
        MultisigApproval { approving: AccountId32, multisig: AccountId32, call_hash: [u8; 32] },
        MultisigExecuted { multisig: AccountId32, call_hash: [u8; 32], ok: bool },
        MultisigCancelled { cancelling: AccountId32, multisig: AccountId32, call_hash: [u8; 32] },
    }
}

decl_error! { NAME;
    pub enum Error {
        MinimumThreshold,
        AlreadyApproved,
        TooFewSignatories,
        TooManySignatories,
        SignatoriesOutOfOrder,
        SenderInSignatories,
        NotFound,
        NotOwner,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::as_multi_threshold_1(call.len() as u32)]
    fn as_multi_threshold_1(other_signatories: Vec<AccountId32>, call: Vec<u8>);
    #[weight = WeightInfo::as_multi(call.len() as u32)]
    fn as_multi(threshold: u16, other_signatories: Vec<AccountId32>, call: Vec<u8>);
    #[weight = WeightInfo::approve_as_multi(0)]
    fn approve_as_multi(threshold: u16, other_signatories: Vec<AccountId32>, call_hash: [u8; 32]);
    #[weight = WeightInfo::cancel_as_multi(0)]
    fn cancel_as_multi(threshold: u16, other_signatories: Vec<AccountId32>, call_hash: [u8; 32]);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    /// `blake2_256("modlpy/utilisuba" ‖ sorted signatories ‖ threshold)`.
    pub fn multi_account_id(signatories: &[AccountId32], threshold: u16) -> AccountId32 {
        let mut data = b"modlpy/utilisuba".to_vec();
        data.extend(Encode::encode(&signatories.to_vec()));
        data.extend_from_slice(&threshold.to_le_bytes());
        AccountId32(demo_hashing::blake2_256(&data))
    }

    /// Inserts the sender into the sorted list of the others.
    fn signatories(sender: &AccountId32, others: Vec<AccountId32>) -> Result<Vec<AccountId32>, DispatchError> {
        ensure!(!others.is_empty(), Error::TooFewSignatories);
        ensure!(others.len() < MAX_SIGNATORIES, Error::TooManySignatories);
        ensure!(others.windows(2).all(|w| w[0] < w[1]), Error::SignatoriesOutOfOrder);
        let position = match others.binary_search(sender) {
            Ok(_) => return Err(Error::SenderInSignatories.into()),
            Err(position) => position,
        };
        let mut all = others;
        all.insert(position, *sender);
        Ok(all)
    }

    pub fn as_multi_threshold_1(origin: Origin, other_signatories: Vec<AccountId32>, call: Vec<u8>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let all = Self::signatories(&who, other_signatories)?;
        let id = Self::multi_account_id(&all, 1);
        dispatch_encoded(&call, Origin::Signed(id))
    }

    pub fn as_multi(
        origin: Origin,
        threshold: u16,
        other_signatories: Vec<AccountId32>,
        call: Vec<u8>,
    ) -> DispatchResult {
        let who = ensure_signed(origin.clone())?;
        let call_hash = demo_hashing::blake2_256(&call);
        let approvals = Self::approve(&who, threshold, other_signatories.clone(), call_hash)?;
        if approvals >= threshold as usize {
            let all = Self::signatories(&who, other_signatories)?;
            let id = Self::multi_account_id(&all, threshold);
            let entry = Multisigs::get(&id, &call_hash).ok_or(Error::NotFound)?;
            Multisigs::remove(&id, &call_hash);
            Balances::unreserve(&entry.depositor, entry.deposit);
            let ok = dispatch_encoded(&call, Origin::Signed(id)).is_ok();
            Event::MultisigExecuted {
                multisig: id,
                call_hash,
                ok,
            }
            .deposit();
        }
        Ok(())
    }

    pub fn approve_as_multi(
        origin: Origin,
        threshold: u16,
        other_signatories: Vec<AccountId32>,
        call_hash: [u8; 32],
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        Self::approve(&who, threshold, other_signatories, call_hash).map(|_| ())
    }

    /// Records `who`'s approval and returns the number of approvals.
    fn approve(
        who: &AccountId32,
        threshold: u16,
        others: Vec<AccountId32>,
        call_hash: [u8; 32],
    ) -> Result<usize, DispatchError> {
        ensure!(threshold >= 2, Error::MinimumThreshold);
        let all = Self::signatories(who, others)?;
        let id = Self::multi_account_id(&all, threshold);
        match Multisigs::get(&id, &call_hash) {
            Some(mut entry) => {
                let position = match entry.approvals.binary_search(who) {
                    Ok(_) => return Err(Error::AlreadyApproved.into()),
                    Err(position) => position,
                };
                entry.approvals.insert(position, *who);
                let count = entry.approvals.len();
                Multisigs::insert(&id, &call_hash, &Some(entry));
                Event::MultisigApproval {
                    approving: *who,
                    multisig: id,
                    call_hash,
                }
                .deposit();
                Ok(count)
            }
            None => {
                let deposit = DEPOSIT_BASE + DEPOSIT_FACTOR * threshold as Balance;
                Balances::reserve(who, deposit)?;
                let when = Timepoint {
                    height: demo_system::Pallet::block_number(),
                    index: demo_system::ExtrinsicCount::get(),
                };
                let entry = Multisig {
                    when,
                    deposit,
                    depositor: *who,
                    approvals: vec![*who],
                };
                Multisigs::insert(&id, &call_hash, &Some(entry));
                Event::NewMultisig {
                    approving: *who,
                    multisig: id,
                    call_hash,
                }
                .deposit();
                Ok(1)
            }
        }
    }

    pub fn cancel_as_multi(
        origin: Origin,
        threshold: u16,
        other_signatories: Vec<AccountId32>,
        call_hash: [u8; 32],
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let all = Self::signatories(&who, other_signatories)?;
        let id = Self::multi_account_id(&all, threshold);
        let entry = Multisigs::get(&id, &call_hash).ok_or(Error::NotFound)?;
        ensure!(entry.depositor == who, Error::NotOwner);
        Balances::unreserve(&who, entry.deposit);
        Multisigs::remove(&id, &call_hash);
        Event::MultisigCancelled {
            cancelling: who,
            multisig: id,
            call_hash,
        }
        .deposit();
        Ok(())
    }
}
