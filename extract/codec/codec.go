// Package codec reads and writes the compression framings Spark writes event
// logs in: lz4-java's LZ4Block stream, snappy-java's stream, zstd-jni's
// concatenated frames, ning's LZF chunks, plain text, and gzip (Databricks-style
// parts). Readers stream with reused buffers and never panic on any input.
package codec

import (
	"errors"
	"fmt"
	"strings"
)

// Codec names a compression codec by Spark's short name.
type Codec string

// The codecs Spark writes event logs in, plus gzip for Databricks-style parts.
const (
	Plain  Codec = ""
	LZ4    Codec = "lz4"
	LZF    Codec = "lzf"
	Snappy Codec = "snappy"
	Zstd   Codec = "zstd"
	Gzip   Codec = "gz"
)

// String returns the short name, or "plain" for Plain.
func (c Codec) String() string {
	if c == Plain {
		return "plain"
	}
	return string(c)
}

// ErrTruncated is wrapped by a reader's error when the stream ends mid-block
// or mid-header, as the tail of an in-progress log does. Every complete block
// before it has been delivered.
var ErrTruncated = errors.New("stream truncated")

// ErrUnknownFormat is wrapped by NewReader's error when the first bytes are
// binary data of no format this package knows.
var ErrUnknownFormat = errors.New("unrecognised compression format")

// CorruptError reports data that no writer of the codec produces: a bad magic,
// a bad length, a checksum mismatch or invalid compressed data. Offset is the
// byte offset in the compressed file of the block (header) at fault; for zstd
// and gzip, whose libraries read ahead, it is the number of compressed bytes
// consumed when the error was found.
type CorruptError struct {
	Name   string // file name as given to NewReader
	Codec  Codec
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s: %s block at offset %d: %s", e.Name, e.Codec, e.Offset, e.Reason)
}

func corrupt(name string, c Codec, off int64, format string, args ...any) error {
	return &CorruptError{Name: name, Codec: c, Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// truncated reports a stream that ended inside the block at off.
func truncated(name string, c Codec, off int64, what string) error {
	return fmt.Errorf("%s: %s block at offset %d: %s: %w (%w)", name, c, off, what, ErrTruncated, errUnexpectedEOF)
}

// FromName returns the codec a log file's name says it uses, by Spark's rule
// (EventLogFileWriter.codecName): strip ".compact", then ".inprogress", split
// the base name on '.', and take the last segment after the first. lz4, lzf,
// snappy and zstd (and gz, for Databricks-style gzip parts) map to their
// codec, matched case-insensitively like Spark; anything else is Plain.
func FromName(name string) Codec {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, ".compact")
	name = strings.TrimSuffix(name, ".inprogress")
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return Plain
	}
	ext := name[strings.LastIndexByte(name, '.')+1:]
	switch c := Codec(strings.ToLower(ext)); c {
	case LZ4, LZF, Snappy, Zstd, Gzip:
		return c
	}
	return Plain
}
