//! One module per subcommand; each parses its input, calls the libraries and
//! prints.

pub(crate) mod cache;
pub(crate) mod cookies;
pub(crate) mod download;
pub(crate) mod download_progress;
pub(crate) mod download_wait;
pub(crate) mod downloads;
pub(crate) mod get;
pub(crate) mod get_output;
pub(crate) mod net;
pub(crate) mod partitions;
pub(crate) mod proxy;
pub(crate) mod serve_proxy;
pub(crate) mod signals;
pub(crate) mod spell;

use sessionkit::{Error, Sessions};

use crate::args::GlobalArgs;
use crate::failure::Failure;

/// The registry for the data directory chosen on the command line (clap has
/// already folded `SESSIONKIT_DATA_DIR` into `--data-dir`).
pub(crate) fn sessions(global: &GlobalArgs) -> Result<Sessions, Failure> {
    let dir = match &global.data_dir {
        Some(dir) if !dir.as_os_str().is_empty() => dir.clone(),
        _ => sessionkit::platform_data_dir().ok_or(Error::NoDataDir)?,
    };
    tracing::debug!(data_dir = %dir.display(), "using data directory");
    Ok(Sessions::new(dir)?)
}
