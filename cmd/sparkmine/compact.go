package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

const compactExitCodes = "\nExit codes: 0 compacted (or nothing to do); 1 failed, nothing committed; 2 bad usage or config, or a run (of any shard) or another compaction holds its lease; 4 committed, publish unfinished (the next run or compaction finishes it).\n"

// cmdCompact folds the small part files of the dataset's days into files
// of about 128 MiB, through the run transaction.
func cmdCompact(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	fs := newFlags("compact", "--out DATASET [--older-than 7d]", compactExitCodes)
	out := fs.String("out", "", "the dataset (s3://bucket/prefix/ or a folder)")
	older := fs.String("older-than", "0d", "only days that ended this long ago (e.g. 7d or 36h); 0d: every day")
	var s3 S3Config
	fs.StringVar(&s3.Endpoint, "s3-endpoint", "", "endpoint of an S3-compatible store")
	fs.BoolVar(&s3.PathStyle, "s3-path-style", false, "path-style S3 addressing")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return usagef("compact: --out is required, and nothing else")
	}
	d, err := parseDays(*older)
	if err != nil {
		return usagef("compact: --older-than %q: want a duration like 7d or 36h", *older)
	}
	st, err := storeurl.Open(ctx, *out, s3.options())
	if err != nil {
		return usagef("compact: --out: %v", err)
	}
	m, err := pipeline.Compact(ctx, pipeline.CompactOptions{Out: st, Days: pipeline.OlderThan(d, time.Now()), Version: version})
	if m != nil {
		c.result("compact summary", fmt.Sprintf("compact %s: folded %s, wrote %.1f MB; out %s",
			m.RunID, plural(m.Counts.Processed, "part file"), float64(m.BytesOut)/1e6, m.Out),
			"run_id", m.RunID, "folded", m.Counts.Processed, "bytes_out", m.BytesOut, "out", m.Out)
	}
	return err
}

// parseDays parses a Go duration or a whole number of days ("7d").
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("bad days %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative duration %q", s)
	}
	return d, err
}
