//! Weights of the indices calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    claim: CostModel::base(20_000_000).reads_writes(2, 2);
    transfer: CostModel::base(20_000_000).reads_writes(3, 3);
    free: CostModel::base(20_000_000).reads_writes(2, 2);
    freeze: CostModel::base(20_000_000).reads_writes(2, 2);
}
