//! Runtime APIs are named by the first 8 bytes of the BLAKE2b-64 hash of
//! their name, as in Substrate (`Core` = 0xdf6acb689907609b).

pub use demo_core::RuntimeVersion;

/// The 8-byte identifier of a runtime API.
pub fn api_id(name: &str) -> [u8; 8] {
    demo_hashing::blake2b::<8>(name.as_bytes())
}

/// The APIs this demo runtime implements, with their versions.
pub const APIS: &[(&str, u32)] = &[
    ("Core", 4),
    ("Metadata", 1),
    ("BlockBuilder", 5),
    ("TaggedTransactionQueue", 3),
    ("AccountNonceApi", 1),
    ("TransactionPaymentApi", 2),
];

pub fn apis() -> Vec<([u8; 8], u32)> {
    APIS.iter().map(|(name, version)| (api_id(name), *version)).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn core_api_id() {
        assert_eq!(super::api_id("Core"), [0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b]);
    }
}
