package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/sparkmine/sparkmine/"

// importRules hold the import direction of the design (non-test code,
// direct and indirect imports): the rooms below never depend on the
// packages listed.
var importRules = []struct {
	room   string // a top-level folder: every package under it
	forbid []string
}{
	{"extract", []string{"pipeline", "cmd"}},
	{"analyze", []string{"pipeline", "cmd", "store"}},
	{"store", []string{"extract", "analyze", "pipeline", "cmd"}},
}

// ioPackages are the packages that reach files, processes or the network
// (the standard library's by name; modules with every package under them).
// analyze does no I/O (it is handed rows and models and returns rows and
// documents), so its non-test code imports none of them, except where
// analyzeIO allows it. Pure packages such as net/url or io are fine.
var ioPackages = []string{"os", "os/exec", "os/signal", "net", "net/http", "io/fs", "io/ioutil",
	"path/filepath", "syscall", "database/sql", "google.golang.org/genai/...", "github.com/aws/..."}

// analyzeIO is what analyze may import of ioPackages, and why. An
// allowance no package uses any more is an error, so the list stays the
// least that is needed.
var analyzeIO = map[string]map[string]string{
	"analyze/diagnose": {
		"google.golang.org/genai": "the response schema is the SDK's Schema type",
	},
	"analyze/ask": {
		"google.golang.org/genai": "the response schema is the SDK's Schema type",
	},
	"analyze/llm": {
		"os":                      "the Gemini credentials and settings come from the environment (GEMINI_API_KEY, GOOGLE_GENAI_USE_VERTEXAI)",
		"net":                     "net.Error tells a transport error, which is retried, from an answer",
		"google.golang.org/genai": "the Gemini client, the one implementation of the model that calls out",
	},
	"analyze/llm/llmtest": {
		"net/http": "a local server speaking the Gemini REST API, for tests only",
	},
	"analyze/diagnose/catalog/gen": {
		"os":            "a go:generate command that reads Spark's sources into properties.txt, never part of a run",
		"path/filepath": "likewise",
	},
}

// generatorUsers may import the log generator extract/gen outside tests:
// itself, its sparkgen command and the benchmark harness.
var generatorUsers = []string{"extract/gen", "bench"}

type listedPackage struct {
	ImportPath string
	Name       string
	Imports    []string // direct, non-test
	Deps       []string // every dependency, non-test
}

// TestImportDirection checks the module's import graph against the rules
// above, with go list.
func TestImportDirection(t *testing.T) {
	pkgs := listPackages(t)
	for _, msg := range importViolations(pkgs) {
		t.Error(msg)
	}
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages of %s", len(pkgs), module)
	}
	return pkgs
}

// importViolations returns one message per broken rule.
func importViolations(pkgs []listedPackage) []string {
	var msgs []string
	used := map[string]bool{} // "pkg imp" allowances used
	for _, p := range pkgs {
		rel := strings.TrimPrefix(p.ImportPath, module)
		for _, r := range importRules {
			if !under(rel, r.room) {
				continue
			}
			for _, d := range p.Deps {
				if dr, ok := strings.CutPrefix(d, module); ok && slices.ContainsFunc(r.forbid, func(f string) bool { return under(dr, f) }) {
					msgs = append(msgs, rel+" depends on "+dr+": "+r.room+" must not depend on "+strings.Join(r.forbid, ", "))
				}
			}
		}
		if under(rel, "analyze") {
			for _, imp := range p.Imports {
				if !slices.ContainsFunc(ioPackages, func(io string) bool { return matches(imp, io) }) {
					continue
				}
				if _, ok := analyzeIO[rel][imp]; ok {
					used[rel+" "+imp] = true
					continue
				}
				msgs = append(msgs, rel+" imports "+imp+": analyze does no I/O (allow it in analyzeIO, with the reason, only if it must)")
			}
		}
		if slices.Contains(p.Imports, module+"extract/gen") && !slices.ContainsFunc(generatorUsers, func(u string) bool { return under(rel, u) }) {
			msgs = append(msgs, rel+" imports extract/gen: the generator is for tests, benchmarks and sparkgen only")
		}
	}
	for pkg, imps := range analyzeIO {
		for imp := range imps {
			if !used[pkg+" "+imp] {
				msgs = append(msgs, "analyzeIO allows "+pkg+" to import "+imp+", which it no longer does: remove the allowance")
			}
		}
	}
	slices.Sort(msgs)
	return msgs
}

// under reports whether the slash path p is root or below it.
func under(p, root string) bool { return p == root || strings.HasPrefix(p, root+"/") }

// matches reports whether an import path matches a pattern: the same path,
// or for a pattern ending in "/...", anything under its root.
func matches(imp, pattern string) bool {
	if root, ok := strings.CutSuffix(pattern, "/..."); ok {
		return under(imp, root)
	}
	return imp == pattern
}
