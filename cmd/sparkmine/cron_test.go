package main

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

// goCache is the build cache as the test binary started: tests that set
// XDG_CACHE_HOME would otherwise send go build to an empty cache (minutes).
var goCache = func() string {
	if c := os.Getenv("GOCACHE"); c != "" {
		return c
	}
	dir, _ := os.UserCacheDir()
	return filepath.Join(dir, "go-build")
}()

// cronEnv is a child's whole environment, as bare as a cron's: no AWS
// profile or credentials unless the test adds them.
func cronEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	return append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"AWS_CONFIG_FILE=" + filepath.Join(home, "no-aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1",
	}, extra...)
}

// cron runs the built binary as a cron would (stderr a pipe, not a
// terminal) and returns its exit code and stderr.
func cron(t *testing.T, env []string, start func(*exec.Cmd), args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if start != nil {
		start(cmd)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// hasRecord reports whether a record has msg containing text and level.
func hasRecord(recs []map[string]any, level, text string) bool {
	for _, r := range recs {
		if r["level"] == level && strings.Contains(r["msg"].(string), text) {
			return true
		}
	}
	return false
}

// TestCronStderrIsJSON runs the binary as a cron does, in runs that succeed
// and runs that fail, and parses every stderr line as one JSON object.
func TestCronStderrIsJSON(t *testing.T) {
	srv := s3test.Shared(t)
	logs, outB := srv.NewBucket(t), srv.NewBucket(t)
	sample, err := os.Open("samples/application_1764000000000_0001.zstd")
	if err != nil {
		t.Fatal(err)
	}
	defer sample.Close()
	if err := srv.Store(t, logs, "spark/").Put(t.Context(), "application_1764000000000_0001.zstd", sample); err != nil {
		t.Fatal(err)
	}
	s3env := append(srv.Env(), "AWS_REGION=us-east-1")

	// SIGTERM arrives while the source is being listed: the endpoint holds
	// the request until the signal has been sent.
	listing := make(chan struct{}, 1)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case listing <- struct{}{}:
		default:
		}
		<-r.Context().Done()
	}))
	defer hang.Close()
	sigterm := func(cmd *exec.Cmd) {
		<-listing
		cmd.Process.Signal(syscall.SIGTERM)
	}
	down := closedPort(t)
	// IMDS that refuses tokens: the SDK warns "falling back to IMDSv1",
	// then finds no role.
	imds := httptest.NewServer(http.NotFoundHandler())
	defer imds.Close()
	gemini := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":{"code":503,"message":"unavailable","status":"UNAVAILABLE"}}`, http.StatusServiceUnavailable)
	}))
	defer gemini.Close()
	geminiConfig := filepath.Join(t.TempDir(), "gemini.yaml")
	os.WriteFile(geminiConfig, []byte("gemini:\n  mode: gemini\n  retries: 0\n  base_url: "+gemini.URL+"\n"), 0o644)

	out := func() string { return t.TempDir() }
	for _, c := range []struct {
		name      string
		env       []string
		start     func(*exec.Cmd)
		args      []string
		want      int
		level, in string // a record that must be there
		also      string // and a warning, if not ""
	}{
		{"cron run", cronEnv(t, s3env...), nil,
			[]string{"run", "--source", "s3://" + logs + "/spark/", "--out", "s3://" + outB + "/ok/"}, 0, "INFO", "run summary", ""},
		{"bad prefix", cronEnv(t, s3env...), nil,
			[]string{"run", "--source", "s3://" + logs + "/nosuchprefix/", "--out", out()}, 2, "ERROR", "no event log in s3://", ""},
		{"bad prefix allowed", cronEnv(t, s3env...), nil,
			[]string{"run", "--source", "s3://" + logs + "/nosuchprefix/", "--out", out(), "--allow-empty"}, 0, "INFO", "run summary", ""},
		{"SIGTERM mid-run", cronEnv(t, "AWS_ENDPOINT_URL_S3="+hang.URL, "AWS_ACCESS_KEY_ID=k", "AWS_SECRET_ACCESS_KEY=s"), sigterm,
			[]string{"run", "--source", "s3://logs/spark/", "--out", out(), "--s3-path-style"}, 1, "ERROR", "stopped by a signal, nothing committed", ""},
		{"S3 down", cronEnv(t, "AWS_ENDPOINT_URL_S3=http://"+down, "AWS_ACCESS_KEY_ID=k", "AWS_SECRET_ACCESS_KEY=s", "AWS_MAX_ATTEMPTS=1"), nil,
			[]string{"run", "--source", "s3://logs/spark/", "--out", out(), "--s3-path-style"}, 1, "ERROR", "sparkmine: list s3://logs/spark/: ", ""},
		{"no credentials, IMDSv1", append(cronEnv(t, "AWS_ENDPOINT_URL_S3=http://"+down, "AWS_MAX_ATTEMPTS=1"), "AWS_EC2_METADATA_DISABLED=false", "AWS_EC2_METADATA_SERVICE_ENDPOINT="+imds.URL), nil,
			[]string{"run", "--source", "s3://logs/spark/", "--out", out(), "--s3-path-style"}, 1, "WARN", "falling back to IMDSv1", ""},
		{"Gemini down", cronEnv(t, "GEMINI_API_KEY=k1", "GOOGLE_API_KEY=k2"), nil,
			[]string{"run", "--out", out(), "--config", geminiConfig}, 0, "INFO", "Both GOOGLE_API_KEY and GEMINI_API_KEY are set", "gemini count tokens failed"},
		{"Gemini off", cronEnv(t), nil,
			[]string{"run", "--out", out(), "--llm", "off"}, 0, "INFO", "run summary", ""},
		{"bad flag", cronEnv(t), nil, []string{"run", "--nope"}, 2, "ERROR", "flag provided but not defined", ""},
		{"bad config", cronEnv(t), nil, []string{"run", "--config", "testdata/config/unknown-key.bad.yaml"}, 2, "ERROR", "field gradez not found", ""},
		{"no command", cronEnv(t), nil, nil, 2, "ERROR", "no command", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stderr := cron(t, c.env, c.start, c.args...)
			recs := records(t, stderr)
			if code != c.want {
				t.Errorf("exit %d, want %d:\n%s", code, c.want, stderr)
			}
			if !hasRecord(recs, c.level, c.in) {
				t.Errorf("no %s record with %q:\n%s", c.level, c.in, stderr)
			}
			if c.also != "" && !hasRecord(recs, "WARN", c.also) {
				t.Errorf("no WARN record with %q:\n%s", c.also, stderr)
			}
			for _, r := range recs {
				if r["level"] == "ERROR" && r["exit_code"] != float64(code) {
					t.Errorf("error record %v does not carry exit code %d", r, code)
				}
			}
		})
	}
}

// closedPort returns host:port where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestReportToS3: report -o s3://bucket/key writes through the store.
func TestReportToS3(t *testing.T) {
	srv := s3test.Shared(t)
	srv.Setenv(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out := t.TempDir()
	if code, _, stderr := sparkmine(t, "run", "--out", out); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	bucket := srv.NewBucket(t)
	if code, _, stderr := sparkmine(t, "report", "--out", out, "-o", "s3://"+bucket+"/reports/latest.md"); code != 0 {
		t.Fatalf("report -o s3://: exit %d: %s", code, stderr)
	}
	rc, err := srv.Store(t, bucket, "reports/").Open(t.Context(), "latest.md", 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	b.ReadFrom(rc)
	if !strings.Contains(b.String(), "2026-W45") {
		t.Errorf("the report in S3 lacks its week:\n%.300s", b.String())
	}
}
