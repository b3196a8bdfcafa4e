//! awsprof-core: the AWS shared config and credentials files, read and written without
//! losing a byte, and understood the way the AWS SDKs understand them.
//!
//! This crate does file I/O and nothing else: no network, no command-line parsing, no
//! terminal, no process exit. It decides where a profile's credentials come from
//! ([`chain`]), and serves what needs no network (the credential [`cache`]); what must
//! be said or asked goes through the [`ui::Ui`] trait, which the executables implement.
//! Errors are typed ([`Error`]) and hold paths and values; the binary renders them.

#![warn(missing_docs)]

pub mod accesskeys;
pub mod cache;
pub mod chain;
pub mod clock;
pub mod console;
pub mod creds;
pub mod dirprofile;
pub mod doctor;
pub mod edit;
pub mod env;
pub mod error;
pub mod filetext;
pub mod keypath;
pub mod keyring;
mod masks;
pub mod model;
pub mod nesting;
pub mod parse;
pub mod settings;
pub mod shell;
pub mod sso_sync;
pub mod store;
pub mod text;
pub mod ui;
pub mod validate;

pub use error::{Error, Result};
pub use model::{Filter, ProfileKind, ProfileSet, Property, Section};
pub use parse::FileKind;
pub use store::Paths;
