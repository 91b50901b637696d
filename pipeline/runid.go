package pipeline

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/store/table"
)

// RunID names one run (of any writer): <UTC start>-<random>-<shard tag>,
// e.g. 20261125T020000Z-3fa2c1-0of1. Ids sort by start time. The run's
// ledger file, manifest and staging folder are named by the whole id; its
// part files by Base and the shard tag (part-<Base>-<tag>-<n>.parquet, see
// table.PartName), so a part's name reads as part-<run id>-<n>.parquet.
type RunID struct {
	Base  string // <UTC start>-<random>
	Shard Shard
}

// runIDTime is the layout of the start time that opens a run id.
const runIDTime = "20060102T150405Z"

// NewRunID returns a new id for a run of shard s started at now.
func NewRunID(now time.Time, s Shard) RunID {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return RunID{Base: now.UTC().Format(runIDTime) + "-" + hex.EncodeToString(b[:]), Shard: s}
}

// ParseRunID reads an id as String writes it.
func ParseRunID(s string) (RunID, error) {
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return RunID{}, fmt.Errorf("run id %q: want <start>-<random>-<shard>", s)
	}
	sh, err := parseTag(s[i+1:])
	if err != nil {
		return RunID{}, fmt.Errorf("run id %q: %w", s, err)
	}
	return RunID{Base: s[:i], Shard: sh}, nil
}

func (id RunID) String() string { return id.Base + "-" + id.Shard.Tag() }

// Started is when the run started, from its id; false for an id that does
// not say.
func (id RunID) Started() (time.Time, bool) {
	stamp, _, _ := strings.Cut(id.Base, "-")
	t, err := time.Parse(runIDTime, stamp)
	return t, err == nil
}

// IsZero reports whether id is the zero RunID (no id given).
func (id RunID) IsZero() bool { return id == RunID{} }

// part names the run's part files, counting up from seq.
func (id RunID) part(seq int) table.PartName {
	return table.PartName{RunID: id.Base, Shard: id.Shard.Tag(), Seq: seq}
}

// shardOf returns the shard of a run named by a ledger file, manifest or
// staging folder; ok is false for a name that is no run id.
func shardOf(runID string) (Shard, bool) {
	id, err := ParseRunID(runID)
	return id.Shard, err == nil
}
