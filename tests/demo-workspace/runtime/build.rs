//! Builds the demo runtime's WASM where Substrate's wasm-builder puts it:
//! `<target>/<profile>/wbuild/demo-runtime/demo_runtime.compact{,.compressed}.wasm`.
//!
//! Compiling real runtime code to wasm32 needs a target this machine may not
//! have, so the WASM is instead derived from the test chain's own genesis
//! runtime (Rococo, spec 9140), read from its chain spec. Its
//! `runtime_version` custom section is replaced by one announcing
//! `SPEC_VERSION` from `src/lib.rs`, which is what a chain checks in
//! `set_code`. The code inside is unchanged, so after an upgrade the chain
//! still executes the 9140 logic.
//!
//! Environment:
//! - `SKIP_WASM_BUILD`: set to anything but `0` or empty to build nothing.
//! - `DEMO_GENESIS_SPEC`: absolute path of the chain spec to read; default is
//!   `@substrate/connect`'s `rococo_v2_1.json` under the repository's `node_modules/`.
//!
//! Only std is used, nothing is written outside the target directory, and the
//! `zstd` command line tool does the (de)compression.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{self, Command};

/// Substrate's marker in front of a zstd-compressed runtime.
const COMPRESSED_PREFIX: [u8; 8] = [0x52, 0xBC, 0x53, 0x76, 0x46, 0xDB, 0x8E, 0x05];
/// Substrate refuses to decompress a runtime larger than this.
const MAX_WASM_SIZE: u64 = 50 * 1024 * 1024;
const WASM_HEADER: [u8; 8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];
/// The storage key `:code`, hex-encoded as in a raw chain spec.
const CODE_KEY: &str = "0x3a636f6465";
const DEFAULT_GENESIS: &str = "../../../node_modules/@substrate/connect/dist/connector/specs/rococo_v2_1.json";
const VERSION_SECTION: &str = "runtime_version";

// Rococo 9140's own values (its `Core_version` reports these), so only the
// spec version differs from the genesis runtime.
const SPEC_NAME: &str = "rococo";
const IMPL_NAME: &str = "parity-rococo-v2.0";
const AUTHORING_VERSION: u32 = 0;
const IMPL_VERSION: u32 = 0;
const TRANSACTION_VERSION: u32 = 0;
const SYSTEM_VERSION: u8 = 0;

fn main() {
    println!("cargo:rerun-if-env-changed=SKIP_WASM_BUILD");
    println!("cargo:rerun-if-env-changed=DEMO_GENESIS_SPEC");
    println!("cargo:rerun-if-changed=src/lib.rs");

    if env::var_os("SKIP_WASM_BUILD").is_some_and(|v| !v.is_empty() && v != "0") {
        println!("cargo:warning=SKIP_WASM_BUILD is set: the demo-runtime WASM was not built");
        return;
    }

    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env_var("OUT_DIR"));
    let genesis_path = genesis_spec_path(&manifest_dir);
    println!("cargo:rerun-if-changed={}", genesis_path.display());

    let spec_version = read_spec_version(&manifest_dir.join("src/lib.rs"));
    let zstd = find_zstd();
    let genesis_code = read_genesis_code(&genesis_path);
    let genesis_wasm = to_plain_wasm(&genesis_code, &genesis_path, &zstd, &out_dir);

    let mut wasm = strip_custom_section(&genesis_wasm, VERSION_SECTION).unwrap_or_else(|e| {
        fail(&format!(
            "the runtime code in {} is not valid wasm: {e}",
            genesis_path.display()
        ))
    });
    append_custom_section(&mut wasm, VERSION_SECTION, &runtime_version(spec_version));

    let compressed = compress(&wasm, &zstd, &out_dir);

    let wbuild = profile_dir(&out_dir).join("wbuild").join("demo-runtime");
    fs::create_dir_all(&wbuild).unwrap_or_else(|e| {
        fail(&format!(
            "cannot create {}: {e}; the target directory must be writable",
            wbuild.display()
        ))
    });
    let plain_path = wbuild.join("demo_runtime.compact.wasm");
    let compressed_path = wbuild.join("demo_runtime.compact.compressed.wasm");
    write_atomically(&plain_path, &wasm);
    write_atomically(&compressed_path, &compressed);
    println!("cargo:rustc-env=DEMO_RUNTIME_WASM_PATH={}", compressed_path.display());
}

/// Prints the message the way cargo shows build script output, then stops the build.
fn fail(message: &str) -> ! {
    eprintln!("error: demo-runtime build script: {message}");
    process::exit(1);
}

fn env_var(name: &str) -> String {
    env::var(name).unwrap_or_else(|_| fail(&format!("{name} is not set; run this through cargo")))
}

fn genesis_spec_path(manifest_dir: &Path) -> PathBuf {
    match env::var_os("DEMO_GENESIS_SPEC").filter(|v| !v.is_empty()) {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.is_absolute() {
                fail(&format!(
                    "DEMO_GENESIS_SPEC={} is relative; build scripts run in the package directory, so give an absolute path",
                    path.display()
                ));
            }
            path
        }
        None => manifest_dir.join(DEFAULT_GENESIS),
    }
}

/// Finds `pub const SPEC_VERSION: u32 = N;` (whitespace-insensitive).
fn read_spec_version(lib_rs: &Path) -> u32 {
    let source = fs::read_to_string(lib_rs).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", lib_rs.display())));
    const PREFIX: &str = "pubconstSPEC_VERSION:u32=";
    let values: Vec<&str> = source
        .lines()
        .filter_map(|line| {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            let start = line.find('=')?;
            compact.starts_with(PREFIX).then(|| line[start + 1..].trim())
        })
        .collect();
    let [value] = values.as_slice() else {
        fail(&format!(
            "{} must contain exactly one line `pub const SPEC_VERSION: u32 = <number>;` (found {})",
            lib_rs.display(),
            values.len()
        ));
    };
    let digits = value.strip_suffix(';').unwrap_or(value).trim().replace('_', "");
    digits.parse().unwrap_or_else(|_| {
        fail(&format!(
            "SPEC_VERSION in {} is `{value}`, which is not a u32 literal followed by `;`",
            lib_rs.display()
        ))
    })
}

/// The `zstd` command: /usr/bin/zstd, else the first one on PATH.
fn find_zstd() -> PathBuf {
    let standard = PathBuf::from("/usr/bin/zstd");
    if standard.is_file() {
        return standard;
    }
    env::var_os("PATH")
        .iter()
        .flat_map(env::split_paths)
        .map(|dir| dir.join("zstd"))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            fail("the `zstd` command was not found in /usr/bin or PATH; install it (Debian: apt-get install zstd)")
        })
}

/// Takes `genesis.raw.top[":code"]` out of a raw chain spec and hex-decodes it.
/// The spec is several megabytes of JSON; rather than parse all of it, this
/// finds the key inside the `raw` -> `top` object and reads the string after it.
fn read_genesis_code(path: &Path) -> Vec<u8> {
    let spec = fs::read_to_string(path).unwrap_or_else(|e| {
        fail(&format!(
            "cannot read the genesis chain spec {}: {e}. Run `npm install` in the repository root \
             (it provides @substrate/connect), or point DEMO_GENESIS_SPEC at a raw chain spec",
            path.display()
        ))
    });
    let not_found = |what: &str| -> ! {
        fail(&format!(
            "{} has no {what}; it must be a raw chain spec with genesis.raw.top[\"{CODE_KEY}\"] (the :code key)",
            path.display()
        ))
    };
    let raw = spec.find("\"raw\"").unwrap_or_else(|| not_found("\"raw\" genesis"));
    let top = raw
        + spec[raw..]
            .find("\"top\"")
            .unwrap_or_else(|| not_found("\"top\" storage"));
    let quoted_key = format!("\"{CODE_KEY}\"");
    let key = top
        + spec[top..]
            .find(&quoted_key)
            .unwrap_or_else(|| not_found(":code entry"));

    // After the key: optional whitespace, a colon, optional whitespace, a string.
    let rest = spec[key + quoted_key.len()..].trim_start();
    let rest = rest
        .strip_prefix(':')
        .unwrap_or_else(|| not_found("`:` after the :code key"))
        .trim_start();
    let rest = rest
        .strip_prefix('"')
        .unwrap_or_else(|| not_found("string value for the :code key"));
    let end = rest.find('"').unwrap_or_else(|| not_found("end of the :code value"));
    let hex = rest[..end]
        .strip_prefix("0x")
        .unwrap_or_else(|| not_found("0x-prefixed :code value"));
    decode_hex(hex).unwrap_or_else(|e| fail(&format!("the :code value in {} is not valid hex: {e}", path.display())))
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    if !hex.len().is_multiple_of(2) {
        return Err(format!("odd number of digits ({})", hex.len()));
    }
    let digit = |c: u8| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!("unexpected character {:?}", c as char)),
        }
    };
    hex.as_bytes()
        .chunks_exact(2)
        .map(|pair| Ok(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// Decompresses Substrate's compressed form if present, and checks the result is wasm.
fn to_plain_wasm(code: &[u8], source: &Path, zstd: &Path, out_dir: &Path) -> Vec<u8> {
    let wasm = match code.strip_prefix(&COMPRESSED_PREFIX[..]) {
        Some(frame) => {
            let input = out_dir.join("genesis.wasm.zst");
            let output = out_dir.join("genesis.wasm");
            write_file(&input, frame);
            run_zstd(zstd, &["-d", "-q", "-f", "-o"], &output, &input);
            let size = fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
            if size > MAX_WASM_SIZE {
                fail(&format!(
                    "the runtime in {} decompresses to {size} bytes, over the 50 MiB limit",
                    source.display()
                ));
            }
            fs::read(&output).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", output.display())))
        }
        None => code.to_vec(),
    };
    if !wasm.starts_with(&WASM_HEADER) {
        fail(&format!(
            "the :code in {} is not a wasm module (no \\0asm version 1 header)",
            source.display()
        ));
    }
    wasm
}

/// Runs `zstd <args> <output> <input>` and fails the build if it does not succeed.
fn run_zstd(zstd: &Path, args: &[&str], output: &Path, input: &Path) {
    let result = Command::new(zstd)
        .args(args)
        .arg(output)
        .arg(input)
        .output()
        .unwrap_or_else(|e| fail(&format!("cannot run {}: {e}", zstd.display())));
    if !result.status.success() {
        fail(&format!(
            "{} {} failed ({}): {}",
            zstd.display(),
            args.join(" "),
            result.status,
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
}

/// `COMPRESSED_PREFIX` followed by one zstd frame (level 3) of `wasm`,
/// checked by decompressing it again.
fn compress(wasm: &[u8], zstd: &Path, out_dir: &Path) -> Vec<u8> {
    let plain = out_dir.join("runtime.wasm");
    let frame_path = out_dir.join("runtime.wasm.zst");
    let check = out_dir.join("runtime.check.wasm");
    write_file(&plain, wasm);
    run_zstd(zstd, &["-3", "-q", "-f", "-o"], &frame_path, &plain);
    run_zstd(zstd, &["-d", "-q", "-f", "-o"], &check, &frame_path);
    if fs::read(&check).ok().as_deref() != Some(wasm) {
        fail("zstd round trip of the runtime did not reproduce it; the zstd installation looks broken");
    }
    let frame = fs::read(&frame_path).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", frame_path.display())));
    let mut out = COMPRESSED_PREFIX.to_vec();
    out.extend_from_slice(&frame);
    out
}

/// Reads an unsigned LEB128 u32 at `*pos`, advancing it.
fn read_leb_u32(bytes: &[u8], pos: &mut usize) -> Result<u32, String> {
    let mut value: u32 = 0;
    for i in 0..5 {
        let byte = *bytes
            .get(*pos)
            .ok_or_else(|| format!("truncated LEB128 at offset {}", *pos))?;
        *pos += 1;
        // The fifth byte may only carry the top 4 bits of a u32.
        if i == 4 && byte & 0xF0 != 0 {
            return Err(format!("LEB128 overflows u32 at offset {}", *pos - 1));
        }
        value |= u32::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    unreachable!("the fifth byte either ends the number or fails the check above")
}

fn write_leb_u32(mut value: u32, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Copies the module, leaving out every custom section called `name`.
fn strip_custom_section(wasm: &[u8], name: &str) -> Result<Vec<u8>, String> {
    if !wasm.starts_with(&WASM_HEADER) {
        return Err("missing \\0asm version 1 header".into());
    }
    let mut out = WASM_HEADER.to_vec();
    let mut pos = WASM_HEADER.len();
    while pos < wasm.len() {
        let start = pos;
        let id = wasm[pos];
        pos += 1;
        let size = read_leb_u32(wasm, &mut pos)? as usize;
        let end = pos
            .checked_add(size)
            .filter(|&end| end <= wasm.len())
            .ok_or_else(|| format!("section {id} at offset {start} runs past the end"))?;
        if id == 0 {
            let mut name_pos = pos;
            let name_len = read_leb_u32(wasm, &mut name_pos)? as usize;
            let section_name = wasm
                .get(name_pos..name_pos + name_len)
                .filter(|_| name_pos + name_len <= end)
                .ok_or_else(|| format!("custom section name at offset {start} runs past its section"))?;
            if section_name == name.as_bytes() {
                pos = end;
                continue;
            }
        }
        out.extend_from_slice(&wasm[start..end]);
        pos = end;
    }
    Ok(out)
}

fn append_custom_section(wasm: &mut Vec<u8>, name: &str, payload: &[u8]) {
    let mut body = Vec::with_capacity(name.len() + payload.len() + 5);
    write_leb_u32(name.len() as u32, &mut body);
    body.extend_from_slice(name.as_bytes());
    body.extend_from_slice(payload);
    wasm.push(0);
    write_leb_u32(body.len() as u32, wasm);
    wasm.extend_from_slice(&body);
}

/// SCALE compact length prefix (only the one- and two-byte forms are needed).
fn compact_len(len: usize, out: &mut Vec<u8>) {
    match len {
        0..=0x3F => out.push((len as u8) << 2),
        0x40..=0x3FFF => out.extend_from_slice(&(((len as u16) << 2) | 0b01).to_le_bytes()),
        _ => fail("runtime_version string too long"),
    }
}

fn scale_str(s: &str, out: &mut Vec<u8>) {
    compact_len(s.len(), out);
    out.extend_from_slice(s.as_bytes());
}

/// SCALE encoding of Substrate's `RuntimeVersion`.
fn runtime_version(spec_version: u32) -> Vec<u8> {
    let mut out = Vec::new();
    scale_str(SPEC_NAME, &mut out);
    scale_str(IMPL_NAME, &mut out);
    out.extend_from_slice(&AUTHORING_VERSION.to_le_bytes());
    out.extend_from_slice(&spec_version.to_le_bytes());
    out.extend_from_slice(&IMPL_VERSION.to_le_bytes());
    compact_len(0, &mut out); // apis: empty; nodes read them from the `runtime_apis` section
    out.extend_from_slice(&TRANSACTION_VERSION.to_le_bytes());
    out.push(SYSTEM_VERSION);
    out
}

/// `<target>/<profile>` from `<target>/<profile>/build/demo-runtime-<hash>/out`.
fn profile_dir(out_dir: &Path) -> PathBuf {
    let build_dir = out_dir.parent().and_then(Path::parent);
    match build_dir {
        Some(build) if out_dir.ends_with("out") && build.file_name().is_some_and(|n| n == "build") => {
            build.parent().expect("a build directory has a parent").to_path_buf()
        }
        _ => fail(&format!(
            "OUT_DIR={} does not look like <target>/<profile>/build/<package>-<hash>/out",
            out_dir.display()
        )),
    }
}

fn write_file(path: &Path, bytes: &[u8]) {
    fs::write(path, bytes).unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", path.display())));
}

/// Writes to a temporary file next to `path`, then renames it, so a reader
/// never sees a half-written runtime.
fn write_atomically(path: &Path, bytes: &[u8]) {
    let file_name = path
        .file_name()
        .expect("output paths have a file name")
        .to_string_lossy();
    let temp = path.with_file_name(format!(".{file_name}.tmp-{}", process::id()));
    write_file(&temp, bytes);
    if let Err(e) = fs::rename(&temp, path) {
        let _ = fs::remove_file(&temp);
        fail(&format!("cannot move {} to {}: {e}", temp.display(), path.display()));
    }
}
