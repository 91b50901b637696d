package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze/report"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// reportOptions are the flags of `sparkmine report`.
type reportOptions struct {
	week   report.Week
	format string // html | md
	output string // "" or "-": stdout
	weeks  int    // weeks of history before the report week, for trends
	cfg    Config
}

const reportHelp = `Usage: sparkmine report --out DATASET [--week 2026-W47] [--format html|md] [-o FILE] [--config FILE]

Writes the weekly cluster cost report of one ISO week (default: the last full
week, UTC): cost and waste by job, user and queue, the top findings, LLM
spending, growing jobs with a projection, and failed runs. HTML is one
self-contained page with inline SVG charts; Markdown has the same tables.

Exit codes: 0 ok (also for a week with no runs: the report says so); 1 the
dataset could not be read; 2 bad usage or config.

Flags:
`

func cmdReport(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	o, err := parseReport(args, stdout, time.Now())
	if err != nil {
		return err
	}
	return runReport(ctx, o, stdout, c)
}

// parseReport reads the flags and the config file; now decides the default week.
func parseReport(args []string, stdout io.Writer, now time.Time) (*reportOptions, error) {
	fs := newFlags("report", "--out DATASET [--week 2026-W47] [flags]", "")
	fs.Usage = func() { fmt.Fprint(fs.Output(), reportHelp); fs.PrintDefaults() }
	o := &reportOptions{}
	var out, week, configPath, endpoint string
	var pathStyle bool
	fs.StringVar(&out, "out", "", "the dataset (s3://bucket/prefix/ or a folder; default: the config's out, else ./sparkmine-out)")
	fs.StringVar(&week, "week", "", "ISO week, e.g. 2026-W47 (default: the last full week)")
	fs.StringVar(&o.format, "format", "", "html or md (default: from -o's extension, else html)")
	fs.StringVar(&o.output, "o", "", "write the report to this file (default: stdout)")
	fs.IntVar(&o.weeks, "weeks", 12, "weeks before the report week read for trends")
	fs.StringVar(&configPath, "config", "", "config file (YAML); its cost: section prices the report")
	fs.StringVar(&endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store")
	fs.BoolVar(&pathStyle, "s3-path-style", false, "path-style S3 addressing")
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("report: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadConfig(configPath)
	if err != nil {
		return nil, err
	}
	if out != "" {
		cfg.Out = out
	}
	if endpoint != "" {
		cfg.S3.Endpoint = endpoint
	}
	cfg.S3.PathStyle = cfg.S3.PathStyle || pathStyle
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	o.cfg = cfg
	return o, o.validate(week, now)
}

// validate settles the week and the format.
func (o *reportOptions) validate(week string, now time.Time) error {
	o.week = report.LastFullWeek(now)
	if week != "" {
		w, err := report.ParseWeek(week)
		if err != nil {
			return usagef("report: --%v", err)
		}
		o.week = w
	}
	if o.format == "" {
		o.format = "html"
		if ext := strings.ToLower(filepath.Ext(o.output)); ext == ".md" || ext == ".markdown" {
			o.format = "md"
		}
	}
	if o.format != "html" && o.format != "md" {
		return usagef("report: --format %q: want html or md", o.format)
	}
	if o.weeks < 0 || o.weeks > 520 {
		return usagef("report: --weeks %d: want 0 to 520", o.weeks)
	}
	return nil
}

// runReport reads the weeks the report needs, builds it and writes it.
func runReport(ctx context.Context, o *reportOptions, stdout io.Writer, c *console) error {
	st, err := storeurl.Open(ctx, o.cfg.Out, o.cfg.S3.options())
	if err != nil {
		return usagef("report: --out: %v", err)
	}
	in, err := readReportInput(ctx, st, o.week, o.weeks)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	r := report.Build(in, o.week, o.cfg.Cost)
	var buf bytes.Buffer
	write := r.WriteHTML
	if o.format == "md" {
		write = r.WriteMarkdown
	}
	if err := write(&buf); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := writeReport(o.output, buf.Bytes(), stdout); err != nil {
		return err
	}
	summarizeReport(c, r, o)
	return nil
}

// readReportInput reads the apps, findings and diagnoses of week and the
// back weeks before it: only those dt partitions are read.
func readReportInput(ctx context.Context, st store.Store, week report.Week, back int) (report.Input, error) {
	days := week.DayFilter(back)
	var in report.Input
	var err error
	if in.Apps, err = dataset.Apps.Read(ctx, st, days); err != nil {
		return in, err
	}
	if in.Findings, err = dataset.Findings.Read(ctx, st, days); err != nil {
		return in, err
	}
	in.Diagnoses, err = dataset.Diagnoses.Read(ctx, st, days)
	return in, err
}

// writeReport writes b to path (through a temporary file, so a reader never
// sees half a report), or to stdout when path is "" or "-".
func writeReport(path string, b []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sparkmine-report-*")
	if err != nil {
		return fmt.Errorf("report: -o: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: write %s: %w", path, err)
	}
	return nil
}

// summarizeReport reports what was written.
func summarizeReport(c *console, r *report.Report, o *reportOptions) {
	to := "stdout"
	if o.output != "" && o.output != "-" {
		to = o.output
	}
	attrs := []any{"week", r.Week.String(), "format", o.format, "to", to}
	if r.Empty() {
		c.result("report written", fmt.Sprintf("report %s: no runs ended that week in %s; wrote an empty report (%s) to %s",
			r.Week, o.cfg.Out, o.format, to), append(attrs, "runs", 0)...)
		return
	}
	t := r.Totals
	c.result("report written", fmt.Sprintf("report %s: %s, %s, cost $%.2f, waste $%.2f; wrote %s to %s",
		r.Week, plural(t.Runs, "run"), plural(t.Jobs, "job"), t.CostUSD, t.WasteUSD, o.format, to),
		append(attrs, "runs", t.Runs, "jobs", t.Jobs, "cost_usd", t.CostUSD, "waste_usd", t.WasteUSD)...)
}
