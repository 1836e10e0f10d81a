//! `sessionkit proxy resolve`.

mod common;

use common::{assert_error, code, run, stderr, stdout};

fn resolve(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut all = vec!["proxy", "resolve"];
    all.extend_from_slice(args);
    run(dir.path(), &all)
}

/// Runs a resolve that must succeed without warnings; returns the line.
fn line(args: &[&str]) -> String {
    let output = resolve(args);
    assert_eq!(code(&output), 0, "stderr: {}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let out = stdout(&output);
    assert!(out.ends_with('\n') && out.lines().count() == 1, "{out:?}");
    out.trim_end_matches('\n').to_owned()
}

#[test]
fn without_rules_it_goes_direct() {
    assert_eq!(line(&["http://example.com/"]), "DIRECT");
}

#[test]
fn per_scheme_rules() {
    let rules = ["--rules", "http=foopy:80;socks=bar"];
    assert_eq!(line(&[&rules[..], &["http://example.com/"]].concat()), "PROXY foopy:80");
    assert_eq!(line(&[&rules[..], &["https://example.com/"]].concat()), "SOCKS bar:1080");
}

#[test]
fn a_list_prints_in_pac_form_with_no_spaces() {
    assert_eq!(
        line(&["--rules", "foopy:80,socks5://bar:1080,direct://", "http://example.com/"]),
        "PROXY foopy:80;SOCKS5 bar:1080;DIRECT"
    );
}

#[test]
fn bypass_rules_and_implicit_bypass() {
    let args = ["--rules", "foopy:80", "--bypass", "*.internal"];
    assert_eq!(line(&[&args[..], &["http://db.internal/"]].concat()), "DIRECT");
    assert_eq!(line(&[&args[..], &["http://example.com/"]].concat()), "PROXY foopy:80");
    assert_eq!(line(&[&args[..], &["http://localhost:3000/"]].concat()), "DIRECT");
}

#[test]
fn every_rule_invalid_prints_an_empty_line_and_warns() {
    let output = resolve(&["--rules", "http://proxy:8080/", "http://example.com/"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "\n");
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("warning: invalid proxy rule at byte "), "{err:?}");
}

#[test]
fn one_warning_line_per_dropped_entry() {
    let output = resolve(&[
        "--rules",
        "http=foopy:80;ftp=:80",
        "--bypass",
        "*.internal,[zz]/x",
        "http://example.com/",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "PROXY foopy:80\n");
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err:?}");
    assert!(lines[0].contains(r#"invalid proxy rule at byte 18: ":80": missing host"#), "{err}");
    assert!(lines.iter().all(|l| l.starts_with("warning: ")), "{err}");
}

#[test]
fn strict_turns_a_dropped_entry_into_exit_2() {
    let output = resolve(&["--strict", "--rules", "http=foopy:80;ftp=:80", "http://example.com/"]);
    let err = assert_error(&output, 2);
    assert!(err.contains(r#"invalid proxy rule at byte 18: ":80": missing host"#), "{err}");
    // Valid rules are fine with --strict.
    assert_eq!(
        line(&["--strict", "--rules", "http=foopy:80", "http://example.com/"]),
        "PROXY foopy:80"
    );
}

#[test]
fn bad_url_is_exit_2() {
    let err = assert_error(&resolve(&["not a url"]), 2);
    assert!(err.contains("invalid URL"), "{err}");
}

#[test]
fn bad_mode_is_exit_2() {
    assert_error(&resolve(&["--mode", "sideways", "http://example.com/"]), 2);
}

const PAC: &str = "function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || dnsDomainIs(host, '.corp.test')) return 'DIRECT';
  if (shExpMatch(url, 'http://*.example.com/*')) return 'PROXY a.test:8080; PROXY b.test:8080';
  return 'PROXY fallback.test:3128; DIRECT';
}
";

const THROWING: &str =
    "function FindProxyForURL(url, host) { throw new Error('no proxy for ' + host); }";

/// `data:` URL of a script (only `%` needs escaping for the parser here).
fn data_url(script: &str) -> String {
    format!("data:application/x-ns-proxy-autoconfig,{}", script.replace('%', "%25"))
}

#[test]
fn pac_file_resolves_like_resolve_proxy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("proxy.pac");
    std::fs::write(&file, PAC).expect("write PAC");
    let pac = file.to_str().expect("utf-8 path");
    assert_eq!(
        line(&["--pac", pac, "http://www.example.com/a"]),
        "PROXY a.test:8080;PROXY b.test:8080"
    );
    // https URLs reach the script without their path (Chromium's rule).
    assert_eq!(
        line(&["--pac", pac, "https://www.example.com/a"]),
        "PROXY fallback.test:3128;DIRECT"
    );
    assert_eq!(line(&["--pac", pac, "http://wiki.corp.test/"]), "DIRECT");
    assert_eq!(line(&["--pac", pac, "http://intranet/"]), "DIRECT");
    // A relative path works too (made absolute), and a file: URL.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .current_dir(dir.path())
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["proxy", "resolve", "--pac", "proxy.pac", "http://www.example.com/a"])
        .env_remove("SESSIONKIT_DATA_DIR")
        .output()
        .expect("run");
    assert_eq!(stdout(&output), "PROXY a.test:8080;PROXY b.test:8080\n", "{}", stderr(&output));
    let file_url = url::Url::from_file_path(&file).expect("file URL");
    assert_eq!(line(&["--pac", file_url.as_str(), "http://wiki.corp.test/"]), "DIRECT");
}

#[test]
fn pac_data_url() {
    let pac = data_url(PAC);
    assert_eq!(
        line(&["--pac", &pac, "http://x.example.com/"]),
        "PROXY a.test:8080;PROXY b.test:8080"
    );
    // The old flag name still works.
    assert_eq!(
        line(&["--pac-url", &pac, "ftp://x.example.com/"]),
        "PROXY fallback.test:3128;DIRECT"
    );
}

#[test]
fn throwing_pac_prints_an_empty_line_and_a_warning() {
    let output = resolve(&["--pac", &data_url(THROWING), "http://example.com/"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "\n");
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(err.starts_with("warning: cannot resolve the proxy for http://example.com/"), "{err}");
    assert!(err.contains("no proxy for example.com"), "{err}");

    // --strict: an error instead.
    let err = assert_error(
        &resolve(&["--strict", "--pac", &data_url(THROWING), "http://example.com/"]),
        1,
    );
    assert!(err.contains("no proxy for example.com"), "{err}");

    // A script that can't be fetched is the same failure.
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = url::Url::from_file_path(dir.path().join("missing.pac")).expect("file URL");
    let output = resolve(&["--pac", missing.as_str(), "http://example.com/"]);
    assert_eq!((code(&output), stdout(&output).as_str()), (0, "\n"), "{}", stderr(&output));
    assert!(stderr(&output).contains("cannot fetch the PAC script"), "{}", stderr(&output));
}

#[test]
fn pac_fallback_direct_is_chromes_behaviour() {
    let pac = data_url(THROWING);
    assert_eq!(line(&["--pac", &pac, "--pac-fallback-direct", "http://example.com/"]), "DIRECT");
    // Scripts that work are unaffected.
    assert_eq!(
        line(&["--pac", &data_url(PAC), "--pac-fallback-direct", "http://x.example.com/"]),
        "PROXY a.test:8080;PROXY b.test:8080"
    );
}

#[test]
fn localhost_is_direct_without_running_the_script() {
    let pac = data_url(THROWING);
    for url in
        ["http://localhost:3000/", "http://127.0.0.1/", "http://[::1]/", "http://169.254.1.1/"]
    {
        assert_eq!(line(&["--pac", &pac, url]), "DIRECT", "{url}");
    }
}

#[test]
fn pac_argument_errors_are_exit_2() {
    let err = assert_error(&resolve(&["--pac", "no/such/file.pac", "http://example.com/"]), 2);
    assert!(err.contains("neither an existing file nor an http, https, data or file URL"), "{err}");
    assert_error(&resolve(&["--pac", "ftp://example.com/p.pac", "http://example.com/"]), 2);
    for other in [["--rules", "foopy:80"], ["--bypass", "<local>"], ["--mode", "direct"]] {
        let output = resolve(
            &[&["--pac", &data_url(PAC)][..], &other[..], &["http://example.com/"]].concat(),
        );
        assert_eq!(code(&output), 2, "{other:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("cannot be used with"), "{}", stderr(&output));
    }
}

#[test]
fn works_in_any_partition() {
    let dir = tempfile::tempdir().expect("tempdir");
    for partition in ["", "memory", "persist:Work"] {
        let output = run(
            dir.path(),
            &[
                "--partition",
                partition,
                "proxy",
                "resolve",
                "--rules",
                "foopy:80",
                "http://example.com/",
            ],
        );
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        assert_eq!(stdout(&output), "PROXY foopy:80\n");
    }
    assert!(dir.path().join("Partitions/work").is_dir());
    let err = assert_error(
        &run(dir.path(), &["--partition", "persist:", "proxy", "resolve", "http://a/"]),
        2,
    );
    assert!(err.contains("invalid partition name"), "{err}");
}

#[test]
fn verbose_logs_go_to_stderr_only() {
    let output = resolve(&["-v", "--rules", "foopy:80", "http://example.com/"]);
    assert_eq!(code(&output), 0);
    assert_eq!(stdout(&output), "PROXY foopy:80\n");
    assert!(stderr(&output).contains("resolved"), "{}", stderr(&output));
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::process::{Command, Stdio};

    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["proxy", "resolve", "--rules", "foopy:80", "http://example.com/"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the reading end before (most likely) the line is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[cfg(target_os = "linux")]
#[test]
fn a_failing_stdout_is_one_error_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sessionkit"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["proxy", "resolve", "http://example.com/"])
        .stdout(full)
        .output()
        .expect("run");
    let err = assert_error(&output, 1);
    assert!(err.contains("cannot write to stdout"), "{err}");
}
