//! The `ghg` command: parse the arguments, run, and turn the outcome into an exit code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    ghg::cli::run(ghg::cli::Cli::parse())
}
