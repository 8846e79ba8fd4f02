"""Drive the legacy raven 6.10.0 client against an Undertaker DSN.

Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> python scenario.py full
Prints exactly one JSON line on stdout with the ids it produced; raven's own output goes to stderr.
Sends an exception (stack trace, breadcrumb, user, tags) and a message, each as zlib-deflated JSON to
/api/<id>/store/ with protocol version 6. raven knows nothing else (no transactions, sessions,
attachments, crons, logs, feedback or profiles).
"""

import json
import logging
import os
import sys

import raven
from raven.transport.http import HTTPTransport


def fail(message):
    raise ValueError(message)


def main(argv):
    dsn = os.environ.get("UNDERTAKER_DSN")
    if len(argv) != 2 or argv[1] != "full" or not dsn:
        print("usage: UNDERTAKER_DSN=... scenario.py full", file=sys.stderr)
        return 2
    for name in [n for n in os.environ if n.startswith("SENTRY_")]:
        del os.environ[name]
    if os.environ.get("UNDERTAKER_SDK_DEBUG") == "1":
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    # The synchronous transport sends before each capture call returns (the default one is threaded).
    client = raven.Client(dsn, release="harness@1.0.0", environment="test", transport=HTTPTransport)
    client.captureBreadcrumb(message="user logged in", category="auth", level="info")
    client.user_context({"id": "42", "email": "harness@example.invalid"})
    client.tags_context({"harness.scenario": "error"})
    try:
        fail("harness boom")
    except ValueError:
        error_id = client.captureException()
    message_id = client.captureMessage("harness message")
    if client.state.did_fail():
        print("raven could not send (see the log above)", file=sys.stderr)
        return 1
    result = {"sdk": "raven-python", "version": raven.VERSION, "error_event_id": error_id, "message_event_id": message_id}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
