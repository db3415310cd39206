//! Proxy: an account lets delegates dispatch certain kinds of calls for it.

use demo_support::dispatch::dispatch_encoded;
use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Proxy";
pub const DEPOSIT_BASE: Balance = 1_000_000_000_000;
pub const DEPOSIT_FACTOR: Balance = 200_000_000_000;
pub const MAX_PROXIES: usize = 32;

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProxyType {
    #[default]
    Any,
    NonTransfer,
    Governance,
    Staking,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProxyDefinition {
    pub delegate: AccountId32,
    pub proxy_type: ProxyType,
    pub delay: BlockNumber,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Proxies {
    pub definitions: Vec<ProxyDefinition>,
    pub deposit: Balance,
}

decl_storage! { NAME;
    pub ProxiesOf: map Twox64Concat AccountId32 => Proxies;
}

decl_event! { NAME;
    pub enum Event {
        ProxyExecuted { ok: bool },
        ProxyAdded { delegator: AccountId32, delegatee: AccountId32, proxy_type: ProxyType, delay: BlockNumber },
        ProxyRemoved { delegator: AccountId32, delegatee: AccountId32, proxy_type: ProxyType, delay: BlockNumber },
        PureCreated { pure: AccountId32, who: AccountId32, proxy_type: ProxyType, disambiguation_index: u16 },
    }
}

decl_error! { NAME;
    pub enum Error {
        TooMany,
        NotFound,
        NotProxy,
        Duplicate,
        NoSelfProxy,
        Unannounced,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::proxy(call.len() as u32)]
    fn proxy(real: AccountId32, force_proxy_type: Option<ProxyType>, call: Vec<u8>);
    #[weight = WeightInfo::add_proxy(0)]
    fn add_proxy(delegate: AccountId32, proxy_type: ProxyType, delay: BlockNumber);
    #[weight = WeightInfo::remove_proxy(0)]
    fn remove_proxy(delegate: AccountId32, proxy_type: ProxyType, delay: BlockNumber);
    #[weight = WeightInfo::remove_proxies(0)]
    fn remove_proxies();
    #[weight = WeightInfo::create_pure(0)]
    fn create_pure(proxy_type: ProxyType, delay: BlockNumber, index: u16);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    fn deposit_for(count: usize) -> Balance {
        if count == 0 {
            0
        } else {
            DEPOSIT_BASE + DEPOSIT_FACTOR * count as Balance
        }
    }

    /// Whether a proxy of `proxy_type` may make the call whose pallet index is `pallet`.
    /// Pallet positions follow the demo runtime's `construct_runtime!` order.
    pub fn filter(proxy_type: ProxyType, call: &[u8]) -> bool {
        const BALANCES: u8 = 2;
        const STAKING: u8 = 8;
        const GOVERNANCE: [u8; 4] = [9, 10, 17, 18];
        let Some(&pallet) = call.first() else { return false };
        match proxy_type {
            ProxyType::Any => true,
            ProxyType::NonTransfer => pallet != BALANCES,
            ProxyType::Governance => GOVERNANCE.contains(&pallet),
            ProxyType::Staking => pallet == STAKING,
        }
    }

    pub fn proxy(
        origin: Origin,
        real: AccountId32,
        force_proxy_type: Option<ProxyType>,
        call: Vec<u8>,
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let definition = ProxiesOf::get(&real)
            .definitions
            .into_iter()
            .find(|d| d.delegate == who && force_proxy_type.is_none_or(|t| t == d.proxy_type))
            .ok_or(Error::NotProxy)?;
        ensure!(definition.delay == 0, Error::Unannounced);
        ensure!(
            Self::filter(definition.proxy_type, &call),
            DispatchError::Other("call filtered by proxy type")
        );
        let ok = dispatch_encoded(&call, Origin::Signed(real)).is_ok();
        Event::ProxyExecuted { ok }.deposit();
        Ok(())
    }

    pub fn add_proxy(
        origin: Origin,
        delegate: AccountId32,
        proxy_type: ProxyType,
        delay: BlockNumber,
    ) -> DispatchResult {
        let delegator = ensure_signed(origin)?;
        ensure!(delegator != delegate, Error::NoSelfProxy);
        ProxiesOf::try_mutate(&delegator, |proxies| {
            let definition = ProxyDefinition {
                delegate,
                proxy_type,
                delay,
            };
            let position = match proxies.definitions.binary_search(&definition) {
                Ok(_) => return Err(DispatchError::from(Error::Duplicate)),
                Err(position) => position,
            };
            ensure!(proxies.definitions.len() < MAX_PROXIES, Error::TooMany);
            proxies.definitions.insert(position, definition);
            let new_deposit = Self::deposit_for(proxies.definitions.len());
            Balances::reserve(&delegator, new_deposit - proxies.deposit)?;
            proxies.deposit = new_deposit;
            Ok(())
        })?;
        Event::ProxyAdded {
            delegator,
            delegatee: delegate,
            proxy_type,
            delay,
        }
        .deposit();
        Ok(())
    }

    pub fn remove_proxy(
        origin: Origin,
        delegate: AccountId32,
        proxy_type: ProxyType,
        delay: BlockNumber,
    ) -> DispatchResult {
        let delegator = ensure_signed(origin)?;
        ProxiesOf::try_mutate(&delegator, |proxies| {
            let definition = ProxyDefinition {
                delegate,
                proxy_type,
                delay,
            };
            let position = proxies
                .definitions
                .binary_search(&definition)
                .map_err(|_| Error::NotFound)?;
            proxies.definitions.remove(position);
            let new_deposit = Self::deposit_for(proxies.definitions.len());
            Balances::unreserve(&delegator, proxies.deposit - new_deposit);
            proxies.deposit = new_deposit;
            Ok::<_, DispatchError>(())
        })?;
        Event::ProxyRemoved {
            delegator,
            delegatee: delegate,
            proxy_type,
            delay,
        }
        .deposit();
        Ok(())
    }

    pub fn remove_proxies(origin: Origin) -> DispatchResult {
        let delegator = ensure_signed(origin)?;
        let proxies = ProxiesOf::take(&delegator);
        Balances::unreserve(&delegator, proxies.deposit);
        Ok(())
    }

    /// Creates a keyless account controlled only through the caller's proxy.
    pub fn create_pure(origin: Origin, proxy_type: ProxyType, delay: BlockNumber, index: u16) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let pure = Self::pure_account(&who, proxy_type, index);
        ensure!(ProxiesOf::get(&pure).definitions.is_empty(), Error::Duplicate);
        let deposit = Self::deposit_for(1);
        Balances::reserve(&who, deposit)?;
        ProxiesOf::insert(
            &pure,
            &Proxies {
                definitions: vec![ProxyDefinition {
                    delegate: who,
                    proxy_type,
                    delay,
                }],
                deposit,
            },
        );
        Event::PureCreated {
            pure,
            who,
            proxy_type,
            disambiguation_index: index,
        }
        .deposit();
        Ok(())
    }

    pub fn pure_account(who: &AccountId32, proxy_type: ProxyType, index: u16) -> AccountId32 {
        let mut data = b"modlpy/proxy____".to_vec();
        who.encode_to(&mut data);
        proxy_type.encode_to(&mut data);
        index.encode_to(&mut data);
        demo_system::Pallet::block_number().encode_to(&mut data);
        AccountId32(demo_hashing::blake2_256(&data))
    }
}
