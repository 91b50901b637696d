package analyze

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sparkmine/sparkmine/extract"
)

// A fixture (testdata/detectors/*.yaml) is an app model written by hand and
// the findings the rules must give for it, like Prometheus's promqltest
// files. Model fields use the dataset's column names (the json tags of
// extract's rows); jobs use the Job field names.
type fixture struct {
	Doc       string            `yaml:"doc"`
	App       map[string]any    `yaml:"app"`
	Stages    []map[string]any  `yaml:"stages"`
	Executors []map[string]any  `yaml:"executors"`
	Jobs      []map[string]any  `yaml:"jobs"`
	Conf      map[string]string `yaml:"conf"`
	// Config overrides DefaultConfig (strictly, like the config file).
	Config yaml.Node `yaml:"config"`
	// Check lists the detectors whose findings are compared; empty means
	// every finding is compared.
	Check []string `yaml:"check"`
	// Ordered compares the findings in rank order, not as a set.
	Ordered bool          `yaml:"ordered"`
	Want    []wantFinding `yaml:"want"`
}

type wantFinding struct {
	Detector string `yaml:"detector"`
	Severity string `yaml:"severity"`
	Stage    *int64 `yaml:"stage"` // nil: an app-level finding
	// Recommend maps keys to proposed values that must be among the
	// finding's recommendations ("*" accepts any proposed value).
	Recommend map[string]string `yaml:"recommend"`
	// NoRecommend lists keys the finding must not recommend.
	NoRecommend []string `yaml:"no_recommend"`
	// MinWasteUSD, when set, is a lower bound on est_waste_usd.
	MinWasteUSD float64 `yaml:"min_waste_usd"`
	// Rejected maps keys to a part of the failed check that must be among
	// the finding's rejected proposals.
	Rejected map[string]string `yaml:"rejected"`
}

func (w wantFinding) key() string {
	s := "app"
	if w.Stage != nil {
		s = fmt.Sprintf("stage %d", *w.Stage)
	}
	return fmt.Sprintf("%s/%s/%s", w.Detector, s, w.Severity)
}

func findingKey(f FindingRow) string {
	return wantFinding{Detector: f.Detector, Severity: f.Severity, Stage: f.StageID}.key()
}

// viaJSON decodes a YAML-decoded value into v by its json tags, rejecting
// unknown fields so a misspelt column fails the test.
func viaJSON(in, v any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func loadFixture(t *testing.T, path string) (fixture, *extract.App, Config) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&fx); err != nil {
		t.Fatalf("decode: %v", err)
	}
	app := &extract.App{Conf: fx.Conf}
	if fx.App != nil {
		if err := viaJSON(fx.App, &app.Row); err != nil {
			t.Fatalf("app: %v", err)
		}
	}
	for name, dst := range map[string]any{"stages": &app.Stages, "executors": &app.Executors, "jobs": &app.Jobs} {
		src := map[string]any{"stages": fx.Stages, "executors": fx.Executors, "jobs": fx.Jobs}[name]
		if err := viaJSON(src, dst); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// A fixture tests a detector's evidence: impact is off unless the
	// fixture's config turns it on.
	cfg := DefaultConfig()
	cfg.Impact.Enabled = false
	if fx.Config.Kind != 0 {
		b, err := yaml.Marshal(&fx.Config)
		if err != nil {
			t.Fatal(err)
		}
		d := yaml.NewDecoder(bytes.NewReader(b))
		d.KnownFields(true)
		if err := d.Decode(&cfg); err != nil {
			t.Fatalf("config: %v", err)
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	return fx, app, cfg
}

func TestDetectorFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/detectors/*.yaml")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			fx, app, cfg := loadFixture(t, path)
			got, _ := Analyze(app, cfg)
			got = keepChecked(got, fx.Check)
			checkFindings(t, fx, got)
			checkAppRow(t, app, got)
		})
	}
}

func keepChecked(fs []FindingRow, check []string) []FindingRow {
	if len(check) == 0 {
		return fs
	}
	var out []FindingRow
	for _, f := range fs {
		for _, c := range check {
			if f.Detector == c {
				out = append(out, f)
			}
		}
	}
	return out
}

func checkFindings(t *testing.T, fx fixture, got []FindingRow) {
	t.Helper()
	gotKeys := make([]string, len(got))
	for i, f := range got {
		gotKeys[i] = findingKey(f)
	}
	wantKeys := make([]string, len(fx.Want))
	for i, w := range fx.Want {
		wantKeys[i] = w.key()
	}
	if !fx.Ordered {
		sort.Strings(gotKeys)
		sort.Strings(wantKeys)
	}
	if strings.Join(gotKeys, "\n") != strings.Join(wantKeys, "\n") {
		t.Fatalf("findings:\n got  %q\n want %q\n%s", gotKeys, wantKeys, dump(got))
	}
	for _, w := range fx.Want {
		f := findByKey(got, w.key())
		for k, v := range w.Recommend {
			r, ok := findRec(f, k)
			if !ok || (v != "*" && r.Proposed != v) {
				t.Errorf("%s: want recommendation %s=%s, have %+v", w.key(), k, v, f.Recommendations)
			}
		}
		for _, k := range w.NoRecommend {
			if _, ok := findRec(f, k); ok {
				t.Errorf("%s: unexpected recommendation of %s", w.key(), k)
			}
		}
		for k, why := range w.Rejected {
			if !rejected(f, k, why) {
				t.Errorf("%s: want %s rejected (%q), have rejected %+v", w.key(), k, why, f.Rejected)
			}
		}
		if f.EstWasteUSD < w.MinWasteUSD {
			t.Errorf("%s: est_waste_usd %v, want >= %v", w.key(), f.EstWasteUSD, w.MinWasteUSD)
		}
	}
}

func findByKey(fs []FindingRow, key string) FindingRow {
	for _, f := range fs {
		if findingKey(f) == key {
			return f
		}
	}
	return FindingRow{}
}

func findRec(f FindingRow, key string) (Recommendation, bool) {
	for _, r := range f.Recommendations {
		if r.Key == key {
			return r, true
		}
	}
	return Recommendation{}, false
}

// checkAppRow checks what every finding carries.
func checkAppRow(t *testing.T, app *extract.App, got []FindingRow) {
	t.Helper()
	for _, f := range got {
		if f.AppID != app.Row.AppID || f.Title == "" || len(f.Evidence) == 0 {
			t.Errorf("%s: incomplete finding %+v", findingKey(f), f)
		}
		for _, r := range f.Recommendations {
			if err := checkProposal(r.Key, r.Proposed); err != nil {
				t.Errorf("%s: %v", findingKey(f), err)
			}
			if r.Current != app.Conf[r.Key] {
				t.Errorf("%s: %s current %q, conf has %q", findingKey(f), r.Key, r.Current, app.Conf[r.Key])
			}
		}
	}
}

func dump(fs []FindingRow) string {
	b, _ := json.MarshalIndent(fs, "", "  ")
	return string(b)
}

func rejected(f FindingRow, key, why string) bool {
	for _, r := range f.Rejected {
		if r.Key == key && len(r.Checks) > 0 && strings.Contains(r.Checks[len(r.Checks)-1], why) {
			return true
		}
	}
	return false
}
