"""The `full` scenario of scenario.py: every kind of data sentry-sdk 2.x can send.

Error (with an attachment), a profiled transaction with two child spans and an error inside it, an
application session, request aggregates from the WSGI middleware, a cron check-in pair, logs,
metrics and user feedback (no API: a hand-built envelope shaped like the JS SDK's).
"""

import time
import uuid
from wsgiref.util import setup_testing_defaults

import sentry_sdk
from sentry_sdk.crons import MonitorStatus, capture_checkin
from sentry_sdk.envelope import Envelope, Item, PayloadRef
from sentry_sdk.integrations.wsgi import SentryWsgiMiddleware

SLUG = "harness-job"


def sample_traces(context):
    """Keeps the WSGI requests' own transactions out: only the aggregates are wanted from them."""
    return 0.0 if context.get("transaction_context", {}).get("op") == "http.server" else 1.0


def busy(seconds):
    """The profiler drops profiles with fewer than 2 samples (101 Hz): keep a core busy a while."""
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return n


def profiled_transaction(result, capture_error):
    with sentry_sdk.start_transaction(op="task", name="job"):
        with sentry_sdk.start_span(op="db.query", name="SELECT 1"):
            busy(0.12)
        with sentry_sdk.start_span(op="http.client", name="GET /child"):
            result["transaction_error_event_id"] = capture_error("transaction")


def request_aggregates():
    """Two requests through the WSGI middleware: counted into one `sessions` aggregate item."""

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wrapped = SentryWsgiMiddleware(app)
    for _ in range(2):
        environ = {}
        setup_testing_defaults(environ)
        body = wrapped(environ, lambda status, headers, exc_info=None: None)
        b"".join(body)
        getattr(body, "close", lambda: None)()


def check_ins():
    config = {"schedule": {"type": "crontab", "value": "* * * * *"}}
    cid = capture_checkin(monitor_slug=SLUG, status=MonitorStatus.IN_PROGRESS, monitor_config=config)
    capture_checkin(monitor_slug=SLUG, check_in_id=cid, status=MonitorStatus.OK, duration=1.5)
    return cid


def feedback(associated_event_id):
    event_id = uuid.uuid4().hex
    payload = {
        "event_id": event_id,
        "type": "feedback",
        "timestamp": time.time(),
        "platform": "python",
        "release": "harness@1.0.0",
        "environment": "test",
        "sdk": {"name": "sentry.python", "version": sentry_sdk.VERSION},
        "contexts": {
            "feedback": {
                "message": "harness feedback",
                "contact_email": "harness@example.invalid",
                "name": "Harness",
                "associated_event_id": associated_event_id,
            }
        },
    }
    envelope = Envelope(headers={"event_id": event_id, "sdk": payload["sdk"]})
    envelope.add_item(Item(payload=PayloadRef(json=payload), type="feedback"))
    sentry_sdk.get_client().transport.capture_envelope(envelope)
    return event_id


def run(result, capture_error, run_transaction):
    del run_transaction  # `full` uses its own profiled transaction
    sentry_sdk.start_session()
    with sentry_sdk.new_scope() as scope:
        scope.add_attachment(bytes=b"harness attachment\n", filename="harness.txt", content_type="text/plain")
        result["error_event_id"] = capture_error("error")
    profiled_transaction(result, capture_error)
    sentry_sdk.end_session()
    request_aggregates()
    result["check_in_id"] = check_ins()
    result["monitor_slug"] = SLUG
    sentry_sdk.logger.info("harness log {uid}", uid="42")
    sentry_sdk.metrics.count("harness.jobs", 1)
    result["feedback_event_id"] = feedback(result["error_event_id"])
