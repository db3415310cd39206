//! Arithmetic for balances and weights: a common integer trait, fractions in
//! parts-per-N ("per-things") and an 18-decimal fixed-point number.

use demo_codec::Codec;

mod fixed;
pub use fixed::FixedU128;

/// Operations every balance-like unsigned integer supports.
pub trait AtLeast32Bit: Copy + Ord + Default + core::fmt::Debug + demo_codec::Encode + demo_codec::Decode {
    const ZERO: Self;
    const ONE: Self;
    const MAX: Self;
    fn saturating_add(self, other: Self) -> Self;
    fn saturating_sub(self, other: Self) -> Self;
    fn saturating_mul(self, other: Self) -> Self;
    fn checked_add(self, other: Self) -> Option<Self>;
    fn checked_sub(self, other: Self) -> Option<Self>;
    fn checked_mul(self, other: Self) -> Option<Self>;
    fn checked_div(self, other: Self) -> Option<Self>;
    fn to_u128(self) -> u128;
    /// Converts, saturating at `MAX`.
    fn from_u128_saturating(v: u128) -> Self;
    fn is_zero(self) -> bool {
        self == Self::ZERO
    }
}

macro_rules! impl_at_least_32_bit {
    ($($t:ty),*) => {$(
        impl AtLeast32Bit for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const MAX: Self = <$t>::MAX;
            fn saturating_add(self, o: Self) -> Self { <$t>::saturating_add(self, o) }
            fn saturating_sub(self, o: Self) -> Self { <$t>::saturating_sub(self, o) }
            fn saturating_mul(self, o: Self) -> Self { <$t>::saturating_mul(self, o) }
            fn checked_add(self, o: Self) -> Option<Self> { <$t>::checked_add(self, o) }
            fn checked_sub(self, o: Self) -> Option<Self> { <$t>::checked_sub(self, o) }
            fn checked_mul(self, o: Self) -> Option<Self> { <$t>::checked_mul(self, o) }
            fn checked_div(self, o: Self) -> Option<Self> { <$t>::checked_div(self, o) }
            fn to_u128(self) -> u128 { self as u128 }
            fn from_u128_saturating(v: u128) -> Self { <$t>::try_from(v).unwrap_or(<$t>::MAX) }
        }
    )*};
}
impl_at_least_32_bit!(u32, u64, u128);

/// `a * b / c` without intermediate overflow, rounding down; `None` if `c` is
/// zero or the result does not fit in a u128.
pub fn multiply_by_rational(a: u128, b: u128, c: u128) -> Option<u128> {
    if c == 0 {
        return None;
    }
    if let Some(product) = a.checked_mul(b) {
        return Some(product / c);
    }
    // 256-bit product as (high, low), then long division by c bit by bit.
    let (high, low) = mul_wide(a, b);
    if high >= c {
        return None;
    }
    let mut remainder = high;
    let mut quotient = 0u128;
    for bit in (0..128).rev() {
        let carry = remainder >> 127;
        remainder = (remainder << 1) | ((low >> bit) & 1);
        quotient <<= 1;
        if carry == 1 || remainder >= c {
            remainder = remainder.wrapping_sub(c);
            quotient |= 1;
        }
    }
    Some(quotient)
}

/// Full 128x128 -> 256-bit multiplication from 64-bit halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    let mask = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & mask);
    let (b_hi, b_lo) = (b >> 64, b & mask);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & mask) + (lo_hi & mask);
    let low = (lo_lo & mask) | (middle << 64);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

/// Declares a fraction type storing parts per `$accuracy`.
macro_rules! per_thing {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $accuracy:expr) => {
        $(#[$doc])*
        #[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
        pub struct $name($inner);

        impl $name {
            pub const ACCURACY: $inner = $accuracy;

            pub const fn from_parts(parts: $inner) -> Self {
                Self(if parts > $accuracy { $accuracy } else { parts })
            }
            pub const fn from_percent(percent: $inner) -> Self {
                Self::from_parts(if percent > 100 { 100 } else { percent } * ($accuracy / 100))
            }
            pub const fn one() -> Self {
                Self($accuracy)
            }
            pub const fn zero() -> Self {
                Self(0)
            }
            pub const fn deconstruct(self) -> $inner {
                self.0
            }
            /// `p / q`, saturating at one.
            pub fn from_rational<N: AtLeast32Bit>(p: N, q: N) -> Self {
                if q.is_zero() || p >= q {
                    return Self::one();
                }
                let parts = multiply_by_rational(p.to_u128(), $accuracy as u128, q.to_u128()).unwrap_or(0);
                Self::from_parts(parts as $inner)
            }
            /// `self * n`, rounded down.
            pub fn mul_floor<N: AtLeast32Bit>(self, n: N) -> N {
                let r = multiply_by_rational(n.to_u128(), self.0 as u128, $accuracy as u128).unwrap_or(u128::MAX);
                N::from_u128_saturating(r)
            }
            /// `self * n`, rounded up.
            pub fn mul_ceil<N: AtLeast32Bit>(self, n: N) -> N {
                let numerator = n.to_u128();
                let floor = multiply_by_rational(numerator, self.0 as u128, $accuracy as u128).unwrap_or(u128::MAX);
                let exact = multiply_by_rational(floor, $accuracy as u128, self.0.max(1) as u128) == Some(numerator);
                N::from_u128_saturating(if exact || self.0 == 0 { floor } else { floor.saturating_add(1) })
            }
            pub fn saturating_complement(self) -> Self {
                Self($accuracy - self.0)
            }
            pub fn saturating_add(self, other: Self) -> Self {
                Self::from_parts(self.0.saturating_add(other.0))
            }
        }
    };
}

per_thing!(/// Parts per hundred.
    Percent, u8, 100);
per_thing!(/// Parts per thousand.
    Permill, u32, 1_000_000);
per_thing!(/// Parts per billion.
    Perbill, u32, 1_000_000_000);
per_thing!(/// Parts per quintillion.
    Perquintill, u64, 1_000_000_000_000_000_000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rational() {
        assert_eq!(multiply_by_rational(u128::MAX, 2, 4), Some(u128::MAX / 2));
        assert_eq!(multiply_by_rational(u128::MAX, 3, 2), None);
        assert_eq!(multiply_by_rational(10, 10, 3), Some(33));
        assert_eq!(Perbill::from_percent(50).mul_floor(7u64), 3);
        assert_eq!(Perbill::from_percent(50).mul_ceil(7u64), 4);
        assert_eq!(Permill::from_rational(1u32, 3u32).deconstruct(), 333_333);
    }
}
