"""Drive the real Python sentry-sdk 1.x (1.45.1) against an Undertaker DSN.

Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> python scenario.py full
Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
Sends: an error (stack trace, breadcrumb, user, tag, attachment), a profiled transaction with two
child spans and an error inside it, a session, request aggregates (WSGI middleware), a cron
check-in pair and a metric in the pre-2.0 `statsd` format; then one more error from a second client
without tracing, which 1.x posts to the legacy /store/ endpoint. 1.x has no logs or feedback API.
"""

import json
import os
import sys
import time
from wsgiref.util import setup_testing_defaults

import sentry_sdk
from sentry_sdk import Hub
from sentry_sdk.crons import MonitorStatus, capture_checkin
from sentry_sdk.integrations.wsgi import SentryWsgiMiddleware

SLUG = "harness-job"
recorded = {}


def before_send_transaction(event, hint):
    if event.get("transaction") == "job":
        recorded["transaction_event_id"] = event.get("event_id")
        recorded["trace_id"] = event["contexts"]["trace"]["trace_id"]
    return event


def sample_traces(context):
    # Only the aggregates are wanted from the WSGI requests, not their transactions.
    return 0.0 if context.get("transaction_context", {}).get("op") == "http.server" else 1.0


def fail(message):
    raise ValueError(message)


def capture_error(tag_value, attach=False):
    sentry_sdk.add_breadcrumb(category="auth", message="user logged in", level="info")
    sentry_sdk.set_user({"id": "42", "email": "harness@example.invalid"})
    sentry_sdk.set_tag("harness.scenario", tag_value)
    with sentry_sdk.push_scope() as scope:
        if attach:
            scope.add_attachment(bytes=b"harness attachment\n", filename="harness.txt", content_type="text/plain")
        try:
            fail("harness boom")
        except ValueError as exc:
            return sentry_sdk.capture_exception(exc)


def busy(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def run_transaction(result):
    with sentry_sdk.start_transaction(op="task", name="job"):
        with sentry_sdk.start_span(op="db.query", description="SELECT 1"):
            busy(0.12)  # the profiler drops profiles with fewer than 2 samples
        with sentry_sdk.start_span(op="http.client", description="GET /child"):
            result["transaction_error_event_id"] = capture_error("transaction")


def request_aggregates():
    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wrapped = SentryWsgiMiddleware(app)
    for _ in range(2):
        environ = {}
        setup_testing_defaults(environ)
        b"".join(wrapped(environ, lambda status, headers, exc_info=None: None))


def check_ins():
    config = {"schedule": {"type": "crontab", "value": "* * * * *"}}
    cid = capture_checkin(monitor_slug=SLUG, status=MonitorStatus.IN_PROGRESS, monitor_config=config)
    capture_checkin(monitor_slug=SLUG, check_in_id=cid, status=MonitorStatus.OK, duration=1.5)
    return cid


def store_error(dsn):
    """Without tracing (and attachments) 1.x sends errors as gzip JSON to /api/<id>/store/."""
    client = sentry_sdk.Client(dsn=dsn, release="harness@1.0.0", environment="test", http_proxy="", https_proxy="")
    hub = Hub(client)
    hub.scope.set_tag("harness.scenario", "store")
    try:
        fail("harness boom")
    except ValueError:
        event_id = hub.capture_exception()
    client.flush(timeout=10)
    return event_id


def main(argv):
    dsn = os.environ.get("UNDERTAKER_DSN")
    if len(argv) != 2 or argv[1] != "full" or not dsn:
        print("usage: UNDERTAKER_DSN=... scenario.py full", file=sys.stderr)
        return 2
    for name in [n for n in os.environ if n.startswith("SENTRY_")]:
        del os.environ[name]
    sentry_sdk.init(
        dsn=dsn,
        debug=os.environ.get("UNDERTAKER_SDK_DEBUG") == "1",
        release="harness@1.0.0",
        environment="test",
        traces_sampler=sample_traces,
        profiles_sample_rate=1.0,
        attach_stacktrace=True,
        http_proxy="",
        https_proxy="",
        before_send_transaction=before_send_transaction,
        _experiments={"enable_metrics": True},
    )
    result = {"sdk": "sentry.python", "version": sentry_sdk.VERSION}
    Hub.current.start_session()
    result["error_event_id"] = capture_error("error", attach=True)
    run_transaction(result)
    Hub.current.end_session()
    request_aggregates()
    result["check_in_id"] = check_ins()
    result["monitor_slug"] = SLUG
    sentry_sdk.metrics.incr("harness.jobs", 1)
    sentry_sdk.flush(timeout=10)
    result["store_error_event_id"] = store_error(dsn)
    if "transaction_event_id" not in recorded:
        print("before_send_transaction never saw the transaction", file=sys.stderr)
        return 1
    result.update(recorded)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
