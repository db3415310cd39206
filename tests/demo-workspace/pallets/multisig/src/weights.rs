//! Weights of the multisig calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    as_multi_threshold_1: CostModel::base(20_000_000).per_item(100);
    as_multi: CostModel::base(20_000_000).reads_writes(2, 2).per_item(100);
    approve_as_multi: CostModel::base(20_000_000).reads_writes(2, 2);
    cancel_as_multi: CostModel::base(20_000_000).reads_writes(2, 2);
}
