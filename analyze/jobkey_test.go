package analyze

import (
	"testing"
	"time"

	"github.com/sparkmine/sparkmine/extract/gen"
)

// TestJobKeyOfNightlyRuns: the apps row names the recurring job; runs of
// one generated job on different nights (dated app names) share one key,
// another job has another.
func TestJobKeyOfNightlyRuns(t *testing.T) {
	key := func(seed int64, name string, day int) string {
		app := buildApp(t, gen.Spec{Seed: seed, AppName: name, Start: time.Date(2026, 11, day, 2, 0, 0, 0, time.UTC)})
		return AnalyzeApp(app, DefaultConfig()).App.JobKey
	}
	a := key(1, "etl_orders_2026-11-02", 2)
	if b := key(2, "etl_orders_2026-11-03", 3); a != b || a == "" {
		t.Errorf("two nights of etl_orders: keys %q and %q, want one", a, b)
	}
	if c := key(3, "etl_customers_2026-11-02", 2); c == a {
		t.Errorf("etl_customers shares etl_orders' key %q", a)
	}
}
