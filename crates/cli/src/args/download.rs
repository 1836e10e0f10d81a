//! `sessionkit download` and `sessionkit downloads …`: flags and help text.

use std::path::PathBuf;

use clap::{Args, Subcommand};

pub(crate) const DOWNLOAD_LONG_ABOUT: &str = "\
Download URL through the partition (Electron's ses.downloadURL): its cookies, \
proxies and user agent, never its HTTP cache. The bytes go to FILE.part and \
the file is renamed when complete; the final path is printed on stdout. The \
name comes from Content-Disposition, else the URL, made unique in the \
directory (--dir, else the current directory); --output (-o) gives the \
name or path itself.

Progress goes to stderr: a progress bar on a terminal, otherwise plain \
`progress: …` lines, at most one a second plus one for each interruption, \
resume or restart; stdout gets only the final path. Interrupted by a signal \
(SIGINT, SIGTERM) or a network error, the partial file and the download's \
record stay in the partition: running the same command again (same URL and \
path, a persist: or the default partition) resumes it with Range and \
If-Range, and starts over only when the server's file changed.

Examples:
  sessionkit download https://example.com/big.iso
  sessionkit download --dir ~/Downloads --limit-rate 1048576 https://example.com/big.iso
  sessionkit download -o big.iso --sha256 <64 hex digits> https://example.com/big.iso
  sessionkit downloads list

Exit status: 0 the file is complete, 1 the download was interrupted, \
cancelled or failed its checksum, 2 bad input.";

/// Arguments of `sessionkit download`.
#[derive(Debug, Args)]
pub(crate) struct DownloadArgs {
    /// The URL to download (http or https)
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// Save to PATH (relative paths are inside --dir when it is given)
    #[arg(short, long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,

    /// Directory for the file [default: the current directory]
    #[arg(long, value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,

    /// A request header, 'Name: value' (repeatable)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub(crate) headers: Vec<String>,

    /// The file's expected SHA-256 (64 hex digits); a mismatch deletes the
    /// file and exits 1
    #[arg(long, value_name = "HEX")]
    pub(crate) sha256: Option<String>,

    /// Limit the download to BPS bytes per second (0: no limit)
    #[arg(long, value_name = "BPS")]
    pub(crate) limit_rate: Option<u64>,
}

/// `sessionkit downloads …`
#[derive(Debug, Subcommand)]
pub(crate) enum DownloadsCommand {
    /// List the partition's downloads: id, state, bytes received/total,
    /// path and URL (a table, or a JSON array with --json)
    List,
    /// Resume an interrupted download and wait until it is done
    Resume {
        /// The download's id, as `downloads list` shows it
        #[arg(value_name = "ID")]
        id: u64,
    },
    /// Cancel a download and delete its partial file
    Cancel {
        /// The download's id, as `downloads list` shows it
        #[arg(value_name = "ID")]
        id: u64,
    },
}
