//! Weights of the utility calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    batch: CostModel::base(20_000_000).per_item(5_000_000);
    as_derivative: CostModel::base(5_000_000);
    batch_all: CostModel::base(20_000_000).per_item(5_000_000);
    force_batch: CostModel::base(20_000_000).per_item(5_000_000);
}
