//! Scheduler: calls stored now and dispatched at the start of a later block,
//! optionally repeating.

use demo_support::dispatch::dispatch_transactional_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Scheduler";
pub const MAX_SCHEDULED_PER_BLOCK: usize = 50;
pub const MAX_CALL_LEN: usize = 128 * 1024;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Periodic {
    pub period: BlockNumber,
    pub remaining: u32,
}

#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub struct Scheduled {
    pub id: Option<[u8; 32]>,
    pub priority: u8,
    pub call: Vec<u8>,
    pub origin: Origin,
    pub periodic: Option<Periodic>,
}

decl_storage! { NAME;
    /// Cancelled tasks leave a `None` so the positions of the others stay valid.
    pub Agenda: map Twox64Concat BlockNumber => Vec<Option<Scheduled>>;
    /// Where a named task is: block and position in that block's agenda.
    pub Lookup: map Twox64Concat [u8; 32] => Option<(BlockNumber, u32)>;
}

decl_event! { NAME;
    pub enum Event {
        Scheduled { when: BlockNumber, index: u32 },
        Canceled { when: BlockNumber, index: u32 },
        Dispatched { when: BlockNumber, index: u32, ok: bool },
    }
}

decl_error! { NAME;
    pub enum Error {
        FailedToSchedule,
        NotFound,
        TargetBlockNumberInPast,
        CallTooLong,
        AgendaFull,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::schedule(0)]
    fn schedule(when: BlockNumber, maybe_periodic: Option<Periodic>, priority: u8, call: Vec<u8>);
    #[weight = WeightInfo::cancel(0)]
    fn cancel(when: BlockNumber, index: u32);
    #[weight = WeightInfo::schedule_named(0)]
    fn schedule_named(id: [u8; 32], when: BlockNumber, maybe_periodic: Option<Periodic>, priority: u8, call: Vec<u8>);
    #[weight = WeightInfo::cancel_named(0)]
    fn cancel_named(id: [u8; 32]);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {
    /// Dispatches the block's agenda in priority order (lower value first).
    fn on_initialize(now: BlockNumber) -> Weight {
        let mut agenda: Vec<(usize, Scheduled)> = Agenda::take(&now)
            .into_iter()
            .enumerate()
            .filter_map(|(i, task)| Some((i, task?)))
            .collect();
        let count = agenda.len() as u64;
        agenda.sort_by_key(|(_, task)| task.priority);
        for (index, task) in agenda {
            let ok = dispatch_transactional_encoded(&task.call, task.origin.clone()).is_ok();
            Event::Dispatched {
                when: now,
                index: index as u32,
                ok,
            }
            .deposit();
            if let Some(id) = task.id {
                Lookup::remove(&id);
            }
            if let Some(periodic) = task.periodic.filter(|p| p.remaining > 0 && p.period > 0) {
                let next = Periodic {
                    remaining: periodic.remaining - 1,
                    ..periodic
                };
                let repeat = Scheduled {
                    periodic: (next.remaining > 0).then_some(next),
                    ..task
                };
                let _ = Self::place(now + periodic.period, repeat);
            }
        }
        ROCKS_DB_WEIGHT.reads_writes(1 + count, 1 + count)
    }
}

impl Pallet {
    fn place(when: BlockNumber, task: Scheduled) -> Result<u32, DispatchError> {
        ensure!(task.call.len() <= MAX_CALL_LEN, Error::CallTooLong);
        let id = task.id;
        let index = Agenda::try_mutate(&when, |agenda| {
            ensure!(agenda.len() < MAX_SCHEDULED_PER_BLOCK, Error::AgendaFull);
            agenda.push(Some(task));
            Ok::<_, DispatchError>(agenda.len() as u32 - 1)
        })?;
        if let Some(id) = id {
            Lookup::insert(&id, &Some((when, index)));
        }
        Event::Scheduled { when, index }.deposit();
        Ok(index)
    }

    fn check_when(when: BlockNumber) -> DispatchResult {
        ensure!(
            when > demo_system::Pallet::block_number(),
            Error::TargetBlockNumberInPast
        );
        Ok(())
    }

    pub fn schedule(
        origin: Origin,
        when: BlockNumber,
        maybe_periodic: Option<Periodic>,
        priority: u8,
        call: Vec<u8>,
    ) -> DispatchResult {
        ensure_root(origin)?;
        Self::check_when(when)?;
        Self::place(
            when,
            Scheduled {
                id: None,
                priority,
                call,
                origin: Origin::Root,
                periodic: maybe_periodic,
            },
        )
        .map(|_| ())
    }

    pub fn cancel(origin: Origin, when: BlockNumber, index: u32) -> DispatchResult {
        ensure_root(origin)?;
        Agenda::try_mutate(&when, |agenda| {
            let task = agenda
                .get_mut(index as usize)
                .and_then(Option::take)
                .ok_or(Error::NotFound)?;
            if let Some(id) = task.id {
                Lookup::remove(&id);
            }
            Ok::<_, DispatchError>(())
        })?;
        Event::Canceled { when, index }.deposit();
        Ok(())
    }

    pub fn schedule_named(
        origin: Origin,
        id: [u8; 32],
        when: BlockNumber,
        maybe_periodic: Option<Periodic>,
        priority: u8,
        call: Vec<u8>,
    ) -> DispatchResult {
        ensure_root(origin)?;
        Self::check_when(when)?;
        ensure!(Lookup::get(&id).is_none(), Error::FailedToSchedule);
        Self::place(
            when,
            Scheduled {
                id: Some(id),
                priority,
                call,
                origin: Origin::Root,
                periodic: maybe_periodic,
            },
        )
        .map(|_| ())
    }

    pub fn cancel_named(origin: Origin, id: [u8; 32]) -> DispatchResult {
        let (when, index) = Lookup::get(&id).ok_or(Error::NotFound)?;
        Self::cancel(origin, when, index)
    }

    /// A task id from a human-readable name.
    pub fn task_id(name: &str) -> [u8; 32] {
        demo_hashing::blake2_256(name.as_bytes())
    }
}
