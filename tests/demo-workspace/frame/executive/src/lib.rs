//! Executes blocks against a runtime's call type. Generic over the call and
//! the hooks so the runtime supplies its aggregate types.

use demo_codec::Decode;
use demo_core::{Block, Digest, Header, OpaqueExtrinsic, H256};
use demo_support::{DispatchError, DispatchResult, Dispatchable, Origin, Weight};
use demo_system::Pallet as System;

/// What the runtime provides to the executive.
pub trait Runtime {
    type Call: Dispatchable + Decode;
    fn on_initialize(n: u32) -> Weight;
    fn on_finalize(n: u32);
    /// Charges fees before dispatch; an error makes the extrinsic invalid.
    fn pre_dispatch(who: &demo_core::AccountId32, info: &demo_support::DispatchInfo, tip: u128) -> DispatchResult;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvalidTransaction {
    /// The call bytes do not decode.
    Call,
    Stale,
    Future,
    Payment,
    ExhaustsResources,
}

pub type ApplyResult = Result<DispatchResult, InvalidTransaction>;

pub struct Executive<R>(core::marker::PhantomData<R>);

impl<R: Runtime> Executive<R> {
    pub fn initialize_block(header: &Header) {
        System::initialize(header.number, header.parent_hash, header.digest.clone());
        let weight = R::on_initialize(header.number);
        demo_system::BlockWeight::put(&weight);
    }

    /// Validates and dispatches one extrinsic. An invalid one has no effect;
    /// a valid one whose call fails still bumps the nonce and pays its fee.
    pub fn apply_extrinsic(xt: &OpaqueExtrinsic) -> ApplyResult {
        let call = demo_codec::decode_all::<R::Call>(&xt.call).map_err(|_| InvalidTransaction::Call)?;
        let info = call.info();
        let limit = demo_support::weights::BlockWeights::max_for(info.class);
        if demo_system::BlockWeight::get()
            .saturating_add(info.weight)
            .any_gt(limit)
        {
            return Err(InvalidTransaction::ExhaustsResources);
        }
        let origin = match &xt.signature {
            Some(part) => {
                let expected = System::account_nonce(&part.signer);
                let nonce = part.extra.nonce.0;
                if nonce < expected {
                    return Err(InvalidTransaction::Stale);
                }
                if nonce > expected {
                    return Err(InvalidTransaction::Future);
                }
                R::pre_dispatch(&part.signer, &info, part.extra.tip.0).map_err(|_| InvalidTransaction::Payment)?;
                System::inc_account_nonce(&part.signer);
                Origin::Signed(part.signer)
            }
            None => Origin::None,
        };
        let result = call.dispatch(origin);
        System::note_applied_extrinsic(&result, info);
        Ok(result)
    }

    pub fn finalize_block() -> Header {
        let number = System::block_number();
        demo_support::events::set_phase(demo_support::events::Phase::Finalization);
        R::on_finalize(number);
        Header {
            parent_hash: demo_system::ParentHash::get(),
            number,
            state_root: H256(demo_support::io::storage::root()),
            extrinsics_root: H256::default(),
            digest: demo_system::BlockDigest::get(),
        }
    }

    /// Builds a block from extrinsics, skipping invalid ones.
    pub fn build_block(parent: &Header, extrinsics: Vec<OpaqueExtrinsic>) -> (Block, Vec<ApplyResult>) {
        let mut header = Header {
            parent_hash: parent.hash(),
            number: parent.number + 1,
            state_root: H256::default(),
            extrinsics_root: H256::default(),
            digest: Digest::default(),
        };
        Self::initialize_block(&header);
        let mut included = Vec::new();
        let mut results = Vec::new();
        for xt in extrinsics {
            let result = Self::apply_extrinsic(&xt);
            if result.is_ok() {
                included.push(xt);
            }
            results.push(result);
        }
        let finished = Self::finalize_block();
        header.state_root = finished.state_root;
        header.digest = finished.digest;
        header.extrinsics_root = demo_core::ordered_root(&included);
        (
            Block {
                header,
                extrinsics: included,
            },
            results,
        )
    }

    /// Re-executes a block and checks it reproduces the header's state root.
    pub fn execute_block(block: &Block) -> Result<(), DispatchError> {
        Self::initialize_block(&block.header);
        for xt in &block.extrinsics {
            // A call that fails is still part of the block; only invalid extrinsics are not.
            let _call_result =
                Self::apply_extrinsic(xt).map_err(|_| DispatchError::Other("block contains an invalid extrinsic"))?;
        }
        let header = Self::finalize_block();
        if header.state_root != block.header.state_root {
            return Err(DispatchError::Other("state root mismatch"));
        }
        if demo_core::ordered_root(&block.extrinsics) != block.header.extrinsics_root {
            return Err(DispatchError::Other("extrinsics root mismatch"));
        }
        Ok(())
    }
}
