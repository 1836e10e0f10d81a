//! Reading criterion's own figures back, so each benchmark can print the
//! ratio criterion measured rather than a second, rougher timing.

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// Where criterion keeps its estimates: `CRITERION_HOME`, else
/// `<target>/criterion` (`CARGO_TARGET_DIR` or the workspace's `target`).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("criterion")
}

/// The median, in nanoseconds, of benchmark `group/function/parameter` from
/// the latest run; `None` when that benchmark has not run (filtered out, or
/// `--test` mode).
pub fn median_ns(group: &str, function: &str, parameter: impl Display) -> Option<f64> {
    median_ns_in(&criterion_dir(), group, function, parameter)
}

/// [`median_ns`] under an explicit criterion directory.
pub fn median_ns_in(
    dir: &Path,
    group: &str,
    function: &str,
    parameter: impl Display,
) -> Option<f64> {
    let path =
        dir.join(group).join(function).join(parameter.to_string()).join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_median_criterion_wrote() {
        let home =
            std::env::temp_dir().join(format!("sessionkit-estimates-{}", std::process::id()));
        let dir = home.join("g/f/10/new");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("estimates.json"), r#"{"median":{"point_estimate":1234.5}}"#)
            .unwrap();
        assert_eq!(median_ns_in(&home, "g", "f", 10), Some(1234.5));
        assert_eq!(median_ns_in(&home, "g", "f", 11), None);
        std::fs::remove_dir_all(&home).unwrap();
    }
}
