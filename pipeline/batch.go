package pipeline

import (
	"context"
	"sort"
	"sync"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
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
	day      string
	apps     []extract.AppRow
	stages   []extract.StageRow
	execs    []extract.ExecutorRow
	findings []analyze.FindingRow
	logs     []string        // ledger keys of the logs in it
	appKeys  map[string]bool // app_id/attempt_id of those logs
	size     int
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
func (b *batcher) add(day, key string, app *extract.App, findings []analyze.FindingRow) []*batch {
	b.mu.Lock()
	defer b.mu.Unlock()
	var full []*batch
	ak := appKey(app.Row.AppID, app.Row.AttemptID)
	cur := b.days[day]
	if cur != nil && cur.appKeys[ak] {
		full = append(full, b.take(day))
		cur = nil
	}
	if cur == nil {
		cur = &batch{day: day, appKeys: map[string]bool{}}
		b.days[day] = cur
	}
	n := rowsSize(app, findings)
	cur.apps = append(cur.apps, app.Row)
	cur.stages = append(cur.stages, app.Stages...)
	cur.execs = append(cur.execs, app.Executors...)
	cur.findings = append(cur.findings, findings...)
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

// rowsSize estimates the memory of one log's rows.
func rowsSize(app *extract.App, findings []analyze.FindingRow) int {
	return 1024 + len(app.Row.SparkConf) + len(app.Row.PlanExcerpt) +
		len(app.Stages)*900 + len(app.Executors)*400 + len(findings)*800
}

func appKey(appID, attemptID string) string { return appID + "/" + attemptID }

// writeBatch writes a batch's tables and records, for each of its logs, the
// part files that hold its rows.
func (o *Options) writeBatch(ctx context.Context, bt *batch, res *results) error {
	var files []string
	add := func(keys []string, err error) error {
		files = append(files, keys...)
		res.mu.Lock()
		res.files = append(res.files, keys...)
		res.mu.Unlock()
		return err
	}
	if err := add(writeRows(ctx, o, "apps", bt.apps, bt.day, res)); err != nil {
		return err
	}
	if err := add(writeRows(ctx, o, "stages", bt.stages, bt.day, res)); err != nil {
		return err
	}
	if err := add(writeRows(ctx, o, "executors", bt.execs, bt.day, res)); err != nil {
		return err
	}
	if err := add(writeRows(ctx, o, "findings", bt.findings, bt.day, res)); err != nil {
		return err
	}
	res.mu.Lock()
	defer res.mu.Unlock()
	for _, key := range bt.logs {
		res.logFiles[key] = append(res.logFiles[key], files...)
	}
	return nil
}
