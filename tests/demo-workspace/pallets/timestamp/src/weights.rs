//! Weights of the timestamp calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    set: CostModel::base(20_000_000).reads_writes(2, 2);
}
