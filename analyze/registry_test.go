package analyze

import (
	"reflect"
	"testing"
)

// Every registered detector answers to its section's name and documents
// each of its settings, so the README reference has no empty cell.
func TestRegistry(t *testing.T) {
	cfg := DefaultDetectorConfig()
	names, vals := cfg.configs()
	ds := Detectors(cfg)
	if len(ds) != len(names) {
		t.Fatalf("%d detectors enabled by default, %d registered", len(ds), len(names))
	}
	for i, d := range ds {
		if d.Name() != names[i] {
			t.Errorf("registry field %d: section %q configures detector %q", i, names[i], d.Name())
		}
		checkDocs(t, names[i], vals[i].Type())
	}
}

func checkDocs(t *testing.T, name string, typ reflect.Type) {
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		if f.Anonymous {
			checkDocs(t, name, f.Type)
		} else if f.Tag.Get("doc") == "" {
			t.Errorf("%s.%s has no doc tag", name, yamlName(f))
		}
	}
}

// A check a field's type does not support is a programming error that
// validation reports, not a silent pass.
func TestCheckRuleUnknown(t *testing.T) {
	for _, x := range []any{int64(1), 0.5, Grades{1, 2, 3, 4}, "s"} {
		if err := checkRule("p", "no_such_rule", x); err == nil {
			t.Errorf("%T: unknown rule accepted", x)
		}
	}
}
