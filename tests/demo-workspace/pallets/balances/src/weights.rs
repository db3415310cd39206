//! Weights of the balances calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    transfer_allow_death: CostModel::base(20_000_000).reads_writes(2, 2);
    force_transfer: CostModel::base(20_000_000).reads_writes(3, 2);
    transfer_keep_alive: CostModel::base(20_000_000).reads_writes(2, 2);
    transfer_all: CostModel::base(20_000_000).reads_writes(2, 2);
    force_unreserve: CostModel::base(20_000_000).reads_writes(1, 1);
    force_set_balance: CostModel::base(20_000_000).reads_writes(1, 2);
}
