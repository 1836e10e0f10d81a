//! WIP
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod call;
mod clock;
mod data_url;
mod decode;
mod dns;
mod engine;
mod environment;
mod error;
mod fetch;
mod helpers;
mod resolver;
mod sandbox;
mod worker;

pub use call::script_arguments;
pub use clock::{Clock, FixedClock, SystemClock};
pub use decode::decode_script;
pub use dns::{HostResolver, StaticResolver, SystemResolver};
pub use engine::PacEngine;
pub use environment::{AlertHook, PacEnvironment};
pub use error::{FetchError, PacError};
pub use fetch::{BuiltinFetcher, PacFetcher, PacResponse};
pub use resolver::{FailureMode, PacOptions, PacResolver};
pub use sandbox::{Limits, MAX_SCRIPT_LEN};
