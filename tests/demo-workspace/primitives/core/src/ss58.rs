//! SS58 addresses: base58 of prefix ‖ key ‖ first two bytes of
//! blake2b-512("SS58PRE" ‖ prefix ‖ key). Only one-byte prefixes (< 64).

use crate::AccountId32;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

fn checksum(body: &[u8]) -> [u8; 2] {
    let mut state = demo_hashing::Blake2b::<64>::new();
    state.update(b"SS58PRE");
    state.update(body);
    let digest = state.finalize();
    [digest[0], digest[1]]
}

fn base58_encode(bytes: &[u8]) -> String {
    // Repeated division of a big-endian base-256 number by 58.
    let mut digits: Vec<u8> = Vec::new();
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let mut out = String::with_capacity(zeros + digits.len());
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(digits.iter().rev().map(|&d| ALPHABET[d as usize] as char));
    out
}

fn base58_decode(s: &str) -> Option<Vec<u8>> {
    let mut bytes: Vec<u8> = Vec::new();
    for ch in s.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == ch)? as u32;
        for byte in bytes.iter_mut() {
            carry += u32::from(*byte) * 58;
            *byte = carry as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.push(carry as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&b| b == b'1').count();
    bytes.extend(std::iter::repeat_n(0, zeros));
    bytes.reverse();
    Some(bytes)
}

pub fn ss58_encode(account: &AccountId32, prefix: u8) -> String {
    assert!(prefix < 64, "only one-byte SS58 prefixes are supported");
    let mut body = vec![prefix];
    body.extend_from_slice(&account.0);
    let sum = checksum(&body);
    body.extend_from_slice(&sum);
    base58_encode(&body)
}

/// Returns the account and prefix, or `None` if malformed or the checksum is wrong.
pub fn ss58_decode(address: &str) -> Option<(AccountId32, u8)> {
    let bytes = base58_decode(address)?;
    if bytes.len() != 35 || bytes[0] >= 64 {
        return None;
    }
    if checksum(&bytes[..33]) != bytes[33..] {
        return None;
    }
    Some((AccountId32(bytes[1..33].try_into().ok()?), bytes[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alice() {
        let alice = AccountId32::from_hex("d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d").unwrap();
        let address = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        assert_eq!(ss58_encode(&alice, 42), address);
        assert_eq!(ss58_decode(address), Some((alice, 42)));
    }
}
