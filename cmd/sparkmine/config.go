package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/ask"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract/redact"
	"github.com/sparkmine/sparkmine/store/storeurl"
)

// Config is the whole configuration: the config file (strict YAML), then
// the flags on top. `sparkmine run --print-config` prints the effective one.
type Config struct {
	Source            string   `yaml:"source"`
	Out               string   `yaml:"out"`
	Since             Duration `yaml:"since"`
	Workers           int      `yaml:"workers"`
	Shard             string   `yaml:"shard"`
	IncludeIncomplete bool     `yaml:"include_incomplete"`
	S3                S3Config `yaml:"s3"`
	// RedactPatterns are regular expressions added to Spark's
	// spark.redaction.regex default for property keys and values.
	RedactPatterns []string `yaml:"redact_patterns"`
	// RedactHosts is the host policy of every stored string: "redact"
	// (the default: IP addresses and host names become <ip> and <host>)
	// or "keep".
	RedactHosts string `yaml:"redact_hosts"`
	// Memory is the run's memory budget (e.g. 4GiB; "" is half the
	// machine's or the cgroup's memory).
	Memory string `yaml:"memory"`
	// LeaseTTL is how long the shard's lease lasts unrenewed ("" is 5m).
	LeaseTTL Duration `yaml:"lease_ttl"`

	analyze.Config `yaml:",inline"` // detectors:, cost:
	Gemini         diagnose.Config  `yaml:"gemini"`
	Ask            ask.Config       `yaml:"ask"`

	// red is the one redactor of the run, built by validate from both
	// pattern lists and handed to whoever needs it.
	red *redact.Redactor
}

// S3Config reaches S3-compatible stores; credentials always come from the
// AWS default chain, never from here.
type S3Config struct {
	Endpoint  string `yaml:"endpoint"`
	PathStyle bool   `yaml:"path_style"`
	Region    string `yaml:"region"`
}

func (c S3Config) options() storeurl.Options {
	return storeurl.Options{Endpoint: c.Endpoint, PathStyle: c.PathStyle, Region: c.Region}
}

// Duration is a time.Duration written as "24h" in YAML.
type Duration time.Duration

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

func defaultConfig() Config {
	return Config{
		Out:    "./sparkmine-out",
		Config: analyze.DefaultConfig(),
		Gemini: diagnose.DefaultConfig(),
	}
}

// loadConfig reads the config file over the defaults. Unknown keys are
// errors that name the key and its line.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	if path == "" {
		return cfg, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, usagef("config: %v", err)
	}
	if err := decodeConfig(bytes.NewReader(b), &cfg); err != nil {
		return cfg, usagef("config %s: %v", path, err)
	}
	return cfg, nil
}

func decodeConfig(r io.Reader, cfg *Config) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return nil
}

// validate checks the effective config.
func (c *Config) validate() error {
	if c.Workers < 0 {
		return usagef("workers must be ≥ 0, got %d", c.Workers)
	}
	if err := c.Config.Validate(); err != nil {
		return usagef("config: %v", err)
	}
	if err := c.Gemini.Validate(); err != nil {
		return usagef("config: %v", err) // it names gemini: itself
	}
	red, err := redact.New(append(append([]string{}, c.RedactPatterns...), c.Gemini.RedactPatterns...)...)
	if err != nil {
		return usagef("config: redact_patterns: %v", err)
	}
	if _, err := redact.ParseHostPolicy(c.RedactHosts); err != nil {
		return usagef("config: redact_hosts: %v", err)
	}
	if _, err := parseBytes(c.Memory); err != nil {
		return usagef("config: memory: %v", err)
	}
	if c.LeaseTTL < 0 {
		return usagef("config: lease_ttl must be ≥ 0")
	}
	hosts, _ := redact.ParseHostPolicy(c.RedactHosts) // checked above
	c.red = red.WithHosts(hosts)
	return nil
}

// model is the one place the LLM mode is read: off is no model (nil),
// dry-run the model that sends nothing, gemini the Gemini API (which needs
// credentials now, before any log is read).
func (c *Config) model(ctx context.Context) (llm.Model, error) {
	switch c.Gemini.Mode {
	case diagnose.ModeDryRun:
		return llm.DryRun{}, nil
	case diagnose.ModeGemini:
		m, err := llm.NewGemini(ctx, c.Gemini.Gemini())
		if errors.Is(err, llm.ErrNoCredentials) {
			return nil, usagef("gemini: %v", err)
		}
		return m, err
	}
	return nil, nil
}

// print writes the effective config as YAML, whole numbers held in float
// fields as integers (268435456, not yaml.v3's 2.68435456e+08).
func (c Config) print(w io.Writer) error {
	var n yaml.Node
	if err := n.Encode(c); err != nil {
		return err
	}
	integralFloats(&n)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	defer enc.Close()
	return enc.Encode(&n)
}

// integralFloats rewrites !!float scalars that hold a whole number below
// 2^53 in integer form; they read back into the same float.
func integralFloats(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!float" {
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			n.Tag, n.Value = "!!int", strconv.FormatFloat(f, 'f', -1, 64)
		}
	}
	for _, c := range n.Content {
		integralFloats(c)
	}
}

// parseBytes reads a size like 4GiB, 512MiB, 2G or 1000000 (bytes); "" is 0.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, nil
	}
	mult := 1.0
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q: want a size like 4GiB or 512MiB", s)
	}
	return int64(n * mult), nil
}
