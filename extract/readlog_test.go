package extract

import (
	"context"
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
