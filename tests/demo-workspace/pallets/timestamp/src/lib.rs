//! Timestamp: the block author sets the time once per block (an unsigned
//! inherent); it must move forward by at least `MINIMUM_PERIOD`.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_storage};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Timestamp";
/// Half the 6-second slot, in milliseconds.
pub const MINIMUM_PERIOD: Moment = 3_000;

decl_storage! { NAME;
    pub Now: value Moment;
    /// Whether the time was set in the current block.
    pub DidUpdate: value bool;
}

decl_error! { NAME;
    pub enum Error {
        AlreadyUpdated,
        TooEarly,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::set(0)]
    #[class = Mandatory]
    fn set(now: Moment);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    fn on_finalize(_n: BlockNumber) {
        DidUpdate::kill();
    }
}

const _: () = assert!(
    MINIMUM_PERIOD > 0,
    "a zero minimum period would allow time to stand still"
);

impl Pallet {
    pub fn set(origin: Origin, now: Moment) -> DispatchResult {
        ensure_none(origin)?;
        ensure!(!DidUpdate::get(), Error::AlreadyUpdated);
        let previous = Now::get();
        ensure!(previous == 0 || now >= previous + MINIMUM_PERIOD, Error::TooEarly);
        Now::put(&now);
        DidUpdate::put(&true);
        Ok(())
    }

    pub fn now() -> Moment {
        Now::get()
    }
}
