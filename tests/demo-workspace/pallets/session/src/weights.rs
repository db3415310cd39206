//! Weights of the session calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    set_keys: CostModel::base(20_000_000).reads_writes(4, 4);
    purge_keys: CostModel::base(20_000_000).reads_writes(2, 4);
}
