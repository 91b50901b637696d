package analyze

import (
	"errors"
	"fmt"
	"github.com/sparkmine/sparkmine/analyze/history"
	"math"
	"reflect"
)

// Config is the analyze part of the config file: the lead's loader embeds it
// as the `detectors:`, `impact:` and `cost:` sections. Load it as Prometheus loads its
// config: start from DefaultConfig, decode strict YAML over it (unknown keys
// are errors), then call Validate.
type Config struct {
	Detectors DetectorConfig `yaml:"detectors"`
	Impact    ImpactConfig   `yaml:"impact"`
	Cost      CostConfig     `yaml:"cost"`
	History   history.Config `yaml:"history"`
}

// DefaultConfig returns the documented defaults of every detector and of the
// cost model.
func DefaultConfig() Config {
	return Config{Detectors: DefaultDetectorConfig(), Impact: DefaultImpactConfig(), Cost: DefaultCostConfig(), History: history.DefaultConfig()}
}

// Validate reports every problem of the config at once (errors.Join), each
// naming its YAML path, e.g. "detectors.task_skew.grades: grades must ascend".
func (c Config) Validate() error {
	return errors.Join(c.Detectors.validate(), checkFields("impact", reflect.ValueOf(c.Impact)), c.Cost.validate(), c.History.Validate())
}

// MiB and GiB are byte sizes used by the defaults.
const (
	MiB = 1 << 20
	GiB = 1 << 30
)

// fieldErr names a config path in an error.
func fieldErr(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", path, err)
}

// nonNeg checks an integer setting.
func nonNeg(path string, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s: %d is negative", path, v)
	}
	return nil
}

// positive checks an integer setting that must be above zero.
func positive(path string, v int64) error {
	if v <= 0 {
		return fmt.Errorf("%s: %d, want > 0", path, v)
	}
	return nil
}

// fraction checks a setting in [0, 1] (open at 0 when open is set).
func fraction(path string, v float64, open bool) error {
	if math.IsNaN(v) || v < 0 || v > 1 || (open && v == 0) {
		return fmt.Errorf("%s: %v, want a fraction in (0, 1]", path, v)
	}
	return nil
}

// nonNegF checks a float setting is finite and ≥ 0.
func nonNegF(path string, v float64) error {
	if !finite(v) || v < 0 {
		return fmt.Errorf("%s: %v, want a finite number >= 0", path, v)
	}
	return nil
}
