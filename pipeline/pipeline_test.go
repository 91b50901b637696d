package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/pipeline/pipelinetest"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/table"
)

// sharedLogs is where the real Spark logs are (read in place).
const sharedLogs = "../../shared/eventlogs"

// sampleSet is a mix of real logs: plain single files of several Spark
// versions, multi-attempt apps, a zstd rolling folder, a Spark 1.2 folder,
// zstd single files, and logs cut mid-line.
var sampleSet = []string{
	"spark/local-1422981780767",
	"spark/local-1430917381534",
	"spark/local-1430917381535_1",
	"spark/local-1430917381535_2",
	"spark/app-20200706201101-0003",
	"spark/application_1553914137147_0018",
	"rolling/eventlog_v2_local-1623876083964",
	"spark-legacy/local-1426533911241",
	"nvidia/eventlog_dsv1.zstd",
	"nvidia/spark2-eventlog.zstd",
	"sparkscope/app-20231025121456-0004-eventLog-running-incomplete",
}

func needShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("the shared Spark logs are not at %s (they sit beside the repo as ../shared): %v", sharedLogs, err)
	}
}

// copyLogs copies the named shared logs (files or folders) into a new
// source folder and returns it.
func copyLogs(t testing.TB, names ...string) string {
	t.Helper()
	needShared(t)
	dst := t.TempDir()
	for _, n := range names {
		addLog(t, dst, n)
	}
	return dst
}

func addLog(t testing.TB, dst, name string) {
	t.Helper()
	src := filepath.Join(sharedLogs, name)
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(sharedLogs, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if strings.HasSuffix(rel, "-running-incomplete") {
			// A running app's log, cut mid-line: named as Spark names
			// the log of a running app, or it is a damaged completed log.
			target += ".inprogress"
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openLocal(t testing.TB, dir string) store.Store {
	t.Helper()
	st, err := local.Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func testOptions(src, out store.Store) Options {
	return Options{Source: src, Out: out, Workers: 2, Analyze: analyze.DefaultConfig(), IncludeIncomplete: true}
}

// smallBatches makes every log's rows a batch of their own, so that tests
// see many part files (and runs crash between more writes).
func smallBatches(o Options) Options {
	o.BatchBytes = 1
	return o
}

// readDataset and sameDataset compare datasets row for row.
var (
	readDataset = pipelinetest.Dataset
	sameDataset = pipelinetest.Equal
)

// partBytes sums the sizes of the dataset's part files.
func partBytes(t *testing.T, out store.Store) int64 {
	t.Helper()
	var n int64
	for _, tbl := range dataset.Tables {
		err := out.List(context.Background(), tbl.Name()+"/", func(o store.ObjectInfo) error {
			n += o.Size
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return n
}

func TestRunIdempotentAndIncremental(t *testing.T) {
	ctx := context.Background()
	srcDir := copyLogs(t, sampleSet...)
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())

	m1, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if m1.Counts.Logs != len(sampleSet) || m1.Counts.Processed != len(sampleSet) {
		t.Fatalf("first run: %d logs, %d processed; want %d each (%+v)", m1.Counts.Logs, m1.Counts.Processed, len(sampleSet), m1.Counts)
	}
	first := readDataset(t, out)
	if n := len(first["apps"]); n != len(sampleSet) {
		t.Fatalf("apps table has %d rows, want %d", n, len(sampleSet))
	}
	if parts := partBytes(t, out); m1.BytesOut != parts || m1.BytesDecoded <= m1.BytesIn {
		t.Errorf("first run: bytes_out %d, want the %d bytes of its part files; bytes_decoded %d, bytes_in %d", m1.BytesOut, parts, m1.BytesDecoded, m1.BytesIn)
	}

	m2, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if m2.Counts.Processed != 0 || m2.Counts.SkippedDone != len(sampleSet) {
		t.Errorf("second run processed %d, skipped %d as done; want 0 and %d", m2.Counts.Processed, m2.Counts.SkippedDone, len(sampleSet))
	}
	sameDataset(t, "after a rerun", readDataset(t, out), first)

	addLog(t, srcDir, "spark/local-1425081759269") // not spark/local-1426533911241: the legacy folder holds that app
	m3, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatalf("third run: %v", err)
	}
	if m3.Counts.Processed != 1 {
		t.Errorf("after adding one log the run processed %d logs, want 1", m3.Counts.Processed)
	}
	if n := len(readDataset(t, out)["apps"]); n != len(sampleSet)+1 {
		t.Errorf("apps table has %d rows after adding a log, want %d", n, len(sampleSet)+1)
	}

	// --reprocess replaces every log's rows: same dataset, no duplicates.
	before := readDataset(t, out)
	o := testOptions(src, out)
	o.Reprocess = true
	m4, err := Run(ctx, o)
	if err != nil {
		t.Fatalf("reprocess run: %v", err)
	}
	if m4.Counts.Processed != len(sampleSet)+1 {
		t.Errorf("reprocess run processed %d logs, want %d", m4.Counts.Processed, len(sampleSet)+1)
	}
	if _, err := Run(ctx, testOptions(src, out)); err != nil { // its start deletes the superseded parts
		t.Fatal(err)
	}
	sameDataset(t, "after --reprocess", readDataset(t, out), before)
}

func TestGrownLogIsReprocessed(t *testing.T) {
	ctx := context.Background()
	srcDir := copyLogs(t, "spark/local-1430917381534")
	p := filepath.Join(srcDir, "spark/local-1430917381534")
	full, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// The first run sees the first half of the log, as if still being written.
	half := full[:bytes.LastIndexByte(full[:len(full)/2], '\n')+1]
	if err := os.WriteFile(p, half, 0o644); err != nil {
		t.Fatal(err)
	}
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, full, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts.Reprocessed != 1 {
		t.Errorf("grown log: reprocessed %d, want 1", m.Counts.Reprocessed)
	}
	if _, err := Run(ctx, testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	// The dataset equals a fresh run over the whole log.
	fresh := openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, fresh)); err != nil {
		t.Fatal(err)
	}
	sameDataset(t, "grown log", readDataset(t, out), readDataset(t, fresh))
}

func TestShardsEqualUnshardedRun(t *testing.T) {
	ctx := context.Background()
	src := openLocal(t, copyLogs(t, sampleSet...))
	whole := openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, whole)); err != nil {
		t.Fatal(err)
	}
	sharded := openLocal(t, t.TempDir())
	total := 0
	for k := 0; k < 3; k++ {
		o := testOptions(src, sharded)
		o.Shard = Shard{k, 3}
		m, err := Run(ctx, o)
		if err != nil {
			t.Fatalf("shard %d/3: %v", k, err)
		}
		total += m.Counts.Processed
	}
	if total != len(sampleSet) {
		t.Errorf("shards processed %d logs in all, want %d", total, len(sampleSet))
	}
	sameDataset(t, "shards 0/3+1/3+2/3", withoutHistory(readDataset(t, sharded)), withoutHistory(readDataset(t, whole)))
}

// withoutHistory drops the rows the history step makes from a dataset:
// a shard does not see the same night's runs of other shards, so they
// depend on how the night was cut (TestNightlySeries checks them).
func withoutHistory(d map[string][]string) map[string][]string {
	d[dataset.Outcomes.Name()] = nil
	d[dataset.Findings.Name()] = slices.DeleteFunc(d[dataset.Findings.Name()], func(row string) bool {
		return strings.Contains(row, `"detector":"`+analyze.DetRegression+`"`) || strings.Contains(row, `"detector":"`+analyze.DetImprovement+`"`)
	})
	return d
}

func TestBrokenLogAmongGoodOnes(t *testing.T) {
	ctx := context.Background()
	srcDir := copyLogs(t, "spark/local-1422981780767", "spark/local-1430917381534")
	// An lz4 log whose first block's checksum is wrong.
	bad := lz4Block([]byte(`{"Event":"SparkListenerLogStart","Spark Version":"3.5.0"}`+"\n"), true)
	if err := os.WriteFile(filepath.Join(srcDir, "app-20260101000000-0001.lz4"), bad, 0o644); err != nil {
		t.Fatal(err)
	}
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())
	m, err := Run(ctx, testOptions(src, out))
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("run with a corrupt log: err = %v, want ErrPartial", err)
	}
	if m == nil || len(m.Unreadable) != 1 || !strings.Contains(m.Unreadable[0].Log, "app-20260101000000-0001.lz4") ||
		!strings.Contains(m.Unreadable[0].Reason, "checksum") {
		t.Fatalf("manifest unreadable = %+v, want the lz4 log with a checksum reason", m)
	}
	if n := len(readDataset(t, out)["apps"]); n != 2 {
		t.Errorf("apps table has %d rows, want the 2 good logs", n)
	}
	// The manifest is in the store, and says the same.
	var stored Manifest
	if err := readJSON(ctx, out, runsDir+m.RunID+".json", &stored); err != nil {
		t.Fatal(err)
	}
	if len(stored.Unreadable) != 1 || stored.Counts.Failed != 1 {
		t.Errorf("stored manifest: unreadable %v, failed %d", stored.Unreadable, stored.Counts.Failed)
	}
}

// crashStore fails every call once a budget of writes (puts and deletes) is
// spent, as if the process had been killed there.
type crashStore struct {
	store.Store
	budget atomic.Int64
}

var errCrash = errors.New("simulated crash")

func (c *crashStore) spend() error {
	if c.budget.Add(-1) < 0 {
		return errCrash
	}
	return nil
}

func (c *crashStore) Put(ctx context.Context, key string, r io.Reader) error {
	if err := c.spend(); err != nil {
		return err
	}
	return c.Store.Put(ctx, key, r)
}

func (c *crashStore) Create(ctx context.Context, key string, r io.Reader) error {
	if err := c.spend(); err != nil {
		return err
	}
	return c.Store.(store.Creator).Create(ctx, key, r)
}

func (c *crashStore) Delete(ctx context.Context, key string) error {
	if err := c.spend(); err != nil {
		return err
	}
	return c.Store.Delete(ctx, key)
}

// hoursLater is a clock h hours ahead.
func hoursLater(h int) func() time.Time {
	return func() time.Time { return time.Now().Add(time.Duration(h) * time.Hour) }
}

// TestCrashAtEveryWriteConverges stops a run at every write it makes (a
// crash between any two writes), then reruns without a crash: the dataset
// always equals an uninterrupted run's.
func TestCrashAtEveryWriteConverges(t *testing.T) {
	for _, c := range []struct {
		name  string
		batch int
	}{{"shared parts", 0}, {"a part per log", 1}} {
		t.Run(c.name, func(t *testing.T) { crashAtEveryWrite(t, c.batch) })
	}
}

func crashAtEveryWrite(t *testing.T, batchBytes int) {
	ctx := context.Background()
	names := []string{"spark/local-1422981780767", "spark/local-1430917381534", "spark/local-1430917381535_1",
		"nvidia/spark2-eventlog.zstd"}
	srcDir := copyLogs(t, names...)
	src := openLocal(t, srcDir)
	clean := openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, clean)); err != nil {
		t.Fatal(err)
	}
	want := readDataset(t, clean)
	writes := 0
	for n := 0; ; n++ {
		dir := t.TempDir()
		cs := &crashStore{Store: openLocal(t, dir)}
		cs.budget.Store(int64(n))
		o := testOptions(src, cs)
		o.Workers = 1
		o.BatchBytes = batchBytes
		_, err := Run(ctx, o)
		if err == nil {
			writes = n
			break
		}
		if !errors.Is(err, errCrash) {
			t.Fatalf("crash after %d writes: unexpected error %v", n, err)
		}
		// Until a run commits, readers of the table folders see nothing of it.
		var runs []string
		_ = cs.List(ctx, runsDir, func(o store.ObjectInfo) error { runs = append(runs, o.Key); return nil })
		if parts := partFiles(t, cs); len(runs) == 0 && len(parts) != 0 {
			t.Errorf("crash at write %d: no run committed, yet readers see %d part files", n, len(parts))
		}
		// A second crash during the recovery run, then a clean rerun; each
		// an hour later, when the crashed run's lease has expired, as a
		// killed holder's does.
		cs.budget.Store(int64(n / 2))
		o.Now = hoursLater(1)
		_, _ = Run(ctx, o)
		cs.budget.Store(1 << 30)
		o.Now = hoursLater(2)
		if _, err := Run(ctx, o); err != nil {
			t.Fatalf("rerun after a crash at write %d: %v", n, err)
		}
		sameDataset(t, fmt.Sprintf("crash at write %d", n), readDataset(t, cs), want)
		noOrphans(t, fmt.Sprintf("crash at write %d", n), cs)
	}
	if writes < 6 {
		t.Errorf("an uninterrupted run made only %d writes", writes)
	}
	t.Logf("crashed at each of %d writes; every rerun converged", writes)
}

// TestSupersedeCrashConverges crashes a run that replaces a grown log's
// rows inside shared part files at every write, then reruns.
func TestSupersedeCrashConverges(t *testing.T) {
	ctx := context.Background()
	// Three apps of the same day, so their rows share part files.
	srcDir := copyLogs(t, "spark/local-1430917381535_1", "spark/local-1430917381534", "spark/local-1430917381535_2")
	p := filepath.Join(srcDir, "spark/local-1430917381534")
	full, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	half := full[:bytes.LastIndexByte(full[:len(full)/2], '\n')+1]
	src := openLocal(t, srcDir)
	fresh := func() store.Store { return openLocal(t, t.TempDir()) }
	if err := os.WriteFile(p, full, 0o644); err != nil {
		t.Fatal(err)
	}
	clean := fresh()
	if _, err := Run(ctx, testOptions(src, clean)); err != nil {
		t.Fatal(err)
	}
	want := readDataset(t, clean)
	for n := 0; ; n++ {
		if err := os.WriteFile(p, half, 0o644); err != nil {
			t.Fatal(err)
		}
		cs := &crashStore{Store: fresh()}
		cs.budget.Store(1 << 30)
		o := testOptions(src, cs)
		o.Workers = 1
		if _, err := Run(ctx, o); err != nil { // the half log, in parts shared with the others
			t.Fatal(err)
		}
		if err := os.WriteFile(p, full, 0o644); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			if got := len(partFiles(t, cs)); got != 3 {
				t.Fatalf("the three apps are in %d part files, want 3 shared ones", got)
			}
		}
		cs.budget.Store(int64(n))
		o.Now = hoursLater(1)
		_, err := Run(ctx, o)
		crashed := cs.budget.Load() < 0 // also in the post-commit cleanup, which only warns
		cs.budget.Store(1 << 30)
		o.Now = hoursLater(2) // the crashed run's lease has expired
		if err == nil && !crashed {
			sameDataset(t, "uninterrupted supersede", readDataset(t, cs), want)
			noOrphans(t, "uninterrupted supersede", cs)
			t.Logf("crashed at each of %d writes of a superseding run; every rerun converged", n)
			return
		}
		if _, err := Run(ctx, o); err != nil {
			t.Fatalf("rerun after a crash at write %d: %v", n, err)
		}
		sameDataset(t, fmt.Sprintf("supersede crash at write %d", n), readDataset(t, cs), want)
		noOrphans(t, fmt.Sprintf("supersede crash at write %d", n), cs)
	}
}

func TestBatchingWritesFewParts(t *testing.T) {
	ctx := context.Background()
	src := openLocal(t, copyLogs(t, sampleSet...))
	shared, single := openLocal(t, t.TempDir()), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, shared)); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, smallBatches(testOptions(src, single))); err != nil {
		t.Fatal(err)
	}
	sameDataset(t, "shared parts vs a part per log", readDataset(t, shared), readDataset(t, single))
	days := map[string]bool{}
	for _, f := range partFiles(t, shared) {
		d, _ := table.PartDay(f)
		days[d] = true
	}
	perLog := 0
	for _, tb := range dataset.Tables {
		if tb.PerLog() {
			perLog++
		}
	}
	if n, max := len(partFiles(t, shared)), perLog*len(days); n > max {
		t.Errorf("%d part files for %d days; want at most one per table per day (%d)", n, len(days), max)
	}
	if n := len(partFiles(t, single)); n < 3*len(sampleSet) {
		t.Errorf("a part per log: %d part files for %d logs", n, len(sampleSet))
	}
}

// partFiles lists every part file in the data tables.
func partFiles(t testing.TB, st store.Store) []string {
	var keys []string
	for _, tbl := range dataset.Tables {
		_ = st.List(context.Background(), tbl.Name()+"/", func(o store.ObjectInfo) error {
			keys = append(keys, o.Key)
			return nil
		})
	}
	return keys
}

// noOrphans checks that every part file in the store holds rows of a log
// the ledger has, so no reader sees rows twice.
func noOrphans(t *testing.T, what string, st store.Store) {
	t.Helper()
	state, err := loadState(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range partFiles(t, st) {
		if !state.live[f] {
			t.Errorf("%s: part file %s is not referenced by the ledger", what, f)
		}
	}
	_ = st.List(context.Background(), stagingDir, func(o store.ObjectInfo) error {
		t.Errorf("%s: %s is still staged", what, o.Key)
		return nil
	})
}

func TestCancelledRunCommitsNothing(t *testing.T) {
	src := openLocal(t, copyLogs(t, sampleSet...))
	outDir := t.TempDir()
	out := openLocal(t, outDir)
	ctx, cancel := context.WithCancel(context.Background())
	o := testOptions(src, out)
	o.Workers = 1
	o.Progress = func(p Progress) {
		if p.Done == 2 {
			cancel()
		}
	}
	if _, err := Run(ctx, o); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: err = %v, want context.Canceled", err)
	}
	if files := partFiles(t, out); len(files) != 0 {
		t.Errorf("a cancelled run left part files: %v", files)
	}
	var runs []string
	_ = out.List(context.Background(), runsDir, func(o store.ObjectInfo) error { runs = append(runs, o.Key); return nil })
	if len(runs) != 0 {
		t.Errorf("a cancelled run committed a manifest: %v", runs)
	}
	_ = time.Second
}

// lz4Block frames data as one lz4-java LZ4Block RAW block plus the end
// block; corrupt writes a wrong checksum.
func lz4Block(data []byte, corrupt bool) []byte {
	var b bytes.Buffer
	hdr := func(token byte, clen, dlen int, sum uint32) {
		b.WriteString("LZ4Block")
		b.WriteByte(token)
		for _, v := range []uint32{uint32(clen), uint32(dlen), sum} {
			b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)})
		}
	}
	sum := uint32(0x0123456)
	if !corrupt {
		panic("only corrupt blocks are needed here")
	}
	hdr(0x15, len(data), len(data), sum)
	b.Write(data)
	hdr(0x15, 0, 0, 0)
	return b.Bytes()
}

func TestLegacyFolderVersion(t *testing.T) {
	src := openLocal(t, copyLogs(t, "spark-legacy/local-1426533911241"))
	out := openLocal(t, t.TempDir())
	if _, err := Run(context.Background(), testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	apps, err := table.ReadTable[extract.AppRow](context.Background(), out, "apps", nil)
	if err != nil || len(apps) != 1 {
		t.Fatalf("apps: %v, %v", apps, err)
	}
	if apps[0].SparkVersion != "1.2.0" || apps[0].Status != "succeeded" {
		t.Errorf("Spark 1.2 folder: version %q status %q, want 1.2.0 succeeded", apps[0].SparkVersion, apps[0].Status)
	}
}

// TestFinishedLogReplacesItsInProgressRows: Spark renames app.inprogress to
// app when the app ends; the finished log replaces the rows of the
// in-progress one read earlier (with --include-incomplete).
func TestFinishedLogReplacesItsInProgressRows(t *testing.T) {
	ctx := context.Background()
	srcDir := copyLogs(t, "spark/local-1430917381534")
	p := filepath.Join(srcDir, "spark/local-1430917381534")
	full, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	half := full[:bytes.LastIndexByte(full[:len(full)/2], '\n')+1]
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".inprogress", half, 0o644); err != nil {
		t.Fatal(err)
	}
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, out)); err != nil {
		t.Fatal(err)
	}
	if got := readDataset(t, out)["apps"]; len(got) != 1 || !strings.Contains(got[0], `"status":"incomplete"`) {
		t.Fatalf("in-progress run: apps = %v", got)
	}
	if err := os.Remove(p + ".inprogress"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, full, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts.Reprocessed != 1 {
		t.Errorf("finished log: reprocessed %d, want 1", m.Counts.Reprocessed)
	}
	if got := readDataset(t, out)["apps"]; len(got) != 1 || !strings.Contains(got[0], `"status":"succeeded"`) {
		t.Errorf("after the rename: apps = %v, want the one finished app", got)
	}
}

func TestCandidatesKeepOnlyTheBudgetsWholeModels(t *testing.T) {
	res := &flagged{days: map[string]string{}}
	cand := func(id string, cost float64) diagnose.Candidate {
		return diagnose.Candidate{App: &extract.App{Row: extract.AppRow{AppID: id}, Stages: []extract.StageRow{{StageID: 1}}},
			Result: analyze.AppResult{EstCostUSD: cost}}
	}
	for i, cost := range []float64{3, 9, 1, 7, 5, 9} {
		res.add(cand(fmt.Sprintf("app-%d", i), cost), 3, "2026-11-25")
	}
	var whole []string
	for _, c := range res.list {
		if c.App.Stages != nil {
			whole = append(whole, c.App.Row.AppID)
		}
	}
	sort.Strings(whole)
	// The three most costly: 9 (app-1), 9 (app-5), 7 (app-3).
	if want := []string{"app-1", "app-3", "app-5"}; fmt.Sprint(whole) != fmt.Sprint(want) {
		t.Errorf("whole models kept for %v, want %v", whole, want)
	}
	if len(res.list) != 6 {
		t.Errorf("%d candidates, want all 6 (for their audit rows)", len(res.list))
	}
}

// TestGoneLogsPruned: a log deleted from the source is listed as gone and
// keeps its rows, until a run with Prune removes them: then the dataset
// equals a clean run's over the logs left, and the log is no longer gone.
func TestGoneLogsPruned(t *testing.T) {
	ctx := context.Background()
	names := []string{"spark/local-1430917381535_1", "spark/local-1430917381534", "spark/local-1430917381535_2"}
	srcDir := copyLogs(t, names...)
	src, out := openLocal(t, srcDir), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, out)); err != nil { // the three apps share part files
		t.Fatal(err)
	}
	before := readDataset(t, out)
	if err := os.Remove(filepath.Join(srcDir, "spark/local-1430917381534")); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, testOptions(src, out))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Gone) != 1 || !strings.HasSuffix(m.Gone[0], "local-1430917381534") || m.Pruned != 0 {
		t.Errorf("gone %v, pruned %d; want the deleted log, none pruned", m.Gone, m.Pruned)
	}
	sameDataset(t, "without --prune", readDataset(t, out), before)

	o := testOptions(src, out)
	o.Prune = true
	if m, err = Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if len(m.Gone) != 1 || m.Pruned != 1 {
		t.Errorf("with Prune: gone %v, pruned %d; want 1 and 1", m.Gone, m.Pruned)
	}
	clean := openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, clean)); err != nil {
		t.Fatal(err)
	}
	sameDataset(t, "after --prune", readDataset(t, out), readDataset(t, clean))
	if m, err = Run(ctx, testOptions(src, out)); err != nil || len(m.Gone) != 0 {
		t.Errorf("run after the prune: gone %v, %v; want none", m.Gone, err)
	}
	noOrphans(t, "after --prune", out)
}

// sweepStore records the cutoff of the run's sweep of temporary files.
type sweepStore struct {
	store.Store
	before []time.Time
}

func (s *sweepStore) Create(ctx context.Context, key string, r io.Reader) error {
	return s.Store.(store.Creator).Create(ctx, key, r)
}

func (s *sweepStore) SweepTemp(_ context.Context, before time.Time) (int, error) {
	s.before = append(s.before, before)
	return 2, nil
}

// TestRunSweepsTempFiles: a run asks its output store to delete the
// temporary files of writes a crash left, those untouched for tempAge,
// and counts them as cleaned.
func TestRunSweepsTempFiles(t *testing.T) {
	src := openLocal(t, copyLogs(t, "spark/local-1430917381535_1"))
	out := &sweepStore{Store: openLocal(t, t.TempDir())}
	start := time.Now()
	m, err := Run(context.Background(), testOptions(src, out))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.before) != 1 || out.before[0].After(start.Add(-tempAge+time.Minute)) || out.before[0].Before(start.Add(-tempAge-time.Minute)) {
		t.Errorf("sweeps %v, want one with a cutoff %v before the run", out.before, tempAge)
	}
	if m.CleanedFiles != 2 {
		t.Errorf("cleaned files %d, want the 2 swept", m.CleanedFiles)
	}
}
