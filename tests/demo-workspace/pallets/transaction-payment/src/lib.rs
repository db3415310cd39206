//! Transaction payment: fee = base + length fee + multiplier * weight fee + tip,
//! withdrawn before dispatch. The multiplier follows block fullness.

use demo_arith::{FixedU128, Perbill};
use demo_support::prelude::*;
use demo_support::weights::{self as weight_math, FeeTerm};
use demo_support::{decl_calls, decl_event, decl_storage, DispatchInfo};
use pallet_balances::{Existence, Pallet as Balances};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "TransactionPayment";
pub const BASE_FEE: Balance = 1_000_000;
pub const BYTE_FEE: Balance = 10_000;
/// Blocks are meant to be a quarter full; fees rise above that and fall below.
pub const TARGET_FULLNESS: Perbill = Perbill::from_percent(25);

/// Fee per unit of weight: 1/10_000 of a unit plus a small quadratic term so
/// that heavy calls cost disproportionately more.
pub const WEIGHT_TO_FEE: [FeeTerm; 2] = [
    FeeTerm {
        coeff_integer: 0,
        coeff_frac: Perbill::from_parts(100_000),
        negative: false,
        degree: 1,
    },
    FeeTerm {
        coeff_integer: 0,
        coeff_frac: Perbill::from_parts(1),
        negative: false,
        degree: 2,
    },
];

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FeeDetails {
    pub base_fee: Balance,
    pub len_fee: Balance,
    pub adjusted_weight_fee: Balance,
    pub tip: Balance,
}

impl FeeDetails {
    pub fn total(&self) -> Balance {
        self.base_fee
            .saturating_add(self.len_fee)
            .saturating_add(self.adjusted_weight_fee)
            .saturating_add(self.tip)
    }
}

decl_storage! { NAME;
    pub NextFeeMultiplier: value FixedU128;
}

decl_event! { NAME;
    pub enum Event {
        TransactionFeePaid { who: AccountId32, actual_fee: Balance, tip: Balance },
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::set_fee_multiplier(0)]
    fn set_fee_multiplier(multiplier: u128);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    fn on_finalize(_n: BlockNumber) {
        let used = demo_system::BlockWeight::get();
        let max = weight_math::BlockWeights::MAX_BLOCK;
        let fullness = Perbill::from_rational(used.ref_time, max.ref_time);
        NextFeeMultiplier::put(&weight_math::next_fee_multiplier(
            Self::multiplier(),
            fullness,
            TARGET_FULLNESS,
        ));
    }
}

impl Pallet {
    pub fn set_fee_multiplier(origin: Origin, multiplier: u128) -> DispatchResult {
        ensure_root(origin)?;
        NextFeeMultiplier::put(&FixedU128::from_inner(multiplier));
        Ok(())
    }

    /// The stored multiplier, or one before anything was stored.
    pub fn multiplier() -> FixedU128 {
        NextFeeMultiplier::try_get().unwrap_or(FixedU128::one())
    }

    pub fn compute_fee_details(len: u32, info: &DispatchInfo, tip: Balance) -> FeeDetails {
        if info.pays_fee == demo_support::Pays::No {
            return FeeDetails {
                tip,
                ..Default::default()
            };
        }
        let weight_fee = weight_math::weight_to_fee(&WEIGHT_TO_FEE, info.weight);
        FeeDetails {
            base_fee: BASE_FEE,
            len_fee: BYTE_FEE.saturating_mul(len as Balance),
            adjusted_weight_fee: Self::multiplier().saturating_mul_int(weight_fee),
            tip,
        }
    }

    pub fn compute_fee(len: u32, info: &DispatchInfo, tip: Balance) -> Balance {
        Self::compute_fee_details(len, info, tip).total()
    }

    /// Withdraws the fee; the account must stay alive.
    pub fn charge(who: &AccountId32, len: u32, info: &DispatchInfo, tip: Balance) -> DispatchResult {
        let fee = Self::compute_fee(len, info, tip);
        if fee > 0 {
            Balances::withdraw(who, fee, Existence::KeepAlive)?;
        }
        Event::TransactionFeePaid {
            who: *who,
            actual_fee: fee,
            tip,
        }
        .deposit();
        Ok(())
    }
}
