//! Two-dimensional weights (time and proof size) and converting them to fees.

use demo_arith::{FixedU128, Perbill};
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
        Ok(Weight {
            ref_time: Compact::<u64>::decode(input)?.0,
            proof_size: Compact::<u64>::decode(input)?.0,
        })
    }
}

impl Weight {
    pub const ZERO: Weight = Weight {
        ref_time: 0,
        proof_size: 0,
    };
    pub const MAX: Weight = Weight {
        ref_time: u64::MAX,
        proof_size: u64::MAX,
    };

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
        Weight {
            ref_time: self.ref_time.saturating_mul(n),
            proof_size: self.proof_size.saturating_mul(n),
        }
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
pub const ROCKS_DB_WEIGHT: RuntimeDbWeight = RuntimeDbWeight {
    read: 25_000_000,
    write: 100_000_000,
};

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
    let factor = if diff >= 0 {
        FixedU128::one().saturating_add(step)
    } else {
        FixedU128::one().saturating_sub(step)
    };
    let next = previous.saturating_mul(factor);
    let floor = FixedU128::from_rational(1, 10);
    if next < floor {
        floor
    } else {
        next
    }
}

/// Fractional bits of `log2_fixed`.
pub const LOG_FRACTION_BITS: u32 = 48;

/// log2(x) for x >= 1 as fixed point with `LOG_FRACTION_BITS` fractional bits.
/// Repeated squaring of the mantissa yields one fraction bit per step.
pub const fn log2_fixed(x: u64) -> u64 {
    assert!(x >= 1, "log2 of zero");
    let int = 63 - x.leading_zeros() as u64;
    // Mantissa in [1, 2) with 62 fractional bits; squaring stays below 2^126.
    let mut m: u128 = ((x as u128) << 62) >> int;
    let mut result = int << LOG_FRACTION_BITS;
    let mut bit = LOG_FRACTION_BITS;
    while bit > 0 {
        bit -= 1;
        m = (m * m) >> 62;
        if m >= 2 << 62 {
            m >>= 1;
            result |= 1 << bit;
        }
    }
    result
}

/// Expected number of keys in state, which sets how deep a storage proof goes.
pub const STATE_KEYS_ESTIMATE: u64 = 1 << 20;
/// Bytes of one branch node in a storage proof (16 children of 32 bytes, plus header).
pub const TRIE_NODE_BYTES: u64 = 16 * 32 + 32;

/// A call's cost as a function of one size component `n` (items in a list,
/// bytes in a blob, ...). The numbers in the pallets are illustrative, not
/// measured: this demo has no benchmarking machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CostModel {
    pub base: u64,
    pub per_item: u64,
    /// Cost per `n * log2(n)`, for calls that sort or search their input.
    pub per_item_log: u64,
    pub reads: u64,
    pub writes: u64,
    pub per_item_proof: u64,
}

impl CostModel {
    pub const fn base(base: u64) -> Self {
        CostModel {
            base,
            per_item: 0,
            per_item_log: 0,
            reads: 0,
            writes: 0,
            per_item_proof: 0,
        }
    }
    pub const fn reads_writes(self, reads: u64, writes: u64) -> Self {
        CostModel { reads, writes, ..self }
    }
    pub const fn per_item(self, per_item: u64) -> Self {
        CostModel { per_item, ..self }
    }
    pub const fn per_item_log(self, per_item_log: u64) -> Self {
        CostModel { per_item_log, ..self }
    }
    pub const fn per_item_proof(self, per_item_proof: u64) -> Self {
        CostModel { per_item_proof, ..self }
    }

    /// The weight for component `n`, with a 10% safety margin rounded up.
    pub const fn weight(&self, n: u32) -> Weight {
        let n = n as u64;
        let n_log_n = ((n as u128 * log2_fixed(n + 1) as u128) >> LOG_FRACTION_BITS) as u64;
        let ref_time = self
            .base
            .saturating_add(self.per_item.saturating_mul(n))
            .saturating_add(self.per_item_log.saturating_mul(n_log_n))
            .saturating_add(ROCKS_DB_WEIGHT.read.saturating_mul(self.reads))
            .saturating_add(ROCKS_DB_WEIGHT.write.saturating_mul(self.writes));
        // Each read proves one path through a radix-16 trie: log16 of the key count.
        let depth = (log2_fixed(STATE_KEYS_ESTIMATE + n) >> LOG_FRACTION_BITS).div_ceil(4);
        let proof_size = (self.reads * depth * TRIE_NODE_BYTES).saturating_add(self.per_item_proof.saturating_mul(n));
        Weight::from_parts(with_margin(ref_time), with_margin(proof_size))
    }
}

const fn with_margin(x: u64) -> u64 {
    x.saturating_add(x.div_ceil(10))
}

/// Components below this are looked up in a table built at compile time.
pub const TABLE_LEN: usize = 3072;

pub const fn weight_table(model: CostModel) -> [Weight; TABLE_LEN] {
    let mut table = [Weight::ZERO; TABLE_LEN];
    let mut n = 0;
    while n < TABLE_LEN {
        table[n] = model.weight(n as u32);
        n += 1;
    }
    table
}
