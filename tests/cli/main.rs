//! Integration tests: each drives the real `ghg` binary in a temporary directory.

mod util;

mod clinical;
mod factors;
mod inventory;

mod audit;
mod corpus;
mod inputs;
mod kill;
mod merge;
mod robust;
