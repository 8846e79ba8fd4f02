// Drives the real sentry-go SDK against an Undertaker DSN.
//
// Usage: UNDERTAKER_DSN=http://<key>@127.0.0.1:<port>/<id> scenario full
// Prints exactly one JSON line on stdout with the ids it produced; SDK output goes to stderr.
// Sends: an error (stack trace, breadcrumb, user, tag, attachment), a transaction with two child
// spans and an error inside it, a cron check-in pair, logs and a metric. sentry-go has no
// sessions, feedback or profiles (profiling was removed in v0.31).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/getsentry/sentry-go"
)

const slug = "harness-job"

func setContext(tag string) {
	sentry.AddBreadcrumb(&sentry.Breadcrumb{Category: "auth", Message: "user logged in", Level: sentry.LevelInfo})
	sentry.ConfigureScope(func(s *sentry.Scope) {
		s.SetUser(sentry.User{ID: "42", Email: "harness@example.invalid"})
		s.SetTag("harness.scenario", tag)
	})
}

//go:noinline
func fail(message string) error {
	return errors.New(message)
}

// captureError sends an error with the call-site stack; the attachment rides in the same envelope.
func captureError() string {
	setContext("error")
	var id *sentry.EventID
	sentry.WithScope(func(s *sentry.Scope) {
		s.AddAttachment(&sentry.Attachment{Filename: "harness.txt", ContentType: "text/plain", Payload: []byte("harness attachment\n")})
		id = sentry.CaptureException(fail("harness boom"))
	})
	return string(*id)
}

func runTransaction(result map[string]string, recorded map[string]string) {
	ctx := context.Background()
	tx := sentry.StartTransaction(ctx, "job", sentry.WithOpName("task"))
	tx.StartChild("db.query", sentry.WithDescription("SELECT 1")).Finish()
	child := tx.StartChild("http.client", sentry.WithDescription("GET /child"))
	setContext("transaction")
	// The child span is on the hub's scope now, so the error carries the transaction's trace.
	result["transaction_error_event_id"] = string(*sentry.CaptureException(fail("harness boom")))
	child.Finish()
	tx.Finish()
	result["trace_id"] = tx.TraceID.String()
}

func sendCheckIns() string {
	config := &sentry.MonitorConfig{Schedule: sentry.CrontabSchedule("* * * * *")}
	id := sentry.CaptureCheckIn(&sentry.CheckIn{MonitorSlug: slug, Status: sentry.CheckInStatusInProgress}, config)
	sentry.CaptureCheckIn(&sentry.CheckIn{ID: *id, MonitorSlug: slug, Status: sentry.CheckInStatusOK, Duration: 1500 * time.Millisecond}, config)
	return string(*id)
}

func main() {
	if len(os.Args) != 2 || os.Args[1] != "full" {
		fmt.Fprintln(os.Stderr, "usage: scenario full")
		os.Exit(2)
	}
	dsn := os.Getenv("UNDERTAKER_DSN")
	if dsn == "" {
		fmt.Fprintln(os.Stderr, "UNDERTAKER_DSN is not set")
		os.Exit(2)
	}
	recorded := map[string]string{}
	err := sentry.Init(sentry.ClientOptions{
		Dsn:              dsn,
		Debug:            os.Getenv("UNDERTAKER_SDK_DEBUG") == "1",
		Release:          "harness@1.0.0",
		Environment:      "test",
		EnableTracing:    true,
		TracesSampleRate: 1.0,
		AttachStacktrace: true,
		SendDefaultPII:   true,
		EnableLogs:       true,
		// The API does not return transaction ids.
		BeforeSendTransaction: func(event *sentry.Event, _ *sentry.EventHint) *sentry.Event {
			recorded["transaction_event_id"] = string(event.EventID)
			return event
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sentry.Init:", err)
		os.Exit(1)
	}

	result := map[string]string{"sdk": "sentry.go", "version": sentry.SDKVersion}
	result["error_event_id"] = captureError()
	runTransaction(result, recorded)
	result["check_in_id"] = sendCheckIns()
	result["monitor_slug"] = slug
	sentry.NewLogger(context.Background()).Info().String("user.id", "42").Emit("harness log")
	sentry.NewMeter(context.Background()).Count("harness.jobs", 1)

	if !sentry.Flush(10 * time.Second) {
		fmt.Fprintln(os.Stderr, "sentry.Flush timed out")
		os.Exit(1)
	}
	for key, value := range recorded {
		result[key] = value
	}
	line, _ := json.Marshal(result)
	fmt.Println(string(line))
}
