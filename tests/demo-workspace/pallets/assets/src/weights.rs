//! Weights of the assets calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    create: CostModel::base(20_000_000).reads_writes(2, 2);
    mint: CostModel::base(20_000_000).reads_writes(2, 2);
    burn: CostModel::base(20_000_000).reads_writes(2, 2);
    transfer: CostModel::base(20_000_000).reads_writes(3, 3);
    freeze: CostModel::base(20_000_000).reads_writes(2, 1);
    thaw: CostModel::base(20_000_000).reads_writes(2, 1);
    set_metadata: CostModel::base(20_000_000).reads_writes(2, 2);
}
