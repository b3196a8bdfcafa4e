//! awsprof-core: the AWS shared config and credentials files, read and written without
//! losing a byte, and understood the way the AWS SDKs understand them.
//!
//! This crate does file I/O and nothing else: no network, no command-line parsing, no
//! process exit. Errors are typed ([`Error`]); the binary turns them into messages.

#![warn(missing_docs)]

pub mod accesskeys;
pub mod chain;
pub mod creds;
pub mod doctor;
pub mod edit;
pub mod env;
pub mod error;
pub mod keypath;
pub mod model;
pub mod parse;
pub mod shell;
pub mod sso_sync;
pub mod store;
pub mod validate;

pub use error::{Error, Result};
pub use model::{Filter, ProfileKind, ProfileSet, Property, Section};
pub use parse::FileKind;
pub use store::Paths;
