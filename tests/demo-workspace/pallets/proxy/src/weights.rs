//! Weights of the proxy calls as cost models in the call's size component
//! (see `CostModel`); illustrative values, not benchmark results.

use demo_support::weights::CostModel;

demo_support::weight_info! {
    proxy: CostModel::base(20_000_000).reads_writes(1, 0).per_item(100);
    add_proxy: CostModel::base(20_000_000).reads_writes(2, 2);
    remove_proxy: CostModel::base(20_000_000).reads_writes(2, 2);
    remove_proxies: CostModel::base(20_000_000).reads_writes(2, 2);
    create_pure: CostModel::base(20_000_000).reads_writes(3, 3);
}
