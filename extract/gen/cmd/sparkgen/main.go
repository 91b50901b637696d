// Command sparkgen writes a realistic, deterministic Spark 3.5 event log.
//
//	sparkgen -seed 1 -stages 200 -tasks-per-stage 5000 -codec zstd -o /tmp/x.zstd \
//	    [-anomaly task_skew=8,spill=0.3,...] [-plan-bytes 4000000] [-rolling 128m]
//
// With -rolling, -o names the folder that receives eventlog_v2_<appId>/.
// Anomaly names: task_skew, shuffle_skew, spill, gc_pressure, executor_loss,
// fetch_failures, task_failures, failed_job, tiny_tasks, under_parallel,
// idle_executors, driver_bound, large_result (bytes, k/m/g suffixes),
// long_stage. Boolean anomalies take no value (or =true).
//
// Exit codes: 0 written, 1 generation or I/O failed, 2 bad usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/gen"
)

type options struct {
	spec    gen.Spec
	codec   string
	out     string
	rolling string
	anomaly string
	start   string
}

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "sparkgen:", err)
		os.Exit(2)
	}
	if err := run(opts, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sparkgen:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	s := &o.spec
	fs := flag.NewFlagSet("sparkgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Int64Var(&s.Seed, "seed", 1, "seed; the same seed gives the same bytes")
	fs.StringVar(&s.AppID, "app-id", "", "application id (default derived from the seed)")
	fs.StringVar(&s.AppName, "app-name", "", "application name (default derived from the seed)")
	fs.StringVar(&s.User, "user", "", "user (default hadoop)")
	fs.StringVar(&s.Queue, "queue", "", "YARN queue (default default)")
	fs.StringVar(&o.start, "start", "", "app start, RFC 3339 (default 2026-11-02T01:00:00Z + seed offset)")
	fs.IntVar(&s.Executors, "executors", 0, "executors (default 10)")
	fs.IntVar(&s.ExecutorCores, "executor-cores", 0, "cores per executor (default 4)")
	fs.IntVar(&s.ExecutorMemoryMB, "executor-memory-mb", 0, "executor memory in MiB (default 8192)")
	fs.IntVar(&s.Stages, "stages", 0, "stages (default 6)")
	fs.IntVar(&s.TasksPerStage, "tasks-per-stage", 0, "tasks per stage (default 200)")
	fs.IntVar(&s.PlanBytes, "plan-bytes", 0, "size of each SQL plan description (0 = small)")
	fs.IntVar(&s.SQLQueries, "sql-queries", 0, "SQL executions (0 = one per job, -1 = none)")
	fs.BoolVar(&s.Incomplete, "incomplete", false, "leave out ApplicationEnd (in-progress log)")
	fs.Int64Var(&s.MedianTaskMS, "median-task-ms", 0, "median task duration in ms (default 2500)")
	fs.StringVar(&o.anomaly, "anomaly", "", "anomalies to plant, name[=value],...")
	fs.StringVar(&o.codec, "codec", "", "codec: lz4, lzf, snappy, zstd (default plain)")
	fs.StringVar(&o.out, "o", "", "output file, or folder with -rolling (default stdout)")
	fs.StringVar(&o.rolling, "rolling", "", "write a rolling eventlog_v2_ folder with parts of this size (e.g. 128m)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	return o, o.validate()
}

func (o *options) validate() error {
	if fs := o.start; fs != "" {
		t, err := time.Parse(time.RFC3339, fs)
		if err != nil {
			return fmt.Errorf("bad -start: %w", err)
		}
		o.spec.Start = t
	}
	if err := parseAnomalies(o.anomaly, &o.spec.Anomalies); err != nil {
		return err
	}
	if o.rolling != "" && o.out == "" {
		return errors.New("-rolling needs -o (the parent folder)")
	}
	if o.out == "" && o.codec != "" {
		return errors.New("-codec needs -o")
	}
	return nil
}

func run(o options, stdout, stderr io.Writer) error {
	c := codec.Codec(o.codec)
	began := time.Now()
	var st gen.Stats
	var err error
	switch {
	case o.rolling != "":
		size, perr := parseBytes(o.rolling)
		if perr != nil {
			return fmt.Errorf("bad -rolling: %w", perr)
		}
		st, err = gen.WriteRolling(o.out, o.spec, c, size)
	case o.out != "":
		st, err = gen.WriteFile(o.out, o.spec, c)
	default:
		st, err = gen.Write(stdout, o.spec)
	}
	if err != nil {
		return err
	}
	secs := time.Since(began).Seconds()
	fmt.Fprintf(stderr, "sparkgen: %d lines, %d jobs, %d stages, %d tasks, %.1f MB in %.2fs (%.0f MB/s uncompressed)\n",
		st.Lines, st.Jobs, st.Stages, st.Tasks, float64(st.Bytes)/1e6, secs, float64(st.Bytes)/1e6/secs)
	return nil
}
