//! Weights of the scheduler calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    schedule: CostModel::base(20_000_000).reads_writes(1, 1);
    cancel: CostModel::base(20_000_000).reads_writes(1, 1);
    schedule_named: CostModel::base(20_000_000).reads_writes(2, 2);
    cancel_named: CostModel::base(20_000_000).reads_writes(2, 2);
}
