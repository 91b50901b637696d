package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/pipeline"
	"github.com/sparkmine/sparkmine/pipeline/fleet"
	"github.com/sparkmine/sparkmine/store/sqldb"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

const askHelp = `Usage: sparkmine ask --out DATASET [--format table|csv|json|arrow] [--llm gemini|dry-run] [flags] "question"

Answers a plain-English question about the dataset with SQL that Gemini
writes and DuckDB checks before it runs: one read-only SELECT over the
dataset's tables and columns (a refused query goes back to the model once,
with the reason). The model sees the schema and the date range, never a
row. The result prints as a table (the SQL, explanation and assumptions
above it) or, with --format, as CSV, JSON or an Arrow IPC stream on stdout
(the explanation then goes to stderr). Every question is recorded in the
questions table, its prompt and responses under _sparkmine/llm/; the same
question on the same schema is answered from the cache without a request.
--llm dry-run prints the prompt and sends nothing.

Exit codes: 0 answered (or the dry-run prompt printed); 1 failed (the
dataset unreadable, the model call or the query failed); 2 bad usage or
config (no Gemini credentials); 5 no SQL to run: the model's SQL was refused
twice, or it says the dataset cannot answer (recorded either way).

Flags:
`

// errNoSQL is wrapped by ask's error when there is no SQL to run: exit 5.
var errNoSQL = errors.New("no SQL to run")

type askOptions struct {
	cfg      *Config
	question string
	format   string
	cache    string
	lim      sqldb.Limits
}

func cmdAsk(ctx context.Context, args []string, stdout io.Writer, c *console) error {
	o, err := parseAsk(args, stdout)
	if err != nil {
		return err
	}
	return runAsk(ctx, o, stdout, c)
}

func parseAsk(args []string, stdout io.Writer) (*askOptions, error) {
	fs := newFlags("ask", "", "")
	fs.Usage = func() { fmt.Fprint(fs.Output(), askHelp); fs.PrintDefaults() }
	o := &askOptions{lim: sqldb.DefaultLimits()}
	ds := datasetFlags(fs)
	var llmMode string
	fs.StringVar(&o.format, "format", sqldb.FormatTable, "table, csv, json or arrow (an Arrow IPC stream)")
	fs.StringVar(&llmMode, "llm", "", "gemini (default) or dry-run (print the prompt, send nothing)")
	fs.StringVar(&o.cache, "cache", "", "folder an S3 dataset is mirrored into (default: the user cache folder)")
	fs.IntVar(&o.lim.MaxRows, "max-rows", o.lim.MaxRows, "rows the answer may return")
	fs.DurationVar(&o.lim.Timeout, "query-timeout", o.lim.Timeout, "time the query may run")
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	o.question = strings.TrimSpace(strings.Join(fs.Args(), " "))
	switch {
	case slices.ContainsFunc(fs.Args()[min(1, fs.NArg()):], func(a string) bool { return strings.HasPrefix(a, "-") }):
		return nil, usagef("ask: flags go before the question (sparkmine ask --format csv \"question\")")
	case o.question == "":
		return nil, usagef(`ask: no question (sparkmine ask --out DATASET "which jobs wasted the most last week?")`)
	case !slices.Contains(sqldb.Formats, o.format):
		return nil, usagef("ask: --format %q: want %s", o.format, strings.Join(sqldb.Formats, ", "))
	case llmMode != "" && llmMode != diagnose.ModeGemini && llmMode != diagnose.ModeDryRun:
		return nil, usagef("ask: --llm %q: want gemini or dry-run", llmMode)
	}
	cfg, err := ds.config()
	if err != nil {
		return nil, err
	}
	cfg.Gemini.Mode = diagnose.ModeGemini // on demand, the config's off means the default
	if llmMode != "" {
		cfg.Gemini.Mode = llmMode
	}
	o.cfg = cfg
	return o, nil
}

func runAsk(ctx context.Context, o *askOptions, stdout io.Writer, c *console) error {
	if !sqldb.HasEngine {
		return fmt.Errorf("ask: %w", sqldb.ErrNoEngine)
	}
	model, err := o.cfg.model(ctx)
	if err != nil {
		return err
	}
	out, err := storeurl.Open(ctx, o.cfg.Out, o.cfg.S3.options())
	if err != nil {
		return usagef("ask: --out: %v", err)
	}
	f, err := openFleet(ctx, o.cfg, o.cache, o.lim)
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	defer f.Close()
	asker := ask.New(o.cfg.Gemini, o.cfg.Ask, ask.Deps{Model: model, Cache: pipeline.CacheStore(out),
		Audit: pipeline.AuditStore(out), Redactor: o.cfg.red, Version: buildVersion()})
	ans, err := f.Ask(ctx, asker, o.question)
	if ans.Row.Status != "" {
		if rerr := pipeline.RecordQuestion(ctx, out, buildVersion(), ans.Row); rerr != nil {
			return errors.Join(err, fmt.Errorf("ask: record the question: %w", rerr))
		}
	}
	if errors.Is(err, ask.ErrRejected) || errors.Is(err, ask.ErrNoAnswer) {
		return fmt.Errorf("ask: %w: %w", errNoSQL, err)
	}
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	if ans.Row.Status == ask.StatusDryRun {
		_, err := stdout.Write(ans.Prompt.Doc)
		return err
	}
	return printAnswer(ans, o.format, stdout, c)
}

// printAnswer prints the result in format; the SQL, explanation and
// assumptions above a table, on the console otherwise.
func printAnswer(ans fleet.Answer, format string, stdout io.Writer, c *console) error {
	a, row := ans.Answer, ans.Row
	var note strings.Builder
	fmt.Fprintf(&note, "-- %s\n%s\n", oneLine(a.Explanation), a.SQL)
	for _, s := range a.Assumptions {
		fmt.Fprintf(&note, "-- assumes: %s\n", oneLine(s))
	}
	if row.Cached {
		note.WriteString("-- answered from the cache (no request)\n")
	}
	if ans.Result.Truncated {
		fmt.Fprintf(&note, "-- %d rows shown; the row or byte limit cut the rest\n", len(ans.Result.Rows))
	}
	if format == sqldb.FormatTable {
		fmt.Fprintln(stdout, note.String())
	} else {
		c.result("answer", strings.TrimSpace(note.String()), "sql", a.SQL, "explanation", a.Explanation,
			"assumptions", a.Assumptions, "rows", row.Rows, "truncated", row.Truncated, "cached", row.Cached)
	}
	return ans.Result.Write(stdout, format)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
