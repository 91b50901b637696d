// Command sparkcompress compresses a plain event log into one of Spark's
// codec framings (extract/codec.NewWriter), flushing after each event the
// way Spark's EventLoggingListener does (every event but task events and
// StageSubmitted). The harness uses it when sparkgen cannot write a codec.
//
//	sparkcompress -codec lz4|lzf|snappy|zstd|gz IN OUT
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sparkmine/sparkmine/extract/codec"
)

func main() {
	c := flag.String("codec", "zstd", "codec: lz4, lzf, snappy, zstd, gz")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: sparkcompress -codec C IN OUT")
		os.Exit(2)
	}
	if err := compress(flag.Arg(0), flag.Arg(1), codec.Codec(*c)); err != nil {
		fmt.Fprintln(os.Stderr, "sparkcompress:", err)
		os.Exit(1)
	}
}

func compress(in, out string, c codec.Codec) error {
	src, err := os.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(dst, 1<<20)
	w, err := codec.NewWriter(bw, c)
	if err != nil {
		dst.Close()
		return err
	}
	err = copyLines(w, bufio.NewReaderSize(src, 1<<20))
	err = errors.Join(err, w.Close(), bw.Flush(), dst.Close())
	return err
}

// copyLines writes every line of r to w, flushing w after the events Spark
// flushes after.
func copyLines(w io.Writer, r *bufio.Reader) error {
	f, _ := w.(codec.Flusher)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			if _, werr := w.Write(line); werr != nil {
				return werr
			}
			if f != nil && flushAfter(line) {
				if ferr := f.Flush(); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

var (
	taskEvent      = []byte(`"Event":"SparkListenerTask`)
	stageSubmitted = []byte(`"Event":"SparkListenerStageSubmitted"`)
)

func flushAfter(line []byte) bool {
	head := line[:min(len(line), 64)]
	return !bytes.Contains(head, taskEvent) && !bytes.Contains(head, stageSubmitted)
}
