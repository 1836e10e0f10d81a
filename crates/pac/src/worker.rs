//! The thread that owns a resolver's engine. QuickJS runtimes are
//! single-threaded, so every evaluation of one resolver runs here, one at a
//! time (Chromium also runs each PAC script on one thread).

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread;

use crate::engine::PacEngine;
use crate::environment::PacEnvironment;
use crate::error::PacError;
use crate::sandbox::Limits;

/// Native stack of the worker beyond the JavaScript stack limit, for the
/// interpreter's own frames and the helpers.
const EXTRA_STACK: usize = 4 << 20;

enum Job {
    Load { script: Arc<str>, reply: SyncSender<Result<(), PacError>> },
    Call { url: String, host: String, reply: SyncSender<Result<String, PacError>> },
}

/// A handle to the worker thread; the thread ends when the handle is dropped
/// (after the job in progress, which its time budget bounds).
#[derive(Debug)]
pub(crate) struct Worker {
    jobs: Sender<Job>,
}

impl Worker {
    pub(crate) fn spawn(env: PacEnvironment, limits: Limits) -> Result<Self, PacError> {
        let (jobs, inbox) = channel();
        thread::Builder::new()
            .name("sessionkit-pac".to_owned())
            .stack_size(limits.max_stack.saturating_add(EXTRA_STACK))
            .spawn(move || run(&inbox, &env, limits))
            .map_err(|e| PacError::Engine(format!("cannot start the PAC thread: {e}")))?;
        Ok(Self { jobs })
    }

    /// Compiles `script`, replacing the current one if it loads.
    pub(crate) fn load(&self, script: Arc<str>) -> Result<(), PacError> {
        let (reply, answer) = sync_channel(1);
        self.send(Job::Load { script, reply })?;
        answer.recv().map_err(|_| stopped())?
    }

    /// Calls `FindProxyForURL(url, host)`.
    pub(crate) fn call(&self, url: String, host: String) -> Result<String, PacError> {
        let (reply, answer) = sync_channel(1);
        self.send(Job::Call { url, host, reply })?;
        answer.recv().map_err(|_| stopped())?
    }

    fn send(&self, job: Job) -> Result<(), PacError> {
        self.jobs.send(job).map_err(|_| stopped())
    }
}

fn stopped() -> PacError {
    PacError::Engine("the PAC thread has stopped".to_owned())
}

fn run(inbox: &Receiver<Job>, env: &PacEnvironment, limits: Limits) {
    let mut script: Option<Arc<str>> = None;
    let mut engine: Option<PacEngine> = None;
    for job in inbox {
        match job {
            Job::Load { script: text, reply } => {
                let loaded = PacEngine::new(&text, env, limits);
                let answer = match loaded {
                    Ok(new) => {
                        engine = Some(new);
                        script = Some(text);
                        Ok(())
                    }
                    Err(e) => Err(e),
                };
                // The caller may have gone; nothing to do then.
                let _ = reply.send(answer);
            }
            Job::Call { url, host, reply } => {
                let answer = call(&mut engine, script.as_deref(), env, limits, &url, &host);
                let _ = reply.send(answer);
            }
        }
    }
}

fn call(
    engine: &mut Option<PacEngine>,
    script: Option<&str>,
    env: &PacEnvironment,
    limits: Limits,
    url: &str,
    host: &str,
) -> Result<String, PacError> {
    let current = match engine {
        Some(current) => current,
        None => {
            // Rebuilt after a timeout or out-of-memory error.
            let script =
                script.ok_or_else(|| PacError::Engine("no PAC script loaded".to_owned()))?;
            engine.insert(PacEngine::new(script, env, limits)?)
        }
    };
    let answer = current.call(url, host);
    if matches!(answer, Err(PacError::Timeout { .. } | PacError::OutOfMemory { .. })) {
        *engine = None;
    }
    answer
}
