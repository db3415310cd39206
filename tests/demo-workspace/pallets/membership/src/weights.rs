//! Weights of the membership calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    add_member: CostModel::base(20_000_000).reads_writes(1, 1);
    remove_member: CostModel::base(20_000_000).reads_writes(2, 2);
    swap_member: CostModel::base(20_000_000).reads_writes(2, 2);
    reset_members: CostModel::base(20_000_000).reads_writes(1, 2);
    change_key: CostModel::base(20_000_000).reads_writes(2, 2);
    set_prime: CostModel::base(20_000_000).reads_writes(1, 1);
}
