//! `sessionkit spell …`: check and suggest with Hunspell dictionaries,
//! manage the session's custom dictionary.

use std::io::Read;
use std::sync::Arc;

use sessionkit::PartitionOptions;
use sessionkit::spellcheck::{self, DirectoryProvider, Spellchecker};

use crate::args::{CheckArgs, DictionaryArgs, GlobalArgs, SpellCommand, SuggestArgs, WordsCommand};
use crate::commands::sessions;
use crate::failure::Failure;
use crate::output::{self, WriteError};

/// Longest text read from stdin by `spell check -`.
const MAX_STDIN_BYTES: u64 = 64 << 20;

/// Runs one `spell` subcommand against the partition of `--partition`.
pub(crate) fn run(global: &GlobalArgs, command: &SpellCommand) -> Result<(), WriteError> {
    match command {
        SpellCommand::Check(args) => check(global, args),
        SpellCommand::Suggest(args) => suggest(global, args),
        SpellCommand::Words(command) => words(global, command),
        SpellCommand::Languages => {
            for code in spellcheck::available_languages() {
                output::line(code)?;
            }
            Ok(())
        }
    }
}

fn fail(error: spellcheck::Error) -> Failure {
    sessionkit::Error::from(error).into()
}

/// A checker for the given languages that reads the partition's custom
/// words and downloads but stores nothing: `--lang` is not remembered.
fn checker(global: &GlobalArgs, args: &DictionaryArgs) -> Result<Spellchecker, Failure> {
    let session = sessions(global)?.from_partition(&global.partition, PartitionOptions::new())?;
    let mut builder = Spellchecker::builder().persist_settings(false).languages(&args.languages);
    if let Some(dir) = session.storage_path() {
        builder = builder.storage_dir(dir);
    }
    builder = match &args.dict_dir {
        Some(dir) => builder.provider(Arc::new(DirectoryProvider::new(dir))),
        None => builder.system_dictionaries(),
    };
    let checker = builder.build().map_err(fail)?;
    checker.load_dictionaries().map_err(fail)?;
    Ok(checker)
}

fn check(global: &GlobalArgs, args: &CheckArgs) -> Result<(), WriteError> {
    let checker = checker(global, &args.dictionaries)?;
    for word in &args.words {
        if word == "-" {
            let mut text = String::new();
            std::io::stdin()
                .take(MAX_STDIN_BYTES)
                .read_to_string(&mut text)
                .map_err(|e| Failure::bad_input(format!("cannot read stdin as UTF-8 text: {e}")))?;
            for misspelling in checker.misspelled_words(&text).map_err(fail)? {
                output::line(&misspelling.word)?;
            }
        } else if !checker.check(word).map_err(fail)? {
            output::line(word)?;
        }
    }
    Ok(())
}

fn suggest(global: &GlobalArgs, args: &SuggestArgs) -> Result<(), WriteError> {
    let checker = checker(global, &args.dictionaries)?;
    for suggestion in checker.suggest(&args.word).map_err(fail)? {
        output::line(&suggestion)?;
    }
    Ok(())
}

fn words(global: &GlobalArgs, command: &WordsCommand) -> Result<(), WriteError> {
    let session = sessions(global)?.from_partition(&global.partition, PartitionOptions::new())?;
    let checker = session.spellchecker()?;
    match command {
        WordsCommand::List => {
            for word in checker.list_words() {
                output::line(&word)?;
            }
        }
        WordsCommand::Add { word } => {
            if !spellcheck::is_valid_custom_word(word) {
                return Err(Failure::bad_input(format!(
                    "invalid word {word:?}: 1 to 99 bytes, no surrounding spaces or control characters"
                ))
                .into());
            }
            if !checker.add_word(word).map_err(fail)? {
                output::warning(&format!("{word:?} is already in the dictionary"));
            }
        }
        WordsCommand::Remove { word } => {
            if !checker.remove_word(word).map_err(fail)? {
                output::warning(&format!("{word:?} is not in the dictionary"));
            }
        }
    }
    Ok(())
}
