//! Drives the real Rust `sentry` crate against an Undertaker DSN.
//!
//! Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> scenario full
//! Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
//! Sends: a caught panic (stack trace, breadcrumb, user, tag, attachment), a transaction with two
//! child spans and an error inside it, an application session, a cron check-in pair (no helper in
//! the crate, so built by hand), logs and metrics. No feedback or profile API exists in 0.49.

use std::time::Duration;

use sentry::protocol::{
    Attachment, Envelope, MonitorCheckIn, MonitorCheckInStatus, MonitorConfig, MonitorSchedule,
};
use serde_json::json;

const SLUG: &str = "harness-job";

#[derive(Debug)]
struct HarnessError(&'static str);

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for HarnessError {}

fn set_context(tag_value: &str) {
    sentry::add_breadcrumb(sentry::Breadcrumb {
        category: Some("auth".into()),
        message: Some("user logged in".into()),
        level: sentry::Level::Info,
        ..Default::default()
    });
    sentry::configure_scope(|scope| {
        scope.set_user(Some(sentry::User {
            id: Some("42".into()),
            email: Some("harness@example.invalid".into()),
            ..Default::default()
        }));
        scope.set_tag("harness.scenario", tag_value);
    });
}

#[inline(never)]
fn fail(message: &str) -> ! {
    panic!("{}", message);
}

/// A caught panic: the panic integration captures it with a real stack trace.
fn capture_panic() -> String {
    set_context("error");
    sentry::configure_scope(|scope| {
        scope.add_attachment(Attachment {
            buffer: b"harness attachment\n".to_vec(),
            filename: "harness.txt".into(),
            content_type: Some("text/plain".into()),
            ..Default::default()
        })
    });
    let _ = std::panic::catch_unwind(|| fail("harness boom"));
    sentry::configure_scope(|scope| scope.clear_attachments());
    sentry::last_event_id().expect("the panic was not captured").simple().to_string()
}

/// A transaction with two child spans; an error captured while it is on the scope shares its trace.
fn run_transaction(result: &mut serde_json::Map<String, serde_json::Value>) {
    let tx = sentry::start_transaction(sentry::TransactionContext::new("job", "task"));
    sentry::configure_scope(|scope| scope.set_span(Some(tx.clone().into())));
    tx.start_child("db.query", "SELECT 1").finish();
    let child = tx.start_child("http.client", "GET /child");
    set_context("transaction");
    let id = sentry::capture_error(&HarnessError("harness boom"));
    child.finish();
    result.insert("trace_id".into(), json!(tx.get_trace_context().trace_id.to_string()));
    result.insert("transaction_error_event_id".into(), json!(id.simple().to_string()));
    sentry::configure_scope(|scope| scope.set_span(None));
    tx.finish();
}

/// The crate has the check-in type but no helper: send an in-progress and an ok check-in by hand.
fn send_check_ins() -> String {
    let id = sentry::types::random_uuid();
    let client = sentry::Hub::current().client().expect("sentry is not initialised");
    for (status, duration) in [(MonitorCheckInStatus::InProgress, None), (MonitorCheckInStatus::Ok, Some(1.5))] {
        let mut envelope = Envelope::new();
        envelope.add_item(MonitorCheckIn {
            check_in_id: id,
            monitor_slug: SLUG.into(),
            status,
            environment: Some("test".into()),
            duration,
            monitor_config: Some(MonitorConfig {
                schedule: MonitorSchedule::from_crontab("* * * * *").expect("valid crontab"),
                checkin_margin: None,
                max_runtime: None,
                timezone: None,
                failure_issue_threshold: None,
                recovery_threshold: None,
            }),
        });
        client.send_envelope(envelope);
    }
    id.simple().to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 2 || args[1] != "full" {
        eprintln!("usage: scenario full");
        std::process::exit(2);
    }
    let dsn = std::env::var("UNDERTAKER_DSN").unwrap_or_default();
    if dsn.is_empty() {
        eprintln!("UNDERTAKER_DSN is not set");
        std::process::exit(2);
    }
    let guard = sentry::init((
        dsn.as_str(),
        sentry::ClientOptions::new()
            .release("harness@1.0.0")
            .environment("test")
            .debug(std::env::var("UNDERTAKER_SDK_DEBUG").as_deref() == Ok("1"))
            .traces_sample_rate(1.0)
            .attach_stacktrace(true)
            .auto_session_tracking(true),
    ));

    let mut result = serde_json::Map::new();
    result.insert("sdk".into(), json!("sentry.rust"));
    // The crate's own version is not public; the default user agent is `sentry.rust/<version>`.
    let agent = sentry::Hub::current().client().map(|c| c.options().user_agent.to_string()).unwrap_or_default();
    result.insert("version".into(), json!(agent.rsplit('/').next().unwrap_or("")));
    result.insert("error_event_id".into(), json!(capture_panic()));
    run_transaction(&mut result);
    result.insert("check_in_id".into(), json!(send_check_ins()));
    result.insert("monitor_slug".into(), json!(SLUG));
    sentry::logger_info!(user.id = "42", "harness log {}", 1);
    sentry::metrics::counter("harness.jobs", 1).capture();

    // The application session ends here (not at guard drop) so it is sent before the result line.
    sentry::end_session();
    let flushed = sentry::Hub::current()
        .client()
        .map(|client| client.flush(Some(Duration::from_secs(10))))
        .unwrap_or(false);
    if !flushed {
        eprintln!("flush timed out");
        std::process::exit(1);
    }
    println!("{}", serde_json::Value::Object(result));
    drop(guard);
}
