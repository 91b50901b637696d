package gen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// WriteFile writes the log to path, compressed with c as Spark frames it.
// path is used as given: add Spark's ".<codec>" and ".inprogress" suffixes
// yourself if the name should carry them.
func WriteFile(path string, s Spec, c codec.Codec) (Stats, error) {
	f, err := os.Create(path)
	if err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	st, err := writeCompressed(f, s, c)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("gen: close %s: %w", path, cerr)
	}
	return st, err
}

func writeCompressed(w io.Writer, s Spec, c codec.Codec) (Stats, error) {
	cw, err := newCodecWriter(w, c)
	if err != nil {
		return Stats{}, err
	}
	st, err := Write(cw, s)
	if cerr := cw.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("gen: finish %s stream: %w", c, cerr)
	}
	return st, err
}

// newCodecWriter wraps w in c's framing, exactly as Spark writes it.
func newCodecWriter(w io.Writer, c codec.Codec) (io.WriteCloser, error) {
	cw, err := codec.NewWriter(w, c)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	return cw, nil
}

// WriteRolling writes the log as Spark's rolling layout under dir:
// eventlog_v2_<appId>/events_<n>_<appId>[.<codec>], n from 1, each part an
// independent compressed stream holding whole lines and starting a new
// part before the uncompressed bytes would pass maxPartBytes, plus the
// empty appstatus_<appId> marker (with .inprogress for an Incomplete Spec).
func WriteRolling(dir string, s Spec, c codec.Codec, maxPartBytes int64) (Stats, error) {
	if maxPartBytes <= 0 {
		return Stats{}, errors.New("gen: rolling part size must be > 0")
	}
	s = s.withDefaults()
	folder := filepath.Join(dir, "eventlog_v2_"+s.AppID)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	status := filepath.Join(folder, "appstatus_"+s.AppID+".inprogress")
	if err := os.WriteFile(status, nil, 0o644); err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	rs := &rollingSink{folder: folder, appID: s.AppID, codec: c, max: maxPartBytes}
	st, err := generate(s, rs)
	if cerr := rs.closePart(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, err
	}
	if !s.Incomplete {
		if err := os.Rename(status, status[:len(status)-len(".inprogress")]); err != nil {
			return st, fmt.Errorf("gen: %w", err)
		}
	}
	return st, nil
}

// rollingSink writes lines into numbered parts.
type rollingSink struct {
	folder, appID string
	codec         codec.Codec
	max           int64

	n       int
	written int64
	f       *os.File
	cw      io.WriteCloser
	bw      writerSink
}

func (r *rollingSink) writeLine(b []byte, flush bool) error {
	if r.f != nil && r.written+int64(len(b)) > r.max {
		if err := r.closePart(); err != nil {
			return err
		}
	}
	if r.f == nil {
		if err := r.openPart(); err != nil {
			return err
		}
	}
	r.written += int64(len(b))
	return r.bw.writeLine(b, flush)
}

func (r *rollingSink) openPart() error {
	r.n++
	name := fmt.Sprintf("events_%d_%s", r.n, r.appID)
	if r.codec != codec.Plain {
		name += "." + string(r.codec)
	}
	f, err := os.Create(filepath.Join(r.folder, name))
	if err != nil {
		return err
	}
	cw, err := newCodecWriter(f, r.codec)
	if err != nil {
		f.Close()
		return err
	}
	fl, _ := cw.(flusher)
	r.f, r.cw, r.written = f, cw, 0
	r.bw = writerSink{bufio.NewWriterSize(cw, 256<<10), fl}
	return nil
}

func (r *rollingSink) closePart() error {
	if r.f == nil {
		return nil
	}
	err := r.bw.w.Flush()
	if cerr := r.cw.Close(); err == nil {
		err = cerr
	}
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.f = nil
	if err != nil {
		return fmt.Errorf("close part %d: %w", r.n, err)
	}
	return nil
}
