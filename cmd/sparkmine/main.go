// Command sparkmine mines Apache Spark event logs: it reads them, extracts
// per-app, per-stage and per-executor metrics equal to the Spark History
// Server's, stores them as Parquet, flags what went wrong and says what to
// change.
//
// Exit codes (every subcommand):
//
//	0  everything was processed
//	1  the run failed; nothing was committed
//	2  bad usage or config
//	3  the run committed, but some logs were unreadable or damaged, or source
//	   entries unlistable (the manifest lists them)
//	4  the run committed, but not all its parts are published yet: readers see
//	   part of it until the next run finishes the publish
//	5  ask: no SQL to run (the model's SQL was refused twice, or it says the
//	   dataset cannot answer)
//
// A run that finds its shard's lease held by another run exits 2, naming
// the holder and until when it holds it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sparkmine/sparkmine/pipeline"
)

const usage = `sparkmine mines Apache Spark event logs.

Usage:
  sparkmine run      [--source URL] [--out URL] [--since 24h] [--workers N] [--shard K/N]
                     [--llm off|dry-run|gemini] [--config FILE] [--reprocess] [--include-incomplete]
  sparkmine extract  [--json] LOG...
  sparkmine report   --out DATASET [--week 2026-W47] [--format html|md] [-o FILE] [--weeks 12] [--config FILE]
  sparkmine diagnose --out DATASET --app APP_ID [--attempt ID]
  sparkmine compact  --out DATASET [--older-than 7d]
  sparkmine ddl      --engine athena|spark|hive|duckdb [--out DATASET]
  sparkmine mcp      --out DATASET [--http 127.0.0.1:PORT]
  sparkmine ask      --out DATASET [--format table|csv|json|arrow] [--llm gemini|dry-run] "question"
  sparkmine --version

URLs are s3://bucket/prefix/, file:///path or a plain path. Run "sparkmine CMD -h" for a command's flags.

Exit codes: 0 ok; 1 failed, nothing committed; 2 bad usage or config, or a lease is held (the shard's, or compaction's);
3 committed, some logs unreadable or damaged; 4 committed, publish unfinished (the next run finishes it);
5 (ask) no SQL to run: refused twice, or the dataset cannot answer.
`

// Errors that choose an exit code.
var (
	errUsage   = errors.New("usage")
	errPartial = pipeline.ErrPartial
)

// usageError is a user-fixable mistake in flags, arguments or config.
type usageError struct{ msg string }

func (e usageError) Error() string   { return e.msg }
func (e usageError) Is(t error) bool { return t == errUsage }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// Exit codes each command's help lists: run's all; the others fewer.
const (
	runExitCodes      = "\nExit codes: 0 ok; 1 failed, nothing committed; 2 bad usage or config, or a lease is held (the shard's, or compaction's);\n3 committed, some logs unreadable or damaged; 4 committed, publish unfinished (the next run finishes it).\n"
	extractExitCodes  = "\nExit codes: 0 every log read; 2 bad usage; 3 some logs unreadable (each named on stderr).\n"
	diagnoseExitCodes = "\nExit codes: 0 diagnosed (the row is printed and stored); 1 failed, nothing stored; 2 bad usage or config.\n"
)

// newFlags returns a command's flag set whose help shows its synopsis, its
// flags and its exit codes. Parse it with parseFlags.
func newFlags(name, synopsis, exitCodes string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: sparkmine %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), exitCodes)
	}
	return fs
}

// parseFlags parses args. -h prints the help on stdout and returns errHelp;
// a bad flag is a usage error, which the console reports (off a terminal as
// one JSON line, so the flag package itself prints nothing).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return errHelp
	case err != nil:
		return usagef("%s: %v (see sparkmine %s -h)", fs.Name(), err, fs.Name())
	}
	return nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and maps its error to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newConsole(stderr)
	if len(args) == 0 {
		if c.tty {
			fmt.Fprint(stderr, usage)
		}
		return exitCode(usagef("no command (sparkmine help lists them)"), c)
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, c)
	case "extract":
		err = cmdExtract(ctx, args[1:], stdout, c)
	case "report":
		err = cmdReport(ctx, args[1:], stdout, c)
	case "diagnose":
		err = cmdDiagnose(ctx, args[1:], stdout, c)
	case "mcp":
		err = cmdMCP(ctx, args[1:], stdout, c.w)
	case "ask":
		err = cmdAsk(ctx, args[1:], stdout, c)
	case "compact":
		err = cmdCompact(ctx, args[1:], stdout, c)
	case "ddl":
		err = cmdDDL(ctx, args[1:], stdout, c)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = usagef("unknown command %q (sparkmine help lists them)", args[0])
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("stopped by a signal, nothing committed: %w", err)
	}
	return exitCode(err, c)
}

// exitCode maps err to the exit code and reports it on the console.
func exitCode(err error, c *console) int {
	code := 1
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage), errors.Is(err, pipeline.ErrLeaseHeld):
		code = 2
	case errors.Is(err, pipeline.ErrPublish):
		code = 4
	case errors.Is(err, errNoSQL):
		code = 5
	case errors.Is(err, errPartial):
		code = 3
	}
	c.fail(err, code)
	return code
}
