package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
)

// planted are the secrets TestPlantedSecrets writes into every free-text
// field of every shared log: each must be absent from everything a run
// stores, prints or sends.
var planted = []string{
	"zq7TOKENplanted1x9",        // bearer token
	"AKIAPLANTEDK3YID7QZW",      // AWS access key id
	"PlantedSqlPw9",             // password literal in a SQL plan
	"PlantedUrlPw8",             // password in a JDBC URL
	"PlantedConfPw4",            // password in a conf value
	"planted.user@example.org",  // e-mail address (as the Spark user)
	"planted.user",              // its local part
	"10.77.66.55",               // IPv4
	"2001:db8:77::66",           // IPv6
	"ip-10-77-66-54",            // EC2 host name
	"ec2-54-77-66-53.compute-1", // public EC2 host name
}

// The text planted in each field, built from the secrets.
const (
	plantReason = "Job aborted: Authorization: Bearer zq7TOKENplanted1x9 from /10.77.66.55:7337 and [2001:db8:77::66]:7337 on host ip-10-77-66-54.ec2.internal"
	plantDesc   = "load for planted.user@example.org with AKIAPLANTEDK3YID7QZW via jdbc:mysql://admin:PlantedUrlPw8@ec2-54-77-66-53.compute-1.amazonaws.com/db"
	plantPlan   = "== Physical Plan ==\n*(1) Filter (isnotnull(password#12) AND (password#12 = 'PlantedSqlPw9'))\n+- Scan jdbc:mysql://admin:PlantedUrlPw8@10.77.66.55/db"
)

// TestPlantedSecrets copies every shared event log into a temporary source
// with the secrets above planted in each free-text field a Spark log has
// (user, app and stage names, failure reasons, job descriptions, SQL
// descriptions, plans and errors, executor-loss reasons, Spark
// properties), runs sparkmine with dry-run prompts and writes both report
// formats for every week the apps ended in, then looks for each secret in
// every Parquet value, every other file of the dataset (prompts, manifest,
// ledger), each report and every log line.
func TestPlantedSecrets(t *testing.T) {
	if testing.Short() {
		t.Skip("a full run over the shared logs")
	}
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("shared logs: %v", err)
	}
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	src, out := t.TempDir(), t.TempDir()
	n := copyPlanted(t, sharedLogs, src)
	t.Logf("planted secrets in %d event lines", n)
	if n < 100 {
		t.Fatalf("only %d lines planted: the copy missed the shared logs", n)
	}
	code, stdout, stderr := sparkmine(t, "run", "--source", src, "--out", out, "--llm", "dry-run", "--workers", "2")
	if code != 0 && code != 3 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	texts := map[string]string{"run output": stdout + stderr}
	for _, w := range weeks(t, out) {
		for _, f := range []string{"md", "html"} {
			file := filepath.Join(t.TempDir(), "report."+f)
			code, o, e := sparkmine(t, "report", "--out", out, "--week", w, "--format", f, "-o", file)
			if code != 0 {
				t.Fatalf("report %s %s: exit %d\n%s", w, f, code, e)
			}
			b, _ := os.ReadFile(file)
			texts["report "+w+" "+f] = string(b) + o + e
		}
	}
	scanDataset(t, out, texts)
	for name, text := range texts {
		for _, s := range planted {
			if strings.Contains(text, s) {
				t.Errorf("%s holds the planted %q", name, s)
			}
		}
	}
	// The planted fields reached the outputs, redacted.
	var all strings.Builder
	for _, text := range texts {
		all.WriteString(text)
	}
	for _, mark := range []string{"<email>", "<ip>", "<host>", "*********(redacted)", "password#12 = *********(redacted)"} {
		if !strings.Contains(all.String(), mark) {
			t.Errorf("no output holds %q: the planted fields did not reach them", mark)
		}
	}
	if !strings.Contains(texts["run output"], "run done") {
		t.Errorf("the run printed no summary:\n%s", stderr)
	}
}

// copyPlanted copies the tree from into to, planting secrets in every
// event line of plain, gzip and zstd files; it returns the lines changed.
func copyPlanted(t *testing.T, from, to string) (planted int) {
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") || strings.Contains(p, "expectations") {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if changed, n, ok := plantFile(p, data); ok {
			data, planted = changed, planted+n
		}
		dst := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return planted
}

// plantFile decodes a file by its name's codec, plants, and encodes it
// again; ok is false when it cannot be decoded (a damaged log stays as is).
func plantFile(name string, data []byte) (out []byte, n int, ok bool) {
	switch {
	case strings.HasSuffix(name, ".zstd"):
		dec, _ := zstd.NewReader(nil)
		defer dec.Close()
		plain, err := dec.DecodeAll(data, nil)
		if err != nil {
			return nil, 0, false
		}
		plain, n = plantLines(plain)
		enc, _ := zstd.NewWriter(nil)
		return enc.EncodeAll(plain, nil), n, true
	case strings.HasSuffix(name, ".gz"):
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, 0, false
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return nil, 0, false
		}
		plain, n = plantLines(plain)
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(plain)
		zw.Close()
		return b.Bytes(), n, true
	}
	out, n = plantLines(data)
	return out, n, true
}

// plantLines plants secrets in every JSON event line; other lines (and a
// cut last line) stay byte for byte.
func plantLines(data []byte) ([]byte, int) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	n := 0
	for i, l := range lines {
		var ev map[string]any
		if json.Unmarshal(l, &ev) != nil || ev["Event"] == nil || !plantEvent(ev) {
			continue
		}
		b, _ := json.Marshal(ev)
		if bytes.HasSuffix(l, []byte("\n")) {
			b = append(b, '\n')
		}
		lines[i], n = b, n+1
	}
	return bytes.Join(lines, nil), n
}

// plantEvent writes the secrets into ev's free-text fields; it reports
// whether ev has any.
func plantEvent(ev map[string]any) bool {
	name, _ := ev["Event"].(string)
	switch {
	case name == "SparkListenerApplicationStart":
		ev["User"] = "planted.user@example.org"
		ev["App Name"] = fmt.Sprint(ev["App Name"], " for planted.user@example.org")
	case name == "SparkListenerEnvironmentUpdate":
		plantProps(ev["Spark Properties"])
	case name == "SparkListenerJobStart":
		props, _ := ev["Properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			ev["Properties"] = props
		}
		props["spark.job.description"] = plantDesc
	case name == "SparkListenerStageSubmitted" || name == "SparkListenerStageCompleted":
		info, _ := ev["Stage Info"].(map[string]any)
		if info == nil {
			return false
		}
		info["Stage Name"] = fmt.Sprint(info["Stage Name"], " for planted.user@example.org")
		if name == "SparkListenerStageCompleted" {
			info["Failure Reason"] = plantReason
		}
	case name == "SparkListenerExecutorRemoved":
		ev["Removed Reason"] = plantReason
	case name == "SparkListenerJobEnd":
		if res, _ := ev["Job Result"].(map[string]any); res != nil && res["Exception"] != nil {
			res["Exception"] = map[string]any{"Message": plantReason}
		}
	case strings.HasSuffix(name, "SparkListenerSQLExecutionStart"):
		ev["description"], ev["details"], ev["physicalPlanDescription"] = plantDesc, plantDesc, plantPlan
	case strings.HasSuffix(name, "SparkListenerSQLAdaptiveExecutionUpdate"):
		ev["physicalPlanDescription"] = plantPlan
	case strings.HasSuffix(name, "SparkListenerSQLExecutionEnd"):
		ev["errorMessage"] = plantReason
	default:
		return false
	}
	return true
}

// plantProps adds secret-bearing Spark properties (an object or, in old
// logs, a list of pairs is left alone when it is neither).
func plantProps(p any) {
	m, ok := p.(map[string]any)
	if !ok {
		return
	}
	m["spark.driver.host"] = "ip-10-77-66-54.ec2.internal"
	m["spark.executor.extraJavaOptions"] = "-Ddb.url=jdbc:mysql://admin:PlantedUrlPw8@db/x -Dconn.password=PlantedConfPw4"
	m["spark.driver.extraJavaOptions"] = "-Dnotify=planted.user@example.org -Dpeer=10.77.66.55"
	m["spark.yarn.queue"] = "queue-of-planted.user@example.org"
}

// weeks returns the ISO weeks the stored apps ended in.
func weeks(t *testing.T, out string) []string {
	seen := map[string]bool{}
	parts, _ := filepath.Glob(filepath.Join(out, "apps", "dt=*"))
	for _, p := range parts {
		d, err := time.Parse("2006-01-02", strings.TrimPrefix(filepath.Base(p), "dt="))
		if err != nil {
			t.Fatalf("partition %s: %v", p, err)
		}
		y, w := d.ISOWeek()
		seen[fmt.Sprintf("%d-W%02d", y, w)] = true
	}
	if len(seen) == 0 {
		t.Fatal("no apps partition written")
	}
	var out2 []string
	for w := range seen {
		out2 = append(out2, w)
	}
	return out2
}

// scanDataset adds to texts every string value of every Parquet file of
// the dataset (read back with parquet-go), and every other file.
func scanDataset(t *testing.T, out string, texts map[string]string) {
	values := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !strings.HasSuffix(p, ".parquet") {
			texts[p] = string(data)
			return nil
		}
		s, n, err := parquetStrings(data)
		values += n
		texts[p] = s
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if values < 1000 {
		t.Fatalf("only %d string values read back from the Parquet files", values)
	}
}

// parquetStrings returns every byte-array value of a Parquet file, one a
// line, and their count.
func parquetStrings(data []byte) (string, int, error) {
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", 0, err
	}
	r := parquet.NewReader(f)
	defer r.Close()
	var b strings.Builder
	n := 0
	rows := make([]parquet.Row, 64)
	for {
		k, err := r.ReadRows(rows)
		for _, row := range rows[:k] {
			for _, v := range row {
				if v.Kind() == parquet.ByteArray {
					b.Write(v.ByteArray())
					b.WriteByte('\n')
					n++
				}
			}
		}
		if err == io.EOF {
			return b.String(), n, nil
		}
		if err != nil {
			return "", 0, err
		}
	}
}

// TestExtractFollowsNamedLink: a log named on the command line is read
// through a symbolic link out of its folder (a run's listing refuses one).
func TestExtractFollowsNamedLink(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("samples", "application_1764000000000_0001.zstd"))
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "a"), 0o755)
	os.MkdirAll(filepath.Join(dir, "b"), 0o755)
	target := filepath.Join(dir, "b", "application_1764000000000_0001.zstd")
	os.WriteFile(target, data, 0o644)
	link := filepath.Join(dir, "a", "application_1764000000000_0001.zstd")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	code, stdout, stderr := sparkmine(t, "extract", link)
	if code != 0 || !strings.Contains(stdout, "application_1764000000000_0001") {
		t.Errorf("extract through a link: exit %d\n%s%s", code, stdout, stderr)
	}
}
