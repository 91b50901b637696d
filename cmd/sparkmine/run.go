package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
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
	llm         string
	cfg         Config
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseRun(args, stderr)
	if err != nil {
		return err
	}
	if o.printConfig {
		return o.cfg.print(stdout)
	}
	return runRun(ctx, o, stderr)
}

// parseRun reads the config file, then lets the flags that were given override it.
func parseRun(args []string, stderr io.Writer) (*runOptions, error) {
	fs := newFlags("run", "[flags]", stderr)
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
	fs.StringVar(&o.llm, "llm", "", "Gemini diagnosis: off, dry-run (write prompts, send nothing) or gemini")
	fs.StringVar(&source, "source", "", "where the event logs are (s3://bucket/prefix/ or a folder; default: the bundled sample logs)")
	fs.StringVar(&out, "out", "", "where the dataset goes (s3://bucket/prefix/ or a folder; default ./sparkmine-out)")
	fs.StringVar(&since, "since", "", "only logs modified within this long (e.g. 24h)")
	fs.IntVar(&workers, "workers", 0, "logs read at a time (default: the number of cores)")
	fs.StringVar(&shard, "shard", "", "K/N: only the logs whose app id hashes to K of N (K may come from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX with /N)")
	fs.BoolVar(&incomplete, "include-incomplete", false, "read in-progress logs too")
	fs.StringVar(&endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store (credentials come from the AWS default chain)")
	fs.BoolVar(&pathStyle, "s3-path-style", false, "path-style S3 addressing (most S3-compatible stores)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, usagef("run: %v", err)
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
func runRun(ctx context.Context, o *runOptions, stderr io.Writer) error {
	cfg := o.cfg
	shard, err := pipeline.ParseShard(cfg.Shard, os.Getenv)
	if err != nil {
		return usagef("run: %v", err)
	}
	model, err := cfg.model(ctx)
	if err != nil {
		return err
	}
	logger, progress := newLogger(stderr)
	sourceURL := cfg.Source
	if sourceURL == "" {
		if sourceURL, err = sampleLogs(); err != nil {
			return fmt.Errorf("bundled sample logs: %w", err)
		}
		logger.Info("no --source: using the bundled sample logs", "source", sourceURL)
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
		IncludeIncomplete: cfg.IncludeIncomplete, Reprocess: o.reprocess,
		Analyze: cfg.Config, Diagnose: cfg.Gemini, Model: model, Redactor: cfg.red,
		Logger: logger, Progress: progress, Version: buildVersion(), ConfigSHA256: cfg.sha256(),
		MemoryBudget: budget, LeaseTTL: time.Duration(cfg.LeaseTTL), WaitLease: o.waitLease, Prune: o.prune,
	})
	if progress != nil {
		fmt.Fprintln(stderr)
	}
	if m != nil {
		summary(stderr, m)
	}
	return err
}

// newLogger logs JSON (for CloudWatch) unless stderr is a terminal, which
// gets text and a progress line.
func newLogger(stderr io.Writer) (*slog.Logger, func(pipeline.Progress)) {
	if f, ok := stderr.(*os.File); ok && isTerminal(f) {
		h := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})
		return slog.New(h), func(p pipeline.Progress) {
			fmt.Fprintf(stderr, "\r%d/%d logs, %.1f MB read", p.Done, p.Total, float64(p.BytesIn)/1e6)
		}
	}
	return slog.New(slog.NewJSONHandler(stderr, nil)), nil
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// summary prints the one-line run summary.
func summary(w io.Writer, m *pipeline.Manifest) {
	c := m.Counts
	fmt.Fprintf(w, "sparkmine: run %s: %d logs, %d processed (%d again), %d unreadable, %d already done, %d in progress skipped, %d other shards; %d findings; %.1f MB read in %.1fs; out %s\n",
		m.RunID, c.Logs, c.Processed, c.Reprocessed, c.Failed, c.SkippedDone, c.SkippedIncomplete, c.OtherShards,
		m.Findings, float64(m.BytesIn)/1e6, m.Seconds, m.Out)
	for _, u := range m.Unreadable {
		fmt.Fprintf(w, "sparkmine: unreadable: %s: %s\n", u.Log, u.Reason)
	}
	for _, u := range m.Unlisted {
		fmt.Fprintf(w, "sparkmine: unlisted: %s: %s\n", u.Log, u.Reason)
	}
	for _, d := range m.Damaged {
		fmt.Fprintf(w, "sparkmine: damaged: %s: %s: %s\n", d.Log, d.Where, d.Reason)
	}
}
