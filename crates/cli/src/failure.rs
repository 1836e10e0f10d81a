//! How a command fails: a message and an exit status.

use std::fmt;
use std::process::ExitCode;

/// A failed command: one line for stderr and the exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    usage: bool,
}

impl Failure {
    /// The input was wrong (exit 2).
    pub(crate) fn bad_input(message: impl fmt::Display) -> Self {
        Self { message: message.to_string(), usage: true }
    }

    /// The operation failed (exit 1).
    pub(crate) fn failed(message: impl fmt::Display) -> Self {
        Self { message: message.to_string(), usage: false }
    }

    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(if self.usage { 2 } else { 1 })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keep it to one line whatever the source error says.
        let mut lines = self.message.lines();
        f.write_str(lines.next().unwrap_or_default())?;
        for line in lines {
            write!(f, " {}", line.trim())?;
        }
        Ok(())
    }
}

impl From<sessionkit::Error> for Failure {
    fn from(error: sessionkit::Error) -> Self {
        if error.is_invalid_input() { Self::bad_input(error) } else { Self::failed(error) }
    }
}
