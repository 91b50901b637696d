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

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `sparkmine mines Apache Spark event logs.

Usage:
  sparkmine run      [--source URL] [--out URL] [--since 24h] [--workers N] [--shard K/N]
                     [--llm off|dry-run|gemini] [--config FILE] [--reprocess] [--include-incomplete]
  sparkmine extract  [--json] LOG...
  sparkmine report   --out DATASET [--week 2026-W47] [--format html|md] [-o FILE] [--weeks 12] [--config FILE]
  sparkmine diagnose --out DATASET --app APP_ID [--attempt ID]
  sparkmine version

URLs are s3://bucket/prefix/, file:///path or a plain path. Run "sparkmine CMD -h" for a command's flags.

Exit codes: 0 ok; 1 failed, nothing committed; 2 bad usage or config, or the shard's lease is held;
3 committed, some logs unreadable or damaged; 4 committed, publish unfinished (the next run finishes it).
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

// exitCodes ends every command's help.
const exitCodes = "\nExit codes: 0 ok; 1 failed, nothing committed; 2 bad usage or config, or the shard's lease is held;\n3 committed, some logs unreadable or damaged; 4 committed, publish unfinished (the next run finishes it).\n"

// newFlags returns a command's flag set whose help shows its synopsis, its
// flags and the exit codes.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: sparkmine %s %s\n\n", name, synopsis)
		fs.PrintDefaults()
		fmt.Fprint(stderr, exitCodes)
	}
	return fs
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and maps its error to an exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], stdout, stderr)
	case "extract":
		err = cmdExtract(ctx, args[1:], stdout, stderr)
	case "report":
		err = cmdReport(ctx, args[1:], stdout, stderr)
	case "diagnose":
		err = cmdDiagnose(ctx, args[1:], stdout, stderr)
	case "mcp":
		err = cmdMCP(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "sparkmine", buildVersion())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "sparkmine: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage), errors.Is(err, pipeline.ErrLeaseHeld):
		fmt.Fprintln(stderr, "sparkmine:", err)
		return 2
	case errors.Is(err, pipeline.ErrPublish):
		fmt.Fprintln(stderr, "sparkmine:", err)
		return 4
	case errors.Is(err, errPartial):
		fmt.Fprintln(stderr, "sparkmine:", err)
		return 3
	default:
		fmt.Fprintln(stderr, "sparkmine:", err)
		return 1
	}
}
