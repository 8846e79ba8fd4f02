"""Drive the real Python sentry-sdk 0.14.2 (the store-endpoint era) against an Undertaker DSN.

Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> python scenario.py full
Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
Sends: an error (stack trace, breadcrumb, user, tag) and a transaction with two child spans and an
error inside it, all as gzip JSON to /api/<id>/store/. 0.14.2 has no envelopes at all: sessions
arrived in 0.14.3; attachments, crons, profiles, logs and feedback later still.
"""

import json
import os
import sys

import sentry_sdk

recorded = {}


def before_send(event, hint):
    # 0.14 has no before_send_transaction: transactions pass through before_send too.
    if event.get("type") == "transaction" and event.get("transaction") == "job":
        recorded["transaction_event_id"] = event.get("event_id")
        recorded["trace_id"] = event["contexts"]["trace"]["trace_id"]
    return event


def fail(message):
    raise ValueError(message)


def capture_error(tag_value):
    sentry_sdk.add_breadcrumb(category="auth", message="user logged in", level="info")
    sentry_sdk.set_user({"id": "42", "email": "harness@example.invalid"})
    sentry_sdk.set_tag("harness.scenario", tag_value)
    try:
        fail("harness boom")
    except ValueError as exc:
        return sentry_sdk.capture_exception(exc)


def run_transaction(result):
    # No start_transaction yet: a span with `transaction=` is the transaction.
    with sentry_sdk.start_span(transaction="job", op="task"):
        with sentry_sdk.start_span(op="db.query", description="SELECT 1"):
            pass
        with sentry_sdk.start_span(op="http.client", description="GET /child"):
            result["transaction_error_event_id"] = capture_error("transaction")


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
        traces_sample_rate=1.0,  # the default is 0.0 in 0.14
        attach_stacktrace=True,
        http_proxy="",
        https_proxy="",
        before_send=before_send,
    )
    result = {"sdk": "sentry.python", "version": sentry_sdk.VERSION}
    result["error_event_id"] = capture_error("error")
    run_transaction(result)
    sentry_sdk.flush(timeout=10)
    if "transaction_event_id" not in recorded:
        print("before_send never saw the transaction", file=sys.stderr)
        return 1
    result.update(recorded)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
