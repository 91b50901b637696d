package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// createRacers is how many goroutines race to create one key.
const createRacers = 16

// testCreate checks a Creator: a new key is created, an existing one is
// refused with fs.ErrExist and kept, and of concurrent creates of one key
// exactly one wins, its bytes whole.
func testCreate(t *testing.T, s store.Store) {
	c, ok := s.(store.Creator)
	if !ok {
		t.Skip("backend has no exclusive Create")
	}
	ctx := context.Background()
	if err := c.Create(ctx, "lease/a", bytes.NewReader([]byte("first"))); err != nil {
		t.Fatalf("Create of a new key: %v", err)
	}
	err := c.Create(ctx, "lease/a", bytes.NewReader([]byte("second")))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create of an existing key = %v, want fs.ErrExist", err)
	}
	if got := mustGet(t, s, "lease/a"); string(got) != "first" {
		t.Errorf("after a refused Create the object holds %q, want %q", got, "first")
	}
	if err := c.Create(ctx, "lease/../x", bytes.NewReader(nil)); !errors.Is(err, store.ErrBadKey) {
		t.Errorf("Create of a bad key = %v, want store.ErrBadKey", err)
	}
	raceCreate(t, s, c)
}

// raceCreate starts createRacers Creates of one key at once.
func raceCreate(t *testing.T, s store.Store, c store.Creator) {
	var wg sync.WaitGroup
	errs := make([]error, createRacers)
	for i := range createRacers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := bytes.Repeat([]byte(fmt.Sprintf("racer %02d;", i)), 1000)
			errs[i] = c.Create(context.Background(), "lease/race", bytes.NewReader(data))
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("racers %d and %d both created the key", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, fs.ErrExist):
			t.Errorf("racer %d: %v, want success or fs.ErrExist", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no racer created the key")
	}
	want := bytes.Repeat([]byte(fmt.Sprintf("racer %02d;", winner)), 1000)
	if got := mustGet(t, s, "lease/race"); !bytes.Equal(got, want) {
		t.Errorf("the key holds %d bytes not written whole by the winner %d", len(got), winner)
	}
}
