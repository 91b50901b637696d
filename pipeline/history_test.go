package pipeline

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract/gen"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table/duckdbtest"
)

// nightlyJob is one recurring job of a generated series: the same app
// every night, its task times scaled by scale(night) with log-normal
// noise, its input by input(night).
type nightlyJob struct {
	name  string
	scale func(night int) float64
	input func(night int) float64
	// tiny plants tiny tasks, so the job gets advice (tiny_tasks proposes
	// spark.sql.files.maxPartitionBytes 256m); from applyAt on (> 0) the
	// log carries that setting, as if the team had applied it.
	tiny    bool
	applyAt int
	noise   float64 // sd of the log-normal noise on task times (0: 0.04)
	// queries is the night's gen.Spec.SQLQueries (nil: 0): fewer queries
	// give a plan of another shape.
	queries func(night int) float64
}

const (
	partitionKey = "spark.sql.files.maxPartitionBytes"
	applyNight   = 6
	stepNight    = 7
	seriesNights = 10
)

func one(int) float64 { return 1 }

func from(night int, before, after float64) func(int) float64 {
	return func(n int) float64 {
		if n >= night {
			return after
		}
		return before
	}
}

func growing(n int) float64 { return math.Pow(1.06, float64(n)) }

var nightlyJobs = []nightlyJob{
	{name: "step_etl", scale: from(stepNight, 1, 2), input: one, queries: from(stepNight, 0, 1)},
	{name: "flat_etl", scale: one, input: one},
	{name: "growing_etl", scale: growing, input: growing},
	{name: "helped_etl", scale: from(applyNight, 1, 0.4), input: one, tiny: true, applyAt: applyNight},
	{name: "nochange_etl", scale: one, input: one, tiny: true, applyAt: applyNight},
	{name: "hurt_etl", scale: from(applyNight, 1, 1.8), input: one, tiny: true, applyAt: applyNight},
}

// writeNight writes night n's log of job j into dir and returns its app id.
func (j nightlyJob) writeNight(t *testing.T, dir string, idx, n int, rng *rand.Rand) string {
	t.Helper()
	first := time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)
	s := gen.Spec{Seed: int64(idx + 1), AppID: fmt.Sprintf("application_1772000000000_%03d%03d", idx, n),
		AppName: fmt.Sprintf("%s_%s", j.name, first.AddDate(0, 0, n).Format("20060102")),
		Start:   first.AddDate(0, 0, n).Add(time.Duration(idx) * time.Minute), Executors: 4, ExecutorCores: 2, Stages: 3, TasksPerStage: 16,
		MedianTaskMS:      int64(2500 * j.scale(n) * math.Exp(cmp.Or(j.noise, 0.04)*rng.NormFloat64())),
		InputBytesPerTask: int64(128 << 20 * j.input(n)), Anomalies: gen.Anomalies{TinyTasks: j.tiny}}
	if j.queries != nil {
		s.SQLQueries = int(j.queries(n))
	}
	var b bytes.Buffer
	if _, err := gen.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	log := b.Bytes()
	if j.applyAt > 0 && n >= j.applyAt {
		log = bytes.ReplaceAll(log, []byte(`"`+partitionKey+`":"134217728"`), []byte(`"`+partitionKey+`":"268435456"`))
	}
	if err := os.WriteFile(filepath.Join(dir, s.AppID), log, 0o644); err != nil {
		t.Fatal(err)
	}
	return s.AppID
}

// TestNightlySeries runs the pipeline night after night over generated
// recurring jobs: a step change is flagged the night it starts and not
// before; flat and steadily growing jobs raise nothing; advice applied on
// night 6 is too early until three runs have it, then helped, no change or
// regressed as planted.
func TestNightlySeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	outDir := t.TempDir()
	out, apps, last := runNights(t, nightlyJobs, seriesNights, rng, outDir, func(o *Options) {
		o.Diagnose = diagnose.DefaultConfig() // dry run: the prompts are written, nothing is sent
		o.Diagnose.MinSeverity, o.Model = "low", llm.DryRun{}
	})
	// The last night read every earlier night of its jobs, and says so.
	if h := last.History; h == nil || h.Jobs != len(nightlyJobs) || h.Runs != int64(len(nightlyJobs)*(seriesNights-1)) || h.Parts == 0 || h.BytesRead == 0 {
		t.Errorf("last night's history counts %+v: want %d jobs with %d earlier runs, read from some parts", h, len(nightlyJobs), len(nightlyJobs)*(seriesNights-1))
	}
	checkChanges(t, out, apps)
	n := checkOutcomes(t, out, apps)
	duckOutcomes(t, outDir, n)
	checkPrompts(t, out)
	checkRegressionsDiagnosed(t, out)
}

// checkRegressionsDiagnosed: every regression is diagnosed the night it is
// found, with the regression among the findings the model saw, whether or
// not a detector flagged the run too.
func checkRegressionsDiagnosed(t *testing.T, out store.Store) {
	t.Helper()
	findings, err := dataset.Findings.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := dataset.Diagnoses.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	saw := map[string]bool{}
	for _, d := range rows {
		for _, id := range d.FindingIDs {
			saw[d.AppID+"/"+id] = true
		}
	}
	n := 0
	for _, f := range findings {
		if f.Detector != analyze.DetRegression {
			continue
		}
		n++
		if !saw[f.AppID+"/"+f.FindingID] {
			t.Errorf("regression of %s (%s) is in no diagnosis", f.AppID, f.Title)
		}
	}
	if n == 0 {
		t.Error("the series raised no regression")
	}
}

// checkPrompts: the diagnosis of the hurt job, once its change regressed,
// is told not to propose it again.
func checkPrompts(t *testing.T, out store.Store) {
	t.Helper()
	told := 0
	err := out.List(context.Background(), promptsDir, func(o store.ObjectInfo) error {
		b, err := blob(out, o.Key)
		if strings.Contains(b, `"do_not_propose": [`) && strings.Contains(b, `"`+partitionKey+`=256m"`) && strings.Contains(b, `"baseline": {`) {
			told++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if told != seriesNights-applyNight-2 {
		t.Errorf("%d prompts say not to propose %s=256m again, want %d (the hurt job's nights after its verdict)", told, partitionKey, seriesNights-applyNight-2)
	}
}

func blob(st store.Store, key string) (string, error) {
	rc, err := st.Open(context.Background(), key, 0, -1)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

// duckOutcomes reads the outcomes table with DuckDB: the design's types,
// and the rows the Go reader read.
func duckOutcomes(t *testing.T, outDir string, rows int) {
	db := duckdbtest.Open(t)
	read := fmt.Sprintf("read_parquet('%s', hive_partitioning = true)", filepath.Join(outDir, "outcomes", "*", "*.parquet"))
	got := map[string]string{}
	for _, r := range db.Query(t, "DESCRIBE SELECT * FROM "+read)[0] {
		got[fmt.Sprint(r["column_name"])] = fmt.Sprint(r["column_type"])
	}
	for col, typ := range designColumns["outcomes"] {
		if got[col] != typ {
			t.Errorf("outcomes.%s reads as %q in DuckDB, want %q", col, got[col], typ)
		}
	}
	res := db.Query(t, "SELECT count(*) AS n, count(*) FILTER (WHERE verdict = 'helped') AS helped FROM "+read)
	if n := fmt.Sprint(res[0][0]["n"]); n != fmt.Sprint(rows) || fmt.Sprint(res[0][0]["helped"]) != "2" {
		t.Errorf("DuckDB reads %v outcomes, %v helped; want %d, 2", n, res[0][0]["helped"], rows)
	}
}

// checkChanges: the regression and improvement findings are where they
// were planted.
func checkChanges(t *testing.T, out store.Store, apps map[string][2]int) {
	t.Helper()
	findings, err := dataset.Findings.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int]analyze.FindingRow{}
	for _, f := range findings {
		if f.Detector == analyze.DetRegression || f.Detector == analyze.DetImprovement {
			got[apps[f.AppID]] = f
		}
	}
	want := map[[2]int]string{{0, stepNight}: analyze.DetRegression, {3, applyNight}: analyze.DetImprovement, {5, applyNight}: analyze.DetRegression}
	for at, det := range want {
		if got[at].Detector != det {
			t.Errorf("%s night %d: %q finding, want %s", nightlyJobs[at[0]].name, at[1], got[at].Detector, det)
		}
	}
	for at, f := range got {
		_, planted := want[at]
		// After a step, the job stays out of its band until the baseline
		// has moved: those nights may be flagged too.
		after := at[0] == 0 && at[1] > stepNight || (at[0] == 3 || at[0] == 5) && at[1] > applyNight
		if !planted && !after {
			t.Errorf("%s night %d: unplanted %s: %s", nightlyJobs[at[0]].name, at[1], f.Detector, f.Title)
		}
	}
	// The step's night also ran its SQL as one query: its plan's shape
	// changed, which the finding names (the baseline's last run's plan is
	// read from the stored queries table).
	if step := got[[2]int{0, stepNight}]; !strings.Contains(step.Detail, "plan joins none; exchanges 2; scans 2 (0 unpruned) → joins none; exchanges 1; scans 1 (0 unpruned)") {
		t.Errorf("the step's regression does not name the plan's change: %s", step.Detail)
	}
	hurt := got[[2]int{5, applyNight}]
	if !bytes.Contains([]byte(hurt.Detail), []byte("conf "+partitionKey+" 134217728 → 268435456")) {
		t.Errorf("the hurt job's regression does not name the setting that changed: %s", hurt.Detail)
	}
}

// checkOutcomes: each night's outcome of the tiny_tasks advice for the
// advised jobs.
func checkOutcomes(t *testing.T, out store.Store, apps map[string][2]int) int {
	t.Helper()
	rows, err := dataset.Outcomes.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int]history.OutcomeRow{}
	for _, o := range rows {
		if o.Key == partitionKey && o.Proposed == "256m" {
			got[apps[o.AppID]] = o
		}
	}
	final := map[int]string{3: history.Helped, 4: history.NoChange, 5: history.Regressed}
	for job, verdict := range final {
		for n := 1; n < seriesNights; n++ {
			want := history.NotApplied
			switch {
			case n >= applyNight+2:
				want = verdict
			case n >= applyNight:
				want = history.TooEarly
			}
			o := got[[2]int{job, n}]
			if o.Verdict != want {
				t.Errorf("%s night %d: verdict %q (runs %d before, %d after, p %v), want %s",
					nightlyJobs[job].name, n, o.Verdict, o.RunsBefore, o.RunsAfter, deref(o.PValue), want)
			}
		}
	}
	for at := range got {
		if final[at[0]] == "" {
			t.Errorf("%s night %d: an outcome row for a job never advised", nightlyJobs[at[0]].name, at[1])
		}
	}
	return len(rows)
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// TestNightlySeriesRecall measures, through the pipeline, the share of
// planted step changes (task times ×SPARKMINE_STEP, default 2, from a
// night between 6 and 10) that
// are flagged the night they start, and the share of flat and steadily
// growing series flagged on any night, over SPARKMINE_SERIES series of
// each kind with 10 % noise (skipped when unset: it takes a minute).
//
//	SPARKMINE_SERIES=40 go test -run TestNightlySeriesRecall -v ./pipeline
func TestNightlySeriesRecall(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SPARKMINE_SERIES"))
	if n <= 0 {
		t.Skip("set SPARKMINE_SERIES (e.g. 40) to measure recall and false positives through the pipeline")
	}
	step, err := strconv.ParseFloat(cmp.Or(os.Getenv("SPARKMINE_STEP"), "2"), 64)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var jobs []nightlyJob
	steps := map[int]int{} // job → step night
	for i := range n {
		steps[len(jobs)] = 6 + rng.IntN(5)
		jobs = append(jobs, nightlyJob{name: fmt.Sprintf("step%03d", i), scale: from(steps[len(jobs)], 1, step), input: one, noise: 0.1},
			nightlyJob{name: fmt.Sprintf("flat%03d", i), scale: one, input: one, noise: 0.1},
			nightlyJob{name: fmt.Sprintf("grow%03d", i), scale: growing, input: growing, noise: 0.1})
	}
	out, apps, _ := runNights(t, jobs, 12, rng, t.TempDir(), nil)
	findings, err := dataset.Findings.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	hit, flagged := map[int]bool{}, map[int]bool{}
	for _, f := range findings {
		at := apps[f.AppID]
		if f.Detector != analyze.DetRegression {
			continue
		}
		if s, ok := steps[at[0]]; ok && at[1] == s {
			hit[at[0]] = true
		}
		if _, ok := steps[at[0]]; !ok {
			flagged[at[0]] = true
		}
	}
	t.Logf("step ×%g: recall %.3f (%d of %d step series flagged the night the step starts); false positives %.3f (%d of %d flat or growing series flagged on some night)",
		step, float64(len(hit))/float64(n), len(hit), n, float64(len(flagged))/float64(2*n), len(flagged), 2*n)
	t.Logf("the planted step in task time is a step of ×%.2f (median over the step series) in allocated core time per GiB, the metric judged", realizedStep(t, out, apps, steps))
}

// realizedStep is the median over the step series of allocated core time
// per input byte on the step's night ÷ its median over the nights before.
func realizedStep(t *testing.T, out store.Store, apps map[string][2]int, steps map[int]int) float64 {
	rows, err := dataset.Apps.Read(context.Background(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, at := map[int][]float64{}, map[int]float64{}
	for _, r := range rows {
		jn := apps[r.AppID]
		s, ok := steps[jn[0]]
		if !ok || r.InputBytes == 0 {
			continue
		}
		v := float64(r.ExecutorTimeMS) / float64(r.InputBytes)
		switch {
		case jn[1] < s:
			before[jn[0]] = append(before[jn[0]], v)
		case jn[1] == s:
			at[jn[0]] = v
		}
	}
	var ratios []float64
	for j, v := range at {
		b := before[j]
		slices.Sort(b)
		ratios = append(ratios, v/b[len(b)/2])
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2]
}

// runNights writes and runs nights nights of jobs into outDir, with the
// options set (nil: none); it returns the output and each app's job and
// night.
func runNights(t *testing.T, jobs []nightlyJob, nights int, rng *rand.Rand, outDir string, set func(*Options)) (store.Store, map[string][2]int, *Manifest) {
	srcDir := t.TempDir()
	src, out := openLocal(t, srcDir), openLocal(t, outDir)
	apps := map[string][2]int{}
	var last *Manifest
	for n := range nights {
		for i, j := range jobs {
			apps[j.writeNight(t, srcDir, i, n, rng)] = [2]int{i, n}
		}
		o := testOptions(src, out)
		o.Now = func() time.Time { return time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
		if set != nil {
			set(&o)
		}
		m, err := Run(context.Background(), o)
		if err != nil {
			t.Fatalf("night %d: %v", n, err)
		}
		last = m
	}
	return out, apps, last
}

// TestUnreadableHistory: a damaged part in the window costs the night its
// history judgements, not its logs: the run commits, and its manifest and
// log say why nothing was judged.
func TestUnreadableHistory(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	jobs := []nightlyJob{{name: "flat_etl", scale: one, input: one}}
	srcDir := t.TempDir()
	out, _, _ := runNights(t, jobs, 2, rng, t.TempDir(), nil)
	src := openLocal(t, srcDir)
	// Another shard's part (this shard's run would take it for an orphan).
	bad := "apps/dt=2026-03-01/part-20260301T000000Z-deadbeef-1of2-00000.parquet"
	if err := out.Put(context.Background(), bad, strings.NewReader("PAR1 not a parquet file")); err != nil {
		t.Fatal(err)
	}
	// Night 3 into the same output, from a source of its own.
	app := jobs[0].writeNight(t, srcDir, 0, 2, rng)
	o := testOptions(src, out)
	o.Now = func() time.Time { return time.Date(2026, 3, 3, 23, 0, 0, 0, time.UTC) }
	m, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("a damaged history part failed the night: %v", err)
	}
	if m.History == nil || !strings.Contains(m.History.Error, bad) {
		t.Errorf("manifest history %+v: want the damaged part named", m.History)
	}
	apps, err := dataset.Apps.Read(context.Background(), out, func(d string) bool { return d == "2026-03-03" })
	if err != nil || len(apps) != 1 || apps[0].AppID != app {
		t.Errorf("night 3's apps rows %v (%v), want %s's", len(apps), err, app)
	}
}
