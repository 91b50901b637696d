package pipeline

import (
	"time"

	"github.com/sparkmine/sparkmine/extract/logfile"
)

// statusDuplicate marks a log whose app attempt another log holds: the
// same application under two source paths (a copy, a re-upload, EMR's and
// S3's copies of one log). It has no rows and is skipped until it changes.
const statusDuplicate = "duplicate"

// candidate is a log competing to hold an app attempt's rows.
type candidate struct {
	key      string // ledger key
	complete bool
	size     int64
	mod      time.Time
}

// beats is the rule that picks one log per app attempt: a finished log over
// an in-progress one (it holds the whole app), then the larger (it holds
// more of it), then the newer, then the first key, so every run picks the
// same one.
func (a candidate) beats(b candidate) bool {
	switch {
	case a.complete != b.complete:
		return a.complete
	case a.size != b.size:
		return a.size > b.size
	case !a.mod.Equal(b.mod):
		return a.mod.After(b.mod)
	}
	return a.key < b.key
}

// oneLogPerApp keeps, of the logs to read that name the same app attempt,
// the one that beats the others and any committed log of it; the rest are
// recorded as duplicates without being read. A committed log it beats is
// recorded as a duplicate too, so the commit removes its rows. Only logs
// whose names carry a Spark application id are matched (names do not say
// what app another name holds).
func (r *run) oneLogPerApp(todo []logfile.Log) []logfile.Log {
	best := map[[2]string]logfile.Log{}
	var keep []logfile.Log
	for _, l := range todo {
		if !logfile.IsSparkAppID(l.AppID) {
			keep = append(keep, l)
			continue
		}
		k := [2]string{l.AppID, l.AttemptID}
		if b, ok := best[k]; ok {
			win, lose := b, l
			if cand(l).beats(cand(b)) {
				win, lose = l, b
			}
			best[k] = win
			r.duplicate(lose, r.o.Source.URI(win.Key))
			continue
		}
		best[k] = l
	}
	for _, l := range best {
		if r.againstCommitted(l) {
			keep = append(keep, l)
		}
	}
	return keep
}

func cand(l logfile.Log) candidate {
	return candidate{key: ledgerKey(l), complete: !l.InProgress, size: l.Size, mod: l.ModTime}
}

// againstCommitted compares l with the committed logs of its app attempt
// under other keys: it returns false (and records l as a duplicate) when
// one of them wins, and records the ones l beats as duplicates.
func (r *run) againstCommitted(l logfile.Log) bool {
	c := cand(l)
	for key, e := range r.tx.st.latest {
		if key == c.key || e.Status != statusOK || e.AppID != l.AppID || (l.AttemptID != "" && e.AttemptID != l.AttemptID) {
			continue
		}
		old := candidate{key: key, complete: true, size: e.Size, mod: time.UnixMilli(e.ModTime)}
		if old.beats(c) {
			r.duplicate(l, r.o.Source.URI(key))
			return false
		}
		e.Status, e.Reason, e.Files = statusDuplicate, "duplicate of "+r.o.Source.URI(c.key), nil
		r.entries = append(r.entries, e)
		r.m.Counts.Duplicates++
	}
	return true
}

// duplicate records l as a duplicate of the log at winner.
func (r *run) duplicate(l logfile.Log, winner string) {
	r.entries = append(r.entries, Entry{Log: ledgerKey(l), Fingerprint: l.Fingerprint, Size: l.Size,
		ModTime: l.ModTime.UnixMilli(), Status: statusDuplicate, Reason: "duplicate of " + winner,
		AppID: l.AppID, AttemptID: l.AttemptID})
	r.m.Counts.Duplicates++
}
