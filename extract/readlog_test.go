package extract

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store/local"
)

// TestReadLogNotEventLog: a text file among the logs (a driver log) is
// unreadable with ErrNotEventLog; blank lines before a JSON event are not.
func TestReadLogNotEventLog(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"driverlog": "23/11/07 10:59:24.335 main INFO DriverLogger: Added a local log appender\n{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.0\"}\n",
		"eventlog":  "\n\n{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.0\"}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := local.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"driverlog": true, "eventlog": false} {
		objs := []logfile.Object{{Key: name, Size: int64(len(files[name]))}}
		logs, _ := logfile.Discover(objs)
		if len(logs) != 1 {
			t.Fatalf("%s: discovered %d logs", name, len(logs))
		}
		_, _, err := ReadLog(context.Background(), st, logs[0], Options{})
		if got := errors.Is(err, ErrNotEventLog); got != want {
			t.Errorf("%s: ReadLog error %v, want ErrNotEventLog %v", name, err, want)
		}
	}
}

// TestReadLogJavaCodecs reads the root testdata's log as the Java libraries
// Spark uses compressed it: every codec gives the app model of the plain log.
func TestReadLogJavaCodecs(t *testing.T) {
	st, err := local.New("../testdata/codec")
	if err != nil {
		t.Fatal(err)
	}
	read := func(key string) *App {
		t.Helper()
		logs, _ := logfile.Discover([]logfile.Object{{Key: key}})
		if len(logs) != 1 {
			t.Fatalf("%s: discovered %d logs", key, len(logs))
		}
		app, _, err := ReadLog(context.Background(), st, logs[0], Options{SourceURI: "x"})
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		return app
	}
	plain := read("local-1700000000000")
	if plain.Row.AppID != "local-1700000000000" || len(plain.Stages) == 0 {
		t.Fatalf("plain log: app %q with %d stages", plain.Row.AppID, len(plain.Stages))
	}
	rows := func(a *App) string {
		b, err := json.Marshal([]any{a.Row, a.Stages, a.Executors, a.Jobs, a.SQL, a.Conf, a.Warnings})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := rows(plain)
	for _, c := range []string{"lz4", "lzf", "snappy", "zstd"} {
		if got := rows(read("local-1700000000000." + c)); got != want {
			t.Errorf("%s: the app model differs from the plain log's:\n got %.300s\nwant %.300s", c, got, want)
		}
	}
}
