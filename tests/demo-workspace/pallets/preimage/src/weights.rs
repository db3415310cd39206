//! Weights of the preimage calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    note_preimage: CostModel::base(20_000_000).reads_writes(1, 2).per_item(10);
    unnote_preimage: CostModel::base(20_000_000).reads_writes(1, 2);
    request_preimage: CostModel::base(20_000_000).reads_writes(1, 1);
    unrequest_preimage: CostModel::base(20_000_000).reads_writes(1, 1);
}
