"""Drive the real Python Sentry SDK against an Undertaker DSN.

Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> python scenario.py <error|transaction|all|full>

`full` sends every kind the SDK supports (see full.py): error with attachment, transaction with a
profile, session, request aggregates, cron check-ins, logs, metrics and feedback.

Prints exactly one JSON line on stdout describing what was sent, e.g.
{"sdk": "sentry.python", "version": "2.75.0", "error_event_id": "...", ...}
Everything else (SDK debug output, diagnostics) goes to stderr.

Env:
  UNDERTAKER_DSN             required
  UNDERTAKER_PY_COMPRESSION  gzip (default) | br | none | sdk-default
  UNDERTAKER_SDK_DEBUG       "1" turns on sentry_sdk debug logging (stderr)
"""

import json
import os
import sys

import full
import sentry_sdk

SCENARIOS = ("error", "transaction", "all", "full")

# Filled by before_send_transaction: the SDK API does not return transaction ids.
recorded = {}


def before_send_transaction(event, hint):
    if event.get("transaction") != "job":
        return event
    recorded["transaction_event_id"] = event.get("event_id")
    recorded["trace_id"] = event.get("contexts", {}).get("trace", {}).get("trace_id")
    return event


def compression_experiments():
    mode = os.environ.get("UNDERTAKER_PY_COMPRESSION", "gzip") or "gzip"
    if mode == "gzip":
        return {"transport_compression_algo": "gzip"}
    if mode == "br":
        # Falls back to gzip (with a debug warning) if the brotli module is missing.
        return {"transport_compression_algo": "br"}
    if mode == "none":
        return {"transport_compression_level": 0}
    if mode == "sdk-default":
        return {}
    raise SystemExit("UNDERTAKER_PY_COMPRESSION must be gzip, br, none or sdk-default, got %r" % mode)


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


def run_error(result):
    result["error_event_id"] = capture_error("error")


def run_transaction(result):
    with sentry_sdk.start_transaction(op="task", name="job"):
        with sentry_sdk.start_span(op="db.query", name="SELECT 1"):
            pass
        with sentry_sdk.start_span(op="http.client", name="GET /child"):
            # Captured while the transaction is active: shares its trace id.
            result["error_event_id"] = capture_error("transaction")


def main(argv):
    if len(argv) != 2 or argv[1] not in SCENARIOS:
        print("usage: scenario.py <%s>" % "|".join(SCENARIOS), file=sys.stderr)
        return 2
    scenario = argv[1]
    dsn = os.environ.get("UNDERTAKER_DSN")
    if not dsn:
        print("UNDERTAKER_DSN is not set", file=sys.stderr)
        return 2

    # SENTRY_* variables (SENTRY_SPOTLIGHT, SENTRY_RELEASE, ...) would change what is sent.
    for name in [n for n in os.environ if n.startswith("SENTRY_")]:
        del os.environ[name]

    sentry_sdk.init(
        dsn=dsn,
        debug=os.environ.get("UNDERTAKER_SDK_DEBUG") == "1",
        release="harness@1.0.0",
        environment="test",
        traces_sample_rate=1.0,
        attach_stacktrace=True,
        # An explicit "" disables proxies even when http_proxy/https_proxy are set in the env.
        http_proxy="",
        https_proxy="",
        before_send_transaction=before_send_transaction,
        _experiments=compression_experiments(),
        # Profiling only in `full`: a profile item in the other scenarios would depend on timing.
        profiles_sample_rate=1.0 if scenario == "full" else None,
        traces_sampler=full.sample_traces if scenario == "full" else None,
    )

    result = {"sdk": "sentry.python", "version": sentry_sdk.VERSION}
    if scenario == "full":
        full.run(result, capture_error, run_transaction)
    elif scenario == "error":
        run_error(result)
    elif scenario == "transaction":
        run_transaction(result)
    else:
        run_error(result)
        transaction_result = {}
        run_transaction(transaction_result)
        result["transaction_error_event_id"] = transaction_result["error_event_id"]

    sentry_sdk.flush(timeout=10)

    if scenario in ("transaction", "all", "full"):
        if "transaction_event_id" not in recorded:
            print("before_send_transaction was never called", file=sys.stderr)
            return 1
        result.update(recorded)

    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
