//! Capturing gloo's GPU trace (target `TRACE_TARGET`) in tests: each
//! thread that calls [`capture`] keeps its own lines, so parallel tests do
//! not mix. The logger is process-wide: every test installs the same one.

use std::cell::{Cell, RefCell};

use gloo_runtime::TRACE_TARGET;
use log::{Level, LevelFilter, Log, Metadata, Record};

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static LINES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Keeps the trace lines of the threads that asked for them, apart.
struct Capture;

impl Log for Capture {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.target() == TRACE_TARGET && metadata.level() <= Level::Debug && CAPTURING.with(Cell::get)
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            LINES.with(|lines| lines.borrow_mut().push(record.args().to_string()));
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
}

/// The trace captured on this thread since `capture()`.
pub fn lines() -> Vec<String> {
    LINES.with(|lines| lines.borrow().clone())
}

/// The trace captured on this thread since `capture()`, forgotten.
pub fn take_lines() -> Vec<String> {
    LINES.with(|lines| core::mem::take(&mut *lines.borrow_mut()))
}
