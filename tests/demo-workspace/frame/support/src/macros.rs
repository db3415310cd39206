//! Declarative macros that turn short pallet declarations into storage
//! accessors, call enums with dispatch, events, errors and the runtime's
//! aggregate types. Codec impls of the generated types come from
//! `#[derive(Codec)]` (the `demo-macros` proc-macro).

/// Declares storage items of a pallet:
///
/// ```ignore
/// decl_storage! { NAME;
///     pub TotalIssuance: value Balance;
///     pub Account: map Blake2_128Concat AccountId32 => AccountData;
///     pub Approvals: double_map Twox64Concat u32, Blake2_128Concat AccountId32 => Balance;
/// }
/// ```
///
/// Each item becomes a unit struct with associated functions (`get`, `insert`,
/// `mutate`, ...). Absent values read as `Default::default()`.
#[macro_export]
macro_rules! decl_storage {
    ($pallet:expr;) => {};

    ($pallet:expr; $(#[$m:meta])* $vis:vis $name:ident: value $v:ty; $($rest:tt)*) => {
        $(#[$m])*
        $vis struct $name;
        $crate::__storage_instance!($pallet, $name);
        #[allow(dead_code)]
        impl $name {
            pub fn key() -> ::std::vec::Vec<u8> {
                <Self as $crate::StorageInstance>::prefix()
            }
            pub fn get() -> $v {
                $crate::storage::get_or_default(&Self::key())
            }
            pub fn try_get() -> ::core::option::Option<$v> {
                $crate::storage::try_get(&Self::key())
            }
            pub fn put(value: &$v) {
                $crate::storage::put(&Self::key(), value)
            }
            pub fn kill() {
                $crate::storage::kill(&Self::key())
            }
            pub fn exists() -> bool {
                $crate::storage::exists(&Self::key())
            }
            pub fn take() -> $v {
                $crate::storage::take(&Self::key())
            }
            pub fn mutate<R>(f: impl FnOnce(&mut $v) -> R) -> R {
                $crate::storage::mutate(&Self::key(), f)
            }
            pub fn try_mutate<R, E>(f: impl FnOnce(&mut $v) -> ::core::result::Result<R, E>) -> ::core::result::Result<R, E> {
                $crate::storage::try_mutate(&Self::key(), f)
            }
        }
        $crate::decl_storage!($pallet; $($rest)*);
    };

    ($pallet:expr; $(#[$m:meta])* $vis:vis $name:ident: map $h:ident $k:ty => $v:ty; $($rest:tt)*) => {
        $(#[$m])*
        $vis struct $name;
        $crate::__storage_instance!($pallet, $name);
        #[allow(dead_code)]
        impl $name {
            pub fn key(k: &$k) -> ::std::vec::Vec<u8> {
                $crate::storage::map_key::<Self, $crate::$h, $k>(k)
            }
            pub fn get(k: &$k) -> $v {
                $crate::storage::get_or_default(&Self::key(k))
            }
            pub fn try_get(k: &$k) -> ::core::option::Option<$v> {
                $crate::storage::try_get(&Self::key(k))
            }
            pub fn insert(k: &$k, value: &$v) {
                $crate::storage::put(&Self::key(k), value)
            }
            pub fn remove(k: &$k) {
                $crate::storage::kill(&Self::key(k))
            }
            pub fn contains_key(k: &$k) -> bool {
                $crate::storage::exists(&Self::key(k))
            }
            pub fn take(k: &$k) -> $v {
                $crate::storage::take(&Self::key(k))
            }
            pub fn mutate<R>(k: &$k, f: impl FnOnce(&mut $v) -> R) -> R {
                $crate::storage::mutate(&Self::key(k), f)
            }
            pub fn try_mutate<R, E>(k: &$k, f: impl FnOnce(&mut $v) -> ::core::result::Result<R, E>) -> ::core::result::Result<R, E> {
                $crate::storage::try_mutate(&Self::key(k), f)
            }
            pub fn mutate_exists<R>(k: &$k, f: impl FnOnce(&mut ::core::option::Option<$v>) -> R) -> R {
                $crate::storage::mutate_exists(&Self::key(k), f)
            }
            /// Entries in key order; empty for hashers that do not keep the key.
            pub fn iter() -> ::std::vec::Vec<($k, $v)> {
                $crate::storage::iter_map::<Self, $crate::$h, $k, $v>()
            }
            pub fn count() -> u32 {
                $crate::storage::count::<Self>()
            }
            pub fn clear() -> u32 {
                $crate::storage::clear_all::<Self>()
            }
        }
        $crate::decl_storage!($pallet; $($rest)*);
    };

    ($pallet:expr; $(#[$m:meta])* $vis:vis $name:ident: double_map $h1:ident $k1:ty, $h2:ident $k2:ty => $v:ty; $($rest:tt)*) => {
        $(#[$m])*
        $vis struct $name;
        $crate::__storage_instance!($pallet, $name);
        #[allow(dead_code)]
        impl $name {
            pub fn key(k1: &$k1, k2: &$k2) -> ::std::vec::Vec<u8> {
                $crate::storage::double_map_key::<Self, $crate::$h1, $k1, $crate::$h2, $k2>(k1, k2)
            }
            pub fn get(k1: &$k1, k2: &$k2) -> $v {
                $crate::storage::get_or_default(&Self::key(k1, k2))
            }
            pub fn try_get(k1: &$k1, k2: &$k2) -> ::core::option::Option<$v> {
                $crate::storage::try_get(&Self::key(k1, k2))
            }
            pub fn insert(k1: &$k1, k2: &$k2, value: &$v) {
                $crate::storage::put(&Self::key(k1, k2), value)
            }
            pub fn remove(k1: &$k1, k2: &$k2) {
                $crate::storage::kill(&Self::key(k1, k2))
            }
            pub fn contains_key(k1: &$k1, k2: &$k2) -> bool {
                $crate::storage::exists(&Self::key(k1, k2))
            }
            pub fn mutate<R>(k1: &$k1, k2: &$k2, f: impl FnOnce(&mut $v) -> R) -> R {
                $crate::storage::mutate(&Self::key(k1, k2), f)
            }
            pub fn try_mutate<R, E>(k1: &$k1, k2: &$k2, f: impl FnOnce(&mut $v) -> ::core::result::Result<R, E>) -> ::core::result::Result<R, E> {
                $crate::storage::try_mutate(&Self::key(k1, k2), f)
            }
            /// Removes every entry under `k1`.
            pub fn clear_prefix(k1: &$k1) -> u32 {
                $crate::io::storage::clear_prefix(&$crate::storage::map_key::<Self, $crate::$h1, $k1>(k1))
            }
        }
        $crate::decl_storage!($pallet; $($rest)*);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __storage_instance {
    ($pallet:expr, $name:ident) => {
        impl $crate::StorageInstance for $name {
            const PALLET: &'static str = $pallet;
            const NAME: &'static str = stringify!($name);
        }
    };
}

/// Declares a pallet's `Call` enum from its dispatchable functions:
///
/// ```ignore
/// decl_calls! { Pallet;
///     #[weight = ROCKS_DB_WEIGHT.reads_writes(2, 2)]
///     fn transfer(dest: AccountId32, value: Balance);
/// }
/// ```
///
/// `Pallet::transfer(origin, dest, value)` must exist. The weight expression
/// may use the call's arguments. Calls are encoded by declaration order.
#[macro_export]
macro_rules! decl_calls {
    ($pallet:ident;
        $(
            $(#[doc = $doc:literal])*
            #[weight = $weight:expr]
            $(#[class = $class:ident])?
            fn $call:ident($($arg:ident: $ty:ty),* $(,)?);
        )*
    ) => {
        #[allow(non_camel_case_types)]
        #[derive($crate::Codec, Clone, Debug, PartialEq, Eq)]
        pub enum Call {
            $(
                $(#[doc = $doc])*
                $call { $($arg: $ty),* },
            )*
        }

        impl $crate::Dispatchable for Call {
            fn dispatch(self, origin: $crate::Origin) -> $crate::DispatchResult {
                match self {
                    $( Call::$call { $($arg),* } => $pallet::$call(origin, $($arg),*), )*
                }
            }

            #[allow(unused_variables)]
            fn info(&self) -> $crate::DispatchInfo {
                match self {
                    $( Call::$call { $($arg),* } => $crate::DispatchInfo {
                        weight: $weight,
                        class: $crate::__call_class!($($class)?),
                        pays_fee: $crate::Pays::Yes,
                    }, )*
                }
            }

            fn name(&self) -> &'static str {
                match self {
                    $( Call::$call { .. } => stringify!($call), )*
                }
            }
        }

        impl Call {
            pub const NAMES: &'static [&'static str] = &[$(stringify!($call)),*];
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __call_class {
    () => {
        $crate::DispatchClass::Normal
    };
    ($class:ident) => {
        $crate::DispatchClass::$class
    };
}

/// Declares a pallet's `Event` enum with named-field or unit variants;
/// `event.deposit()` records it in `System.Events`.
#[macro_export]
macro_rules! decl_event {
    ($pallet:expr;
        $(#[$m:meta])*
        pub enum Event {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident $({ $($field:ident: $fty:ty),* $(,)? })?
            ),* $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive($crate::Codec, Clone, Debug, PartialEq, Eq)]
        pub enum Event {
            $( $(#[doc = $doc])* $variant $({ $($field: $fty),* })?, )*
        }

        impl Event {
            pub fn name(&self) -> &'static str {
                match self {
                    $( Event::$variant { .. } => stringify!($variant), )*
                }
            }

            pub fn deposit(self) {
                $crate::events::deposit($pallet, self.name(), &self)
            }
        }
    };
}

/// Declares a pallet's `Error` enum (unit variants) convertible into `DispatchError`.
#[macro_export]
macro_rules! decl_error {
    ($pallet:expr;
        pub enum Error {
            $( $(#[doc = $doc:literal])* $variant:ident ),* $(,)?
        }
    ) => {
        #[derive($crate::Codec, Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Error {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Error {
            pub fn name(&self) -> &'static str {
                match self {
                    $( Error::$variant => stringify!($variant), )*
                }
            }
        }

        impl From<Error> for $crate::DispatchError {
            fn from(e: Error) -> Self {
                $crate::DispatchError::Module { pallet: $pallet, index: e as u8, name: e.name() }
            }
        }
    };
}

/// Assembles a runtime from pallet crates, each providing `Call` and a
/// `Pallet` type implementing `Hooks`:
///
/// ```ignore
/// construct_runtime! { System: demo_system, Balances: pallet_balances }
/// ```
///
/// Produces `RuntimeCall` (encoded as pallet position, then the pallet's call)
/// and `AllPallets` with the combined hooks.
#[macro_export]
macro_rules! construct_runtime {
    ($($name:ident: $krate:ident),* $(,)?) => {
        #[derive($crate::Codec, Clone, Debug, PartialEq, Eq)]
        pub enum RuntimeCall {
            $( $name($krate::Call), )*
        }

        impl $crate::Dispatchable for RuntimeCall {
            fn dispatch(self, origin: $crate::Origin) -> $crate::DispatchResult {
                match self {
                    $( RuntimeCall::$name(call) => $crate::dispatch::dispatch_transactional(call, origin), )*
                }
            }
            fn info(&self) -> $crate::DispatchInfo {
                match self {
                    $( RuntimeCall::$name(call) => call.info(), )*
                }
            }
            fn name(&self) -> &'static str {
                match self {
                    $( RuntimeCall::$name(call) => call.name(), )*
                }
            }
        }

        impl RuntimeCall {
            pub fn pallet_name(&self) -> &'static str {
                match self {
                    $( RuntimeCall::$name(_) => stringify!($name), )*
                }
            }
        }

        /// All pallets in declaration order.
        pub struct AllPallets;

        impl AllPallets {
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            pub fn on_initialize(n: $crate::BlockNumber) -> $crate::Weight {
                let mut weight = $crate::Weight::ZERO;
                $( weight = weight.saturating_add(<$krate::Pallet as $crate::Hooks>::on_initialize(n)); )*
                weight
            }

            pub fn on_finalize(n: $crate::BlockNumber) {
                $( <$krate::Pallet as $crate::Hooks>::on_finalize(n); )*
            }

            pub fn integrity_test() {
                $( <$krate::Pallet as $crate::Hooks>::integrity_test(); )*
            }

            /// Every call name, as `Pallet.call`.
            pub fn call_names() -> ::std::vec::Vec<::std::string::String> {
                let mut names = ::std::vec::Vec::new();
                $( names.extend($krate::Call::NAMES.iter().map(|c| format!("{}.{}", stringify!($name), c))); )*
                names
            }
        }
    };
}

/// Declares `WeightInfo`, one function per call giving its weight for a size
/// component `n`:
///
/// ```ignore
/// weight_info! {
///     transfer: CostModel::base(20_000_000).reads_writes(2, 2);
///     batch: CostModel::base(5_000_000).per_item(5_000_000);
/// }
/// ```
///
/// Weights for `n < TABLE_LEN` are computed by const evaluation while the
/// pallet compiles, so weighing a call at runtime is one array read.
#[macro_export]
macro_rules! weight_info {
    ($( $(#[doc = $doc:literal])* $name:ident: $model:expr; )*) => {
        /// Weights of this pallet's calls.
        pub struct WeightInfo;

        #[allow(dead_code)]
        impl WeightInfo {
            $(
                $(#[doc = $doc])*
                pub fn $name(n: u32) -> $crate::Weight {
                    const MODEL: $crate::weights::CostModel = $model;
                    static TABLE: [$crate::Weight; $crate::weights::TABLE_LEN] = $crate::weights::weight_table(MODEL);
                    match TABLE.get(n as usize) {
                        Some(weight) => *weight,
                        None => MODEL.weight(n),
                    }
                }
            )*
        }
    };
}
