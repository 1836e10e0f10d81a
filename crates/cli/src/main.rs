//! The `sessionkit` command line: resolve proxies, keep cookies, fetch
//! through a session or serve it as a proxy, and manage the partitions of
//! sessionkit sessions (Electron's `session` module in Rust).
//!
//! Run `sessionkit --help` for the commands. Exit status: 0 success, 1 the
//! operation failed, 2 bad input or usage; every error is one `error: …`
//! line on stderr.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod args;
mod commands;
mod failure;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, PartitionsCommand, ProxyCommand};
use crate::output::WriteError;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0, usage errors to
            // stderr with status 2; a closed stream is nothing to report.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    init_logging(cli.global.verbose);

    let result = match &cli.command {
        Command::Proxy(ProxyCommand::Resolve(args)) => commands::proxy::resolve(&cli.global, args),
        Command::Partitions(PartitionsCommand::List) => {
            commands::partitions::list(&cli.global, cli.global.json)
        }
        Command::Partitions(PartitionsCommand::Delete { name }) => {
            commands::partitions::delete(&cli.global, name)
        }
        Command::Cookies(command) => commands::cookies::run(&cli.global, command),
        Command::Spell(command) => commands::spell::run(&cli.global, command),
        Command::Get(args) => commands::get::run(&cli.global, args),
        Command::ServeProxy(args) => commands::serve_proxy::run(&cli.global, args),
        Command::Cache(command) => commands::cache::run(&cli.global, command),
        Command::Download(args) => commands::download::run(&cli.global, args),
        Command::Downloads(command) => commands::downloads::run(&cli.global, command),
    };
    match result {
        Ok(()) | Err(WriteError::Closed) => ExitCode::SUCCESS,
        Err(WriteError::Failed(failure)) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {failure}");
            failure.exit_code()
        }
    }
}

/// Logs go to stderr only when asked for, so stdout stays the bare result
/// and stderr holds nothing but warnings and errors by default.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(level))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
