//! Weights of the vesting calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    vest: CostModel::base(20_000_000).reads_writes(2, 2);
    vest_other: CostModel::base(20_000_000).reads_writes(2, 2);
    vested_transfer: CostModel::base(20_000_000).reads_writes(3, 3);
    merge_schedules: CostModel::base(20_000_000).reads_writes(2, 2);
}
