package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/diagnose"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/logfile"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/local"
)

// Shapes of a host, an address or a bucket in a raw log line, for the
// leak test: independent of the scrubber's own rules.
var (
	jsonHostRE = regexp.MustCompile(`"(?:Host|host|[\w.]*\.(?:host|bindAddress|address)|[\w.]*hostname)"\s*:\s*"([^"]+)"`)
	rawIPv4RE  = regexp.MustCompile(`(?:^|[^\w.\-])((?:\d{1,3}\.){3}\d{1,3})(?:[^\w.\-]|$)`)
	urlAuthRE  = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.\-]*://(?:[^/@\s"\\]*@)?([A-Za-z0-9][A-Za-z0-9.\-_]*[A-Za-z0-9])`)
	execHostRE = regexp.MustCompile(`\(([A-Za-z0-9][A-Za-z0-9.\-]*) executor [\w-]+\)`)
	rawEmailRE = regexp.MustCompile(`\b([A-Za-z0-9._%+\-]*[A-Za-z][A-Za-z0-9._%+\-]*@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})\b`)
	rawIPv6RE  = regexp.MustCompile(`(?i)(\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\[[0-9a-f:]*:[0-9a-f:]*\])`)
	// notSecretRE are values the shapes catch that name nothing: the
	// loopback, masters and booleans in host-like properties.
	notSecretRE = regexp.MustCompile(`^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\d+|[a-z]|spark|local|yarn|true|false|k8s)$`)
	versionRE   = regexp.MustCompile(`"(?:Spark Version|App Version)":"[^"]*"`)
)

// taskText is the part of a task event that can name a host (its end
// reason and its Task Info), without the metrics and accumulables.
func taskText(line string) string {
	if !strings.HasPrefix(line, `{"Event":"SparkListenerTask`) {
		return line
	}
	if i := strings.Index(line, `"Accumulables"`); i > 0 {
		return line[:i]
	}
	return line
}

// secretsOf collects every host name, IP address, bucket and e-mail
// address that appears anywhere in line.
func secretsOf(line string, into map[string]bool) {
	line = taskText(line)
	if strings.Contains(line, "Version") {
		line = versionRE.ReplaceAllString(line, "")
	}
	for _, s := range shapes {
		if !strings.Contains(line, s.has) && !strings.Contains(line, s.or) {
			continue
		}
		for _, m := range s.re.FindAllStringSubmatch(line, -1) {
			into[m[len(m)-1]] = true
		}
	}
}

// shapes are the raw shapes with a literal every match holds (so most
// lines are skipped quickly).
var shapes = []struct {
	has, or string
	re      *regexp.Regexp
}{
	{"ost", "ddress", jsonHostRE}, {".", ".", rawIPv4RE}, {"://", "://", urlAuthRE}, {" executor ", " executor ", execHostRE},
	{"@", "@", rawEmailRE}, {"::", "[", rawIPv6RE},
}

// leaks reports the secrets text holds as whole words.
func leaks(text string, secrets map[string]bool) []string {
	var out []string
	for s := range secrets {
		if notSecretRE.MatchString(s) {
			continue
		}
		for i := 0; ; {
			j := strings.Index(text[i:], s)
			if j < 0 {
				break
			}
			j += i
			if !wordChar(text, j-1) && !wordChar(text, j+len(s)) {
				out = append(out, s)
				break
			}
			i = j + 1
		}
	}
	sort.Strings(out)
	return out
}

func wordChar(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// No host name, IP address, bucket or e-mail address of any shared real
// log reaches its prompt, whatever the app's findings, nor any of the rows
// the per-log tables store for it.
func TestNoHostOfASharedLogReachesAPrompt(t *testing.T) {
	needShared(t)
	if testing.Short() {
		t.Skip("reads every shared log")
	}
	ctx := context.Background()
	src, err := local.New(sharedLogs)
	if err != nil {
		t.Fatal(err)
	}
	var objs []logfile.Object
	err = src.List(ctx, "", func(oi store.ObjectInfo) error {
		objs = append(objs, logfile.Object{Key: oi.Key, Size: oi.Size, ModTime: oi.ModTime, ETag: oi.ETag})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	logs, _ := logfile.Discover(objs)
	d, err := diagnose.New(diagnose.DefaultConfig(), diagnose.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	prompts, all := 0, map[string]bool{}
	for _, l := range logs {
		secrets := rawSecrets(t, src, l)
		app, _, err := extract.ReadLog(ctx, src, l, extract.Options{})
		if err != nil {
			continue // unreadable: nothing of it is sent
		}
		ar := analyze.AnalyzeApp(app, analyze.DefaultConfig())
		p, err := d.Prompt(diagnose.Candidate{App: app, Findings: ar.Findings, Result: ar.App, Rightsizing: ar.Rightsizing.Reference()})
		if err != nil {
			t.Errorf("%s: %v", l.Key, err)
			continue
		}
		prompts++
		if bad := leaks(string(p.Doc), secrets); len(bad) > 0 {
			t.Errorf("%s: the prompt carries %q", l.Key, bad)
		}
		rows, err := json.Marshal([]any{app.Row, ar.App, app.Stages, app.Executors, ar.Findings,
			analyze.PricedQueries(app, ar.App), app.PlanNodes})
		if err != nil {
			t.Fatal(err)
		}
		if bad := leaks(string(rows), secrets); len(bad) > 0 {
			t.Errorf("%s: the stored rows carry %q", l.Key, bad)
		}
		for s := range secrets {
			all[s] = true
		}
	}
	t.Logf("%d prompts checked against %d host names, addresses, buckets and e-mail addresses", prompts, len(all))
}

func rawSecrets(t *testing.T, st store.Store, l logfile.Log) map[string]bool {
	r := logfile.Open(context.Background(), l, func(ctx context.Context, key string) (io.ReadCloser, error) {
		return st.Open(ctx, key, 0, -1)
	})
	defer r.Close()
	out := map[string]bool{}
	for {
		line, err := r.Next()
		if err != nil {
			return out
		}
		secretsOf(string(line), out)
	}
}
