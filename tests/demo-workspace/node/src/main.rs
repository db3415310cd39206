//! The demo node: see `demo-node --help`.

fn main() {
    let id = demo_cli::Identity {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = demo_cli::run(&id, &args, &mut std::io::stdout().lock());
    std::process::exit(code);
}
