package analyze

import (
	"fmt"
	"strconv"
)

// checkProposal reports whether value is a valid value of the catalogued
// property key within its sane range.
func checkProposal(key, value string) error {
	p, ok := Properties[key]
	if !ok {
		return fmt.Errorf("%s: not in the catalogue of recommended properties", key)
	}
	v, err := p.parse(value)
	if err != nil {
		return fmt.Errorf("%s=%q: %w", key, value, err)
	}
	if p.kind != kindBool && (v < p.Min || v > p.Max) {
		return fmt.Errorf("%s=%q: outside [%v, %v]", key, value, p.Min, p.Max)
	}
	return nil
}

// parse reads a value of the property's kind in its unit.
func (p Property) parse(s string) (float64, error) {
	switch p.kind {
	case kindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		return float64(n), err
	case kindSize:
		n, ok := parseSize(s, p.unit)
		if !ok {
			return 0, fmt.Errorf("not a size")
		}
		return float64(n), nil
	case kindFraction:
		f, err := strconv.ParseFloat(s, 64)
		if err == nil && !(f > 0 && f < 1) {
			err = fmt.Errorf("not in (0, 1)")
		}
		return f, err
	case kindBool:
		if s != "true" && s != "false" {
			return 0, fmt.Errorf("not true or false")
		}
		return 0, nil
	default:
		ms, ok := parseDurationMS(s, 1000)
		if !ok {
			return 0, fmt.Errorf("not a duration")
		}
		return float64(ms), nil
	}
}
