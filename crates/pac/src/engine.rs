//! One compiled PAC script in its own QuickJS runtime.

use std::fmt;

use rquickjs::context::EvalOptions;
use rquickjs::{Coerced, Context, Ctx, Function, Runtime, Type, Value};
use sessionkit_proxy_rules::ProxyList;
use url::Url;

use crate::call::script_arguments;
use crate::environment::PacEnvironment;
use crate::error::PacError;
use crate::helpers;
use crate::sandbox::{Deadline, Limits};

/// Longest error message kept from a script, in characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// A PAC script compiled into its own sandboxed JavaScript runtime, ready
/// for any number of [`find_proxy_for_url`](Self::find_proxy_for_url) calls.
///
/// The engine is not `Send`: it lives and runs on the thread that built it
/// (QuickJS runtimes are single-threaded). Use it directly for a tool or a
/// benchmark; [`PacResolver`](crate::PacResolver) runs one on a worker
/// thread for shared use.
///
/// After a [`PacError::Timeout`] or [`PacError::OutOfMemory`] the engine
/// still works, but the script's global state may be half-updated and its
/// memory still held; [`PacResolver`](crate::PacResolver) builds a fresh
/// engine then.
pub struct PacEngine {
    // Field order is drop order: the context before its runtime.
    context: Context,
    runtime: Runtime,
    deadline: Deadline,
    limits: Limits,
}

/// Which phase an error came from.
#[derive(Clone, Copy)]
enum Phase {
    Load,
    Call,
}

impl PacEngine {
    /// Compiles `script` and runs its top-level code, under `limits`, with
    /// the helper functions seeing `env`.
    ///
    /// # Errors
    ///
    /// [`PacError::ScriptTooLarge`], [`PacError::Compile`] (syntax error or
    /// a throw at top level), [`PacError::MissingEntryPoint`],
    /// [`PacError::Timeout`], [`PacError::OutOfMemory`], or
    /// [`PacError::Engine`] when QuickJS cannot start.
    pub fn new(script: &str, env: &PacEnvironment, limits: Limits) -> Result<Self, PacError> {
        if script.len() > limits.max_script_len {
            return Err(PacError::ScriptTooLarge {
                len: script.len(),
                limit: limits.max_script_len,
            });
        }
        let runtime = Runtime::new().map_err(engine_error)?;
        let deadline = Deadline::install(&runtime, &limits);
        let context = Context::full(&runtime).map_err(engine_error)?;
        let engine = Self { context, runtime, deadline, limits };
        engine.context.with(|ctx| {
            helpers::install(&ctx, env).map_err(engine_error)?;
            let mut options = EvalOptions::default();
            options.global = true;
            options.strict = false;
            options.filename = Some("pac.js".to_owned());
            engine.deadline.arm(engine.limits.time_budget);
            let loaded = ctx.eval_with_options::<(), _>(script, options);
            let loaded = loaded.map_err(|e| engine.classify(&ctx, &e, Phase::Load));
            engine.deadline.disarm();
            loaded?;
            match entry_point(&ctx) {
                Some(_) => Ok(()),
                None => Err(PacError::MissingEntryPoint),
            }
        })?;
        Ok(engine)
    }

    /// The limits this engine runs under.
    pub const fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Calls `FindProxyForURL` for `url` with Chromium's arguments (see
    /// [`script_arguments`](crate::script_arguments)) and parses the
    /// returned string with Chromium's PAC result parser
    /// ([`ProxyList::parse_pac_result`]: invalid elements are skipped, and an
    /// empty or wholly invalid result is `DIRECT`).
    ///
    /// Implicit bypass rules are not applied here; see
    /// [`PacResolver::resolve`](crate::PacResolver::resolve).
    ///
    /// # Errors
    ///
    /// As [`call`](Self::call).
    pub fn find_proxy_for_url(&self, url: &Url) -> Result<ProxyList, PacError> {
        let (url_arg, host) = script_arguments(url);
        let result = self.call(&url_arg, &host)?;
        Ok(ProxyList::parse_pac_result(&result))
    }

    /// Calls `FindProxyForURL(url, host)` with the arguments as given and
    /// returns the string it returns, unparsed.
    ///
    /// # Errors
    ///
    /// [`PacError::Script`] when it throws, [`PacError::NonStringResult`] /
    /// [`PacError::NonAsciiResult`] for a result Chromium refuses,
    /// [`PacError::MissingEntryPoint`] when the script has deleted it,
    /// [`PacError::Timeout`] and [`PacError::OutOfMemory`].
    pub fn call(&self, url: &str, host: &str) -> Result<String, PacError> {
        let result = self.context.with(|ctx| {
            let function = entry_point(&ctx).ok_or(PacError::MissingEntryPoint)?;
            self.deadline.arm(self.limits.time_budget);
            let returned = function.call::<_, Value<'_>>((url, host));
            let result = match returned {
                Ok(value) => result_string(&value),
                Err(e) => Err(self.classify(&ctx, &e, Phase::Call)),
            };
            self.deadline.disarm();
            result
        });
        if matches!(result, Err(PacError::OutOfMemory { .. })) {
            self.runtime.run_gc();
        }
        result
    }

    /// Turns an engine error into a [`PacError`], reading the pending
    /// exception. Runs while the deadline is still armed, since reading an
    /// exception's message can run script code.
    fn classify(&self, ctx: &Ctx<'_>, error: &rquickjs::Error, phase: Phase) -> PacError {
        let message = match error {
            rquickjs::Error::Exception => describe_exception(&ctx.catch()),
            rquickjs::Error::Allocation => "InternalError: out of memory".to_owned(),
            other => other.to_string(),
        };
        if self.deadline.disarm() {
            return PacError::Timeout { budget: self.limits.time_budget };
        }
        if message.ends_with("out of memory") {
            return PacError::OutOfMemory { limit: self.limits.memory_limit };
        }
        match phase {
            Phase::Load => PacError::Compile { message },
            Phase::Call => PacError::Script { message },
        }
    }
}

impl fmt::Debug for PacEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PacEngine").field("limits", &self.limits).finish_non_exhaustive()
    }
}

fn engine_error(e: rquickjs::Error) -> PacError {
    PacError::Engine(e.to_string())
}

fn entry_point<'js>(ctx: &Ctx<'js>) -> Option<Function<'js>> {
    let value: Value<'js> = ctx.globals().get("FindProxyForURL").ok()?;
    value.into_function()
}

/// The returned value as Chromium accepts it: an ASCII string.
fn result_string(value: &Value<'_>) -> Result<String, PacError> {
    let Some(string) = value.as_string() else {
        return Err(PacError::NonStringResult { type_name: js_type_name(value).to_owned() });
    };
    let text = string.to_string().map_err(engine_error)?;
    if text.is_ascii() { Ok(text) } else { Err(PacError::NonAsciiResult) }
}

/// JavaScript's `typeof`, near enough for a message.
fn js_type_name(value: &Value<'_>) -> &'static str {
    match value.type_of() {
        Type::Uninitialized | Type::Undefined => "undefined",
        Type::Null => "null",
        Type::Bool => "boolean",
        Type::Int | Type::Float => "number",
        Type::BigInt => "bigint",
        Type::Symbol => "symbol",
        Type::Function | Type::Constructor => "function",
        _ => "object",
    }
}

/// `Name: message` for an Error object, the string form of anything else
/// thrown.
fn describe_exception(value: &Value<'_>) -> String {
    let text = if let Some(exception) = value.as_exception() {
        let name = exception
            .get::<_, Value<'_>>("name")
            .ok()
            .and_then(|n| n.as_string().and_then(|s| s.to_string().ok()))
            .unwrap_or_else(|| "Error".to_owned());
        format!("{name}: {}", exception.message().unwrap_or_default())
    } else if value.is_undefined() {
        "uncaught exception: undefined".to_owned()
    } else {
        value.get::<Coerced<String>>().map_or_else(
            |_| "uncaught exception".to_owned(),
            |s| format!("uncaught exception: {}", s.0),
        )
    };
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}
