//! Weights of the identity calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    add_registrar: CostModel::base(20_000_000).reads_writes(1, 1);
    set_identity: CostModel::base(20_000_000).reads_writes(2, 2);
    clear_identity: CostModel::base(20_000_000).reads_writes(2, 2);
    request_judgement: CostModel::base(20_000_000).reads_writes(3, 2);
    set_fee: CostModel::base(20_000_000).reads_writes(2, 2);
    provide_judgement: CostModel::base(20_000_000).reads_writes(3, 2);
}
