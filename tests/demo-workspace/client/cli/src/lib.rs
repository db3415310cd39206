//! The demo node's command line. Kept apart from the binary so it can be tested.

use demo_core::AccountId32;
use demo_rpc::Json;
use demo_runtime::{GenesisConfig, RuntimeCall};
use demo_service::DevChain;
use std::io::Write;

/// The binary's identity, as printed by `--version`.
pub struct Identity {
    pub name: &'static str,
    pub version: &'static str,
}

fn usage(id: &Identity) -> String {
    format!(
        "{name} {version}: a demo node running the demo runtime natively

Usage: {name} [COMMAND]

Commands:
  dev [--blocks N]    produce N blocks (default 3) of a development chain with a transfer in each
  runtime-version     print the runtime version as JSON
  wasm-path           print where the build wrote the runtime WASM
  rpc REQUEST         answer one JSON-RPC request on a fresh development chain
  call-names          list every dispatchable call

Options:
  -V, --version       print the version and exit
  -h, --help          print this help and exit",
        name = id.name,
        version = id.version
    )
}

/// Runs the command line; returns the process exit code.
pub fn run(id: &Identity, args: &[String], out: &mut impl Write) -> i32 {
    let result = match args.first().map(String::as_str) {
        Some("-V" | "--version") => writeln!(out, "{} {}", id.name, id.version).map(|_| 0),
        Some("-h" | "--help") | None => writeln!(out, "{}", usage(id)).map(|_| 0),
        Some("dev") => match parse_blocks(&args[1..]) {
            Ok(blocks) => dev(blocks, out),
            Err(message) => return fail(id, &message),
        },
        Some("runtime-version") => {
            let mut chain = DevChain::new(&GenesisConfig::dev());
            let response = demo_rpc::handle(
                &mut chain,
                r#"{"jsonrpc":"2.0","id":1,"method":"state_getRuntimeVersion"}"#,
            );
            let result = Json::parse(&response)
                .ok()
                .and_then(|r| r.get("result").cloned())
                .unwrap_or(Json::Null);
            writeln!(out, "{result}").map(|_| 0)
        }
        Some("wasm-path") => match demo_runtime::WASM_BINARY_PATH {
            Some(path) => writeln!(out, "{path}").map(|_| 0),
            None => return fail(id, "the runtime WASM was not built (SKIP_WASM_BUILD was set)"),
        },
        Some("rpc") => match args.get(1) {
            Some(request) => {
                let mut chain = DevChain::new(&GenesisConfig::dev());
                writeln!(out, "{}", demo_rpc::handle(&mut chain, request)).map(|_| 0)
            }
            None => return fail(id, "rpc needs a JSON-RPC request as its argument"),
        },
        Some("call-names") => {
            demo_runtime::init();
            let names = demo_runtime::AllPallets::call_names();
            names.iter().try_for_each(|n| writeln!(out, "{n}")).map(|_| 0)
        }
        Some(other) => return fail(id, &format!("unknown command `{other}`; see --help")),
    };
    result.unwrap_or_else(|e| {
        eprintln!("{}: cannot write output: {e}", id.name);
        1
    })
}

fn fail(id: &Identity, message: &str) -> i32 {
    eprintln!("{}: {message}", id.name);
    2
}

fn parse_blocks(args: &[String]) -> Result<u32, String> {
    match args {
        [] => Ok(3),
        [flag, n] if flag == "--blocks" => n.parse().map_err(|_| format!("--blocks needs a number, got `{n}`")),
        _ => Err("usage: dev [--blocks N]".into()),
    }
}

fn dev(blocks: u32, out: &mut impl Write) -> std::io::Result<i32> {
    let mut chain = DevChain::new(&GenesisConfig::dev());
    let alice = AccountId32::dev("Alice");
    let bob = AccountId32::dev("Bob");
    let genesis = chain.best().header.hash();
    writeln!(out, "genesis {genesis:?}")?;
    for i in 0..blocks {
        let call = RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
            dest: bob,
            value: demo_codec::Compact(1_000_000_000_000 * u128::from(i + 1)),
        });
        let xt = chain.signed(&alice, &call, 0);
        chain.submit(xt);
        let produced = chain.produce_block();
        writeln!(
            out,
            "block #{} {:?}: {} extrinsics ({} rejected), {} events",
            produced.number, produced.hash, produced.included, produced.rejected, produced.events
        )?;
    }
    writeln!(
        out,
        "Bob ({}) has {}",
        demo_core::ss58_encode(&bob, 42),
        demo_runtime::api::free_balance(&bob)
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_to_string(args: &[&str]) -> (i32, String) {
        let id = Identity {
            name: "demo-node",
            version: "0.1.0",
        };
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        let code = run(&id, &args, &mut out);
        (code, String::from_utf8(out).unwrap())
    }

    #[test]
    fn version_and_dev() {
        assert_eq!(run_to_string(&["--version"]), (0, "demo-node 0.1.0\n".into()));
        let (code, text) = run_to_string(&["dev", "--blocks", "2"]);
        assert_eq!(code, 0);
        assert!(text.contains("block #2"), "{text}");
        let (code, text) = run_to_string(&["runtime-version"]);
        assert_eq!(code, 0);
        assert!(text.contains(r#""specVersion":9141"#), "{text}");
    }
}
