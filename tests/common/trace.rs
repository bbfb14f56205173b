//! Capturing gloo's GPU trace (target `TRACE_TARGET`) in tests: each
//! thread that calls [`capture`] keeps its own lines, so parallel tests do
//! not mix. The logger is process-wide: every test installs the same one.

use std::cell::{Cell, RefCell};

use gloo_runtime::TRACE_TARGET;
use log::{Level, LevelFilter, Log, Metadata, Record};

/// Code an application's logger runs on each line.
type Hook = Box<dyn Fn(&str)>;

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LINES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Keeps the trace lines of the threads that asked for them, apart.
struct Capture;

impl Log for Capture {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.target() == TRACE_TARGET && metadata.level() <= Level::Debug && CAPTURING.with(Cell::get)
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            let line = record.args().to_string();
            LINES.with(|lines| lines.borrow_mut().push(line.clone()));
            // No borrow of `LINES` is live: the hook may log again.
            HOOK.with(|hook| hook.borrow().as_ref().map(|hook| hook(&line)));
        }
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture;

/// Starts capturing this thread's trace, from nothing.
pub fn capture() {
    // Only the first call installs the logger; the others find it there.
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(LevelFilter::Debug);
    CAPTURING.with(|capturing| capturing.set(true));
    LINES.with(|lines| lines.borrow_mut().clear());
    HOOK.with(|hook| hook.borrow_mut().take());
}

/// Runs `hook` on each line this thread logs from now on, as an
/// application's logger may run code of its own (until the next `capture()`).
pub fn on_line(hook: impl Fn(&str) + 'static) {
    HOOK.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// The trace captured on this thread since `capture()`.
pub fn lines() -> Vec<String> {
    LINES.with(|lines| lines.borrow().clone())
}

/// The trace captured on this thread since `capture()`, forgotten.
pub fn take_lines() -> Vec<String> {
    LINES.with(|lines| core::mem::take(&mut *lines.borrow_mut()))
}
