//! Weights of the staking calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    bond: CostModel::base(20_000_000).reads_writes(4, 4);
    bond_extra: CostModel::base(20_000_000).reads_writes(4, 4);
    unbond: CostModel::base(20_000_000).reads_writes(4, 4);
    withdraw_unbonded: CostModel::base(20_000_000).reads_writes(4, 4);
    validate: CostModel::base(20_000_000).reads_writes(3, 2);
    nominate: CostModel::base(20_000_000).reads_writes(3, 2).per_item(25_000_000).per_item_log(50_000).per_item_proof(3_593);
    chill: CostModel::base(20_000_000).reads_writes(2, 2);
    set_validator_count: CostModel::base(20_000_000).reads_writes(0, 1);
}
