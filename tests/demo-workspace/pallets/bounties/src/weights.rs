//! Weights of the bounties calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    propose_bounty: CostModel::base(20_000_000).reads_writes(2, 4);
    approve_bounty: CostModel::base(20_000_000).reads_writes(1, 1);
    accept_curator: CostModel::base(20_000_000).reads_writes(2, 2);
    award_bounty: CostModel::base(20_000_000).reads_writes(1, 1);
    claim_bounty: CostModel::base(20_000_000).reads_writes(4, 4);
    close_bounty: CostModel::base(20_000_000).reads_writes(3, 3);
}
