//! `sessionkit proxy resolve`.

use std::path::Path;

use sessionkit::{PacFailureMode, PartitionOptions, ProxyConfig, ProxyOptions};
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

    // The same defaulting as Electron's setProxy: fixed_servers unless a
    // mode is given, and empty rules mean direct. --pac is pac_script.
    let (config, warnings) = match &args.pac {
        Some(pac) => (ProxyConfig::pac_script(pac_url(pac)?), Vec::new()),
        None => ProxyConfig::from_electron(
            args.mode.as_deref(),
            None,
            args.rules.as_deref(),
            args.bypass.as_deref(),
        )
        .map_err(sessionkit::Error::from)?,
    };
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
    let mut options = ProxyOptions::new();
    if args.pac_fallback_direct {
        options = options.pac_failure(PacFailureMode::FallBackToDirect);
    }
    session.set_proxy_with(config, options);
    let proxies = match session.resolve_proxy(&url) {
        Ok(proxies) => proxies.to_pac_string(),
        // Electron's mandatory PAC: resolveProxy resolves with "".
        Err(error @ sessionkit::Error::PacResolve { .. }) => {
            if args.strict {
                return Err(Failure::failed(error).into());
            }
            output::warning(&Failure::failed(error));
            String::new()
        }
        Err(error) => return Err(error.into()),
    };
    tracing::info!(%url, %proxies, "resolved");
    output::line(&proxies)
}

/// The PAC URL for `--pac`: an existing file as an absolute `file:` URL,
/// else an `http:`, `https:`, `data:` or `file:` URL.
fn pac_url(arg: &str) -> Result<String, Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        let absolute = std::path::absolute(path)
            .map_err(|e| Failure::bad_input(format!("--pac {arg:?}: {e}")))?;
        return Url::from_file_path(&absolute).map(String::from).map_err(|()| {
            Failure::bad_input(format!("--pac {arg:?}: cannot make a file: URL of this path"))
        });
    }
    match Url::parse(arg) {
        Ok(url) if matches!(url.scheme(), "http" | "https" | "data" | "file") => Ok(url.into()),
        _ => Err(Failure::bad_input(format!(
            "--pac {arg:?} is neither an existing file nor an http, https, data or file URL"
        ))),
    }
}
