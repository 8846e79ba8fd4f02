// Drives the real io.sentry:sentry SDK (plain Java 17) against an Undertaker DSN.
//
// Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> java -cp … harness.Scenario full
// Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
// Sends: an error (stack trace, breadcrumb, user, tag, attachment), a transaction with two child
// spans and an error inside it, a session, a cron check-in pair, logs, a metric and feedback.
// Profiles need the separate native sentry-async-profiler module, which this harness leaves out.
package harness;

import io.sentry.Attachment;
import io.sentry.CheckIn;
import io.sentry.CheckInStatus;
import io.sentry.Hint;
import io.sentry.ISpan;
import io.sentry.ITransaction;
import io.sentry.MonitorConfig;
import io.sentry.MonitorSchedule;
import io.sentry.Sentry;
import io.sentry.SentryLevel;
import io.sentry.protocol.Feedback;
import io.sentry.protocol.SentryId;
import io.sentry.protocol.User;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

public final class Scenario {
  private static final String SLUG = "harness-job";
  /** The API does not return transaction ids: recorded in beforeSendTransaction. */
  private static final Map<String, String> recorded = new TreeMap<>();

  private Scenario() {}

  private static void setContext(String tag) {
    Sentry.addBreadcrumb("user logged in", "auth");
    User user = new User();
    user.setId("42");
    user.setEmail("harness@example.invalid");
    Sentry.setUser(user);
    Sentry.setTag("harness.scenario", tag);
  }

  private static void fail(String message) {
    throw new IllegalStateException(message);
  }

  private static String captureError(String tag, Hint hint) {
    setContext(tag);
    try {
      fail("harness boom");
    } catch (IllegalStateException e) {
      return (hint == null ? Sentry.captureException(e) : Sentry.captureException(e, hint)).toString();
    }
    throw new AssertionError("unreachable");
  }

  private static void runTransaction(Map<String, String> result) {
    ITransaction tx = Sentry.startTransaction("job", "task");
    // Bound to the scope so the error below carries the transaction's trace.
    try (var ignored = tx.makeCurrent()) {
      tx.startChild("db.query", "SELECT 1").finish();
      ISpan child = tx.startChild("http.client", "GET /child");
      result.put("transaction_error_event_id", captureError("transaction", null));
      child.finish();
    }
    tx.finish();
    result.put("trace_id", tx.getSpanContext().getTraceId().toString());
  }

  private static String sendCheckIns() {
    CheckIn start = new CheckIn(SLUG, CheckInStatus.IN_PROGRESS);
    start.setMonitorConfig(new MonitorConfig(MonitorSchedule.crontab("* * * * *")));
    SentryId id = Sentry.captureCheckIn(start);
    CheckIn done = new CheckIn(id, SLUG, CheckInStatus.OK);
    done.setDuration(1.5);
    Sentry.captureCheckIn(done);
    return id.toString();
  }

  private static String json(Map<String, String> values) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, String> entry : values.entrySet()) {
      if (out.length() > 1) out.append(',');
      out.append('"').append(entry.getKey()).append("\":\"").append(entry.getValue()).append('"');
    }
    return out.append('}').toString();
  }

  public static void main(String[] args) {
    String dsn = System.getenv("UNDERTAKER_DSN");
    if (args.length != 1 || !args[0].equals("full") || dsn == null || dsn.isEmpty()) {
      System.err.println("usage: UNDERTAKER_DSN=... Scenario full");
      System.exit(2);
    }
    Sentry.init(o -> {
      o.setDsn(dsn);
      o.setDebug("1".equals(System.getenv("UNDERTAKER_SDK_DEBUG")));
      o.setDiagnosticLevel(SentryLevel.DEBUG);
      o.setRelease("harness@1.0.0");
      o.setEnvironment("test");
      o.setTracesSampleRate(1.0);
      o.setSendDefaultPii(true);
      o.setAttachStacktrace(true);
      o.getLogs().setEnabled(true);
      o.setBeforeSendTransaction((event, hint) -> {
        recorded.put("transaction_event_id", event.getEventId().toString());
        return event;
      });
    });

    Map<String, String> result = new TreeMap<>();
    result.put("sdk", "sentry.java");
    result.put("version", Sentry.getCurrentScopes().getOptions().getSdkVersion().getVersion());
    Sentry.startSession();
    Attachment attachment = new Attachment("harness attachment\n".getBytes(StandardCharsets.UTF_8), "harness.txt", "text/plain");
    String errorId = captureError("error", Hint.withAttachment(attachment));
    result.put("error_event_id", errorId);
    runTransaction(result);
    result.put("check_in_id", sendCheckIns());
    result.put("monitor_slug", SLUG);
    Sentry.logger().info("harness log %s", "42");
    Sentry.metrics().count("harness.jobs", 1.0);
    Feedback feedback = new Feedback("harness feedback");
    feedback.setName("Harness");
    feedback.setContactEmail("harness@example.invalid");
    feedback.setAssociatedEventId(new SentryId(errorId));
    result.put("feedback_event_id", Sentry.feedback().capture(feedback).toString());
    Sentry.endSession();

    Sentry.flush(10_000);
    result.putAll(recorded);
    System.out.println(json(result));
    Sentry.close();
  }
}
