package extract

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestOrderRowQuantiles checks that the stage row quantiles read from
// partially ordered values (distOf without all) equal those of sorted ones.
func TestOrderRowQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var scratch []int64
	for iter := 0; iter < 3000; iter++ {
		n := r.IntN(300)
		if iter%50 == 0 {
			n = r.IntN(20000)
		}
		spread := []int64{1, 3, 100, 1 << 40}[r.IntN(4)]
		tasks := make([]taskRecord, n)
		for i := range tasks {
			tk := &tasks[i]
			tk.state = uint8(r.IntN(3))
			tk.hasMetrics = r.IntN(8) != 0
			for m := range tk.m {
				tk.m[m] = r.Int64N(spread) - spread/8
			}
			if iter%7 == 0 { // sorted or reversed runs
				for m := range tk.m {
					tk.m[m] = int64(i)
					if iter%14 == 0 {
						tk.m[m] = int64(n - i)
					}
				}
			}
		}
		var want, got StageRow
		fillQuantiles(&want, distOf(tasks, true, nil))
		fillQuantiles(&got, distOf(tasks, false, &scratch))
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("iter %d (n %d): quantiles differ\nwant %+v\ngot  %+v", iter, n, want, got)
		}
	}
}
