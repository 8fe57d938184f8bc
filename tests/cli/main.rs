//! Integration tests: each drives the real `ghg` binary in a temporary directory.

mod util;

mod eric;
mod factors;
mod inventory;

mod audit;
