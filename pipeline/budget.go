package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sync/semaphore"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/logfile"
)

// Memory budget. A log's peak memory is driven by its longest line: the
// line buffer, the parsed event and the garbage collector's headroom come
// to about lineFactor times the line (a 200 MB line peaked at 1.57 GB).
// So each log is allowed a longest line from its size (a compressed log
// by at most expandRatio, never less than minLineCap), no more than the
// budget can hold, and is admitted once lineFactor times that is free in
// a weighted semaphore of the budget's bytes. A longer line makes the log
// unreadable with the reason; the allowance depends on the log and the
// budget only, never on what else runs, so a run's result does not either.
const (
	lineFactor    = 8
	expandRatio   = 50
	minLineCap    = 64 << 20
	budgetDivisor = 2 // default budget: half the machine's (or cgroup's) memory
	// bombRatio bounds a log's decompressed bytes to this many times its
	// stored size (Spark's codecs reach 10-30x), or the budget's bytes if
	// more: what passes it is a decompression bomb, unreadable.
	bombRatio = 1000
)

// budget admits logs by the memory they are allowed.
type budget struct {
	total int64
	sem   *semaphore.Weighted
}

func newBudget(total int64) *budget {
	return &budget{total: total, sem: semaphore.NewWeighted(total)}
}

// lineCap is the longest line log l may have.
func (b *budget) lineCap(l logfile.Log) int64 {
	est := l.Size
	if l.Codec != codec.Plain {
		est *= expandRatio
	}
	return min(max(est, minLineCap), b.total/lineFactor)
}

// maxBytes is how many decompressed bytes log l may have.
func (b *budget) maxBytes(l logfile.Log) int64 {
	return max(l.Size*bombRatio, b.total)
}

// acquire waits until l's allowance is free; release gives it back.
func (b *budget) acquire(ctx context.Context, l logfile.Log) (release func(), err error) {
	w := lineFactor * b.lineCap(l)
	if err := b.sem.Acquire(ctx, w); err != nil {
		return nil, err
	}
	return func() { b.sem.Release(w) }, nil
}

// DefaultMemoryBudget is half the memory this process may use: the least
// of the machine's MemTotal and its cgroup's limit (v2 memory.max, v1
// memory.limit_in_bytes). It is 0 when none can be read.
func DefaultMemoryBudget() int64 {
	limit := meminfoTotal("/proc/meminfo")
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if n := cgroupLimit(f); n > 0 && (limit == 0 || n < limit) {
			limit = n
		}
	}
	return limit / budgetDivisor
}

// meminfoTotal reads MemTotal from a /proc/meminfo file, in bytes.
func meminfoTotal(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			f := strings.Fields(rest)
			if n, err := strconv.ParseInt(f[0], 10, 64); err == nil && len(f) == 2 && f[1] == "kB" {
				return n << 10
			}
		}
	}
	return 0
}

// cgroupLimit reads a cgroup memory limit file; "max" (v2) or a huge v1
// value means no limit (0).
func cgroupLimit(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || n >= 1<<60 {
		return 0
	}
	return n
}
