package report

import (
	"reflect"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
)

// Recommendations of one alternative group are shown as one choice, not as
// changes to apply together.
func TestRecsShowAlternatives(t *testing.T) {
	got := recs([]analyze.Recommendation{
		{Key: "spark.executor.memory", Current: "8g", Proposed: "12g", Alternative: "gc"},
		{Key: "spark.network.timeout", Proposed: "300s"},
		{Key: "spark.executor.cores", Current: "8", Proposed: "6", Alternative: "gc"},
	})
	want := []string{
		"either spark.executor.memory: 8g → 12g or spark.executor.cores: 8 → 6",
		"spark.network.timeout: default → 300s",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("recs = %q, want %q", got, want)
	}
}
