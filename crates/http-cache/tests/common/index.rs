//! Opening a disk cache's sled index from a test, once the cache let go of it.

use std::path::Path;
use std::time::Duration;

/// The index under the cache folder `dir`. A cache just dropped may still
/// hold sled's lock for a moment (its background work ends asynchronously),
/// so the open is retried for up to two seconds.
pub fn open_index(dir: &Path) -> sled::Db {
    (0..100)
        .find_map(|_| {
            sled::open(dir.join("index")).ok().or_else(|| {
                std::thread::sleep(Duration::from_millis(20));
                None
            })
        })
        .expect("the index opens once the cache let go of it")
}
