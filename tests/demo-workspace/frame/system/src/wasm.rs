//! Reads the `runtime_version` custom section of a plain wasm runtime.
//! There is no zstd inside the runtime, so compressed code counts as unreadable.

use demo_core::RuntimeVersion;

const MAGIC: &[u8; 8] = b"\0asm\x01\0\0\0";

/// Unsigned LEB128, at most 5 bytes for a u32.
fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Option<u32> {
    let mut value = 0u32;
    for i in 0..5 {
        let byte = *bytes.get(*pos)?;
        *pos += 1;
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Payloads of all custom sections named `name`.
pub fn custom_sections<'a>(code: &'a [u8], name: &str) -> Option<Vec<&'a [u8]>> {
    if !code.starts_with(MAGIC) {
        return None;
    }
    let mut found = Vec::new();
    let mut pos = MAGIC.len();
    while pos < code.len() {
        let id = code[pos];
        pos += 1;
        let size = read_leb_u32(code, &mut pos)? as usize;
        let end = pos.checked_add(size).filter(|&e| e <= code.len())?;
        if id == 0 {
            let mut inner = pos;
            let name_len = read_leb_u32(code, &mut inner)? as usize;
            let name_end = inner.checked_add(name_len).filter(|&e| e <= end)?;
            if &code[inner..name_end] == name.as_bytes() {
                found.push(&code[name_end..end]);
            }
        }
        pos = end;
    }
    Some(found)
}

pub fn read_runtime_version(code: &[u8]) -> Option<RuntimeVersion> {
    let sections = custom_sections(code, "runtime_version")?;
    let payload = sections.first()?;
    demo_codec::decode_all(payload).ok()
}
