//! Events are kept in storage under `System.Events`, like Substrate, so they
//! roll back together with the writes of a failed dispatch.

use demo_codec::{Codec, Encode};
use demo_hashing::twox_128;

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    Initialization,
    ApplyExtrinsic(u32),
    Finalization,
}

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    pub phase: Phase,
    pub pallet: String,
    pub name: String,
    /// The pallet's own encoding of the event.
    pub data: Vec<u8>,
}

fn events_key() -> Vec<u8> {
    [twox_128(b"System"), twox_128(b"Events")].concat()
}

fn phase_key() -> Vec<u8> {
    [twox_128(b"System"), twox_128(b"ExecutionPhase")].concat()
}

pub fn set_phase(phase: Phase) {
    crate::storage::put(&phase_key(), &phase);
}

pub fn deposit(pallet: &'static str, name: &'static str, event: &impl Encode) {
    let phase = crate::storage::try_get(&phase_key()).unwrap_or(Phase::Initialization);
    let record = EventRecord {
        phase,
        pallet: pallet.into(),
        name: name.into(),
        data: event.encode(),
    };
    let key = events_key();
    let mut all: Vec<EventRecord> = crate::storage::get_or_default(&key);
    all.push(record);
    crate::storage::put(&key, &all);
}

pub fn all() -> Vec<EventRecord> {
    crate::storage::get_or_default(&events_key())
}

pub fn reset() {
    crate::storage::kill(&events_key());
}
