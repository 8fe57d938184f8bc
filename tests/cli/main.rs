//! Integration tests: each drives the real `ghg` binary in a temporary directory.

mod util;

mod clinical;
mod factors;
mod inventory;

mod audit;
mod corpus;
mod kill;
mod robust;
mod supply;
