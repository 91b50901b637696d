package diagnose

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/llm"
	"github.com/sparkmine/sparkmine/extract"
)

// The modes.
const (
	ModeOff    = "off"     // no diagnosis, no rows
	ModeDryRun = "dry-run" // write the prompts, send nothing
	ModeGemini = "gemini"  // call Gemini
)

// Config is the `gemini:` section of the config file.
type Config struct {
	Mode    string `yaml:"mode"`     // off | dry-run | gemini
	Model   string `yaml:"model"`    // e.g. gemini-2.5-flash
	BaseURL string `yaml:"base_url"` // "" keeps the SDK's default (and its GOOGLE_GEMINI_BASE_URL)

	// MinSeverity is the lowest finding severity that gets an app sent:
	// low | moderate | severe | critical.
	MinSeverity string `yaml:"min_severity"`

	// The per-run budget: apps are sent most costly first until one of
	// these would be exceeded; the rest get skipped_budget rows. Output
	// tokens are reserved at OutputTokensPerCall per call.
	MaxApps             int   `yaml:"max_apps"`
	MaxInputTokens      int64 `yaml:"max_input_tokens"`
	MaxOutputTokens     int64 `yaml:"max_output_tokens"`
	OutputTokensPerCall int64 `yaml:"output_tokens_per_call"` // the request's maxOutputTokens (thinking included)

	MaxConfigs        int  `yaml:"max_configs"`         // config changes asked for, at most
	MaxReferenceBytes int  `yaml:"max_reference_bytes"` // bound on the reference JSON
	CountTokens       bool `yaml:"count_tokens"`        // ask the endpoint (countTokens); false: bytes/4
	// MaxContainer bounds the container (heap, overhead, off-heap and
	// PySpark memory) a proposed change may ask for when the cost config
	// names no instance type (a Spark size such as 64g; "0": no bound). An
	// app that ran with larger containers is bounded by its own.
	MaxContainer string `yaml:"max_container"`

	Concurrency    int           `yaml:"concurrency"`      // calls in flight, at most
	Retries        int           `yaml:"retries"`          // retries after the first attempt (429, 5xx, transport)
	RetryBaseDelay time.Duration `yaml:"retry_base_delay"` // doubled per retry, with jitter
	Timeout        time.Duration `yaml:"timeout"`          // per attempt

	// RedactPatterns are added to Spark's spark.redaction.regex default
	// (Go regexp syntax) for property keys and values and for key=value
	// pairs in free text (failure messages, plans).
	RedactPatterns []string `yaml:"redact_patterns"`
	// RedactNames replaces paths and db.table names with placeholders
	// stable within a prompt (<path_1>, <table_1>).
	RedactNames bool `yaml:"redact_names"`
	// RedactHosts replaces host names and IP addresses (in failure and
	// executor-loss messages, plans, and host properties such as
	// spark.driver.host) with placeholders stable within a prompt (<host_1>).
	RedactHosts bool `yaml:"redact_hosts"`

	InputPerMTokUSD  float64 `yaml:"input_per_mtok_usd"`  // price per million input tokens
	OutputPerMTokUSD float64 `yaml:"output_per_mtok_usd"` // per million output (and thinking) tokens
}

// DefaultConfig returns the defaults: off, gemini-2.5-flash at its paid-tier
// list prices (USD 0.30 / 2.50 per million tokens), 20 apps, 24 KiB of
// reference per app.
func DefaultConfig() Config {
	return Config{
		Mode:                ModeOff,
		Model:               "gemini-2.5-flash",
		MinSeverity:         "severe",
		MaxApps:             20,
		MaxInputTokens:      250_000,
		MaxOutputTokens:     100_000,
		OutputTokensPerCall: 4096,
		MaxConfigs:          5,
		MaxContainer:        "64g",
		MaxReferenceBytes:   24 << 10,
		CountTokens:         true,
		Concurrency:         4,
		Retries:             4,
		RetryBaseDelay:      time.Second,
		Timeout:             90 * time.Second,
		RedactNames:         true,
		RedactHosts:         true,
		InputPerMTokUSD:     0.30,
		OutputPerMTokUSD:    2.50,
	}
}

// Validate reports every problem in c, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("gemini: "+format, a...)) }
	switch c.Mode {
	case ModeOff, ModeDryRun, ModeGemini:
	default:
		bad("mode %q: want off, dry-run or gemini", c.Mode)
	}
	if c.Mode != ModeOff && strings.TrimSpace(c.Model) == "" {
		bad("model is empty")
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("base_url %q: want an absolute http(s) URL", c.BaseURL)
		}
	}
	if s, err := analyze.ParseSeverity(c.MinSeverity); err != nil || s == analyze.None {
		bad("min_severity %q: want low, moderate, severe or critical", c.MinSeverity)
	}
	if c.MaxApps < 0 {
		bad("max_apps %d: want >= 0", c.MaxApps)
	}
	if c.MaxInputTokens <= 0 || c.MaxOutputTokens <= 0 || c.OutputTokensPerCall <= 0 {
		bad("max_input_tokens, max_output_tokens and output_tokens_per_call must be > 0")
	}
	if c.OutputTokensPerCall > 1<<20 {
		bad("output_tokens_per_call %d: too large", c.OutputTokensPerCall)
	}
	if c.MaxConfigs < 1 || c.MaxConfigs > 20 {
		bad("max_configs %d: want 1..20", c.MaxConfigs)
	}
	if _, err := c.maxContainerMiB(); err != nil {
		bad("max_container %q: want a size such as 64g, or 0 for no bound", c.MaxContainer)
	}
	if c.MaxReferenceBytes < 2048 {
		bad("max_reference_bytes %d: want >= 2048", c.MaxReferenceBytes)
	}
	if c.Concurrency < 1 {
		bad("concurrency %d: want >= 1", c.Concurrency)
	}
	if c.Retries < 0 || c.Retries > 10 {
		bad("retries %d: want 0..10", c.Retries)
	}
	if c.RetryBaseDelay < 0 || c.Timeout <= 0 {
		bad("retry_base_delay must be >= 0 and timeout > 0")
	}
	for _, p := range c.RedactPatterns {
		if _, err := regexp.Compile(p); err != nil {
			bad("redact_patterns %q: %v", p, err)
		}
	}
	if c.InputPerMTokUSD < 0 || c.OutputPerMTokUSD < 0 {
		bad("token prices must be >= 0")
	}
	return errors.Join(errs...)
}

// maxContainerMiB is MaxContainer in MiB (0: no bound).
func (c Config) maxContainerMiB() (int64, error) {
	if strings.TrimSpace(c.MaxContainer) == "" {
		return 0, nil
	}
	n, err := extract.ParseBytes(c.MaxContainer, 1<<20)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("max_container %q", c.MaxContainer)
	}
	return n >> 20, nil
}

// Gemini is the configuration of the Gemini model.
func (c Config) Gemini() llm.GeminiConfig {
	return llm.GeminiConfig{Model: c.Model, BaseURL: c.BaseURL, Retries: c.Retries,
		RetryBaseDelay: c.RetryBaseDelay, Timeout: c.Timeout, CountTokens: c.CountTokens}
}
