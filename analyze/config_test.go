package analyze

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// decodeConfig loads the analyze sections the way the lead's loader does:
// defaults, then strict YAML over them, then Validate.
func decodeConfig(r io.Reader) (Config, error) {
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

func TestDefaultConfigValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigGood(t *testing.T) {
	files, _ := filepath.Glob("testdata/config/*.good.yaml")
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := decodeConfig(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestConfigDefaultsFileMatchesDefaultConfig(t *testing.T) {
	raw, err := os.ReadFile("testdata/config/defaults.good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config // from zero, so every key must be in the file
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	want.Cost.InstanceTypes = nil // the file leaves the catalogue out
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("defaults.good.yaml decodes to\n%+v\nDefaultConfig is\n%+v", cfg, want)
	}
}

func TestConfigOverrides(t *testing.T) {
	cfg, err := decodeConfig(strings.NewReader("detectors:\n  task_skew:\n    grades: [3, 6, 12, 24]\n  driver_bound: {enabled: false}\ncost: {instance_type: r5.2xlarge}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if g := cfg.Detectors.TaskSkew.Grades; !reflect.DeepEqual(g, Grades{3, 6, 12, 24}) {
		t.Errorf("grades %v", g)
	}
	if cfg.Detectors.TaskSkew.MinMaxTaskMS != 60_000 || !cfg.Detectors.TaskSkew.Enabled {
		t.Errorf("untouched keys lost their defaults: %+v", cfg.Detectors.TaskSkew)
	}
	for _, d := range Detectors(cfg.Detectors) {
		if d.Name() == "driver_bound" {
			t.Error("driver_bound still enabled")
		}
	}
	if n := len(Detectors(cfg.Detectors)); n != 13 {
		t.Errorf("%d detectors enabled, want 13", n)
	}
	// r5.2xlarge: 0.63 USD/h, 8 vCPU, 64 GiB, 70 % to CPU.
	v, g := cfg.Cost.Rates()
	if !near(v, 0.63*0.7/8) || !near(g, 0.63*0.3/64) {
		t.Errorf("rates %v %v", v, g)
	}
}

func TestConfigBad(t *testing.T) {
	files, _ := filepath.Glob("testdata/config/*.bad.yaml")
	if len(files) == 0 {
		t.Fatal("no bad configs")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(bytes.NewReader(raw)).ReadString('\n')
			want, ok := strings.CutPrefix(strings.TrimSpace(line), "# error: ")
			if !ok {
				t.Fatal(`first line must be "# error: <expected text>"`)
			}
			_, err = decodeConfig(bytes.NewReader(raw))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want one containing %q", err, want)
			}
		})
	}
}

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }
