//! A development chain run in-process: it keeps the blocks, a transaction
//! pool ordered by priority, and produces blocks with the native runtime.
//! Runtime state is thread-local, so one `DevChain` per thread.

use demo_codec::Encode;
use demo_core::{
    AccountId32, Block, Digest, Header, OpaqueExtrinsic, RuntimeVersion, SignaturePart, SignedExtra, H256,
};
use demo_core::{Era, Signature64};
use demo_runtime::{Executive, GenesisConfig, RuntimeCall};
use demo_support::Compact;
use std::collections::BTreeMap;

pub struct DevChain {
    blocks: Vec<Block>,
    by_hash: BTreeMap<H256, u32>,
    pool: Vec<OpaqueExtrinsic>,
    /// Time of the next block, in milliseconds.
    next_timestamp: u64,
}

/// Summary of one produced block.
#[derive(Debug, Clone)]
pub struct Produced {
    pub number: u32,
    pub hash: H256,
    pub included: usize,
    pub rejected: usize,
    pub events: usize,
}

impl DevChain {
    pub fn new(genesis: &GenesisConfig) -> Self {
        demo_support::io::storage::reset();
        demo_runtime::init();
        genesis.build();
        let header = Header {
            parent_hash: H256::default(),
            number: 0,
            state_root: H256(demo_support::io::storage::root()),
            extrinsics_root: demo_core::ordered_root::<OpaqueExtrinsic>(&[]),
            digest: Digest::default(),
        };
        let genesis_block = Block {
            header,
            extrinsics: Vec::new(),
        };
        let mut by_hash = BTreeMap::new();
        by_hash.insert(genesis_block.header.hash(), 0);
        DevChain {
            blocks: vec![genesis_block],
            by_hash,
            pool: Vec::new(),
            next_timestamp: 1_700_000_000_000,
        }
    }

    pub fn best(&self) -> &Block {
        self.blocks.last().expect("there is always a genesis block")
    }

    /// Signed extrinsics from the dev accounts carry no real signature: the
    /// demo runtime does not verify them (a real node would).
    pub fn signed(&self, signer: &AccountId32, call: &RuntimeCall, tip: u128) -> OpaqueExtrinsic {
        let nonce = self.next_nonce(signer);
        OpaqueExtrinsic {
            signature: Some(SignaturePart {
                signer: *signer,
                signature: Signature64([0; 64]),
                extra: SignedExtra {
                    era: Era::Immortal,
                    nonce: Compact(nonce),
                    tip: Compact(tip),
                },
            }),
            call: call.encode(),
        }
    }

    /// Nonce for a new transaction: on-chain nonce plus those already pooled.
    pub fn next_nonce(&self, who: &AccountId32) -> u32 {
        let pooled = self
            .pool
            .iter()
            .filter(|xt| xt.signature.as_ref().is_some_and(|s| s.signer == *who))
            .count();
        demo_runtime::api::account_nonce(who) + pooled as u32
    }

    pub fn submit(&mut self, xt: OpaqueExtrinsic) -> H256 {
        let hash = demo_rpc::extrinsic_hash(&xt);
        self.pool.push(xt);
        hash
    }

    /// Orders the pool: unsigned first, then by tip (highest first), keeping
    /// each sender's nonces in order.
    fn ordered_pool(&mut self) -> Vec<OpaqueExtrinsic> {
        let mut pool = std::mem::take(&mut self.pool);
        pool.sort_by(|a, b| {
            let key = |xt: &OpaqueExtrinsic| match &xt.signature {
                None => (0u8, 0u128, [0u8; 32], 0u32),
                Some(s) => (1, u128::MAX - s.extra.tip.0, s.signer.0, s.extra.nonce.0),
            };
            key(a).cmp(&key(b))
        });
        pool
    }

    pub fn produce_block(&mut self) -> Produced {
        let timestamp = OpaqueExtrinsic {
            signature: None,
            call: RuntimeCall::Timestamp(pallet_timestamp_call(self.next_timestamp)).encode(),
        };
        self.next_timestamp += 6_000;
        let mut extrinsics = vec![timestamp];
        extrinsics.extend(self.ordered_pool());
        let parent = self.best().header.clone();
        let (block, results) = Executive::build_block(&parent, extrinsics);
        let rejected = results.iter().filter(|r| r.is_err()).count();
        let produced = Produced {
            number: block.header.number,
            hash: block.header.hash(),
            included: block.extrinsics.len(),
            rejected,
            events: demo_support::events::all().len(),
        };
        self.by_hash.insert(produced.hash, produced.number);
        self.blocks.push(block);
        produced
    }
}

/// The block author's inherent setting the time.
fn pallet_timestamp_call(now: u64) -> pallet_timestamp::Call {
    pallet_timestamp::Call::set { now }
}

impl demo_rpc::Backend for DevChain {
    fn runtime_version(&self) -> RuntimeVersion {
        demo_runtime::api::core_version()
    }

    fn best_header(&self) -> Header {
        self.best().header.clone()
    }

    fn block_hash(&self, number: u32) -> Option<H256> {
        self.blocks.get(number as usize).map(|b| b.header.hash())
    }

    fn header(&self, hash: &H256) -> Option<Header> {
        let number = *self.by_hash.get(hash)?;
        Some(self.blocks[number as usize].header.clone())
    }

    fn storage(&self, key: &[u8]) -> Option<Vec<u8>> {
        demo_support::io::storage::get(key)
    }

    fn account_next_index(&self, who: &AccountId32) -> u32 {
        self.next_nonce(who)
    }

    fn submit_extrinsic(&mut self, xt: OpaqueExtrinsic) -> Result<H256, String> {
        if demo_codec::decode_all::<RuntimeCall>(&xt.call).is_err() {
            return Err("Invalid Transaction: cannot decode call".into());
        }
        Ok(self.submit(xt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_move_funds() {
        let mut chain = DevChain::new(&GenesisConfig::dev());
        let (alice, bob) = (AccountId32::dev("Alice"), AccountId32::dev("Bob"));
        let before = demo_runtime::api::free_balance(&bob);
        let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
            dest: bob,
            value: Compact(5_000_000_000),
        });
        let xt = chain.signed(&alice, &call, 0);
        chain.submit(xt);
        let produced = chain.produce_block();
        assert_eq!(produced.included, 2);
        assert_eq!(demo_runtime::api::free_balance(&bob), before + 5_000_000_000);
    }
}
