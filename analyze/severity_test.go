package analyze

import (
	"math"
	"testing"
)

func TestSeverityStrings(t *testing.T) {
	for s := None; s <= Critical; s++ {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s.String(), got, err)
		}
	}
	if got, _ := ParseSeverity(" Severe "); got != Severe {
		t.Errorf("case and space: %v", got)
	}
	if _, err := ParseSeverity("urgent"); err == nil {
		t.Error("urgent parsed")
	}
	if Severity(9).String() != "severity(9)" {
		t.Error(Severity(9).String())
	}
}

func TestGrades(t *testing.T) {
	asc, desc := Grades{2, 4, 8, 16}, Grades{0.5, 0.35, 0.2, 0.1}
	tests := []struct {
		v          float64
		asc        Severity
		descending bool
	}{
		{0, None, false}, {1.99, None, false}, {2, Low, false}, {4, Moderate, false},
		{7.9, Moderate, false}, {8, Severe, false}, {16, Critical, false}, {1e300, Critical, false},
		{math.NaN(), None, false},
		{0.51, None, true}, {0.5, Low, true}, {0.35, Moderate, true}, {0.2, Severe, true},
		{0.1, Critical, true}, {0, Critical, true}, {math.NaN(), None, true},
	}
	for _, tt := range tests {
		g, got := asc, asc.asc(tt.v)
		if tt.descending {
			g, got = desc, desc.desc(tt.v)
		}
		if got != tt.asc {
			t.Errorf("%v grade of %v = %v, want %v", g, tt.v, got, tt.asc)
		}
	}
}

func TestRatioNeverNaNOrInf(t *testing.T) {
	vals := []float64{0, -1, 1e-300, 1, 1e300, math.Inf(1), math.Inf(-1), math.NaN()}
	for _, a := range vals {
		for _, b := range vals {
			if r := ratio(a, b); !finite(r) || r < 0 || r > maxScore {
				t.Errorf("ratio(%v, %v) = %v", a, b, r)
			}
		}
	}
}
