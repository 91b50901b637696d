package pipeline

import (
	"context"
	"sort"
	"sync"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
)

// Part files hold the rows of many logs: a run collects rows per day and
// writes a day's batch once it holds about BatchBytes, and the rest at its
// end. So a night of thousands of small apps gives a few files per table,
// not thousands. A batch never holds two logs of the same app attempt, so
// (app_id, attempt_id) names a log's rows inside a part; that is what lets
// a reprocessed log's old rows be cut out of a shared part (see supersede).

// DefaultBatchBytes is the default estimated size of the rows a day's batch
// holds before it is written.
const DefaultBatchBytes = 64 << 20

// batch is the rows of one day waiting to be written.
type batch struct {
	day     string
	rows    *dataset.Rows   // of every per-log table
	logs    []string        // ledger keys of the logs in it
	appKeys map[string]bool // app_id/attempt_id of those logs
	size    int
}

// batcher collects the rows of the logs the workers read.
type batcher struct {
	mu    sync.Mutex
	limit int
	days  map[string]*batch
	total int
}

func newBatcher(limit int) *batcher {
	if limit <= 0 {
		limit = DefaultBatchBytes
	}
	return &batcher{limit: limit, days: map[string]*batch{}}
}

// add queues one log's rows and returns the batches that are full, for the
// caller to write outside the lock.
func (b *batcher) add(day, key string, l *dataset.Log) []*batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	var full []*batch
	ak := dataset.AppKey(l.App.Row.AppID, l.App.Row.AttemptID)
	cur := b.days[day]
	if cur != nil && cur.appKeys[ak] {
		full = append(full, b.take(day))
		cur = nil
	}
	if cur == nil {
		cur = &batch{day: day, rows: dataset.NewRows(), appKeys: map[string]bool{}}
		b.days[day] = cur
	}
	n := cur.rows.Add(l)
	cur.logs = append(cur.logs, key)
	cur.appKeys[ak] = true
	cur.size += n
	b.total += n
	if cur.size >= b.limit {
		full = append(full, b.take(day))
	}
	// Many days open at once (a backfill): bound the whole, largest first.
	for b.total >= 2*b.limit {
		full = append(full, b.take(b.largest()))
	}
	return full
}

// take removes a day's batch.
func (b *batcher) take(day string) *batch {
	bt := b.days[day]
	delete(b.days, day)
	b.total -= bt.size
	return bt
}

func (b *batcher) largest() string {
	best, size := "", -1
	for d, bt := range b.days {
		if bt.size > size || bt.size == size && d < best {
			best, size = d, bt.size
		}
	}
	return best
}

// rest removes and returns every batch, in day order.
func (b *batcher) rest() []*batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	days := make([]string, 0, len(b.days))
	for d := range b.days {
		days = append(days, d)
	}
	sort.Strings(days)
	var all []*batch
	for _, d := range days {
		all = append(all, b.take(d))
	}
	return all
}

// writeBatch writes a batch's tables and records, for each of its logs, the
// part files that hold its rows.
func (r *run) writeBatch(ctx context.Context, bt *batch) error {
	files, err := bt.rows.Write(ctx, r.tx, bt.day)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, key := range bt.logs {
		r.logFiles[key] = append(r.logFiles[key], files...)
	}
	return nil
}
