//! An unsigned fixed-point number with 18 decimal places, used for fee multipliers.

use crate::multiply_by_rational;
use demo_codec::Codec;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FixedU128(u128);

impl FixedU128 {
    pub const DIV: u128 = 1_000_000_000_000_000_000;

    pub const fn from_inner(inner: u128) -> Self {
        Self(inner)
    }
    pub const fn into_inner(self) -> u128 {
        self.0
    }
    pub const fn one() -> Self {
        Self(Self::DIV)
    }
    pub fn from_u32(n: u32) -> Self {
        Self(n as u128 * Self::DIV)
    }
    pub fn from_rational(n: u128, d: u128) -> Self {
        Self(multiply_by_rational(n, Self::DIV, d).unwrap_or(u128::MAX))
    }
    pub fn saturating_mul(self, other: Self) -> Self {
        Self(multiply_by_rational(self.0, other.0, Self::DIV).unwrap_or(u128::MAX))
    }
    pub fn saturating_add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
    pub fn saturating_sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
    /// `self * n` for an integer, rounded down and saturating.
    pub fn saturating_mul_int(self, n: u128) -> u128 {
        multiply_by_rational(n, self.0, Self::DIV).unwrap_or(u128::MAX)
    }
    /// `self ^ exp` by squaring.
    pub fn saturating_pow(self, mut exp: u32) -> Self {
        let mut base = self;
        let mut acc = Self::one();
        while exp > 0 {
            if exp & 1 == 1 {
                acc = acc.saturating_mul(base);
            }
            base = base.saturating_mul(base);
            exp >>= 1;
        }
        acc
    }
}
