//! Integration tests: each drives the real `ghg` binary in a temporary directory.

mod util;

mod clinical;
mod eric;
mod factors;
mod input;
mod inventory;

mod audit;
mod corpus;
mod inputs;
mod kill;
mod merge;
mod merge_split;
mod nhs;
mod report_html;
mod robust;
mod supply;
mod trajectory;
mod typed;
