//! The PAC helper functions, and their installation as globals of a
//! JavaScript context.
//!
//! Every helper is implemented natively in Rust (`dns`, `net`, `matching`,
//! `time`); the bindings here only convert arguments. Two helpers need a
//! little JavaScript of our own: `shExpMatch` tests with the engine's
//! `RegExp`, and the time helpers read the engine's local time zone (see
//! [`Clock::utc_offset_minutes`](crate::Clock::utc_offset_minutes)). Both
//! capture the built-ins they use before the PAC script runs.

pub(crate) mod dns;
pub(crate) mod jsnum;
pub(crate) mod matching;
pub(crate) mod net;
pub(crate) mod time;

use std::sync::Arc;

use rquickjs::function::{IntoJsFunc, Opt, Rest};
use rquickjs::{Coerced, Ctx, Exception, Function, Value};

use crate::environment::PacEnvironment;

/// JavaScript of our own: builds `shExpMatch` around the native pattern
/// translation, with the original `RegExp`.
const SHEXP_FACTORY: &str = r"(function (RegExpCtor) {
  return function (toSource) {
    return function shExpMatch(str, shexp) {
      return new RegExpCtor(toSource(shexp)).test(str);
    };
  };
})(RegExp)";

/// JavaScript of our own: wraps a native time helper so that it receives,
/// before the script's arguments, a function giving the engine's local UTC
/// offset in minutes east at a Unix time in milliseconds.
const TIME_FACTORY: &str = r"(function (DateCtor, tzOffset, apply, slice, concat) {
  function offset(ms) { return -apply(tzOffset, new DateCtor(ms), []); }
  return function (impl) {
    return function () {
      return apply(impl, undefined, apply(concat, [offset], [apply(slice, arguments, [])]));
    };
  };
})(Date, Date.prototype.getTimezoneOffset, Reflect.apply, Array.prototype.slice, Array.prototype.concat)";

/// Installs every helper as a global of `ctx`.
pub(crate) fn install<'js>(ctx: &Ctx<'js>, env: &PacEnvironment) -> rquickjs::Result<()> {
    install_matching(ctx)?;
    install_net(ctx, env)?;
    install_dns(ctx, env)?;
    install_time(ctx, env)?;
    let alert = env.alert.clone();
    set(ctx, "alert", move |message: Opt<Coerced<String>>| {
        if let Some(hook) = &alert {
            hook(message.0.map(|m| m.0).as_deref().unwrap_or("undefined"));
        }
    })?;
    set(ctx, "getClientVersion", || "1.0")
}

fn set<'js, F, P>(ctx: &Ctx<'js>, name: &str, f: F) -> rquickjs::Result<()>
where
    F: IntoJsFunc<'js, P> + 'js,
{
    let function = Function::new(ctx.clone(), f)?.with_name(name)?;
    ctx.globals().set(name, function)
}

/// The argument as a string, if it is one (Chromium's native helpers take
/// only strings).
fn string_arg(value: &Opt<Value<'_>>) -> Option<String> {
    value.0.as_ref()?.as_string()?.to_string().ok()
}

fn install_matching(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    set(ctx, "dnsDomainIs", |host: Coerced<String>, domain: Coerced<String>| {
        matching::dns_domain_is(&host, &domain)
    })?;
    set(ctx, "localHostOrDomainIs", |host: Coerced<String>, hostdom: Coerced<String>| {
        matching::local_host_or_domain_is(&host, &hostdom)
    })?;
    set(ctx, "dnsDomainLevels", |host: Coerced<String>| {
        u32::try_from(matching::dns_domain_levels(&host)).unwrap_or(u32::MAX)
    })?;
    let factory: Function<'_> = ctx.eval(SHEXP_FACTORY)?;
    let to_source =
        Function::new(ctx.clone(), |shexp: Coerced<String>| matching::shexp_regex_source(&shexp))?;
    let shexp: Function<'_> = factory.call((to_source,))?;
    ctx.globals().set("shExpMatch", shexp)
}

fn install_net<'js>(ctx: &Ctx<'js>, env: &PacEnvironment) -> rquickjs::Result<()> {
    set(ctx, "isPlainHostName", |ctx: Ctx<'js>, host: Opt<Value<'js>>| match string_arg(&host) {
        Some(host) => Ok(net::is_plain_host_name(&host)),
        None => Err(Exception::throw_type(&ctx, "isPlainHostName requires 1 string parameter")),
    })?;
    set(ctx, "convert_addr", |ipchars: Coerced<String>| net::convert_addr(&ipchars))?;
    let resolver = Arc::clone(&env.resolver);
    set(
        ctx,
        "isInNet",
        move |host: Coerced<String>, pattern: Coerced<String>, mask: Coerced<String>| {
            net::is_in_net(&host, &pattern, &mask, |h| dns::dns_resolve(resolver.as_ref(), h))
        },
    )?;
    set(ctx, "isInNetEx", |ip: Opt<Value<'js>>, prefix: Opt<Value<'js>>| {
        match (string_arg(&ip), string_arg(&prefix)) {
            (Some(ip), Some(prefix)) => net::is_in_net_ex(&ip, &prefix),
            _ => false,
        }
    })?;
    set(ctx, "sortIpAddressList", |ctx: Ctx<'js>, list: Opt<Value<'js>>| {
        let sorted = string_arg(&list).and_then(|l| net::sort_ip_address_list(&l));
        match sorted {
            Some(s) => rquickjs::String::from_str(ctx, &s).map(Value::from),
            None => Ok(Value::new_bool(ctx, false)),
        }
    })
}

fn install_dns<'js>(ctx: &Ctx<'js>, env: &PacEnvironment) -> rquickjs::Result<()> {
    let r = Arc::clone(&env.resolver);
    set(ctx, "dnsResolve", move |ctx: Ctx<'js>, host: Opt<Value<'js>>| {
        let Some(host) = string_arg(&host) else { return Ok(Value::new_undefined(ctx)) };
        match dns::dns_resolve(r.as_ref(), &host) {
            Some(ip) => rquickjs::String::from_str(ctx, &ip).map(Value::from),
            None => Ok(Value::new_null(ctx)),
        }
    })?;
    let r = Arc::clone(&env.resolver);
    set(ctx, "dnsResolveEx", move |ctx: Ctx<'js>, host: Opt<Value<'js>>| {
        let Some(host) = string_arg(&host) else { return Ok(Value::new_undefined(ctx)) };
        rquickjs::String::from_str(ctx, &dns::dns_resolve_ex(r.as_ref(), &host)).map(Value::from)
    })?;
    let r = Arc::clone(&env.resolver);
    set(ctx, "isResolvable", move |host: Opt<Value<'js>>| {
        string_arg(&host).is_some_and(|h| dns::is_resolvable(r.as_ref(), &h))
    })?;
    let r = Arc::clone(&env.resolver);
    // Chromium's `isResolvableEx` compares `dnsResolveEx(host)` with "", so a
    // non-string argument (for which that gives `undefined`) counts as
    // resolvable there; kept.
    set(ctx, "isResolvableEx", move |host: Opt<Value<'js>>| {
        string_arg(&host).is_none_or(|h| dns::is_resolvable_ex(r.as_ref(), &h))
    })?;
    let r = Arc::clone(&env.resolver);
    set(ctx, "myIpAddress", move || dns::my_ip_address(r.as_ref()))?;
    let r = Arc::clone(&env.resolver);
    set(ctx, "myIpAddressEx", move || dns::my_ip_address_ex(r.as_ref()))
}

/// Which time helper a native implementation is.
#[derive(Clone, Copy)]
enum TimeHelper {
    Weekday,
    Date,
    Time,
}

fn install_time<'js>(ctx: &Ctx<'js>, env: &PacEnvironment) -> rquickjs::Result<()> {
    let factory: Function<'js> = ctx.eval(TIME_FACTORY)?;
    for (name, helper) in [
        ("weekdayRange", TimeHelper::Weekday),
        ("dateRange", TimeHelper::Date),
        ("timeRange", TimeHelper::Time),
    ] {
        let clock = Arc::clone(&env.clock);
        let native = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, offset: Function<'js>, args: Rest<Coerced<String>>| {
                let ms = clock.now_unix_ms();
                let minutes = match clock.utc_offset_minutes(ms) {
                    Some(m) => m,
                    // Exact: |ms| < 2^53 for any date JavaScript can represent.
                    #[allow(clippy::cast_precision_loss)]
                    None => offset.call::<_, i32>((ms as f64,))?,
                };
                let now = time::Now::new(ms, minutes);
                let args: Vec<String> = args.0.into_iter().map(|a| a.0).collect();
                match helper {
                    TimeHelper::Weekday => Ok(time::weekday_range(&args, &now)),
                    TimeHelper::Date => Ok(time::date_range(&args, &now)),
                    TimeHelper::Time => {
                        time::time_range(&args, &now).map_err(|m| Exception::throw_message(&ctx, m))
                    }
                }
            },
        )?;
        let wrapped: Function<'js> = factory.call((native,))?;
        ctx.globals().set(name, wrapped)?;
    }
    Ok(())
}
