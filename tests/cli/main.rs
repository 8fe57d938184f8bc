//! Integration tests: each drives the real `ghg` binary in a temporary directory.

mod util;

mod factors;
mod inventory;

mod audit;
mod supply;
