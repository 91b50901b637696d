package ask

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/prompt.golden")

// TestParseAnswer: only one JSON object with exactly the schema's fields
// is an answer; an empty sql is one (the data cannot answer).
func TestParseAnswer(t *testing.T) {
	cases := []struct {
		name, text, err string
		sql             string
	}{
		{"ok", `{"sql": " SELECT 1 ", "explanation": "one", "assumptions": ["a"]}`, "", "SELECT 1"},
		{"no assumptions", `{"sql": "SELECT 1", "explanation": "one"}`, "", "SELECT 1"},
		{"fenced", "{\"sql\": \"```sql\\nSELECT 1\\n```\", \"explanation\": \"one\"}", "", "SELECT 1"},
		{"fenced, no language", "{\"sql\": \"```SELECT 1```\", \"explanation\": \"one\"}", "", "SELECT 1"},
		{"cannot answer", `{"sql": "", "explanation": "no weather in the tables", "assumptions": []}`, "", ""},
		{"empty", `  `, "empty answer", ""},
		{"not json", `SELECT 1`, "not a JSON object", ""},
		{"array", `[{"sql": "SELECT 1"}]`, "not a JSON object", ""},
		{"no sql", `{"query": "SELECT 1", "explanation": "x"}`, "no sql field", ""},
		{"no explanation", `{"sql": "SELECT 1"}`, "no explanation field", ""},
		{"extra field", `{"sql": "SELECT 1", "explanation": "x", "tables": []}`, "unknown field", ""},
		{"sql not a string", `{"sql": 1, "explanation": "x"}`, "does not match", ""},
		{"trailing data", `{"sql": "SELECT 1", "explanation": "x"} {}`, "not a JSON object", ""},
		{"too many assumptions", `{"sql": "SELECT 1", "explanation": "x", "assumptions": ["1","2","3","4","5","6","7","8","9"]}`, "9 assumptions", ""},
		{"huge sql", `{"sql": "SELECT ` + strings.Repeat("1+", 9000) + `1", "explanation": "x"}`, "more than", ""},
	}
	for _, c := range cases {
		a, err := parseAnswer(c.text)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one with %q", c.name, err, c.err)
		case c.err == "" && (a.SQL != c.sql || a.Assumptions == nil):
			t.Errorf("%s: sql %q assumptions %v, want %q and a list", c.name, a.SQL, a.Assumptions, c.sql)
		}
	}
}

// FuzzParseAnswer: any text is an answer or an error, never a panic, and
// an answer's SQL is trimmed and bounded.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{`{"sql": "SELECT 1", "explanation": "x", "assumptions": []}`, `{"sql": ""}`, `[]`, `{"sql": "\u0000"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := parseAnswer(text)
		if err == nil && (len(a.SQL) > maxSQL || a.SQL != strings.TrimSpace(a.SQL) || len(a.Assumptions) > maxAssumptions) {
			t.Errorf("accepted %q as %+v", text, a)
		}
	})
}

// TestPromptGolden: the prompt of a fixed question and reference is
// byte for byte the golden file (go test -run Golden -update rewrites
// it), and its hash names it.
func TestPromptGolden(t *testing.T) {
	ref := Reference{Schema: "# apps\n\nOne row per Spark application attempt.\n\n| column | type | meaning |\n| --- | --- | --- |\n| est_waste_usd | DOUBLE | estimated cost wasted, USD |\n",
		Dates: "apps.dt from 2026-11-20 to 2026-11-25 (6 days with applications)"}
	p := BuildPrompt("Which jobs wasted the most last week?", ref)
	golden := filepath.Join("testdata", "prompt.golden")
	if *update {
		if err := os.WriteFile(golden, p.Doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(p.Doc)); diff != "" {
		t.Errorf("prompt differs from %s (-golden +now):\n%s", golden, diff)
	}
	if p.SHA256 != sha256Hex(want) {
		t.Errorf("prompt hash %s is not its document's", p.SHA256)
	}
	r := p.retry(`{"sql": "SELECT waste FROM apps"}`, "Binder Error: column waste not found")
	if r.SHA256 == p.SHA256 || !strings.Contains(string(r.Doc), `"retry": "Your previous answer was refused.`) || !strings.HasPrefix(r.Query, p.Query) {
		t.Errorf("retry prompt:\n%s", r.Doc)
	}
}

// TestCacheKey: the key changes with the model, the question and the
// schema, and only with them.
func TestCacheKey(t *testing.T) {
	k := CacheKey("m", "q", "s")
	for _, other := range []string{CacheKey("m2", "q", "s"), CacheKey("m", "q2", "s"), CacheKey("m", "q", "s2"), CacheKey("mq", "", "s")} {
		if other == k {
			t.Errorf("two inputs share the cache key %s", k)
		}
	}
	if CacheKey("m", "q", "s") != k {
		t.Error("the cache key is not stable")
	}
}
