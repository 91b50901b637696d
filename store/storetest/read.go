package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/sparkmine/sparkmine/store"
)

// testAtomicOverwrite reads an object while it is being replaced: every
// read must see one whole version.
func testAtomicOverwrite(t *testing.T, s store.Store) {
	versions := [][]byte{bytes.Repeat([]byte("a"), 300_000), bytes.Repeat([]byte("b"), 200_001)}
	put(t, s, "obj", versions[0])
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		for i := 1; i <= 20; i++ {
			if err := s.Put(context.Background(), "obj", bytes.NewReader(versions[i%2])); err != nil {
				t.Errorf("Put: %v", err)
				break
			}
		}
		close(stop)
	})
	for reads := 0; ; reads++ {
		select {
		case <-stop:
			wg.Wait()
			t.Logf("%d reads during 20 overwrites", reads)
			return
		default:
		}
		got := mustGet(t, s, "obj")
		if !bytes.Equal(got, versions[0]) && !bytes.Equal(got, versions[1]) {
			t.Fatalf("read %d bytes that are neither version", len(got))
		}
	}
}

func testRanges(t *testing.T, s store.Store) {
	data := randomBytes(1000, 2)
	put(t, s, "r", data)
	put(t, s, "empty", nil)
	for _, tc := range []struct {
		key         string
		off, length int64
		want        []byte
	}{
		{"r", 0, -1, data},
		{"r", 10, 20, data[10:30]},
		{"r", 0, 1, data[:1]},
		{"r", 999, 1, data[999:]},
		{"r", 900, -1, data[900:]},
		{"r", 900, 500, data[900:]}, // past the end: what is there
		{"r", 1000, -1, nil},        // at the end
		{"r", 1000, 10, nil},
		{"r", 5000, -1, nil}, // beyond the end
		{"r", 5000, 10, nil},
		{"r", 10, 0, nil},
		{"empty", 0, -1, nil},
		{"empty", 0, 10, nil},
		{"empty", 3, -1, nil},
	} {
		name := fmt.Sprintf("Open(%q, %d, %d)", tc.key, tc.off, tc.length)
		got, err := get(s, tc.key, tc.off, tc.length)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: got %d bytes, want %d", name, len(got), len(tc.want))
		}
	}
	if rc, err := s.Open(context.Background(), "r", -1, 10); err == nil {
		rc.Close()
		t.Errorf("Open at offset -1 succeeded")
	}
}

func testLarge(t *testing.T, s store.Store) {
	data := randomBytes(LargeSize, 3)
	put(t, s, "big/blob", data)
	oi, err := s.Stat(context.Background(), "big/blob")
	if err != nil || oi.Size != LargeSize {
		t.Fatalf("Stat = %+v, %v; want size %d", oi, err, LargeSize)
	}
	got := mustGet(t, s, "big/blob")
	if sha(got) != sha(data) {
		t.Fatalf("read %d bytes with SHA-256 %s, want %s", len(got), sha(got), sha(data))
	}
	// Across the S3 backend's part boundaries (8 MiB, 16 MiB).
	for _, off := range []int64{8<<20 - 10, 16<<20 - 1} {
		got, err := get(s, "big/blob", off, 20)
		if err != nil || !bytes.Equal(got, data[off:off+20]) {
			t.Errorf("Open(big/blob, %d, 20) = %d bytes, %v", off, len(got), err)
		}
	}
}
