package diagnose

import (
	"context"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sparkmine/sparkmine/analyze/llm"
)

func TestConfigFromYAML(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"defaults", ``, ""},
		{"good", "mode: gemini\nmodel: gemini-2.5-flash\nbase_url: http://localhost:8080/\nmin_severity: critical\n" +
			"max_apps: 5\nmax_input_tokens: 100000\nmax_output_tokens: 20000\noutput_tokens_per_call: 2048\n" +
			"max_configs: 3\nmax_container: 96g\nmax_reference_bytes: 16384\ncount_tokens: false\nconcurrency: 2\nretries: 2\n" +
			"retry_base_delay: 500ms\ntimeout: 30s\nredact_patterns: ['(?i)tenant']\nredact_names: false\n" +
			"input_per_mtok_usd: 0.3\noutput_per_mtok_usd: 2.5\n", ""},
		{"unknown key", "mode: gemini\nmodle: x\n", "field modle not found"},
		{"bad mode", "mode: sometimes\n", `mode "sometimes"`},
		{"bad severity", "min_severity: high\n", "min_severity"},
		{"bad base url", "base_url: localhost:8080\n", "base_url"},
		{"bad pattern", "redact_patterns: ['(']\n", "redact_patterns"},
		{"no concurrency", "concurrency: 0\n", "concurrency"},
		{"tiny reference", "max_reference_bytes: 100\n", "max_reference_bytes"},
		{"too many configs", "max_configs: 50\n", "max_configs"},
		{"bad container ceiling", "max_container: lots\n", "max_container"},
		{"negative container ceiling", "max_container: -1g\n", "max_container"},
		{"negative price", "input_per_mtok_usd: -1\n", "prices"},
		{"bad duration", "timeout: soon\n", "soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			dec := yaml.NewDecoder(strings.NewReader(tt.yaml))
			dec.KnownFields(true)
			err := dec.Decode(&cfg)
			if err != nil && err.Error() == "EOF" {
				err = nil
			}
			if err == nil {
				err = cfg.Validate()
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.name == "good" && (cfg.RetryBaseDelay != 500*time.Millisecond || cfg.MaxConfigs != 3 || cfg.MaxContainer != "96g" || cfg.RedactNames) {
				t.Errorf("decoded %+v", cfg)
			}
		})
	}
}

// Without a model nothing is sent and no row is made; the dry-run model
// needs a prompt writer.
func TestNoModelIsOff(t *testing.T) {
	if _, err := New(DefaultConfig(), Deps{Model: llm.DryRun{}}); err == nil {
		t.Error("dry-run without a prompt writer accepted")
	}
	d, err := New(DefaultConfig(), Deps{})
	if err != nil || d.Run(context.Background(), "r", []Candidate{cand("a", 1, "critical")}) != nil {
		t.Errorf("no model: %v", err)
	}
}

// With no base_url in the config, the SDK's GOOGLE_GEMINI_BASE_URL holds.
func TestBaseURLFromSDKEnvironment(t *testing.T) {
	f := newFake(t, func(int, genRequest) (int, any) { return 200, okAnswer(goodAnswer) })
	t.Setenv("GOOGLE_GEMINI_BASE_URL", f.URL())
	cfg := testConfig(f)
	cfg.BaseURL = ""
	r := newTestDiagnoser(t, cfg, nil).DiagnoseOne(context.Background(), "run", cand("a", 1, "low"))
	if gen, _, _ := f.Stats(); r.Status != StatusOK || gen != 1 {
		t.Fatalf("status %s %q, %d calls to the fake", r.Status, r.Error, gen)
	}
}
