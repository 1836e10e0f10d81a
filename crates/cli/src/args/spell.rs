//! `sessionkit spell …`: flags and help text.

use std::path::PathBuf;

use clap::{Args, Subcommand};

pub(crate) const SPELL_LONG_ABOUT: &str = "\
Check spelling with Hunspell dictionaries (.aff/.dic), as Electron's \
session spellchecker does, and manage the session's custom dictionary \
(Chromium's `Custom Dictionary.txt` in the partition directory).

Dictionaries are looked for in the partition's Dictionaries/ folder \
(downloads), then in --dict-dir, or without it in /usr/share/hunspell \
(Debian's hunspell-* packages). A language uses the files of its Hunspell \
name: en-US → en_US.aff + en_US.dic, fr → fr_FR, es-MX → es_MX or es_ES.

Examples:
  sessionkit spell check helo world                 # prints: helo
  echo 'Teh quick brown fox' | sessionkit spell check -
  sessionkit spell check --lang en-US --lang fr colour couleur
  sessionkit spell suggest --dict-dir ./dicts wrld
  sessionkit --partition persist:work spell words add sessionkit

Exit status: 0 success (misspelled words are output, not failure), 1 a \
dictionary is missing or broken, 2 bad input (unknown language code...).";

/// `sessionkit spell …`
#[derive(Debug, Subcommand)]
pub(crate) enum SpellCommand {
    /// Print the misspelled words, one a line (nothing when all are correct)
    Check(CheckArgs),
    /// Print up to 5 suggestions for a misspelled word, one a line
    Suggest(SuggestArgs),
    /// The session's custom dictionary
    #[command(subcommand)]
    Words(WordsCommand),
    /// Print the language codes the spellchecker accepts (Electron's
    /// availableSpellCheckerLanguages), one a line
    Languages,
}

/// Where dictionaries come from and which languages to use.
#[derive(Debug, Args)]
pub(crate) struct DictionaryArgs {
    /// Language to check with (repeat for several: a word is wrong only
    /// when every language rejects it); a code or a locale such as fr-CA
    #[arg(long = "lang", value_name = "L", default_value = "en-US")]
    pub(crate) languages: Vec<String>,

    /// Directory of .aff/.dic files [default: /usr/share/hunspell]
    #[arg(long, value_name = "DIR")]
    pub(crate) dict_dir: Option<PathBuf>,
}

/// Arguments of `sessionkit spell check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) dictionaries: DictionaryArgs,

    /// Words to check; `-` reads a text from stdin and checks its words
    #[arg(value_name = "WORD", required = true)]
    pub(crate) words: Vec<String>,
}

/// Arguments of `sessionkit spell suggest`.
#[derive(Debug, Args)]
pub(crate) struct SuggestArgs {
    #[command(flatten)]
    pub(crate) dictionaries: DictionaryArgs,

    /// The misspelled word
    #[arg(value_name = "WORD")]
    pub(crate) word: String,
}

/// `sessionkit spell words …`
#[derive(Debug, Subcommand)]
pub(crate) enum WordsCommand {
    /// Print the custom words, one a line
    List,
    /// Add a word to the custom dictionary
    Add {
        /// The word (1–99 bytes, no surrounding spaces)
        #[arg(value_name = "WORD")]
        word: String,
    },
    /// Remove a word from the custom dictionary
    Remove {
        /// The word
        #[arg(value_name = "WORD")]
        word: String,
    },
}
