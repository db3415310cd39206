//! Two-dimensional weights (time and proof size) and converting them to fees.

use demo_arith::{Perbill, FixedU128};
use demo_codec::{Codec, Compact, Decode, Encode};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Weight {
    pub ref_time: u64,
    pub proof_size: u64,
}

/// Encoded as two compact integers, like Substrate's Weight V2.
impl Encode for Weight {
    fn encode_to(&self, out: &mut Vec<u8>) {
        Compact(self.ref_time).encode_to(out);
        Compact(self.proof_size).encode_to(out);
    }
}

impl Decode for Weight {
    fn decode(input: &mut &[u8]) -> Result<Self, demo_codec::Error> {
        Ok(Weight { ref_time: Compact::<u64>::decode(input)?.0, proof_size: Compact::<u64>::decode(input)?.0 })
    }
}

impl Weight {
    pub const ZERO: Weight = Weight { ref_time: 0, proof_size: 0 };
    pub const MAX: Weight = Weight { ref_time: u64::MAX, proof_size: u64::MAX };

    pub const fn from_parts(ref_time: u64, proof_size: u64) -> Self {
        Weight { ref_time, proof_size }
    }
    pub const fn saturating_add(self, o: Weight) -> Weight {
        Weight {
            ref_time: self.ref_time.saturating_add(o.ref_time),
            proof_size: self.proof_size.saturating_add(o.proof_size),
        }
    }
    pub const fn saturating_mul(self, n: u64) -> Weight {
        Weight { ref_time: self.ref_time.saturating_mul(n), proof_size: self.proof_size.saturating_mul(n) }
    }
    /// True if either dimension exceeds `limit`.
    pub const fn any_gt(self, limit: Weight) -> bool {
        self.ref_time > limit.ref_time || self.proof_size > limit.proof_size
    }
}

/// Cost of one database read and one write.
#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuntimeDbWeight {
    pub read: u64,
    pub write: u64,
}

impl RuntimeDbWeight {
    pub const fn reads_writes(self, reads: u64, writes: u64) -> Weight {
        Weight::from_parts(self.read * reads + self.write * writes, 0)
    }
}

pub const WEIGHT_REF_TIME_PER_SECOND: u64 = 1_000_000_000_000;
pub const WEIGHT_REF_TIME_PER_MILLIS: u64 = WEIGHT_REF_TIME_PER_SECOND / 1000;
pub const ROCKS_DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight { read: 25_000_000, write: 100_000_000 };

/// Dispatch classes share the block's weight in fixed proportions.
#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispatchClass {
    Normal,
    Operational,
    Mandatory,
}

#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pays {
    Yes,
    No,
}

#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub struct DispatchInfo {
    pub weight: Weight,
    pub class: DispatchClass,
    pub pays_fee: Pays,
}

/// Block weight limits, computed at compile time from the target block time.
pub struct BlockWeights;

impl BlockWeights {
    pub const MAX_BLOCK: Weight = Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND, 5 * 1024 * 1024);
    pub const NORMAL_RATIO: Perbill = Perbill::from_percent(75);

    pub fn max_for(class: DispatchClass) -> Weight {
        match class {
            DispatchClass::Normal => Weight::from_parts(
                Self::NORMAL_RATIO.mul_floor(Self::MAX_BLOCK.ref_time),
                Self::NORMAL_RATIO.mul_floor(Self::MAX_BLOCK.proof_size),
            ),
            DispatchClass::Operational | DispatchClass::Mandatory => Self::MAX_BLOCK,
        }
    }
}

/// One term of a fee polynomial: `coeff_integer + coeff_frac`, times weight^degree.
#[derive(Clone, Copy, Debug)]
pub struct FeeTerm {
    pub coeff_integer: u128,
    pub coeff_frac: Perbill,
    pub negative: bool,
    pub degree: u8,
}

/// Fee for a weight from a polynomial, saturating and never below zero.
pub fn weight_to_fee(poly: &[FeeTerm], weight: Weight) -> u128 {
    let w = u128::from(weight.ref_time);
    let (mut positive, mut negative) = (0u128, 0u128);
    for term in poly {
        let power = (0..term.degree).fold(1u128, |acc, _| acc.saturating_mul(w));
        let value = power
            .saturating_mul(term.coeff_integer)
            .saturating_add(term.coeff_frac.mul_floor(power));
        if term.negative {
            negative = negative.saturating_add(value);
        } else {
            positive = positive.saturating_add(value);
        }
    }
    positive.saturating_sub(negative)
}

/// Adjusts the fee multiplier after each block towards a target fullness.
pub fn next_fee_multiplier(previous: FixedU128, fullness: Perbill, target: Perbill) -> FixedU128 {
    let diff = fullness.deconstruct() as i64 - target.deconstruct() as i64;
    // A small proportional step: 1 +/- 0.00003 * (diff as fraction of a block).
    let step = FixedU128::from_rational(diff.unsigned_abs() as u128 * 3, 100_000 * 1_000_000_000);
    let factor = if diff >= 0 { FixedU128::one().saturating_add(step) } else { FixedU128::one().saturating_sub(step) };
    let next = previous.saturating_mul(factor);
    let floor = FixedU128::from_rational(1, 10);
    if next < floor { floor } else { next }
}
