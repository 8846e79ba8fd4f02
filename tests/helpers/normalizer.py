"""Sentry's own event normaliser as a line-oriented validator for the receiver tests.

Reads one JSON request per stdin line, answers one JSON verdict per stdout line (see normalizer.ts).
A request is either an event object, or {"event": {...}, "config": {...}} to use a normaliser
built with other settings (the probes). Runs in .cache/venv-receivers (sentry-relay).
"""
import json
import sys
from datetime import datetime, timezone

from sentry_relay.exceptions import RelayError
from sentry_relay.processing import StoreNormalizer

# Sentry's DEFAULT_STORE_NORMALIZER_ARGS plus what its event manager passes.
SENTRY_ARGS = {
    "max_secs_in_future": 60,
    "max_secs_in_past": 30 * 24 * 3600,
    "enable_trimming": True,
    "normalize_user_agent": True,
}


def now_iso():
    return datetime.now(timezone.utc).isoformat()


def build(project_id, received_at, config=None):
    args = dict(SENTRY_ARGS) if config is None else dict(config)
    args.setdefault("project_id", project_id)
    args.setdefault("received_at", received_at)
    return StoreNormalizer(**args), args["received_at"]


def verdict(normalizer, received_at, event):
    try:
        out = normalizer.normalize_event(event=event)
    except RelayError as exc:
        return {"ok": False, "error": type(exc).__name__, "message": getattr(exc, "message", str(exc))}
    return {
        "ok": True,
        "errors": out.get("errors") or [],
        "type": out.get("type"),
        "timestamp": out.get("timestamp"),
        "received_at": received_at,
        "meta": out.get("_meta") or {},
    }


def main():
    project_id = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    # received_at is fixed at construction: "now" is the moment the helper starts (the replay's
    # send time, give or take the seconds the test takes), as one Relay receiving the batch.
    received_at = sys.argv[2] if len(sys.argv) > 2 else now_iso()
    default, default_received = build(project_id, received_at)
    print(json.dumps({"ready": True, "received_at": default_received}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if isinstance(request, dict) and "config" in request and "event" in request:
                normalizer, at = build(project_id, received_at, request["config"])
                answer = verdict(normalizer, at, request["event"])
            else:
                answer = verdict(default, default_received, request)
        except Exception as exc:  # a bad request or config must not kill the helper mid-run
            answer = {"ok": False, "error": type(exc).__name__, "message": str(exc)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
