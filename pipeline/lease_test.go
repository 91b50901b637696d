package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
	"github.com/sparkmine/sparkmine/store/s3/s3test"
)

// TestLease runs the lease's cases on both backends.
func TestLease(t *testing.T) {
	backends := map[string]func(t *testing.T) store.Store{
		"local": func(t *testing.T) store.Store {
			s, err := local.New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"s3": func(t *testing.T) store.Store {
			srv := s3test.StartServer(t)
			return srv.Store(t, srv.NewBucket(t), "out/")
		},
	}
	for name, newStore := range backends {
		t.Run(name, func(t *testing.T) {
			out := newStore(t)
			t.Run("HeldThenReleased", func(t *testing.T) { testLeaseHeld(t, out) })
			t.Run("ExpiredTakenOver", func(t *testing.T) { testLeaseTakeover(t, out) })
			t.Run("Race", func(t *testing.T) { testLeaseRace(t, out) })
		})
	}
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func opts(run string, shard Shard, c *clock) leaseOptions {
	return leaseOptions{Shard: shard, Tag: shard.Tag(), RunID: run, PID: 42, TTL: time.Minute, Now: c.now}
}

func testLeaseHeld(t *testing.T, out store.Store) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	a, err := takeLease(ctx, out, opts("run-a", All, c))
	if err != nil {
		t.Fatal(err)
	}
	c.add(30 * time.Second)
	_, err = takeLease(ctx, out, opts("run-b", All, c))
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrLeaseHeld) || held.RunID != "run-a" || !held.Until.Equal(c.t.Add(30*time.Second)) {
		t.Fatalf("second take = %v, want held by run-a until 09:01", err)
	}
	// Another shard has its own lease.
	other, err := takeLease(ctx, out, opts("run-c", Shard{K: 1, N: 2}, c))
	if err != nil {
		t.Fatalf("take of another shard: %v", err)
	}
	// Renewal keeps it past its first expiry.
	if err := a.renew(ctx); err != nil {
		t.Fatal(err)
	}
	c.add(45 * time.Second)
	if _, err := takeLease(ctx, out, opts("run-b", All, c)); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("take after the renewed holder's first expiry = %v, want held", err)
	}
	if err := a.release(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := takeLease(ctx, out, opts("run-b", All, c))
	if err != nil {
		t.Fatalf("take after release: %v", err)
	}
	b.release(ctx)
	other.release(ctx)
}

func testLeaseTakeover(t *testing.T, out store.Store) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	dead, err := takeLease(ctx, out, opts("run-dead", All, c))
	if err != nil {
		t.Fatal(err)
	}
	c.add(61 * time.Second) // its holder was killed: no renewal
	b, err := takeLease(ctx, out, opts("run-b", All, c))
	if err != nil {
		t.Fatalf("take of an expired lease: %v", err)
	}
	if err := dead.check(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("the stalled holder's check = %v, want ErrLeaseLost", err)
	}
	if err := dead.renew(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("the stalled holder's renew = %v, want ErrLeaseLost", err)
	}
	if err := dead.release(ctx); err != nil {
		t.Errorf("the stalled holder's release = %v", err)
	}
	if err := b.check(ctx); err != nil {
		t.Errorf("the new holder lost its lease to the old one's release: %v", err)
	}
	b.release(ctx)
}

// testLeaseRace starts many runs at once: exactly one gets the lease, the
// others are told who has it.
func testLeaseRace(t *testing.T, out store.Store) {
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	const runs = 12
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = takeLease(context.Background(), out, opts(fmt.Sprintf("run-%02d", i), Shard{K: 0, N: 3}, c))
		}()
	}
	wg.Wait()
	winners := 0
	for i, err := range errs {
		switch {
		case err == nil:
			winners++
		case !errors.Is(err, ErrLeaseHeld):
			t.Errorf("run %d: %v", i, err)
		}
	}
	if winners != 1 {
		t.Errorf("%d runs took the lease, want 1", winners)
	}
}

// gateSource blocks the first Open until released, telling when it is
// reached.
type gateSource struct {
	store.Store
	once    sync.Once
	reached chan struct{}
	release chan struct{}
}

func (g *gateSource) Open(ctx context.Context, key string, off, n int64) (io.ReadCloser, error) {
	g.once.Do(func() {
		close(g.reached)
		<-g.release
	})
	return g.Store.Open(ctx, key, off, n)
}

// TestLeaseLostCommitsNothing: a run stalled past its lease's expiry, whose
// lease another run then took, commits nothing and says so.
func TestLeaseLostCommitsNothing(t *testing.T) {
	src := &gateSource{Store: openLocal(t, copyLogs(t, "spark/local-1430917381535_1")),
		reached: make(chan struct{}), release: make(chan struct{})}
	out := openLocal(t, t.TempDir())
	done := make(chan error, 1)
	go func() {
		_, err := Run(context.Background(), testOptions(src, out))
		done <- err
	}()
	<-src.reached
	later := func() time.Time { return time.Now().Add(time.Hour) }
	taker, err := takeLease(context.Background(), out, leaseOptions{Shard: All, Tag: All.Tag(), RunID: "taker", TTL: time.Minute, Now: later})
	if err != nil {
		t.Fatalf("take over the stalled run's lease an hour later: %v", err)
	}
	close(src.release)
	if err := <-done; !errors.Is(err, ErrLeaseLost) {
		t.Fatalf("stalled run = %v, want ErrLeaseLost", err)
	}
	var runs []string
	_ = out.List(context.Background(), runsDir, func(o store.ObjectInfo) error { runs = append(runs, o.Key); return nil })
	if len(runs) != 0 {
		t.Errorf("the run that lost its lease committed %v", runs)
	}
	if err := taker.check(context.Background()); err != nil {
		t.Errorf("the taker lost its lease to the stalled run: %v", err)
	}
}

// TestLeaseRenewedThroughALongRun: a run stalled for longer than its
// lease's TTL keeps the lease by renewing it, and commits.
func TestLeaseRenewedThroughALongRun(t *testing.T) {
	src := &gateSource{Store: openLocal(t, copyLogs(t, "spark/local-1430917381535_1")),
		reached: make(chan struct{}), release: make(chan struct{})}
	out := openLocal(t, t.TempDir())
	o := testOptions(src, out)
	o.LeaseTTL = 1500 * time.Millisecond // renewed every 500 ms
	go func() {
		<-src.reached
		time.Sleep(4 * time.Second)
		close(src.release)
	}()
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatalf("a run stalled past its lease's TTL: %v", err)
	}
}

// copyFails fails every server-side copy: a publish that cannot finish.
type copyFails struct{ store.Store }

func (c copyFails) Create(ctx context.Context, key string, r io.Reader) error {
	return c.Store.(store.Creator).Create(ctx, key, r)
}

func (copyFails) Copy(context.Context, string, string) error { return errors.New("copy refused") }

// TestPublishFailureAfterCommit: a run whose publish fails after its
// commit says so with ErrPublish (its own exit code), and the next run
// finishes the publish: the dataset equals an uninterrupted run's.
func TestPublishFailureAfterCommit(t *testing.T) {
	ctx := context.Background()
	src := openLocal(t, copyLogs(t, "spark/local-1430917381535_1", "spark/local-1430917381534"))
	clean, out := openLocal(t, t.TempDir()), openLocal(t, t.TempDir())
	if _, err := Run(ctx, testOptions(src, clean)); err != nil {
		t.Fatal(err)
	}
	m, err := Run(ctx, testOptions(src, copyFails{out}))
	if !errors.Is(err, ErrPublish) || m == nil {
		t.Fatalf("run with a failing publish = %v, want ErrPublish and its manifest", err)
	}
	if m, err := Run(ctx, testOptions(src, out)); err != nil || m.Counts.Processed != 0 {
		t.Fatalf("next run: %v (processed %v), want it to finish the publish and read nothing", err, m)
	}
	sameDataset(t, "after the publish was finished", readDataset(t, out), readDataset(t, clean))
}

// TestCompactionExcludesRuns: a compaction does not start while a run of any
// shard holds its lease, and a run does not start while a compaction holds
// the dataset's; the one that backs off gives its own lease back.
func TestCompactionExcludesRuns(t *testing.T) {
	ctx := context.Background()
	out := openLocal(t, t.TempDir())
	c := &clock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	run, err := takeLease(ctx, out, opts("run-a", Shard{K: 1, N: 2}, c))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compact(ctx, CompactOptions{Out: out, Now: c.now})
	var held *HeldError
	if !errors.As(err, &held) || held.RunID != "run-a" {
		t.Fatalf("compact while run-a holds shard 1of2 = %v, want held by run-a", err)
	}
	run.release(ctx)
	compacting := opts("compact-b", All, c)
	compacting.Tag = compactTag
	comp, err := takeExclusive(ctx, out, compacting, func(tag string) bool { return tag != compactTag })
	if err != nil {
		t.Fatalf("compaction lease after the run released its own: %v", err)
	}
	isCompacting := func(tag string) bool { return tag == compactTag }
	if _, err := takeExclusive(ctx, out, opts("run-c", Shard{K: 0, N: 2}, c), isCompacting); !errors.As(err, &held) || held.RunID != "compact-b" {
		t.Fatalf("run while compact-b compacts = %v, want held by compact-b", err)
	}
	comp.release(ctx)
	// run-c gave its lease back when it backed off: nothing holds shard 0of2.
	if err := liveLease(ctx, out, c.now(), func(string) bool { return true }); err != nil {
		t.Fatalf("after both released: %v", err)
	}
	if _, err := Compact(ctx, CompactOptions{Out: out, Now: c.now}); err != nil {
		t.Fatalf("compact with no lease held: %v", err)
	}
}
