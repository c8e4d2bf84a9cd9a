//! The one integration-test crate (a module per area), to keep link time down.

mod analysis;
mod cli;
mod corpus;
mod measure;
mod reliability;
