//! Weights of the collective calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    propose: CostModel::base(20_000_000).reads_writes(3, 4).per_item(100);
    vote: CostModel::base(20_000_000).reads_writes(2, 1);
    close: CostModel::base(20_000_000).reads_writes(4, 3);
    disapprove_proposal: CostModel::base(20_000_000).reads_writes(1, 3);
}
