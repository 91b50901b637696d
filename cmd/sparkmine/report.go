package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze/report"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/storeurl"
	"github.com/sparkmine/sparkmine/store/table"
)

// reportOptions are the flags of `sparkmine report`.
type reportOptions struct {
	week   report.Week
	format string // html | md
	output string // "" or "-": stdout
	weeks  int    // weeks of history before the report week, for trends
	cfg    Config

	latest bool      // no --week: the latest full week with data
	now    time.Time // what "full" is measured against
}

const reportHelp = `Usage: sparkmine report --out DATASET [--week 2026-W47] [--format html|md] [-o FILE|s3://bucket/key] [--config FILE]

Writes the weekly cluster cost report of one ISO week (default: the latest
full week, UTC, that has data; the summary line says so): cost and waste by
job, user and queue, the top findings, LLM spending, growing jobs with a
projection, and failed runs. HTML is one self-contained page with inline SVG
charts; Markdown has the same tables.

Exit codes: 0 ok (also for a week with no runs: the report says so); 1 the
dataset could not be read or the report not written; 2 bad usage or config.

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
	fs.StringVar(&week, "week", "", "ISO week, e.g. 2026-W47 (default: the latest full week that has data)")
	fs.StringVar(&o.format, "format", "", "html or md (default: from -o's extension, else html)")
	fs.StringVar(&o.output, "o", "", "write the report to this file or s3://bucket/key (default: stdout)")
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
	o.week, o.latest, o.now = report.LastFullWeek(now), week == "", now
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
	if o.latest {
		if o.week, err = latestWeekWithData(ctx, st, o.now); err != nil {
			return fmt.Errorf("report: %w", err)
		}
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
	if err := writeReport(ctx, o.output, buf.Bytes(), stdout, o.cfg.S3); err != nil {
		return err
	}
	summarizeReport(c, r, o)
	return nil
}

// readReportInput reads the apps, findings and diagnoses of week and the
// back weeks before it, and the outcomes and simulations of week: only
// those dt partitions are read.
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
	if in.Diagnoses, err = dataset.Diagnoses.Read(ctx, st, days); err != nil {
		return in, err
	}
	if in.Outcomes, err = dataset.Outcomes.Read(ctx, st, week.DayFilter(0)); err != nil {
		return in, err
	}
	in.Simulations, err = dataset.Simulations.Read(ctx, st, week.DayFilter(0))
	return in, err
}

// latestWeekWithData returns the latest full ISO week (ended before now)
// that holds apps rows, from the dt partitions' names alone; with none, the
// last full week.
func latestWeekWithData(ctx context.Context, st store.Store, now time.Time) (report.Week, error) {
	last := report.LastFullWeek(now)
	best, found := last, false
	err := st.List(ctx, "apps/", func(o store.ObjectInfo) error {
		day, ok := table.PartDay(o.Key)
		t, err := time.Parse(time.DateOnly, day)
		if !ok || err != nil {
			return nil
		}
		if w := report.WeekOf(t); !last.Less(w) && (!found || best.Less(w)) {
			best, found = w, true
		}
		return nil
	})
	return best, err
}

// writeReport writes b to path, a file or s3://bucket/key, with one atomic
// put (a reader never sees half a report), or to stdout when path is "" or
// "-".
func writeReport(ctx context.Context, path string, b []byte, stdout io.Writer, s3 S3Config) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	dir, name := splitReportPath(path)
	st, err := storeurl.Open(ctx, dir, s3.options())
	if err != nil {
		return usagef("report: -o %s: %v", path, err)
	}
	if err := st.Put(ctx, name, bytes.NewReader(b)); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// splitReportPath splits -o into the store root and the key under it.
func splitReportPath(path string) (dir, name string) {
	if loc, err := storeurl.Parse(path); err == nil && loc.Scheme == "s3" {
		key := strings.TrimSuffix(loc.Prefix, "/")
		i := strings.LastIndexByte(key, '/')
		return "s3://" + loc.Bucket + "/" + key[:i+1], key[i+1:]
	}
	return filepath.Dir(path), filepath.Base(path)
}

// summarizeReport reports what was written.
func summarizeReport(c *console, r *report.Report, o *reportOptions) {
	to := "stdout"
	if o.output != "" && o.output != "-" {
		to = o.output
	}
	attrs := []any{"week", r.Week.String(), "format", o.format, "to", to, "latest_week_with_data", o.latest}
	if o.latest {
		to += " (no --week: the latest full week with data)"
	}
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
