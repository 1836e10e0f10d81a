//! `sessionkit proxy resolve`.

use sessionkit::{PartitionOptions, ProxyConfig};
use url::Url;

use crate::args::{GlobalArgs, ResolveArgs};
use crate::commands::sessions;
use crate::failure::Failure;
use crate::output::{self, WriteError};

/// Applies the configuration to the session and prints what
/// `resolveProxy(url)` gives, as one line.
pub(crate) fn resolve(global: &GlobalArgs, args: &ResolveArgs) -> Result<(), WriteError> {
    let url = Url::parse(&args.url)
        .map_err(|e| Failure::bad_input(format!("invalid URL {:?}: {e}", args.url)))?;

    // The same defaulting as Electron's setProxy: a PAC URL implies
    // pac_script, otherwise fixed_servers, and empty rules mean direct.
    let (config, warnings) = ProxyConfig::from_electron(
        args.mode.as_deref(),
        args.pac_url.as_deref(),
        args.rules.as_deref(),
        args.bypass.as_deref(),
    )
    .map_err(sessionkit::Error::from)?;
    if args.strict {
        if let Some(first) = warnings.into_iter().next() {
            return Err(Failure::bad_input(first).into());
        }
    } else {
        for warning in &warnings {
            output::warning(warning);
        }
    }

    let session =
        sessions(global)?.from_partition(&global.partition, PartitionOptions::default())?;
    session.set_proxy(config);
    let proxies = session.resolve_proxy(&url)?;
    tracing::info!(%url, proxies = %proxies, "resolved");
    output::line(&proxies.to_pac_string())
}
