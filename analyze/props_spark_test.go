package analyze

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
)

// Every property a detector may recommend is a real Spark property: it is
// in the catalogue generated from Spark's own docs tables and config
// definitions, with a compatible type, and both ends of the detector's
// range are values Spark accepts for it.
func TestPropertiesAreSparks(t *testing.T) {
	rapids := map[string]string{"spark.plugins": "com.nvidia.spark.SQLPlugin"}
	compatible := map[propKind][]catalog.Type{
		kindInt:      {catalog.Int, catalog.Long, catalog.Double}, // a whole number is a valid double
		kindSize:     {catalog.Size},
		kindFraction: {catalog.Double},
		kindBool:     {catalog.Bool},
		kindDuration: {catalog.Time},
	}
	for key, p := range Properties {
		// Any version: a legacy name, or a property of the RAPIDS Accelerator
		// with the plugin configured, is real too.
		c, v := catalog.For("", rapids).Lookup(key)
		if !v.OK {
			t.Errorf("%s: not a Spark property (not in the catalogue generated from Spark's sources): %s", key, v.Reason)
			continue
		}
		// A key only Spark's docs list has no declared type: string.
		if c.Type != catalog.String && !slices.Contains(compatible[p.kind], c.Type) {
			t.Errorf("%s: detectors treat it as kind %d, Spark declares %s", key, p.kind, c.Type)
		}
		if p.kind == kindBool {
			continue
		}
		for _, v := range []float64{p.Min, p.Max} {
			s := render(p.kind, v)
			if err := c.Check(s); err != nil {
				t.Errorf("%s: the detectors' bound %s is not a value Spark accepts: %v", key, s, err)
			}
		}
	}
}

// render writes v in the unit-suffixed form a recommendation uses.
func render(k propKind, v float64) string {
	switch k {
	case kindSize:
		if math.Mod(v, MiB) == 0 {
			return fmt.Sprintf("%.0fm", v/MiB)
		}
		return fmt.Sprintf("%.0fk", v/1024)
	case kindDuration:
		return fmt.Sprintf("%.0fms", v)
	case kindFraction:
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%.0f", v)
}
