package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
	"github.com/sparkmine/sparkmine/extract/logfile"
)

func TestLineCap(t *testing.T) {
	b := newBudget(4 << 30) // lines up to 512 MiB
	for _, c := range []struct {
		name string
		log  logfile.Log
		want int64
	}{
		{"small plain log: the floor", logfile.Log{Size: 10 << 10}, minLineCap},
		{"zstd bomb of 62 KB: the floor", logfile.Log{Size: 62 << 10, Codec: codec.Zstd}, minLineCap},
		{"plain 200 MB log: its size", logfile.Log{Size: 200 << 20}, 200 << 20},
		{"zstd 4 MB log: 50 times", logfile.Log{Size: 4 << 20, Codec: codec.Zstd}, 200 << 20},
		{"huge log: what the budget holds", logfile.Log{Size: 10 << 30}, 512 << 20},
	} {
		if got := b.lineCap(c.log); got != c.want {
			t.Errorf("%s: lineCap = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMaxBytes(t *testing.T) {
	b := newBudget(4 << 30)
	if got := b.maxBytes(logfile.Log{Size: 62 << 10, Codec: codec.Zstd}); got != 4<<30 {
		t.Errorf("a small log may decompress to %d bytes, want the budget's", got)
	}
	if got := b.maxBytes(logfile.Log{Size: 10 << 20}); got != 10<<20*bombRatio {
		t.Errorf("a 10 MiB log may decompress to %d bytes, want %d times", got, bombRatio)
	}
}

// TestBudgetAdmits: logs are admitted while their allowances fit, and a
// waiting log gets in once one is released.
func TestBudgetAdmits(t *testing.T) {
	b := newBudget(2 * lineFactor * minLineCap)
	small := logfile.Log{Size: 1}
	ctx := context.Background()
	r1, err := b.acquire(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := b.acquire(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	if b.sem.TryAcquire(1) {
		t.Fatal("a third allowance fit in a budget of two")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.acquire(cctx, small); err == nil {
		t.Error("acquire on a full budget with a cancelled context succeeded")
	}
	r1()
	r3, err := b.acquire(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	r2()
	r3()
}

func TestMemoryFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o644)
		return p
	}
	if got := meminfoTotal(write("meminfo", "MemTotal:       24461412 kB\nMemFree: 1 kB\n")); got != 24461412<<10 {
		t.Errorf("meminfoTotal = %d", got)
	}
	if got := meminfoTotal(write("bad", "MemFree: 1 kB\n")); got != 0 {
		t.Errorf("meminfoTotal without MemTotal = %d, want 0", got)
	}
	for data, want := range map[string]int64{"max\n": 0, "2147483648\n": 2 << 30, "9223372036854771712\n": 0} {
		if got := cgroupLimit(write("cg", data)); got != want {
			t.Errorf("cgroupLimit(%q) = %d, want %d", data, got, want)
		}
	}
	if DefaultMemoryBudget() <= 0 {
		t.Error("DefaultMemoryBudget found no memory on this machine")
	}
}
