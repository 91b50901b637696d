package pipeline

import (
	"context"
	"errors"
	"fmt"
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
	return leaseOptions{Shard: shard, RunID: run, PID: 42, TTL: time.Minute, Now: c.now}
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
