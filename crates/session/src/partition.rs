//! Partition names: the one normalisation that gives both the registry key
//! and the on-disk directory name.
//!
//! # The rule
//!
//! * `""` is the default session.
//! * `persist:NAME` (exact, case-sensitive prefix, as in Electron) is a
//!   persistent partition. `NAME` is folded to ASCII lower case — Electron
//!   lower-cases the folder too — and that folded name is the key. Its folder
//!   is the folded name with every byte outside `[a-z0-9_-]` written as `%XX`
//!   (upper-case hex), and the Windows device names (`con`, `nul`, `com1`…)
//!   get their first letter escaped as well.
//! * Any other name is an in-memory partition, keyed on the name exactly as
//!   given (case-sensitive, like Electron: it has no folder to collide in).
//!
//! Because the encoding escapes `.`, `/`, `\`, `:`, NUL and every non-ASCII
//! byte, an encoded name is always one plain path component: it can't be
//! `.`/`..`, can't hold a separator, and two different keys never map to
//! folders that a case-insensitive or Unicode-normalising file system would
//! confuse (the only letters left are lower-case ASCII; hex digits are
//! upper-case and only ever follow `%`).

use crate::Error;

/// The prefix that makes a partition persistent (Electron's `persist:`).
pub const PERSIST_PREFIX: &str = "persist:";

/// Longest partition name accepted, in bytes (whole name, prefix included).
pub const MAX_PARTITION_NAME_LEN: usize = 1024;

/// Longest directory name an encoded persistent partition may have, in bytes
/// (the usual `NAME_MAX` of ext4, APFS and NTFS).
pub const MAX_DIR_NAME_LEN: usize = 255;

/// Windows device names that can't be used as a folder name, whatever the case.
const WINDOWS_RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// What a partition string refers to, after normalisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum PartitionId {
    /// `""`: the default session at the data directory's root.
    Default,
    /// Anything without the `persist:` prefix, kept verbatim.
    InMemory(String),
    /// `persist:NAME`.
    Persistent {
        /// `NAME` folded to ASCII lower case.
        folded: String,
        /// The folder under `<data>/Partitions/`.
        dir: String,
    },
}

impl PartitionId {
    /// The canonical partition string (`persist:` + folded name for a
    /// persistent partition).
    pub(crate) fn canonical(&self) -> String {
        match self {
            Self::Default => String::new(),
            Self::InMemory(name) => name.clone(),
            Self::Persistent { folded, .. } => format!("{PERSIST_PREFIX}{folded}"),
        }
    }
}

/// Normalises a partition string; see the module docs for the rule.
pub(crate) fn normalize(partition: &str) -> Result<PartitionId, Error> {
    let invalid = |reason| Error::InvalidPartitionName { name: partition.to_owned(), reason };
    if partition.len() > MAX_PARTITION_NAME_LEN {
        return Err(invalid("longer than 1024 bytes"));
    }
    if partition.is_empty() {
        return Ok(PartitionId::Default);
    }
    let Some(name) = partition.strip_prefix(PERSIST_PREFIX) else {
        return Ok(PartitionId::InMemory(partition.to_owned()));
    };
    if name.is_empty() {
        // Electron would put this session in the `Partitions` folder itself.
        return Err(invalid("the name after \"persist:\" is empty"));
    }
    let folded = name.to_ascii_lowercase();
    let dir = encode_dir_name(&folded);
    if dir.len() > MAX_DIR_NAME_LEN {
        return Err(invalid("its directory name would be longer than 255 bytes"));
    }
    Ok(PartitionId::Persistent { folded, dir })
}

/// True for bytes that stay literal in a folder name.
fn is_literal(byte: u8) -> bool {
    byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_' || byte == b'-'
}

/// Encodes an already folded persistent name as a folder name.
pub(crate) fn encode_dir_name(folded: &str) -> String {
    use std::fmt::Write as _;

    let reserved = WINDOWS_RESERVED.contains(&folded);
    let mut out = String::with_capacity(folded.len());
    for (i, byte) in folded.bytes().enumerate() {
        if is_literal(byte) && !(reserved && i == 0) {
            out.push(char::from(byte));
        } else {
            // Writing to a String can't fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Decodes a folder name back to its folded partition name, or `None` when
/// the folder is not exactly what [`encode_dir_name`] would produce (so a
/// stray folder never shows up as a second spelling of a partition).
pub(crate) fn decode_dir_name(dir: &str) -> Option<String> {
    let bytes = dir.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let folded = String::from_utf8(out).ok()?;
    let canonical = !folded.is_empty()
        && folded.len() + PERSIST_PREFIX.len() <= MAX_PARTITION_NAME_LEN
        && !folded.bytes().any(|b| b.is_ascii_uppercase())
        && encode_dir_name(&folded) == dir;
    canonical.then_some(folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_of(name: &str) -> String {
        match normalize(name) {
            Ok(PartitionId::Persistent { dir, .. }) => dir,
            other => panic!("{name:?} gave {other:?}"),
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(normalize("").ok(), Some(PartitionId::Default));
        assert_eq!(normalize("Foo").ok(), Some(PartitionId::InMemory("Foo".into())));
        // The prefix is case-sensitive, as in Electron.
        assert_eq!(
            normalize("Persist:foo").ok(),
            Some(PartitionId::InMemory("Persist:foo".into()))
        );
        assert!(normalize("persist:").is_err());
    }

    #[test]
    fn case_folds_to_one_key_and_one_dir() {
        assert_eq!(normalize("persist:Foo").ok(), normalize("persist:foo").ok());
        assert_eq!(dir_of("persist:Foo"), "foo");
    }

    #[test]
    fn hostile_names_encode_to_one_component() {
        assert_eq!(dir_of("persist:.."), "%2E%2E");
        assert_eq!(dir_of("persist:../x"), "%2E%2E%2Fx");
        assert_eq!(dir_of("persist:/etc"), "%2Fetc");
        assert_eq!(dir_of("persist:a\0b"), "a%00b");
        assert_eq!(dir_of("persist:CON"), "%63on");
        assert_eq!(dir_of("persist:lpt9"), "%6Cpt9");
        assert_eq!(dir_of("persist:con.txt"), "con%2Etxt");
        assert_eq!(dir_of("persist:é"), "%C3%A9");
        assert_eq!(dir_of("persist:100%"), "100%25");
    }

    #[test]
    fn long_names_are_refused() {
        assert!(normalize(&format!("persist:{}", "a".repeat(255))).is_ok());
        assert!(normalize(&format!("persist:{}", "a".repeat(256))).is_err());
        assert!(normalize(&format!("persist:{}", ".".repeat(86))).is_err());
        assert!(normalize(&"m".repeat(MAX_PARTITION_NAME_LEN + 1)).is_err());
    }

    #[test]
    fn decode_round_trips_and_rejects_non_canonical() {
        for name in ["foo", "..", "a/b", "con", "é", "100%", "x y"] {
            assert_eq!(decode_dir_name(&encode_dir_name(name)).as_deref(), Some(name));
        }
        for dir in ["Foo", "%2e", "%41", "con", "%6", "%zz", "", "%FF", "."] {
            assert_eq!(decode_dir_name(dir), None, "{dir}");
        }
    }
}
