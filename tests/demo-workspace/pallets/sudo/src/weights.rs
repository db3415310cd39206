//! Weights of the sudo calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    sudo: CostModel::base(10_000_000).per_item(100);
    set_key: CostModel::base(20_000_000).reads_writes(1, 1);
    sudo_as: CostModel::base(10_000_000).per_item(100);
    remove_key: CostModel::base(20_000_000).reads_writes(1, 1);
}
