//! The demo runtime: all pallets assembled into one state transition function.
//!
//! The Rust code here runs natively inside `demo-node`. The WASM that goes on
//! chain is produced by `build.rs` (see there): it is the test chain's genesis
//! runtime with a `runtime_version` section announcing `SPEC_VERSION` below,
//! so that a chain running spec 9140 accepts it as an upgrade.

use demo_core::{AccountId32, Balance, RuntimeVersion};
use demo_support::{construct_runtime, DispatchInfo, DispatchResult, Dispatchable, Origin};

/// Read by `build.rs` from this very line; change it to build a new version.
pub const SPEC_VERSION: u32 = 9141;
pub const SPEC_NAME: &str = "rococo";
pub const IMPL_NAME: &str = "parity-rococo-v2.0";
pub const TRANSACTION_VERSION: u32 = 0;

/// Where `build.rs` wrote the compressed WASM, unless the WASM build was skipped.
pub const WASM_BINARY_PATH: Option<&str> = option_env!("DEMO_RUNTIME_WASM_PATH");

construct_runtime! {
    System: demo_system,
    Timestamp: pallet_timestamp,
    Balances: pallet_balances,
    TransactionPayment: pallet_transaction_payment,
    Indices: pallet_indices,
    Session: pallet_session,
    Utility: pallet_utility,
    Sudo: pallet_sudo,
    Staking: pallet_staking,
    Treasury: pallet_treasury,
    Bounties: pallet_bounties,
    Vesting: pallet_vesting,
    Multisig: pallet_multisig,
    Proxy: pallet_proxy,
    Identity: pallet_identity,
    Scheduler: pallet_scheduler,
    Preimage: pallet_preimage,
    Membership: pallet_membership,
    Collective: pallet_collective,
    Assets: pallet_assets,
}

pub fn version() -> RuntimeVersion {
    RuntimeVersion {
        spec_name: SPEC_NAME.into(),
        impl_name: IMPL_NAME.into(),
        authoring_version: 0,
        spec_version: SPEC_VERSION,
        impl_version: 0,
        apis: demo_runtime_api::apis(),
        transaction_version: TRANSACTION_VERSION,
        system_version: 0,
    }
}

/// Binds the executive to this runtime's types.
pub struct Runtime;

impl demo_executive::Runtime for Runtime {
    type Call = RuntimeCall;

    fn on_initialize(n: u32) -> demo_support::Weight {
        AllPallets::on_initialize(n)
    }

    fn on_finalize(n: u32) {
        AllPallets::on_finalize(n)
    }

    fn pre_dispatch(who: &AccountId32, info: &DispatchInfo, tip: u128) -> DispatchResult {
        // The length is not known here; charge a typical 128 bytes.
        pallet_transaction_payment::Pallet::charge(who, 128, info, tip)
    }
}

pub type Executive = demo_executive::Executive<Runtime>;

/// How pallets holding encoded calls (sudo, utility, ...) dispatch them.
fn dispatch_encoded(call: &[u8], origin: Origin) -> DispatchResult {
    let call = demo_codec::decode_all::<RuntimeCall>(call).map_err(|_| "undecodable call")?;
    call.dispatch(origin)
}

/// Must run once before executing blocks.
pub fn init() {
    demo_support::dispatch::set_encoded_dispatcher(dispatch_encoded);
    AllPallets::integrity_test();
    // pallet-proxy filters calls by these positions.
    for (position, name) in [
        (2, "Balances"),
        (8, "Staking"),
        (9, "Treasury"),
        (10, "Bounties"),
        (17, "Membership"),
        (18, "Collective"),
    ] {
        assert_eq!(
            AllPallets::NAMES[position],
            name,
            "pallet order changed: update pallet-proxy's filter"
        );
    }
}

/// Initial state of a development chain.
pub struct GenesisConfig {
    pub endowed: Vec<(AccountId32, Balance)>,
    pub sudo: AccountId32,
    pub validators: Vec<AccountId32>,
    /// The code stored under `:code`, if any.
    pub code: Option<Vec<u8>>,
}

impl GenesisConfig {
    pub fn dev() -> Self {
        let names = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];
        GenesisConfig {
            endowed: names
                .iter()
                .map(|n| (AccountId32::dev(n), 1_000_000_000_000_000_000))
                .collect(),
            sudo: AccountId32::dev("Alice"),
            validators: vec![AccountId32::dev("Alice"), AccountId32::dev("Bob")],
            code: None,
        }
    }

    /// Writes the genesis state into (empty) storage.
    pub fn build(&self) {
        for (who, amount) in &self.endowed {
            pallet_balances::Pallet::deposit_creating(who, *amount)
                .expect("genesis endowment above the existential deposit");
        }
        pallet_balances::Pallet::deposit_creating(&pallet_treasury::Pallet::account_id(), 1_000_000_000_000_000)
            .expect("treasury endowment");
        pallet_sudo::Key::put(&Some(self.sudo));
        pallet_session::Validators::put(&self.validators);
        pallet_staking::ValidatorCount::put(&(self.validators.len() as u32));
        if let Some(code) = &self.code {
            demo_support::io::storage::set(demo_system::CODE_KEY, code);
        }
        demo_support::events::reset();
    }
}

/// Runtime APIs, called natively by the node.
pub mod api {
    use super::*;
    use demo_support::Encode;

    pub fn core_version() -> RuntimeVersion {
        version()
    }

    pub fn account_nonce(who: &AccountId32) -> u32 {
        demo_system::Pallet::account_nonce(who)
    }

    /// Partial fee for an encoded call of the given length, or `None` if it does not decode.
    pub fn query_fee(call: &[u8]) -> Option<Balance> {
        let call = demo_codec::decode_all::<RuntimeCall>(call).ok()?;
        let info = call.info();
        Some(pallet_transaction_payment::Pallet::compute_fee(
            call.encode().len() as u32,
            &info,
            0,
        ))
    }

    pub fn free_balance(who: &AccountId32) -> Balance {
        pallet_balances::Pallet::free_balance(who)
    }
}
