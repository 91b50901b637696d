// Command replaylog makes a large real-looking event log out of a real one:
// it writes the log's application events once and its jobs (SQL
// executions, jobs, stages, tasks, driver updates) N times, each copy with
// its ids shifted past the previous copy's (execution, job, stage, task and
// accumulator ids) and its times shifted by the log's span, so the result
// reads as one long application. Members keep Spark's order.
//
//	replaylog -copies N [-plan-bytes B] LOG > OUT
//
// LOG may be compressed in any codec Spark writes. -plan-bytes pads each
// SQL plan (its description, and its nodes' simpleStrings) to about B
// bytes: the large-plan variant.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sparkmine/sparkmine/extract/codec"
)

func main() {
	copies := flag.Int("copies", 4, "times the log's jobs are written")
	planBytes := flag.Int("plan-bytes", 0, "pad each SQL plan to about this many bytes (0: as is)")
	flag.Parse()
	if flag.NArg() != 1 || *copies < 1 {
		fmt.Fprintln(os.Stderr, "usage: replaylog -copies N [-plan-bytes B] LOG > OUT")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *copies, *planBytes, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "replaylog:", err)
		os.Exit(1)
	}
}

func run(path string, copies, planBytes int, out io.Writer) error {
	var s spans
	if err := eachLine(path, s.observe); err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 1<<20)
	for k := 0; k < copies; k++ {
		r := &rewriter{span: s, k: int64(k), first: k == 0, last: k == copies-1, planBytes: planBytes}
		err := eachLine(path, func(line []byte) error {
			b, keep, err := r.line(line)
			if err != nil || !keep {
				return err
			}
			w.Write(b)
			return w.WriteByte('\n')
		})
		if err != nil {
			return err
		}
	}
	return w.Flush()
}

// eachLine calls fn with every non-empty line of the log.
func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, _, err := codec.NewReader(f, filepath.Base(path))
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			var rest []byte
			rest, err = br.ReadBytes('\n')
			line = append(append([]byte{}, line...), rest...)
		}
		if l := trimEOL(line); len(l) > 0 {
			if ferr := fn(l); ferr != nil {
				return fmt.Errorf("%s:%d: %w", path, n, ferr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
