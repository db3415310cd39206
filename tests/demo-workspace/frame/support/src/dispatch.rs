//! Origins, dispatch errors and the `Dispatchable` trait implemented by every `Call`.

use demo_codec::{Codec, Encode};
use demo_core::AccountId32;
use demo_weights::DispatchInfo;

/// Who is calling.
#[derive(Codec, Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Root,
    Signed(AccountId32),
    None,
}

#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithmeticError {
    Underflow,
    Overflow,
    DivisionByZero,
}

#[derive(Codec, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    FundsUnavailable,
    BelowMinimum,
    CannotCreate,
    UnknownAsset,
    Frozen,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DispatchError {
    Other(&'static str),
    CannotLookup,
    BadOrigin,
    /// A pallet's own error, identified by pallet name and error index.
    Module {
        pallet: &'static str,
        index: u8,
        name: &'static str,
    },
    Token(TokenError),
    Arithmetic(ArithmeticError),
}

/// Encoded with the pallet name as a string; this runtime does not know pallet
/// indices inside pallets.
impl Encode for DispatchError {
    fn encode_to(&self, out: &mut Vec<u8>) {
        match self {
            DispatchError::Other(message) => {
                out.push(0);
                message.encode_to(out);
            }
            DispatchError::CannotLookup => out.push(1),
            DispatchError::BadOrigin => out.push(2),
            DispatchError::Module { pallet, index, .. } => {
                out.push(3);
                pallet.encode_to(out);
                index.encode_to(out);
            }
            DispatchError::Token(e) => {
                out.push(4);
                e.encode_to(out);
            }
            DispatchError::Arithmetic(e) => {
                out.push(5);
                e.encode_to(out);
            }
        }
    }
}

impl From<ArithmeticError> for DispatchError {
    fn from(e: ArithmeticError) -> Self {
        DispatchError::Arithmetic(e)
    }
}

impl From<TokenError> for DispatchError {
    fn from(e: TokenError) -> Self {
        DispatchError::Token(e)
    }
}

impl From<&'static str> for DispatchError {
    fn from(message: &'static str) -> Self {
        DispatchError::Other(message)
    }
}

pub type DispatchResult = Result<(), DispatchError>;

pub trait Dispatchable: Sized {
    fn dispatch(self, origin: Origin) -> DispatchResult;
    fn info(&self) -> DispatchInfo;
    fn name(&self) -> &'static str;
}

pub fn ensure_signed(origin: Origin) -> Result<AccountId32, DispatchError> {
    match origin {
        Origin::Signed(who) => Ok(who),
        _ => Err(DispatchError::BadOrigin),
    }
}

pub fn ensure_root(origin: Origin) -> Result<(), DispatchError> {
    match origin {
        Origin::Root => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

pub fn ensure_none(origin: Origin) -> Result<(), DispatchError> {
    match origin {
        Origin::None => Ok(()),
        _ => Err(DispatchError::BadOrigin),
    }
}

/// Runs a dispatch in a storage transaction so a failed call leaves no writes.
pub fn dispatch_transactional<C: Dispatchable>(call: C, origin: Origin) -> DispatchResult {
    demo_io::with_transaction(|| call.dispatch(origin))
}

/// Pallets that carry other calls (sudo, utility, multisig, scheduler, ...)
/// hold them encoded, because a pallet crate cannot name the runtime's call
/// type. The runtime registers how to decode and dispatch those bytes.
pub type EncodedDispatcher = fn(call: &[u8], origin: Origin) -> DispatchResult;

static DISPATCHER: std::sync::OnceLock<EncodedDispatcher> = std::sync::OnceLock::new();

/// Called once by the runtime; later calls are ignored.
pub fn set_encoded_dispatcher(dispatcher: EncodedDispatcher) {
    let _ = DISPATCHER.set(dispatcher);
}

/// Decodes and dispatches a runtime call held as bytes.
pub fn dispatch_encoded(call: &[u8], origin: Origin) -> DispatchResult {
    let dispatcher = DISPATCHER
        .get()
        .ok_or(DispatchError::Other("no runtime call dispatcher registered"))?;
    dispatcher(call, origin)
}

/// `dispatch_encoded` in its own storage transaction.
pub fn dispatch_transactional_encoded(call: &[u8], origin: Origin) -> DispatchResult {
    demo_io::with_transaction(|| dispatch_encoded(call, origin))
}
