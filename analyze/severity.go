package analyze

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Severity grades a finding, Dr. Elephant style: None means the rule did not
// fire; Low to Critical are the four grades a threshold list defines.
type Severity int

// The severities, in increasing order.
const (
	None Severity = iota
	Low
	Moderate
	Severe
	Critical
)

var severityNames = [...]string{"none", "low", "moderate", "severe", "critical"}

// String returns "none", "low", "moderate", "severe" or "critical".
func (s Severity) String() string {
	if s < None || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity is the inverse of String (case-insensitive; "" is None).
func ParseSeverity(s string) (Severity, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return None, nil
	}
	for i, n := range severityNames {
		if n == t {
			return Severity(i), nil
		}
	}
	return None, fmt.Errorf("unknown severity %q (want low, moderate, severe or critical)", s)
}

// Grades are the four thresholds of a metric, for Low, Moderate, Severe and
// Critical. An ascending list ("higher is worse", e.g. skew 2, 4, 8, 16)
// grades a value by how many thresholds it reaches; a descending list
// ("lower is worse", e.g. utilization 0.5, 0.35, 0.2, 0.1) by how many it
// is at or below.
type Grades []float64

// asc grades v against an ascending list.
func (g Grades) asc(v float64) Severity {
	s := None
	for _, t := range g {
		if v >= t {
			s++
		}
	}
	return s
}

// desc grades v against a descending list.
func (g Grades) desc(v float64) Severity {
	s := None
	for _, t := range g {
		if v <= t {
			s++
		}
	}
	return s
}

// at returns the threshold of severity s (0 for None).
func (g Grades) at(s Severity) float64 {
	if s <= None || int(s) > len(g) {
		return 0
	}
	return g[s-1]
}

// validate checks there are four finite, non-negative thresholds in strictly
// ascending (or, when descending, strictly descending) order.
func (g Grades) validate(descending bool) error {
	if len(g) != 4 {
		return fmt.Errorf("want 4 grades (low, moderate, severe, critical), have %d", len(g))
	}
	for i, t := range g {
		if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
			return fmt.Errorf("grade %d is %v, want a finite number >= 0", i+1, t)
		}
		if i == 0 {
			continue
		}
		if !descending && t <= g[i-1] {
			return fmt.Errorf("grades must ascend: %v", []float64(g))
		}
		if descending && t >= g[i-1] {
			return fmt.Errorf("grades must descend: %v", []float64(g))
		}
	}
	return nil
}

// scoreAsc is how far v is past the low threshold (v ÷ low, ≥ 1 when the rule
// fires), a continuous score that orders findings of the same severity.
func (g Grades) scoreAsc(v float64) float64 {
	return ratio(v, g.at(Low))
}

// scoreDesc is low ÷ v for "lower is worse" metrics (capped, v may be 0).
func (g Grades) scoreDesc(v float64) float64 {
	return ratio(g.at(Low), v)
}

// maxScore caps every score and ratio so none is ever infinite.
const maxScore = 1e6

// ratio is a ÷ b, 0 when a is 0, capped at maxScore when b is 0 or tiny,
// and never NaN or infinite.
func ratio(a, b float64) float64 {
	if !finite(a) || !finite(b) || a <= 0 {
		return 0
	}
	if b <= 0 || a/b > maxScore {
		return maxScore
	}
	return a / b
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// clean maps NaN and ±Inf to 0, the guard on every number a finding carries.
func clean(x float64) float64 {
	if !finite(x) {
		return 0
	}
	return x
}

// MarshalYAML writes grades on one line ([2, 4, 8, 16]), as a person would.
func (g Grades) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, v := range g {
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: strconv.FormatFloat(v, 'g', -1, 64)})
	}
	return n, nil
}
