package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// extractOptions are the flags of `sparkmine extract`.
type extractOptions struct {
	json bool
	logs []string
	s3   S3Config
}

func cmdExtract(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	fs := newFlags("extract", "[--json] LOG...", extractExitCodes)
	o := extractOptions{}
	fs.BoolVar(&o.json, "json", false, "print one JSON object per app attempt: {app, stages, executors, queries, plan_nodes} with the Parquet column names")
	fs.StringVar(&o.s3.Endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store")
	fs.BoolVar(&o.s3.PathStyle, "s3-path-style", false, "path-style S3 addressing")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	o.logs = fs.Args()
	if len(o.logs) == 0 {
		return usagef("extract: name at least one log (a file, a folder of logs, or s3://bucket/key)")
	}
	return runExtract(ctx, o, stdout, c)
}

// runExtract reads every log the arguments name and prints each app.
func runExtract(ctx context.Context, o extractOptions, stdout io.Writer, c *console) error {
	failed := 0
	for _, arg := range o.logs {
		st, logs, err := openLogs(ctx, arg, o.s3)
		if err != nil {
			c.warn("unreadable log", "log", arg, "reason", err.Error())
			failed++
			continue
		}
		for _, l := range logs {
			app, _, err := extract.ReadLog(ctx, st, l, extract.Options{})
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.warn("unreadable log", "log", st.URI(l.Key), "reason", err.Error())
				failed++
				continue
			}
			for _, w := range app.Warnings {
				c.warn("malformed line", "file", w.File, "line", w.Line, "reason", w.Reason)
			}
			rs := analyze.Rightsize(app, whatIfConfig.Detectors.Rightsize, whatIfConfig.Cost)
			if err := printApp(stdout, app, rs, o.json); err != nil {
				return err
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%s: %w", plural(failed, "log"), errPartial)
	}
	return nil
}

// openLogs opens the store that holds arg and finds the logs arg names: a
// log file, a rolling or legacy log folder, or a folder of logs.
func openLogs(ctx context.Context, arg string, s3 S3Config) (store.Store, []logfile.Log, error) {
	root, name := splitArg(arg)
	st, err := storeurl.Open(ctx, root, s3.options())
	if err != nil {
		return nil, nil, err
	}
	var objs []logfile.Object
	add := func(oi store.ObjectInfo) error {
		if name == "" || oi.Key == name || strings.HasPrefix(oi.Key, name+"/") {
			objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime, ETag: oi.ETag})
		}
		return nil
	}
	// A log named on the command line is read even through a symbolic
	// link out of its folder, which a run's listing would refuse.
	err = store.ListEntries(ctx, st, name, add, func(key string, _ error) {
		if oi, err := st.Stat(ctx, key); err == nil && key == name {
			_ = add(oi)
		}
	})
	if err != nil {
		return nil, nil, err
	}
	if len(objs) == 0 {
		return nil, nil, fmt.Errorf("no such log: %w", os.ErrNotExist)
	}
	logs, problems := logfile.Named(objs, name)
	if len(logs) == 0 {
		return nil, nil, fmt.Errorf("no event log there (%s, first: %s)", plural(len(problems), "problem"), problems[0])
	}
	return st, logs, nil
}

// splitArg splits a log argument into the store root to open and the key
// under it. A local folder that is itself one rolling or legacy log is
// opened from its parent, so discovery sees the folder's name.
func splitArg(arg string) (root, name string) {
	if strings.HasPrefix(arg, "s3://") {
		u := strings.TrimSuffix(arg, "/")
		i := strings.LastIndex(u, "/")
		if i < len("s3://") || !strings.Contains(u[len("s3://"):], "/") {
			return arg, ""
		}
		return u[:i+1], u[i+1:]
	}
	p := strings.TrimPrefix(arg, "file://")
	fi, err := os.Stat(p)
	if err == nil && fi.IsDir() && !isLogDir(p) {
		return p, ""
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	return filepath.Dir(abs), filepath.Base(abs)
}

// isLogDir reports whether a folder is one log (rolling or Spark 1.2) rather than a folder of logs.
func isLogDir(p string) bool {
	return logfile.IsLogFolder(filepath.Base(p), func(file string) bool {
		_, err := os.Stat(filepath.Join(p, file))
		return err == nil
	})
}

// printApp prints one app, with its what-if simulation (nil when it could
// not be replayed), as JSON or as a human summary.
func printApp(w io.Writer, app *extract.App, rs *analyze.Rightsizing, asJSON bool) error {
	if asJSON {
		var sims []analyze.SimulationRow
		if rs != nil {
			sims = rs.Rows
		}
		return json.NewEncoder(w).Encode(struct {
			App         analyze.AppRecord       `json:"app"` // the apps columns; of analyze's, only the right-sizing ones are computed here
			Stages      []extract.StageRow      `json:"stages"`
			Executors   []extract.ExecutorRow   `json:"executors"`
			Queries     []extract.QueryRow      `json:"queries"`
			PlanNodes   []extract.PlanNodeRow   `json:"plan_nodes"`
			Simulations []analyze.SimulationRow `json:"simulations"`
		}{record(app, rs), nonNil(app.Stages), nonNil(app.Executors), nonNil(app.Queries), nonNil(app.PlanNodes), nonNil(sims)})
	}
	r := app.Row
	fmt.Fprintf(w, "app %s attempt %q %q: %s, Spark %s, %s, %d jobs (%d failed), %d stages (%d failed), %d tasks (%d failed), %d executors max, utilisation %s\n",
		r.AppID, r.AttemptID, r.AppName, r.Status, r.SparkVersion, fmtMS(r.DurationMS), r.Jobs, r.FailedJobs,
		r.Stages, r.FailedStages, r.Tasks, r.FailedTasks, r.MaxExecutors, percent(r.Utilization))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "stage\tattempt\tstatus\tkind\ttasks\tfailed\tduration\trun time\tp50 task\tmax task\tskew\tshuffle read\tshuffle write\tspill (disk)\t")
	for _, s := range app.Stages {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\t%s\t\n", s.StageID, s.StageAttemptID, s.Status,
			s.StageKind, s.Tasks, s.FailedTasks, fmtMS(s.DurationMS), fmtMS(s.ExecutorRunTimeMS), fmtMS(int64(s.TaskDurationMSP50)),
			fmtMS(int64(s.TaskDurationMSMax)), s.DurationSkew, fmtBytes(s.ShuffleReadBytes), fmtBytes(s.ShuffleWriteBytes),
			fmtBytes(s.DiskSpilledBytes))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return printWhatIf(w, app, rs)
}

// whatIfConfig prices and sizes extract's what-if (extract takes no config
// file): the defaults.
var whatIfConfig = analyze.DefaultConfig()

// record is an app's apps row with its right-sizing columns.
func record(app *extract.App, rs *analyze.Rightsizing) analyze.AppRecord {
	r := analyze.AppRecord{AppRow: app.Row}
	rs.Fill(&r.AppResult)
	return r
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func fmtMS(ms int64) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%dms", ms)
	case ms < 60_000:
		return fmt.Sprintf("%.1fs", float64(ms)/1000)
	case ms < 3_600_000:
		return fmt.Sprintf("%.1fmin", float64(ms)/60_000)
	}
	return fmt.Sprintf("%.1fh", float64(ms)/3_600_000)
}

func fmtBytes(b int64) string {
	const unit = 1024
	if b < unit {
		return fmt.Sprintf("%dB", b)
	}
	div, exp := int64(unit), 0
	for n := b / unit; n >= unit; n /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f%ciB", float64(b)/float64(div), "KMGTPE"[exp])
}

// percent prints a ratio as a percentage, or "n/a" when it is undefined.
func percent(r *float64) string {
	if r == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.0f%%", 100**r)
}
