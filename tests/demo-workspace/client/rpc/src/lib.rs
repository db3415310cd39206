//! JSON-RPC 2.0 for the demo node: a small JSON value type with a parser and
//! writer (no serde in this workspace), and the Substrate method names the
//! node answers, over any `Backend`.

mod json;
pub use json::{Json, ParseError};

use demo_codec::{Decode, Encode};
use demo_core::{AccountId32, Header, OpaqueExtrinsic, RuntimeVersion, H256};

/// What the RPC layer needs from the node.
pub trait Backend {
    fn runtime_version(&self) -> RuntimeVersion;
    fn best_header(&self) -> Header;
    fn block_hash(&self, number: u32) -> Option<H256>;
    fn header(&self, hash: &H256) -> Option<Header>;
    fn storage(&self, key: &[u8]) -> Option<Vec<u8>>;
    fn account_next_index(&self, who: &AccountId32) -> u32;
    fn submit_extrinsic(&mut self, xt: OpaqueExtrinsic) -> Result<H256, String>;
}

pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub fn from_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix("0x")?;
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn header_json(header: &Header) -> Json {
    Json::object([
        ("parentHash", Json::String(to_hex(header.parent_hash.as_bytes()))),
        ("number", Json::String(format!("0x{:x}", header.number))),
        ("stateRoot", Json::String(to_hex(header.state_root.as_bytes()))),
        (
            "extrinsicsRoot",
            Json::String(to_hex(header.extrinsics_root.as_bytes())),
        ),
        (
            "digest",
            Json::object([(
                "logs",
                Json::Array(
                    header
                        .digest
                        .logs
                        .iter()
                        .map(|l| Json::String(to_hex(&l.encode())))
                        .collect(),
                ),
            )]),
        ),
    ])
}

fn version_json(v: &RuntimeVersion) -> Json {
    Json::object([
        ("specName", Json::String(v.spec_name.clone())),
        ("implName", Json::String(v.impl_name.clone())),
        ("authoringVersion", Json::Number(v.authoring_version.to_string())),
        ("specVersion", Json::Number(v.spec_version.to_string())),
        ("implVersion", Json::Number(v.impl_version.to_string())),
        (
            "apis",
            Json::Array(
                v.apis
                    .iter()
                    .map(|(id, ver)| Json::Array(vec![Json::String(to_hex(id)), Json::Number(ver.to_string())]))
                    .collect(),
            ),
        ),
        ("transactionVersion", Json::Number(v.transaction_version.to_string())),
        ("systemVersion", Json::Number(v.system_version.to_string())),
    ])
}

#[derive(Debug)]
struct RpcError {
    code: i32,
    message: String,
}

impl RpcError {
    fn invalid_params(message: impl Into<String>) -> Self {
        RpcError {
            code: -32602,
            message: message.into(),
        }
    }
}

fn param_str(params: &[Json], index: usize) -> Result<&str, RpcError> {
    params
        .get(index)
        .and_then(Json::as_str)
        .ok_or_else(|| RpcError::invalid_params(format!("parameter {index} must be a string")))
}

fn param_hash(params: &[Json], index: usize) -> Result<Option<H256>, RpcError> {
    match params.get(index) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => H256::from_hex(s)
            .map(Some)
            .ok_or_else(|| RpcError::invalid_params("bad block hash")),
        _ => Err(RpcError::invalid_params("block hash must be a string")),
    }
}

fn call(backend: &mut impl Backend, method: &str, params: &[Json]) -> Result<Json, RpcError> {
    match method {
        "state_getRuntimeVersion" => Ok(version_json(&backend.runtime_version())),
        "chain_getHeader" => {
            let header = match param_hash(params, 0)? {
                Some(hash) => backend.header(&hash),
                None => Some(backend.best_header()),
            };
            Ok(header.as_ref().map_or(Json::Null, header_json))
        }
        "chain_getBlockHash" => {
            let number = match params.first() {
                None | Some(Json::Null) => backend.best_header().number,
                Some(Json::Number(n)) => n.parse().map_err(|_| RpcError::invalid_params("bad block number"))?,
                Some(_) => return Err(RpcError::invalid_params("block number must be a number")),
            };
            Ok(backend
                .block_hash(number)
                .map_or(Json::Null, |h| Json::String(to_hex(h.as_bytes()))))
        }
        "chain_getFinalizedHead" => Ok(Json::String(to_hex(backend.best_header().hash().as_bytes()))),
        "state_getStorage" => {
            let key = from_hex(param_str(params, 0)?).ok_or_else(|| RpcError::invalid_params("key must be 0x-hex"))?;
            Ok(backend.storage(&key).map_or(Json::Null, |v| Json::String(to_hex(&v))))
        }
        "system_accountNextIndex" => {
            let address = param_str(params, 0)?;
            let (who, _) = demo_core::ss58_decode(address)
                .or_else(|| AccountId32::from_hex(address).map(|a| (a, 42)))
                .ok_or_else(|| RpcError::invalid_params("not an SS58 address or 32-byte hex"))?;
            Ok(Json::Number(backend.account_next_index(&who).to_string()))
        }
        "author_submitExtrinsic" => {
            let bytes =
                from_hex(param_str(params, 0)?).ok_or_else(|| RpcError::invalid_params("extrinsic must be 0x-hex"))?;
            // The wire form is length-prefixed, like Substrate's.
            let inner = <Vec<u8>>::decode(&mut &bytes[..]).map_err(|e| RpcError::invalid_params(e.to_string()))?;
            let xt = demo_codec::decode_all::<OpaqueExtrinsic>(&inner)
                .map_err(|e| RpcError::invalid_params(e.to_string()))?;
            let hash = backend
                .submit_extrinsic(xt)
                .map_err(|message| RpcError { code: 1010, message })?;
            Ok(Json::String(to_hex(hash.as_bytes())))
        }
        "rpc_methods" => Ok(Json::object([(
            "methods",
            Json::Array(METHODS.iter().map(|m| Json::String(m.to_string())).collect()),
        )])),
        _ => Err(RpcError {
            code: -32601,
            message: format!("Method not found: {method}"),
        }),
    }
}

pub const METHODS: &[&str] = &[
    "state_getRuntimeVersion",
    "chain_getHeader",
    "chain_getBlockHash",
    "chain_getFinalizedHead",
    "state_getStorage",
    "system_accountNextIndex",
    "author_submitExtrinsic",
    "rpc_methods",
];

/// Answers one JSON-RPC request given as text.
pub fn handle(backend: &mut impl Backend, request: &str) -> String {
    let response = match Json::parse(request) {
        Err(e) => error_response(Json::Null, -32700, &format!("Parse error: {e}")),
        Ok(req) => {
            let id = req.get("id").cloned().unwrap_or(Json::Null);
            match req.get("method").and_then(Json::as_str) {
                None => error_response(id, -32600, "Invalid request: no method"),
                Some(method) => {
                    let params = match req.get("params") {
                        Some(Json::Array(items)) => items.clone(),
                        _ => Vec::new(),
                    };
                    match call(backend, method, &params) {
                        Ok(result) => {
                            Json::object([("jsonrpc", Json::String("2.0".into())), ("id", id), ("result", result)])
                        }
                        Err(e) => error_response(id, e.code, &e.message),
                    }
                }
            }
        }
    };
    response.to_string()
}

fn error_response(id: Json, code: i32, message: &str) -> Json {
    Json::object([
        ("jsonrpc", Json::String("2.0".into())),
        ("id", id),
        (
            "error",
            Json::object([
                ("code", Json::Number(code.to_string())),
                ("message", Json::String(message.into())),
            ]),
        ),
    ])
}

/// The transaction hash reported by `author_submitExtrinsic`.
pub fn extrinsic_hash(xt: &OpaqueExtrinsic) -> H256 {
    H256(demo_hashing::blake2_256(&xt.encode().encode()))
}
