//! Dictionary downloads against a server the test runs on 127.0.0.1.

mod common;

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::{EN_AFF, EN_DIC};
use sessionkit_spellcheck::{
    DICTIONARIES_DIR_NAME, Error, HttpFetch, SpellcheckEvent, Spellchecker,
};
use tokio::sync::broadcast::Receiver;

type Routes = Arc<Mutex<HashMap<String, (u16, Vec<u8>)>>>;
type Log = Arc<Mutex<Vec<String>>>;

/// A server answering from `routes` (404 otherwise); returns its base URL
/// and the log of requested paths.
fn serve(routes: Routes) -> Result<(String, Log), std::io::Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}/dicts/", listener.local_addr()?);
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(match stream.try_clone() {
                Ok(s) => s,
                Err(_) => continue,
            });
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line.split(' ').nth(1).unwrap_or_default().to_owned();
            seen.lock().expect("log").push(path.clone());
            let (status, body) = routes
                .lock()
                .expect("routes")
                .get(&path)
                .cloned()
                .unwrap_or((404, b"nope".to_vec()));
            // The .dic goes chunked, the rest with a Content-Length.
            let response = if path.ends_with(".dic") && status == 200 {
                let mut out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
                for chunk in body.chunks(7) {
                    out.extend(format!("{:x}\r\n", chunk.len()).bytes());
                    out.extend(chunk);
                    out.extend(b"\r\n");
                }
                out.extend(b"0\r\n\r\n");
                out
            } else {
                let mut out =
                    format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\r\n", body.len())
                        .into_bytes();
                out.extend(&body);
                out
            };
            let _ = stream.write_all(&response);
        }
    });
    Ok((base, log))
}

fn routes(pairs: &[(&str, &[u8])]) -> Routes {
    Arc::new(Mutex::new(pairs.iter().map(|(p, b)| ((*p).to_owned(), (200, b.to_vec()))).collect()))
}

fn checker(dir: &std::path::Path, base: &str) -> Result<Spellchecker, Error> {
    let checker = Spellchecker::builder()
        .storage_dir(dir)
        .fetcher(Arc::new(HttpFetch::with_timeout(Duration::from_secs(10))))
        .build()?;
    checker.set_dictionary_download_url(base)?;
    Ok(checker)
}

fn drain(events: &mut Receiver<SpellcheckEvent>) -> Vec<&'static str> {
    std::iter::from_fn(|| events.try_recv().ok()).map(|e| e.name()).collect()
}

#[test]
fn a_download_is_verified_saved_and_announced_in_order() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (base, log) = serve(routes(&[
        ("/dicts/en_us.aff", EN_AFF.as_bytes()),
        ("/dicts/en_us.dic", EN_DIC.as_bytes()),
    ]))?;
    let checker = checker(dir.path(), &base)?;
    let mut events = checker.subscribe();
    checker.set_languages(&["en-US"])?;
    assert!(checker.check("walked")?);
    assert!(!checker.check("walkd")?);
    assert_eq!(
        drain(&mut events),
        [
            "spellcheck-dictionary-download-begin",
            "spellcheck-dictionary-download-success",
            "spellcheck-dictionary-initialized",
        ]
    );
    assert_eq!(*log.lock().expect("log"), ["/dicts/en_us.aff", "/dicts/en_us.dic"]);
    let saved = dir.path().join(DICTIONARIES_DIR_NAME);
    assert_eq!(fs::read_to_string(saved.join("en_US.aff"))?, EN_AFF);
    assert_eq!(fs::read_to_string(saved.join("en_US.dic"))?, EN_DIC);
    drop(checker);

    // Next time it is on disk: initialized without a download.
    let again = Spellchecker::builder().storage_dir(dir.path()).build()?;
    again.set_dictionary_download_url(&base)?;
    let mut events = again.subscribe();
    assert!(again.check("talked")?);
    assert_eq!(drain(&mut events), ["spellcheck-dictionary-initialized"]);
    assert_eq!(log.lock().expect("log").len(), 2, "no second download");
    Ok(())
}

#[test]
fn a_404_or_a_corrupt_dictionary_keeps_the_old_one() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let saved = dir.path().join(DICTIONARIES_DIR_NAME);
    // An old, broken pair is on disk; the server has none (404).
    fs::create_dir_all(&saved)?;
    fs::write(saved.join("fr_FR.aff"), "SET UTF-8\n")?;
    fs::write(saved.join("fr_FR.dic"), "junk\n\u{0}\n")?;
    let routes = routes(&[]);
    let (base, _log) = serve(Arc::clone(&routes))?;
    let checker = checker(dir.path(), &base)?;
    let mut events = checker.subscribe();
    checker.set_languages(&["fr"])?;
    let err = checker.load_dictionaries().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("fr_fr.aff: HTTP 404") || err.contains("invalid dictionary"), "{err}");
    assert_eq!(
        drain(&mut events),
        ["spellcheck-dictionary-download-begin", "spellcheck-dictionary-download-failure",]
    );
    // Failures are remembered: no new request until something changes.
    assert!(matches!(checker.check("x"), Err(Error::Unavailable { .. })));
    assert!(drain(&mut events).is_empty());

    // A corrupt download (does not load): the old files stay.
    routes
        .lock()
        .expect("routes")
        .insert("/dicts/fr_fr.aff".into(), (200, b"SET UTF-8\n".to_vec()));
    routes
        .lock()
        .expect("routes")
        .insert("/dicts/fr_fr.dic".into(), (200, b"\xff\xfe not utf-8".to_vec()));
    checker.set_dictionary_download_url(&base)?;
    assert!(checker.load_dictionaries().is_err());
    assert_eq!(
        drain(&mut events),
        ["spellcheck-dictionary-download-begin", "spellcheck-dictionary-download-failure",]
    );
    assert_eq!(fs::read(saved.join("fr_FR.dic"))?, b"junk\n\0\n");

    // A good download replaces them.
    routes
        .lock()
        .expect("routes")
        .insert("/dicts/fr_fr.aff".into(), (200, common::FR_AFF.to_vec()));
    routes
        .lock()
        .expect("routes")
        .insert("/dicts/fr_fr.dic".into(), (200, common::FR_DIC.to_vec()));
    checker.set_dictionary_download_url(&base)?;
    assert!(checker.check("café")?);
    assert_eq!(fs::read(saved.join("fr_FR.dic"))?, common::FR_DIC);
    Ok(())
}

#[test]
fn nothing_is_downloaded_unless_languages_are_set_and_checking_is_on()
-> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (base, log) = serve(routes(&[]))?;
    let checker = checker(dir.path(), &base)?;
    // Default language, never set: local only.
    assert!(matches!(checker.check("word"), Err(Error::DictionaryNotFound { .. })));
    checker.set_languages(&["en-US"])?;
    checker.set_enabled(false)?;
    assert!(checker.check("word")?);
    checker.load_dictionaries()?;
    assert!(log.lock().expect("log").is_empty());
    checker.set_enabled(true)?;
    assert!(checker.check("word").is_err());
    assert_eq!(log.lock().expect("log").len(), 1, "one attempt, then 404");
    Ok(())
}

#[test]
fn https_needs_another_fetcher_and_bad_urls_are_refused() -> Result<(), Box<dyn std::error::Error>>
{
    let checker = Spellchecker::builder().languages(&["en-US"]).build()?;
    assert!(matches!(
        checker.set_dictionary_download_url("not a url"),
        Err(Error::InvalidUrl { .. })
    ));
    checker.set_dictionary_download_url("https://127.0.0.1:9/")?;
    let err = checker.load_dictionaries().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("https: scheme is not supported"), "{err}");
    Ok(())
}
