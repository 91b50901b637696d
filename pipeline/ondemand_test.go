package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store"
)

// On demand, the dataset has no task sketches: diagnose reads the app's
// source log again for its right-sizing, the same as a run's; with the log
// gone, the reference says right-sizing is unavailable, and why.
func TestDiagnoseStoredRebuildsRightsizing(t *testing.T) {
	const name = "spark/app-20161115172038-0000"
	dir := copyLogs(t, name)
	src, out := openLocal(t, dir), openLocal(t, t.TempDir())
	if _, err := Run(context.Background(), testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	app := readBack(t, src, name)
	want := analyze.Rightsize(app, analyze.DefaultConfig().Detectors.Rightsize, analyze.DefaultConfig().Cost).Reference()
	if want == nil {
		t.Fatalf("%s: no right-sizing to compare with", name)
	}
	o := Options{Out: out, Analyze: analyze.DefaultConfig(), Diagnose: diagnose.DefaultConfig(), Model: llm.DryRun{},
		OpenLog: localOpener(src)}
	ref := storedReference(t, o, app.Row.AppID)
	var got analyze.RightsizeReference
	if err := json.Unmarshal(ref["right_sizing"], &got); err != nil || got.CriticalPathMS != want.CriticalPathMS ||
		got.Rightsized != want.Rightsized || got.SimDurationMS != want.SimDurationMS {
		t.Errorf("right_sizing %s (%v), want %+v", ref["right_sizing"], err, *want)
	}

	if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	ref = storedReference(t, o, app.Row.AppID)
	if s := string(ref["right_sizing"]); s != `"unavailable: the source log is no longer there"` {
		t.Errorf("with the log gone, right_sizing = %s", s)
	}
	o.OpenLog = nil
	if s := string(storedReference(t, o, app.Row.AppID)["right_sizing"]); !strings.Contains(s, "unavailable: ") || strings.Contains(s, dir) {
		t.Errorf("with no opener, right_sizing = %s", s)
	}
}

// readBack reads the log key of src.
func readBack(t *testing.T, src store.Store, key string) *extract.App {
	t.Helper()
	logs, _ := logfile.Discover([]logfile.Object{{Key: key, Size: 1}})
	app, _, err := extract.ReadLog(context.Background(), src, logs[0], extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// localOpener finds the log at a URI of src, as the command's opener does
// for any URI.
func localOpener(src store.Store) func(context.Context, string) (store.Store, []logfile.Log, error) {
	return func(ctx context.Context, uri string) (store.Store, []logfile.Log, error) {
		key := filepath.ToSlash(strings.TrimPrefix(uri, src.URI("")+string(filepath.Separator)))
		var objs []logfile.Object
		err := store.ListEntries(ctx, src, "", func(oi store.ObjectInfo) error {
			if oi.Key == key || strings.HasPrefix(oi.Key, key+"/") {
				objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime})
			}
			return nil
		}, func(string, error) {})
		if err == nil && len(objs) == 0 {
			err = fmt.Errorf("no log at %s: %w", uri, fs.ErrNotExist)
		}
		logs, _ := logfile.Named(objs, key)
		return src, logs, err
	}
}

// storedReference diagnoses app on demand and returns the reference
// information of the prompt the audit store keeps for the row.
func storedReference(t *testing.T, o Options, appID string) map[string]json.RawMessage {
	t.Helper()
	row, err := DiagnoseStored(context.Background(), o, appID, "")
	if err != nil {
		t.Fatal(err)
	}
	b, ok, err := AuditStore(o.Out).Get(context.Background(), diagnose.PromptName(row.PromptSHA256))
	if err != nil || !ok {
		t.Fatalf("prompt %s stored %v: %v", row.PromptSHA256, ok, err)
	}
	var doc struct {
		Reference string `json:"reference_information"`
	}
	var ref map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(doc.Reference), &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

// With its source log still there, an app diagnosed on demand gets the
// prompt the nightly run sent for it, byte for byte: the same operators,
// jobs and right-sizing, not a thinner prompt rebuilt from the rows.
func TestDiagnoseStoredSendsTheNightlyPrompt(t *testing.T) {
	const name = "nvidia/jdbc_eventlog.zstd" // SQL with operators in its slow stages, and a finding
	src, out := openLocal(t, copyLogs(t, name)), openLocal(t, t.TempDir())
	o := testOptions(src, out)
	o.Diagnose = diagnose.DefaultConfig()
	o.Diagnose.MinSeverity, o.Model, o.OpenLog = "low", llm.DryRun{}, localOpener(src)
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	nightly, err := LoadDiagnoses(context.Background(), out, "app-20211019113801-0001", "")
	if err != nil || len(nightly) != 1 {
		t.Fatalf("nightly diagnoses: %d (%v), want 1", len(nightly), err)
	}
	ref := storedReference(t, o, "app-20211019113801-0001")
	if !strings.Contains(string(ref["stages"]), `"operators"`) {
		t.Errorf("on demand, the reference names no operator: %s", ref["stages"])
	}
	rows, err := LoadDiagnoses(context.Background(), out, "app-20211019113801-0001", "")
	if err != nil || len(rows) != 2 {
		t.Fatalf("diagnoses after the on-demand one: %d (%v), want 2", len(rows), err)
	}
	if rows[0].PromptSHA256 != rows[1].PromptSHA256 {
		t.Errorf("on-demand prompt %s differs from the nightly run's %s", rows[1].PromptSHA256, rows[0].PromptSHA256)
	}
}
