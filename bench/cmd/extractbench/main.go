// Command extractbench reads event logs exactly as the pipeline does
// (extract.ReadLog: logfile.Open → extract.Builder.Line → Finish) and
// prints one summary line per log: the harness's stand-in for `sparkmine
// extract` while the binary may not build.
//
//	extractbench [-cpuprofile F] [-memprofile F] [-json] [-lines] [-whatif] LOG...
//
// -whatif also prices the app and runs the right-sizing simulation
// (analyze.Rightsize) after extraction, and prints its time beside the
// extraction's.
//
// A LOG is a single-file log (any codec) or a rolling eventlog_v2_ folder.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
)

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile to this file")
	mem := flag.String("memprofile", "", "write a heap profile (after the last log) to this file")
	asJSON := flag.Bool("json", false, "print the app rows as JSON instead of a summary")
	flag.BoolVar(&linesOnly, "lines", false, "only read the lines (codec + line reader), no event decoding: the floor")
	flag.BoolVar(&whatIf, "whatif", false, "also run the right-sizing simulation and print its time")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: extractbench [-cpuprofile F] [-memprofile F] [-json] [-lines] LOG...")
		os.Exit(2)
	}
	if *cpu != "" {
		stop, err := startCPUProfile(*cpu)
		if err != nil {
			fail(err)
		}
		defer stop()
	}
	for _, p := range flag.Args() {
		if err := benchOne(p, *asJSON); err != nil {
			fail(err)
		}
	}
	if *mem != "" {
		if err := writeHeapProfile(*mem); err != nil {
			fail(err)
		}
	}
}

// linesOnly skips the Builder: the harness's floor for the extract rows.
var linesOnly bool

// whatIf runs the right-sizing simulation after extraction.
var whatIf bool

func fail(err error) {
	fmt.Fprintln(os.Stderr, "extractbench:", err)
	os.Exit(1)
}

// benchOne reads one log and prints its summary.
func benchOne(path string, asJSON bool) error {
	l, err := localLog(path)
	if err != nil {
		return err
	}
	start := time.Now()
	app, in, out, err := readLog(context.Background(), filepath.Dir(path), l)
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	if asJSON {
		return json.NewEncoder(os.Stdout).Encode(map[string]any{"app": app.Row, "stages": app.Stages, "executors": app.Executors})
	}
	r := app.Row
	fmt.Printf("%s: %s, %d stages, %d tasks, %d executors, %d malformed; %.1f MB in (%.1f MB json) in %.2fs = %.0f MB/s json",
		filepath.Base(path), r.Status, r.Stages, r.Tasks, len(app.Executors), r.MalformedLines,
		float64(in)/1e6, float64(out)/1e6, secs, float64(out)/1e6/secs)
	if whatIf && !linesOnly {
		extractCPU := cpuSeconds()
		cfg := analyze.DefaultConfig()
		rs := analyze.Rightsize(app, cfg.Detectors.Rightsize, cfg.Cost)
		simCPU := cpuSeconds() - extractCPU
		n := 0
		if rs != nil {
			n = len(rs.Rows)
		}
		fmt.Printf("; what-if %d configurations in %.3f cpu s (%.1f%% of extract's %.2f cpu s)", n, simCPU, 100*simCPU/extractCPU, extractCPU)
	}
	fmt.Println()
	return nil
}

// localLog discovers the one log at path (a file or a rolling folder),
// with keys relative to path's directory.
func localLog(path string) (logfile.Log, error) {
	dir := filepath.Dir(path)
	var objs []logfile.Object
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		objs = append(objs, logfile.Object{Key: filepath.ToSlash(rel), Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return logfile.Log{}, err
	}
	logs, problems := logfile.Discover(objs)
	if len(logs) != 1 {
		return logfile.Log{}, fmt.Errorf("%s: %d logs found (problems: %v)", path, len(logs), problems)
	}
	return logs[0], nil
}

// readLog mirrors extract.ReadLog for a local folder.
func readLog(ctx context.Context, dir string, l logfile.Log) (*extract.App, int64, int64, error) {
	open := func(_ context.Context, key string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(dir, filepath.FromSlash(key)))
	}
	r := logfile.Open(ctx, l, open)
	defer r.Close()
	b := extract.NewBuilder(extract.Options{
		LastUpdated: l.ModTime.UnixMilli(), InProgress: l.InProgress,
		AppID: l.AppID, AttemptID: l.AttemptID, SourceURI: l.Key,
	})
	for {
		line, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, r.BytesIn(), r.BytesOut(), err
		}
		if !linesOnly {
			b.Line(line, r.File(), r.Line())
		}
	}
	return b.Finish(r.Truncated()), r.BytesIn(), r.BytesOut(), nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)).Seconds()
}
