//! Weights of the transaction payment calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    set_fee_multiplier: CostModel::base(20_000_000).reads_writes(0, 1);
}
