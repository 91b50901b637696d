package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// errHelp is returned after -h printed the flags.
var errHelp = flag.ErrHelp

// runOptions are the flags of `sparkmine run`.
type runOptions struct {
	configPath  string
	printConfig bool
	reprocess   bool
	waitLease   bool
	prune       bool
	allowEmpty  bool
	compact     bool
	llm         string
	cfg         Config
}

func cmdRun(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	o, err := parseRun(args, stdout)
	if err != nil {
		return err
	}
	if o.printConfig {
		return o.cfg.print(stdout)
	}
	return runRun(ctx, o, c)
}

// parseRun reads the config file, then lets the flags that were given override it.
func parseRun(args []string, stdout io.Writer) (*runOptions, error) {
	fs := newFlags("run", "[flags]", runExitCodes)
	o := &runOptions{}
	var (
		source, out, shard, since, endpoint, memory string
		leaseTTL                                    time.Duration
		workers                                     int
		incomplete, pathStyle                       bool
	)
	fs.StringVar(&o.configPath, "config", "", "config file (YAML; unknown keys are errors)")
	fs.BoolVar(&o.printConfig, "print-config", false, "print the effective config and exit")
	fs.BoolVar(&o.reprocess, "reprocess", false, "read every log again, replacing its earlier rows")
	fs.BoolVar(&o.prune, "prune", false, "remove the rows of logs gone from the source (default: keep them; the manifest lists them)")
	fs.BoolVar(&o.waitLease, "wait-lease", false, "wait while another run holds the shard's lease, instead of exiting 2")
	fs.DurationVar(&leaseTTL, "lease-ttl", 0, "how long the shard's lease lasts unrenewed: a killed run blocks its shard this long (default 5m)")
	fs.StringVar(&memory, "memory", "", "memory budget of the run, e.g. 4GiB (default: half the machine's or cgroup's memory)")
	fs.BoolVar(&o.compact, "compact", false, "once the run has committed, fold the small part files of the days it wrote into (not with --shard K/N, N > 1: compact once after every shard)")
	fs.BoolVar(&o.allowEmpty, "allow-empty", false, "a source that lists no event log is a run of nothing (exit 0), not exit 2")
	fs.StringVar(&o.llm, "llm", "", "Gemini diagnosis: off, dry-run (write prompts, send nothing) or gemini")
	fs.StringVar(&source, "source", "", "where the event logs are (s3://bucket/prefix/ or a folder; default: the bundled sample logs)")
	fs.StringVar(&out, "out", "", "where the dataset goes (s3://bucket/prefix/ or a folder; default ./sparkmine-out)")
	fs.StringVar(&since, "since", "", "only logs modified within this long (e.g. 24h)")
	fs.IntVar(&workers, "workers", 0, "logs read at a time (default: the number of cores)")
	fs.StringVar(&shard, "shard", "", "K/N: only the logs whose app id hashes to K of N (K may come from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX with /N)")
	fs.BoolVar(&incomplete, "include-incomplete", false, "read in-progress logs too")
	fs.StringVar(&endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store (credentials come from the AWS default chain)")
	fs.BoolVar(&pathStyle, "s3-path-style", false, "path-style S3 addressing (most S3-compatible stores)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("run: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(o.configPath)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["source"] {
		cfg.Source = source
	}
	if set["out"] {
		cfg.Out = out
	}
	if set["since"] {
		d, err := time.ParseDuration(since)
		if err != nil || d < 0 {
			return nil, usagef("run: --since %q: want a duration like 24h", since)
		}
		cfg.Since = Duration(d)
	}
	if set["workers"] {
		cfg.Workers = workers
	}
	if set["shard"] {
		cfg.Shard = shard
	}
	if set["include-incomplete"] {
		cfg.IncludeIncomplete = incomplete
	}
	if set["s3-endpoint"] {
		cfg.S3.Endpoint = endpoint
	}
	if set["s3-path-style"] {
		cfg.S3.PathStyle = pathStyle
	}
	if set["llm"] {
		cfg.Gemini.Mode = o.llm
	}
	if set["memory"] {
		cfg.Memory = memory
	}
	if set["lease-ttl"] {
		cfg.LeaseTTL = Duration(leaseTTL)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	o.cfg = cfg
	return o, nil
}

// runRun opens the stores and runs the pipeline once.
func runRun(ctx context.Context, o *runOptions, c *console) error {
	cfg := o.cfg
	shard, err := pipeline.ParseShard(cfg.Shard, os.Getenv)
	if err != nil {
		return usagef("run: %v", err)
	}
	model, err := cfg.model(ctx)
	if err != nil {
		return err
	}
	if o.compact && shard.N > 1 {
		return usagef("run: --compact with --shard %s: shards would fold the same days at once; run sparkmine compact after every shard", shard)
	}
	sourceURL := cfg.Source
	if sourceURL == "" {
		if sourceURL, err = sampleLogs(); err != nil {
			return fmt.Errorf("bundled sample logs: %w", err)
		}
		c.log.Info("no --source: using the bundled sample logs", "source", sourceURL)
	}
	src, err := storeurl.Open(ctx, sourceURL, cfg.S3.options())
	if err != nil {
		return usagef("run: --source: %v", err)
	}
	outOpts := cfg.S3.options()
	outOpts.Create = true
	out, err := storeurl.Open(ctx, cfg.Out, outOpts)
	if err != nil {
		return usagef("run: --out: %v", err)
	}
	budget, _ := parseBytes(cfg.Memory) // checked by validate
	budget = cmp.Or(budget, pipeline.DefaultMemoryBudget())
	if budget > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(budget) // the collector works harder before the budget is passed
	}
	m, err := pipeline.Run(ctx, pipeline.Options{
		Source: src, Out: out, Since: time.Duration(cfg.Since), Workers: cfg.Workers, Shard: shard,
		IncludeIncomplete: cfg.IncludeIncomplete, Reprocess: o.reprocess, AllowEmpty: o.allowEmpty, CompactTouched: o.compact,
		Analyze: cfg.Config, Diagnose: cfg.Gemini, Model: model, Redactor: cfg.red,
		Logger: c.log, Progress: func(p pipeline.Progress) { c.progress(progressLine(p)) }, Version: buildVersion(), ConfigSHA256: cfg.sha256(),
		MemoryBudget: budget, LeaseTTL: time.Duration(cfg.LeaseTTL), WaitLease: o.waitLease, Prune: o.prune,
	})
	c.done()
	if m != nil {
		summary(c, m)
	}
	if errors.Is(err, pipeline.ErrNoLogs) {
		return usageError{err.Error()}
	}
	if err == nil && cfg.Source == "" {
		nextSteps(c, cfg.Out)
	}
	return err
}

// nextSteps tells a new user, after the demo, how to look at what it wrote.
func nextSteps(c *console, out string) {
	report := fmt.Sprintf("sparkmine report --out %s -o report.html", out)
	sql := fmt.Sprintf("duckdb -c \"SELECT severity, detector, app_name, title FROM read_parquet('%s/findings/*/*.parquet', hive_partitioning = true) ORDER BY est_waste_usd DESC\"", out)
	c.result("look at the dataset", fmt.Sprintf("wrote the dataset to %s; look at it with\n  %s\n  %s\n  or the notebook examples/findings.ipynb (DuckDB and pandas)", out, report, sql),
		"report", report, "sql", sql, "notebook", "examples/findings.ipynb")
}

func progressLine(p pipeline.Progress) string {
	return fmt.Sprintf("%d/%d logs, %.1f MB read", p.Done, p.Total, float64(p.BytesIn)/1e6)
}

// summary reports the run: one sentence on a terminal, one JSON line with
// the manifest's counts off it; then each unreadable log.
func summary(con *console, m *pipeline.Manifest) {
	c := m.Counts
	text := fmt.Sprintf("run %s: %s, %d processed (%d again), %d unreadable, %d already done, %d in progress skipped, %d other shards; %s; %.1f MB read in %.1fs; out %s",
		m.RunID, plural(c.Logs, "log"), c.Processed, c.Reprocessed, c.Failed, c.SkippedDone, c.SkippedIncomplete, c.OtherShards,
		plural(m.Findings, "finding"), float64(m.BytesIn)/1e6, m.Seconds, m.Out)
	con.result("run summary", text, "run_id", m.RunID, "logs", c.Logs, "processed", c.Processed,
		"reprocessed", c.Reprocessed, "unreadable", c.Failed, "skipped_done", c.SkippedDone,
		"skipped_incomplete", c.SkippedIncomplete, "other_shards", c.OtherShards, "findings", m.Findings,
		"bytes_in", m.BytesIn, "seconds", m.Seconds, "out", m.Out)
	for _, u := range m.Unreadable {
		con.warn("unreadable log", "log", u.Log, "reason", u.Reason)
	}
	for _, u := range m.Unlisted {
		con.warn("unlisted source entry", "entry", u.Log, "reason", u.Reason)
	}
	for _, d := range m.Damaged {
		con.warn("damaged log", "log", d.Log, "where", d.Where, "reason", d.Reason)
	}
}

// plural returns "1 log" or "n logs".
func plural[N ~int | ~int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
