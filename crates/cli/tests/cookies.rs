//! `sessionkit cookies …`, run as a real binary against a temporary data
//! directory: every command is its own process, so these also show what
//! survives between runs.

mod common;

use std::path::Path;

use common::{assert_error, code, run, stderr, stdout};

const SITE: &str = "https://example.com/";

/// Runs a command that must succeed without warnings; returns stdout.
fn ok(data: &Path, args: &[&str]) -> String {
    let output = run(data, args);
    assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
    assert_eq!(stderr(&output), "", "{args:?}");
    stdout(&output)
}

fn header(data: &Path, extra: &[&str]) -> String {
    let mut args = vec!["cookies", "header", "--url", SITE];
    args.extend_from_slice(extra);
    ok(data, &args)
}

fn list_json(data: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["--json", "cookies", "list"];
    args.extend_from_slice(extra);
    let value: serde_json::Value = serde_json::from_str(&ok(data, &args)).expect("json");
    value.as_array().expect("array").clone()
}

#[test]
fn receive_then_header_across_runs_keeps_session_cookies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ok(
        dir.path(),
        &["cookies", "receive", "--url", SITE, "--", "sid=31d4; HttpOnly", "lang=en; Max-Age=3600"],
    );
    assert_eq!(out, "");
    assert_eq!(header(dir.path(), &[]), "sid=31d4; lang=en\n");
    // A path-scoped cookie goes first on a deeper request.
    ok(dir.path(), &["cookies", "receive", "--url", "https://example.com/app/x", "deep=1"]);
    assert_eq!(
        ok(dir.path(), &["cookies", "header", "--url", "https://example.com/app/y"]),
        "deep=1; sid=31d4; lang=en\n"
    );
    // No cookie: an empty line.
    assert_eq!(ok(dir.path(), &["cookies", "header", "--url", "https://other.test/"]), "\n");
}

#[test]
fn rejected_cookies_are_reported_with_their_reason_and_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(
        dir.path(),
        &[
            "cookies",
            "receive",
            "--url",
            "http://example.com/",
            "a=1; Domain=com",
            "b=2; Secure",
            "c=3",
        ],
    );
    assert_eq!(code(&output), 0);
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].contains("a=1; Domain=com") && lines[0].contains("Domain"), "{err}");
    assert!(
        lines[1].contains("b=2; Secure")
            && lines[1].contains("not allowed to access Secure cookies"),
        "{err}"
    );
    assert_eq!(ok(dir.path(), &["cookies", "header", "--url", "http://example.com/"]), "c=3\n");
}

#[test]
fn cross_site_hides_strict_and_lax_except_on_a_top_level_get() {
    let dir = tempfile::tempdir().expect("tempdir");
    ok(
        dir.path(),
        &[
            "cookies",
            "receive",
            "--url",
            SITE,
            "none=1; SameSite=None; Secure",
            "lax=2; SameSite=Lax",
            "strict=3; SameSite=Strict",
        ],
    );
    assert_eq!(header(dir.path(), &[]), "none=1; lax=2; strict=3\n");
    // Cross-site top-level GET: Lax rides along, Strict does not.
    assert_eq!(header(dir.path(), &["--cross-site"]), "none=1; lax=2\n");
    // An unsafe method: only SameSite=None.
    assert_eq!(header(dir.path(), &["--cross-site", "--method", "POST"]), "none=1\n");
    // A cross-site response can't set Lax or Strict cookies at all... but
    // this one is a top-level navigation, so it can.
    ok(dir.path(), &["cookies", "receive", "--cross-site", "--url", SITE, "nav=4; SameSite=Lax"]);
    assert!(header(dir.path(), &[]).contains("nav=4"));
}

#[test]
fn list_json_has_electron_cookie_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    ok(
        dir.path(),
        &[
            "cookies",
            "receive",
            "--url",
            "https://www.example.com/",
            "sid=1; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=3600",
            "tab=2",
        ],
    );
    let all = list_json(dir.path(), &[]);
    assert_eq!(all.len(), 2);
    let sid = &all[0];
    assert_eq!(sid["name"], "sid");
    assert_eq!(sid["value"], "1");
    assert_eq!(sid["domain"], ".example.com");
    assert_eq!(sid["hostOnly"], false);
    assert_eq!(sid["path"], "/");
    assert_eq!(sid["secure"], true);
    assert_eq!(sid["httpOnly"], true);
    assert_eq!(sid["session"], false);
    assert_eq!(sid["sameSite"], "strict");
    assert!(sid["expirationDate"].as_f64().is_some_and(|t| t > 1.0e9), "{sid}");
    let tab = &all[1];
    assert_eq!(tab["domain"], "www.example.com");
    assert_eq!(tab["hostOnly"], true);
    assert_eq!(tab["session"], true);
    assert!(tab.get("expirationDate").is_none(), "{tab}");

    // Filters.
    assert_eq!(list_json(dir.path(), &["--name", "tab"]).len(), 1);
    assert_eq!(list_json(dir.path(), &["--domain", "example.com"]).len(), 1);
    assert_eq!(list_json(dir.path(), &["--url", "https://www.example.com/"]).len(), 2);
    assert_eq!(list_json(dir.path(), &["--url", "https://other.test/"]).len(), 0);
    assert_eq!(list_json(dir.path(), &["--path", "/nope"]).len(), 0);

    // The table has a header and one row per cookie.
    let table = ok(dir.path(), &["cookies", "list"]);
    assert_eq!(table.lines().count(), 3, "{table}");
    assert!(table.starts_with("DOMAIN"), "{table}");
}

#[test]
fn set_remove_and_clear() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Within the jar's 400-day cap.
    let tomorrow = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        + 86_400;
    let expires = tomorrow.to_string();
    ok(
        dir.path(),
        &[
            "cookies",
            "set",
            "--url",
            SITE,
            "--name",
            "a",
            "--value",
            "1",
            "--path",
            "/",
            "--http-only",
            "--same-site",
            "strict",
            "--expiration-date",
            &expires,
        ],
    );
    ok(dir.path(), &["cookies", "set", "--url", SITE, "--name", "b", "--value", "2", "--secure"]);
    let all = list_json(dir.path(), &[]);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["httpOnly"], true);
    assert_eq!(all[0]["sameSite"], "strict");
    assert_eq!(all[0]["expirationDate"].as_f64(), Some(tomorrow as f64));
    assert_eq!(all[1]["secure"], true);
    assert_eq!(all[1]["sameSite"], "lax", "Electron's default");

    assert_eq!(
        ok(dir.path(), &["cookies", "remove", "--url", SITE, "--name", "a"]),
        "removed 1 cookie\n"
    );
    assert_eq!(header(dir.path(), &[]), "b=2\n");
    assert_eq!(ok(dir.path(), &["cookies", "clear"]), "removed 1 cookie\n");
    assert_eq!(header(dir.path(), &[]), "\n");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = assert_error(&run(dir.path(), &["cookies", "header", "--url", "not a url"]), 2);
    assert!(err.contains("invalid URL"), "{err}");
    let err = assert_error(
        &run(
            dir.path(),
            &["cookies", "set", "--url", SITE, "--name", "a", "--value", "1", "--same-site", "Lax"],
        ),
        2,
    );
    assert!(err.contains("sameSite"), "{err}");
    let err = assert_error(
        &run(dir.path(), &["cookies", "set", "--url", SITE, "--name", "a;b", "--value", "1"]),
        2,
    );
    assert!(err.contains("Failed to set cookie"), "{err}");
    let file = dir.path().join("bad.json");
    std::fs::write(&file, "[ not json").expect("write");
    let file = file.to_str().expect("utf-8 path");
    let err = assert_error(&run(dir.path(), &["cookies", "import", file]), 2);
    assert!(err.contains("JSON"), "{err}");
    // A missing file is an I/O failure.
    let missing = dir.path().join("missing.txt");
    assert_error(&run(dir.path(), &["cookies", "import", missing.to_str().expect("utf-8")]), 1);
}

fn round_trip(format: &str) {
    let from = tempfile::tempdir().expect("tempdir");
    ok(
        from.path(),
        &[
            "cookies",
            "receive",
            "--url",
            "https://www.example.com/app/",
            "sid=1; Domain=example.com; Secure; HttpOnly; Max-Age=3600",
            "tab=2; Path=/app",
        ],
    );
    let exported = ok(from.path(), &["cookies", "export", "--format", format]);
    let file = from.path().join(format!("cookies.{format}"));
    std::fs::write(&file, &exported).expect("write");

    let to = tempfile::tempdir().expect("tempdir");
    let file = file.to_str().expect("utf-8 path");
    assert_eq!(
        ok(to.path(), &["cookies", "import", file, "--format", format]),
        "imported 2 cookies\n"
    );
    let strip = |cookies: Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        cookies
            .into_iter()
            .map(|mut c| {
                for volatile in ["creationTime", "lastAccessTime", "sourceScheme", "sameSite"] {
                    c.as_object_mut().expect("object").remove(volatile);
                }
                // cookies.txt keeps whole seconds only.
                if let Some(t) = c["expirationDate"].as_f64() {
                    c["expirationDate"] = t.floor().into();
                }
                c.as_object_mut().expect("object").remove("expiryTime");
                c
            })
            .collect()
    };
    assert_eq!(strip(list_json(to.path(), &[])), strip(list_json(from.path(), &[])));
    // Auto-detected format, the same result again.
    assert_eq!(ok(to.path(), &["cookies", "import", file]), "imported 2 cookies\n");
    assert_eq!(list_json(to.path(), &[]).len(), 2);
}

#[test]
fn export_import_round_trip_netscape() {
    round_trip("netscape");
}

#[test]
fn export_import_round_trip_json() {
    round_trip("json");
}

#[test]
fn a_persist_partition_is_isolated_from_the_default_session() {
    let dir = tempfile::tempdir().expect("tempdir");
    ok(dir.path(), &["--partition", "persist:work", "cookies", "receive", "--url", SITE, "w=1"]);
    ok(dir.path(), &["cookies", "receive", "--url", SITE, "d=1"]);
    assert_eq!(
        ok(dir.path(), &["--partition", "persist:work", "cookies", "header", "--url", SITE]),
        "w=1\n"
    );
    assert_eq!(header(dir.path(), &[]), "d=1\n");
    assert!(dir.path().join("Partitions/work/sessionkit.sled").is_dir());
    assert!(dir.path().join("sessionkit.sled").is_dir());
    // An in-memory partition starts empty on every run.
    ok(dir.path(), &["--partition", "mem", "cookies", "receive", "--url", SITE, "m=1"]);
    assert_eq!(ok(dir.path(), &["--partition", "mem", "cookies", "header", "--url", SITE]), "\n");
}

#[test]
fn help_says_session_cookies_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let help = ok(dir.path(), &["cookies", "--help"]);
    assert!(help.contains("keeps session cookies"), "{help}");
    assert!(help.contains("curl"), "{help}");
}
