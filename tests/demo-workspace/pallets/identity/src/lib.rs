//! Identity: accounts publish identity fields against a deposit; registrars
//! give judgements on them.

use demo_support::prelude::*;
use demo_support::{decl_calls, decl_error, decl_event, decl_storage, Compact};
use pallet_balances::Pallet as Balances;

mod weights;
pub use weights::WeightInfo;

pub const NAME: &str = "Identity";
pub const BASIC_DEPOSIT: Balance = 10_000_000_000_000;
pub const BYTE_DEPOSIT: Balance = 10_000_000;
pub const MAX_REGISTRARS: usize = 20;
pub const MAX_FIELD: usize = 32;

/// A field value: nothing, raw bytes (at most 32) or a hash of a longer value.
#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub enum Data {
    #[default]
    None,
    Raw(Vec<u8>),
    BlakeTwo256([u8; 32]),
    Sha256([u8; 32]),
}

impl Data {
    fn len(&self) -> usize {
        match self {
            Data::None => 0,
            Data::Raw(bytes) => bytes.len(),
            Data::BlakeTwo256(_) | Data::Sha256(_) => 32,
        }
    }

    fn is_valid(&self) -> bool {
        !matches!(self, Data::Raw(bytes) if bytes.len() > MAX_FIELD)
    }
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct IdentityInfo {
    pub display: Data,
    pub legal: Data,
    pub web: Data,
    pub email: Data,
    pub twitter: Data,
}

impl IdentityInfo {
    fn fields(&self) -> [&Data; 5] {
        [&self.display, &self.legal, &self.web, &self.email, &self.twitter]
    }
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Judgement {
    #[default]
    Unknown,
    FeePaid(Balance),
    Reasonable,
    KnownGood,
    OutOfDate,
    LowQuality,
    Erroneous,
}

#[derive(Codec, Clone, Debug, Default, PartialEq, Eq)]
pub struct Registration {
    pub judgements: Vec<(u32, Judgement)>,
    pub deposit: Balance,
    pub info: IdentityInfo,
}

#[derive(Codec, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegistrarInfo {
    pub account: AccountId32,
    pub fee: Balance,
}

decl_storage! { NAME;
    pub IdentityOf: map Twox64Concat AccountId32 => Option<Registration>;
    pub Registrars: value Vec<RegistrarInfo>;
}

decl_event! { NAME;
    pub enum Event {
        IdentitySet { who: AccountId32 },
        IdentityCleared { who: AccountId32, deposit: Balance },
        JudgementRequested { who: AccountId32, registrar_index: u32 },
        JudgementGiven { target: AccountId32, registrar_index: u32 },
        RegistrarAdded { registrar_index: u32 },
    }
}

decl_error! { NAME;
    pub enum Error {
        TooManyRegistrars,
        NoIdentity,
        FieldTooLong,
        EmptyIndex,
        FeeChanged,
        StickyJudgement,
        InvalidJudgement,
        InvalidIndex,
    }
}

decl_calls! { Pallet;
    #[weight = WeightInfo::add_registrar(0)]
    fn add_registrar(account: AccountId32);
    #[weight = WeightInfo::set_identity(0)]
    fn set_identity(info: IdentityInfo);
    #[weight = WeightInfo::clear_identity(0)]
    fn clear_identity();
    #[weight = WeightInfo::request_judgement(0)]
    fn request_judgement(reg_index: u32, max_fee: Compact<Balance>);
    #[weight = WeightInfo::set_fee(0)]
    fn set_fee(index: u32, fee: Compact<Balance>);
    #[weight = WeightInfo::provide_judgement(0)]
    fn provide_judgement(reg_index: u32, target: AccountId32, judgement: Judgement, identity: [u8; 32]);
}

pub struct Pallet;

impl PalletInfo for Pallet {
    const NAME: &'static str = NAME;
}

impl Hooks for Pallet {}

impl Pallet {
    pub fn add_registrar(origin: Origin, account: AccountId32) -> DispatchResult {
        ensure_root(origin)?;
        let index = Registrars::try_mutate(|registrars| {
            ensure!(registrars.len() < MAX_REGISTRARS, Error::TooManyRegistrars);
            registrars.push(RegistrarInfo { account, fee: 0 });
            Ok::<_, DispatchError>(registrars.len() as u32 - 1)
        })?;
        Event::RegistrarAdded { registrar_index: index }.deposit();
        Ok(())
    }

    fn deposit_for(info: &IdentityInfo) -> Balance {
        let bytes: usize = info.fields().iter().map(|f| f.len()).sum();
        BASIC_DEPOSIT + BYTE_DEPOSIT * bytes as Balance
    }

    /// Setting new information drops judgements, except paid-for pending ones.
    pub fn set_identity(origin: Origin, info: IdentityInfo) -> DispatchResult {
        let who = ensure_signed(origin)?;
        ensure!(info.fields().iter().all(|f| f.is_valid()), Error::FieldTooLong);
        let mut registration = IdentityOf::get(&who).unwrap_or_default();
        registration
            .judgements
            .retain(|(_, j)| matches!(j, Judgement::FeePaid(_)));
        let new_deposit = Self::deposit_for(&info);
        if new_deposit > registration.deposit {
            Balances::reserve(&who, new_deposit - registration.deposit)?;
        } else {
            Balances::unreserve(&who, registration.deposit - new_deposit);
        }
        registration.deposit = new_deposit;
        registration.info = info;
        IdentityOf::insert(&who, &Some(registration));
        Event::IdentitySet { who }.deposit();
        Ok(())
    }

    pub fn clear_identity(origin: Origin) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let registration = IdentityOf::take(&who).ok_or(Error::NoIdentity)?;
        let fees: Balance = registration
            .judgements
            .iter()
            .map(|(_, j)| if let Judgement::FeePaid(fee) = j { *fee } else { 0 })
            .sum();
        let deposit = registration.deposit + fees;
        Balances::unreserve(&who, deposit);
        Event::IdentityCleared { who, deposit }.deposit();
        Ok(())
    }

    pub fn request_judgement(origin: Origin, reg_index: u32, max_fee: Compact<Balance>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let registrar = *Registrars::get().get(reg_index as usize).ok_or(Error::EmptyIndex)?;
        ensure!(registrar.fee <= max_fee.0, Error::FeeChanged);
        let mut registration = IdentityOf::get(&who).ok_or(Error::NoIdentity)?;
        let judgement = Judgement::FeePaid(registrar.fee);
        match registration.judgements.binary_search_by_key(&reg_index, |(i, _)| *i) {
            Ok(position) => {
                ensure!(
                    !matches!(
                        registration.judgements[position].1,
                        Judgement::KnownGood | Judgement::Reasonable
                    ),
                    Error::StickyJudgement
                );
                registration.judgements[position].1 = judgement;
            }
            Err(position) => registration.judgements.insert(position, (reg_index, judgement)),
        }
        Balances::reserve(&who, registrar.fee)?;
        IdentityOf::insert(&who, &Some(registration));
        Event::JudgementRequested {
            who,
            registrar_index: reg_index,
        }
        .deposit();
        Ok(())
    }

    pub fn set_fee(origin: Origin, index: u32, fee: Compact<Balance>) -> DispatchResult {
        let who = ensure_signed(origin)?;
        Registrars::try_mutate(|registrars| {
            let registrar = registrars.get_mut(index as usize).ok_or(Error::InvalidIndex)?;
            ensure!(registrar.account == who, Error::InvalidIndex);
            registrar.fee = fee.0;
            Ok(())
        })
    }

    /// `identity` must be the hash of the information judged, so a judgement
    /// cannot apply to information changed in the meantime.
    pub fn provide_judgement(
        origin: Origin,
        reg_index: u32,
        target: AccountId32,
        judgement: Judgement,
        identity: [u8; 32],
    ) -> DispatchResult {
        let who = ensure_signed(origin)?;
        let registrar = *Registrars::get().get(reg_index as usize).ok_or(Error::InvalidIndex)?;
        ensure!(registrar.account == who, Error::InvalidIndex);
        ensure!(!matches!(judgement, Judgement::FeePaid(_)), Error::InvalidJudgement);
        let mut registration = IdentityOf::get(&target).ok_or(Error::InvalidIndex)?;
        ensure!(
            demo_hashing::blake2_256(&registration.info.encode()) == identity,
            Error::InvalidJudgement
        );
        match registration.judgements.binary_search_by_key(&reg_index, |(i, _)| *i) {
            Ok(position) => {
                if let Judgement::FeePaid(fee) = registration.judgements[position].1 {
                    Balances::repatriate_reserved(&target, &registrar.account, fee)?;
                }
                registration.judgements[position].1 = judgement;
            }
            Err(position) => registration.judgements.insert(position, (reg_index, judgement)),
        }
        IdentityOf::insert(&target, &Some(registration));
        Event::JudgementGiven {
            target,
            registrar_index: reg_index,
        }
        .deposit();
        Ok(())
    }
}
