package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/store"
)

// One writer per shard. A run holds the lease of its shard from before it
// touches the output until it is done. The lease is a series of objects
// _sparkmine/leases/<shard tag>/<generation>.json; the newest generation
// is the lease, and its holder is the run it names until its expiry. A run
// takes the lease by creating the next generation with the store's
// exclusive create (store.Creator: S3's If-None-Match: *, a hard link on a
// local disk), so of two runs racing for it exactly one wins. The holder
// renews its expiry while it works, by rewriting its own generation, which
// no one else writes. A run whose holder died (kill -9) finds the newest
// generation expired and creates the next one. A holder that finds a newer
// generation than its own has lost the lease and must not commit.
//
// Expiry compares the holder's clock with the taker's: clocks of machines
// sharing an output must agree to well within the lease's TTL.

const leasesDir = metaDir + "leases/"

// DefaultLeaseTTL is how long a lease lasts without renewal; the holder
// renews it every third of that.
const DefaultLeaseTTL = 5 * time.Minute

// ErrLeaseHeld is wrapped by the error of a run that finds its shard's
// lease held by another run.
var ErrLeaseHeld = errors.New("lease held by another run")

// ErrLeaseLost is wrapped by the error of a run whose lease another run
// took (it expired while the run was stalled).
var ErrLeaseLost = errors.New("lease lost to another run")

// leaseRecord is the content of one generation.
type leaseRecord struct {
	RunID   string    `json:"run_id"`
	Shard   string    `json:"shard"`
	PID     int       `json:"pid"`
	Taken   time.Time `json:"taken"`
	Expires time.Time `json:"expires"`
}

// HeldError says who holds a lease and until when.
type HeldError struct {
	Shard, RunID string
	PID          int
	Until        time.Time
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("shard %s is being written by run %s (pid %d) until %s at the latest: %v",
		e.Shard, e.RunID, e.PID, e.Until.UTC().Format(time.RFC3339), ErrLeaseHeld)
}

func (e *HeldError) Unwrap() error { return ErrLeaseHeld }

// lease is a lease this run holds.
type lease struct {
	out store.Store
	key string
	rec leaseRecord
	ttl time.Duration
	now func() time.Time
	dir string
	gen int64
}

// leaseOptions say which lease to take and how.
type leaseOptions struct {
	Shard Shard
	Tag   string // the lease's folder under leasesDir: Shard.Tag(), or compactTag
	RunID string
	PID   int
	TTL   time.Duration
	Now   func() time.Time
}

// takeLease takes the shard's lease or fails with a *HeldError.
func takeLease(ctx context.Context, out store.Store, o leaseOptions) (*lease, error) {
	cr, ok := out.(store.Creator)
	if !ok {
		return nil, fmt.Errorf("lease: %s cannot create an object exclusively", out.URI(""))
	}
	dir := leasesDir + o.Tag + "/"
	for {
		gen, cur, err := newestLease(ctx, out, dir)
		if err != nil {
			return nil, err
		}
		now := o.Now()
		if cur != nil && now.Before(cur.Expires) {
			return nil, &HeldError{Shard: o.Shard.String(), RunID: cur.RunID, PID: cur.PID, Until: cur.Expires}
		}
		l := &lease{out: out, dir: dir, gen: gen + 1, ttl: o.TTL, now: o.Now,
			rec: leaseRecord{RunID: o.RunID, Shard: o.Shard.String(), PID: o.PID, Taken: now, Expires: now.Add(o.TTL)}}
		l.key = dir + genName(l.gen)
		b, _ := json.Marshal(l.rec)
		err = cr.Create(ctx, l.key, bytes.NewReader(b))
		if errors.Is(err, fs.ErrExist) {
			continue // another run took it first: look again
		}
		if err != nil {
			return nil, fmt.Errorf("take lease: %w", err)
		}
		l.dropOlder(ctx)
		return l, nil
	}
}

// genName is a generation's object name; zero-padded so names sort.
func genName(gen int64) string { return fmt.Sprintf("%020d.json", gen) }

// genOf reads the generation a lease object's key names.
func genOf(key string) (int64, bool) {
	g, err := strconv.ParseInt(strings.TrimSuffix(path.Base(key), ".json"), 10, 64)
	return g, err == nil
}

// newestLease returns the newest generation under dir and its record (nil
// when there is none, or when it was deleted meanwhile).
func newestLease(ctx context.Context, out store.Store, dir string) (int64, *leaseRecord, error) {
	var newest int64
	err := out.List(ctx, dir, func(o store.ObjectInfo) error {
		if g, ok := genOf(o.Key); ok && g > newest {
			newest = g
		}
		return nil
	})
	if err != nil || newest == 0 {
		return newest, nil, err
	}
	var rec leaseRecord
	err = readJSON(ctx, out, dir+genName(newest), &rec)
	if errors.Is(err, fs.ErrNotExist) {
		return newest, nil, nil
	}
	if err != nil {
		// A generation cut short cannot be: Create is atomic. Anything
		// unreadable is somebody's, until it is replaced.
		return 0, nil, fmt.Errorf("lease: %w", err)
	}
	return newest, &rec, nil
}

// dropOlder deletes the generations before this one (best effort: they
// only cost a listing).
func (l *lease) dropOlder(ctx context.Context) {
	_ = l.out.List(ctx, l.dir, func(o store.ObjectInfo) error {
		if o.Key < l.key {
			_ = l.out.Delete(ctx, o.Key)
		}
		return nil
	})
}

// check fails with ErrLeaseLost when the lease is no longer this run's: a
// newer generation exists, or it expired.
func (l *lease) check(ctx context.Context) error {
	gen, cur, err := newestLease(ctx, l.out, l.dir)
	if err != nil {
		return err
	}
	if gen != l.gen || cur == nil || cur.RunID != l.rec.RunID {
		return fmt.Errorf("run %s: %w", l.rec.RunID, ErrLeaseLost)
	}
	if !l.now().Before(l.rec.Expires) {
		return fmt.Errorf("run %s: lease expired at %s: %w", l.rec.RunID, l.rec.Expires.UTC().Format(time.RFC3339), ErrLeaseLost)
	}
	return nil
}

// renew extends the lease by its TTL, after checking it is still held.
func (l *lease) renew(ctx context.Context) error {
	if err := l.check(ctx); err != nil {
		return err
	}
	l.rec.Expires = l.now().Add(l.ttl)
	return writeJSON(ctx, l.out, l.key, l.rec)
}

// keep renews the lease every third of its TTL until ctx is done; it calls
// lost (once) if the lease is lost or cannot be renewed before it expires.
func (l *lease) keep(ctx context.Context, lost func(error)) {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		err := l.renew(ctx)
		if errors.Is(err, ErrLeaseLost) || (err != nil && !l.now().Before(l.rec.Expires)) {
			lost(err)
			return
		}
	}
}

// release deletes this run's generation, if it is still the newest.
func (l *lease) release(ctx context.Context) error {
	if err := l.check(ctx); err != nil {
		return nil // someone else's now: nothing of ours to remove
	}
	return l.out.Delete(ctx, l.key)
}

// compactTag names the dataset-wide lease of compaction, which folds parts
// of every shard: a run holding its shard's lease and a compaction holding
// this one exclude each other. Each takes its own lease first and then
// looks at the other's (a run at compaction's, a compaction at every
// shard's), and gives its own back if the other is live; on a store whose
// listings are consistent (S3, a disk) at least one of two racing sees the
// other, so they never both go on.
const compactTag = "compact"

// liveLease returns a *HeldError for the first live lease under the
// folders of leasesDir that want picks, in name order; nil when none is.
func liveLease(ctx context.Context, out store.Store, now time.Time, want func(tag string) bool) error {
	newest := map[string]int64{} // folder → its newest generation, from one listing
	err := out.List(ctx, leasesDir, func(o store.ObjectInfo) error {
		tag, _, ok := strings.Cut(strings.TrimPrefix(o.Key, leasesDir), "/")
		if g, isGen := genOf(o.Key); ok && isGen && want(tag) {
			dir := leasesDir + tag + "/"
			newest[dir] = max(newest[dir], g)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list leases: %w", err)
	}
	for _, dir := range slices.Sorted(maps.Keys(newest)) {
		var cur leaseRecord
		err := readJSON(ctx, out, dir+genName(newest[dir]), &cur)
		if errors.Is(err, fs.ErrNotExist) {
			continue // released meanwhile
		}
		if err != nil {
			return fmt.Errorf("lease: %w", err)
		}
		if now.Before(cur.Expires) {
			return &HeldError{Shard: cur.Shard, RunID: cur.RunID, PID: cur.PID, Until: cur.Expires}
		}
	}
	return nil
}

// takeExclusive takes the lease o names, then gives it back with the
// *HeldError of any live lease others picks.
func takeExclusive(ctx context.Context, out store.Store, o leaseOptions, others func(tag string) bool) (*lease, error) {
	l, err := takeLease(ctx, out, o)
	if err != nil {
		return nil, err
	}
	if err := liveLease(ctx, out, o.Now(), others); err != nil {
		if rerr := l.release(context.WithoutCancel(ctx)); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("release lease: %w", rerr))
		}
		return nil, err
	}
	return l, nil
}

// keepLease renews l until the returned stop, which releases it; the
// returned context is cancelled, with an error wrapping ErrLeaseLost as its
// cause, if the lease is lost meanwhile.
func keepLease(ctx context.Context, l *lease, log *slog.Logger) (context.Context, func()) {
	kctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.keep(kctx, func(err error) {
			log.Error("lease lost", "error", err.Error())
			cancel(err)
		})
	}()
	stop := func() {
		cancel(nil)
		<-done // no renewal after the release
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer rcancel()
		if err := l.release(rctx); err != nil {
			log.Warn("release lease", "error", err.Error())
		}
	}
	return kctx, stop
}

// hold takes the shard's lease for the run (waiting for it with
// Options.WaitLease) and renews it until stop, which releases it. The
// returned context is cancelled, with an error wrapping ErrLeaseLost as its
// cause, if the lease is lost meanwhile.
func (r *run) hold(ctx context.Context) (context.Context, func(), error) {
	l, err := r.takeLease(ctx)
	if err != nil {
		return ctx, func() {}, err
	}
	r.lease = l
	kctx, stop := keepLease(ctx, l, r.log)
	return kctx, stop, nil
}

// takeLease takes the lease, or with WaitLease waits until it can.
func (r *run) takeLease(ctx context.Context) (*lease, error) {
	o := leaseOptions{Shard: r.o.Shard, Tag: r.o.Shard.Tag(), RunID: r.o.RunID.String(), PID: os.Getpid(), TTL: r.o.LeaseTTL, Now: r.o.Now}
	compacting := func(tag string) bool { return tag == compactTag }
	for {
		l, err := takeExclusive(ctx, r.o.Out, o, compacting)
		var held *HeldError
		if !r.o.WaitLease || !errors.As(err, &held) {
			return l, err
		}
		r.log.Info("waiting for the lease", "held_by", held.RunID, "until", held.Until.UTC().Format(time.RFC3339))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for the lease: %w (%w)", ctx.Err(), err)
		case <-time.After(leasePoll(held.Until.Sub(r.o.Now()))):
		}
	}
}

// leasePoll is how long a waiting run sleeps before looking again at a
// lease that expires in left: until just after then, looking again at
// least every 5 s (the holder may release it sooner).
func leasePoll(left time.Duration) time.Duration {
	return min(max(left+50*time.Millisecond, 50*time.Millisecond), 5*time.Second)
}

// leaseCause returns the lease's loss when it is why ctx ended, else err.
func leaseCause(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); errors.Is(cause, ErrLeaseLost) {
		return cause
	}
	return err
}
