//! The System pallet: account nonces and balances' storage, block number and
//! hashes, and `set_code`, which checks the new runtime's embedded version the
//! way Substrate does before replacing `:code`.

use demo_core::{Digest, RuntimeVersion};
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, io};

pub mod wasm;

pub const NAME: &str = "System";
/// Substrate's well-known storage key for the runtime code.
pub const CODE_KEY: &[u8] = b":code";

/// Balances live next to the nonce, as in Substrate's `AccountInfo`.
#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountData {
    pub free: Balance,
    pub reserved: Balance,
    pub frozen: Balance,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AccountInfo {
    pub nonce: Nonce,
    /// Other pallets' references that keep the account alive.
    pub consumers: u32,
    pub providers: u32,
    pub data: AccountData,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct LastRuntimeUpgradeInfo {
    pub spec_version: u32,
    pub spec_name: String,
}

decl_storage! { NAME;
    pub Account: map Blake2_128Concat AccountId32 => AccountInfo;
    pub Number: value BlockNumber;
    pub ParentHash: value H256;
    pub BlockHash: map Twox64Concat BlockNumber => H256;
    pub ExtrinsicCount: value u32;
    pub BlockWeight: value Weight;
    pub BlockDigest: value Digest;
    pub LastRuntimeUpgrade: value LastRuntimeUpgradeInfo;
    pub HeapPages: value u64;
}

decl_event! { NAME;
    pub enum Event {
        ExtrinsicSuccess { weight: Weight },
        ExtrinsicFailed { weight: Weight },
        CodeUpdated,
        NewAccount { account: AccountId32 },
        KilledAccount { account: AccountId32 },
        Remarked { sender: AccountId32, hash: H256 },
    }
}

decl_error! { NAME;
    pub enum Error {
        /// The new runtime's spec_name differs from the current one.
        InvalidSpecName,
        /// The new runtime's spec_version is not greater than the current one.
        SpecVersionNeedsToIncrease,
        /// The code has no readable `runtime_version` section.
        FailedToExtractRuntimeVersion,
        NonZeroRefCount,
    }
}

decl_calls! { Pallet;
    #[weight = Weight::from_parts(1_000 + remark.len() as u64, 0)]
    fn remark(remark: Vec<u8>);
    #[weight = ROCKS_DB_WEIGHT.reads_writes(0, 1)]
    fn set_heap_pages(pages: u64);
    #[weight = Weight::from_parts(demo_support::weights::WEIGHT_REF_TIME_PER_SECOND, 0)]
    #[class = Operational]
    fn set_code(code: Vec<u8>);
    #[weight = Weight::from_parts(demo_support::weights::WEIGHT_REF_TIME_PER_SECOND, 0)]
    #[class = Operational]
    fn set_code_without_checks(code: Vec<u8>);
    #[weight = ROCKS_DB_WEIGHT.reads_writes(0, items.len() as u64)]
    fn set_storage(items: Vec<(Vec<u8>, Vec<u8>)>);
    #[weight = ROCKS_DB_WEIGHT.reads_writes(0, keys.len() as u64)]
    fn kill_storage(keys: Vec<Vec<u8>>);
    #[weight = Weight::from_parts(10_000 + remark.len() as u64, 0)]
    fn remark_with_event(remark: Vec<u8>);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn remark(origin: Origin, _remark: Vec<u8>) -> DispatchResult {
        ensure_signed(origin)?;
        Ok(())
    }

    pub fn remark_with_event(origin: Origin, remark: Vec<u8>) -> DispatchResult {
        let sender = ensure_signed(origin)?;
        Event::Remarked {
            sender,
            hash: H256(demo_hashing::blake2_256(&remark)),
        }
        .deposit();
        Ok(())
    }

    pub fn set_heap_pages(origin: Origin, pages: u64) -> DispatchResult {
        ensure_root(origin)?;
        HeapPages::put(&pages);
        Ok(())
    }

    pub fn set_code(origin: Origin, code: Vec<u8>) -> DispatchResult {
        ensure_root(origin)?;
        Self::can_set_code(&code)?;
        Self::update_code(code);
        Ok(())
    }

    pub fn set_code_without_checks(origin: Origin, code: Vec<u8>) -> DispatchResult {
        ensure_root(origin)?;
        Self::update_code(code);
        Ok(())
    }

    pub fn set_storage(origin: Origin, items: Vec<(Vec<u8>, Vec<u8>)>) -> DispatchResult {
        ensure_root(origin)?;
        for (key, value) in &items {
            io::storage::set(key, value);
        }
        Ok(())
    }

    pub fn kill_storage(origin: Origin, keys: Vec<Vec<u8>>) -> DispatchResult {
        ensure_root(origin)?;
        for key in &keys {
            io::storage::clear(key);
        }
        Ok(())
    }

    /// The checks Substrate's `set_code` makes: same spec_name, higher spec_version.
    pub fn can_set_code(code: &[u8]) -> DispatchResult {
        let new = wasm::read_runtime_version(code).ok_or(Error::FailedToExtractRuntimeVersion)?;
        if let Some(current) = Self::current_version() {
            ensure!(new.spec_name == current.spec_name, Error::InvalidSpecName);
            ensure!(
                new.spec_version > current.spec_version,
                Error::SpecVersionNeedsToIncrease
            );
        }
        Ok(())
    }

    fn current_version() -> Option<RuntimeVersion> {
        let code = io::storage::get(CODE_KEY)?;
        wasm::read_runtime_version(&code)
    }

    fn update_code(code: Vec<u8>) {
        if let Some(version) = wasm::read_runtime_version(&code) {
            LastRuntimeUpgrade::put(&LastRuntimeUpgradeInfo {
                spec_version: version.spec_version,
                spec_name: version.spec_name,
            });
        }
        io::storage::set(CODE_KEY, &code);
        BlockDigest::mutate(|d| d.logs.push(demo_core::DigestItem::RuntimeEnvironmentUpdated));
        Event::CodeUpdated.deposit();
    }

    pub fn block_number() -> BlockNumber {
        Number::get()
    }

    pub fn account_nonce(who: &AccountId32) -> Nonce {
        Account::get(who).nonce
    }

    pub fn inc_account_nonce(who: &AccountId32) {
        Account::mutate(who, |a| a.nonce = a.nonce.wrapping_add(1));
    }

    /// Gives the account a provider reference, creating it if new.
    pub fn inc_providers(who: &AccountId32) {
        let created = Account::mutate(who, |a| {
            a.providers += 1;
            a.providers == 1 && a.consumers == 0
        });
        if created {
            Event::NewAccount { account: *who }.deposit();
        }
    }

    /// Drops a provider reference; the account is reaped once nothing provides for it.
    pub fn dec_providers(who: &AccountId32) -> DispatchResult {
        let info = Account::get(who);
        ensure!(info.providers > 1 || info.consumers == 0, Error::NonZeroRefCount);
        if info.providers <= 1 {
            Account::remove(who);
            Event::KilledAccount { account: *who }.deposit();
        } else {
            Account::mutate(who, |a| a.providers -= 1);
        }
        Ok(())
    }

    pub fn inc_consumers(who: &AccountId32) {
        Account::mutate(who, |a| a.consumers += 1);
    }

    pub fn dec_consumers(who: &AccountId32) {
        Account::mutate(who, |a| a.consumers = a.consumers.saturating_sub(1));
    }

    pub fn account_data(who: &AccountId32) -> AccountData {
        Account::get(who).data
    }

    pub fn mutate_account_data<R>(who: &AccountId32, f: impl FnOnce(&mut AccountData) -> R) -> R {
        Account::mutate(who, |a| f(&mut a.data))
    }

    pub fn initialize(number: BlockNumber, parent_hash: H256, digest: Digest) {
        demo_support::events::reset();
        demo_support::events::set_phase(demo_support::events::Phase::Initialization);
        Number::put(&number);
        ParentHash::put(&parent_hash);
        BlockDigest::put(&digest);
        ExtrinsicCount::kill();
        BlockWeight::kill();
        if number > 0 {
            BlockHash::insert(&(number - 1), &parent_hash);
        }
    }

    pub fn note_applied_extrinsic(result: &DispatchResult, info: demo_support::DispatchInfo) {
        match result {
            Ok(()) => Event::ExtrinsicSuccess { weight: info.weight }.deposit(),
            Err(_) => Event::ExtrinsicFailed { weight: info.weight }.deposit(),
        }
        BlockWeight::mutate(|w| *w = w.saturating_add(info.weight));
        let index = ExtrinsicCount::mutate(|n| {
            *n += 1;
            *n
        });
        demo_support::events::set_phase(demo_support::events::Phase::ApplyExtrinsic(index));
    }
}
