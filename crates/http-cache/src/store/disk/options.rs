//! How big a disk cache may grow: Chromium's defaults.

/// Options of a disk cache.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct DiskOptions {
    /// Maximum size in bytes; `None` picks Chromium's default for the free space
    /// of the cache's disk ([`default_disk_capacity`]). Electron:
    /// `--disk-cache-size`.
    pub max_bytes: Option<u64>,
}

impl DiskOptions {
    /// Sets the maximum size.
    #[must_use]
    pub fn max_bytes(mut self, max: u64) -> Self {
        self.max_bytes = Some(max);
        self
    }
}

const MIB: u64 = 1024 * 1024;
/// Chromium's base size (`kDefaultCacheSize`).
const BASE: u64 = 80 * MIB;

/// Chromium's HTTP cache size for a disk with `available` free bytes on Linux and
/// macOS (`PreferredCacheSize` in `cache_util.cc`): a base picked from the free
/// space (80% of it under 100 MiB, 80 MiB under 800 MiB, 10% under 2 GiB, 200 MiB
/// under 20 GiB, else 1%), scaled ×4 for the HTTP cache but never above 20% of the
/// free space, and never above 1280 MiB.
pub fn default_disk_capacity(available: u64) -> u64 {
    let base = if available < 100 * MIB {
        available / 10 * 8
    } else if available < 800 * MIB {
        BASE
    } else if available < 2048 * MIB {
        available / 10
    } else if available < 20 * 1024 * MIB {
        200 * MIB
    } else {
        available / 100
    };
    let scaled = base.saturating_mul(4).min((available / 5).max(base));
    scaled.min(4 * 4 * BASE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_sizes() {
        const GIB: u64 = 1024 * MIB;
        assert_eq!(default_disk_capacity(500 * GIB), 1280 * MIB);
        assert_eq!(default_disk_capacity(10 * GIB), 800 * MIB);
        assert_eq!(default_disk_capacity(50 * MIB), 40 * MIB);
        assert_eq!(default_disk_capacity(500 * MIB), 100 * MIB);
    }
}
