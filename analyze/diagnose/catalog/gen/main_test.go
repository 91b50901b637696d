package main

import (
	"flag"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/analyze/diagnose/catalog"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt")

// The testdata files are made up: they imitate the shapes of Spark's
// documentation tables and config builders with properties that do not
// exist.
func TestGenerateGolden(t *testing.T) {
	in, err := readSources("testdata/src", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	in.Date = "2000-01-01"
	in.Keep = []string{"spark.gadget.kept"}
	got, st := Generate(in, io.Discard)
	if *update {
		if err := os.WriteFile("testdata/golden.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from testdata/golden.txt (run with -update to see):\n%s", got)
	}
	if _, err := catalog.Parse(got); err != nil {
		t.Errorf("output does not parse: %v", err)
	}
	if st.Total != st.FromScala+st.DocsOnly || st.Both > st.FromScala {
		t.Errorf("inconsistent stats %+v", st)
	}
}

// With Internal set, definitions Spark marks internal are in the
// catalogue; without it only the kept one and the documented one are.
func TestGenerateInternal(t *testing.T) {
	in, err := readSources("testdata/src", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	in.Keep = []string{"spark.gadget.kept"}
	has := func(text, key string) bool { return strings.Contains(text, "\n"+key+"|") }
	without, _ := Generate(in, io.Discard)
	in.Internal = true
	with, _ := Generate(in, io.Discard)
	for _, k := range []string{"spark.gadget.kept", "spark.gadget.hidden"} {
		if !has(without, k) || !has(with, k) {
			t.Errorf("%s: in without Internal %v, with %v; want both", k, has(without, k), has(with, k))
		}
	}
	if has(without, "spark.gadget.internal") || !strings.Contains(with, "\nspark.gadget.internal|bool|false|\n") {
		t.Errorf("spark.gadget.internal: in without Internal %v, with %v; want only with",
			has(without, "spark.gadget.internal"), has(with, "spark.gadget.internal"))
	}
}

func TestDocDefault(t *testing.T) {
	tests := []struct {
		raw, value string
		typ        catalog.Type
	}{
		{"true", "true", catalog.Bool},
		{"200", "200", catalog.Int},
		{"-1", "-1", catalog.Int},
		{"3000000000", "3000000000", catalog.Long},
		{"Long.MAX_VALUE", "9223372036854775807", catalog.Long},
		{"Int.MaxValue", "2147483647", catalog.Int},
		{"100 * 1024 * 1024", "104857600", catalog.Int},
		{"134217728 (128 MiB)", "134217728", catalog.Int},
		{"0.6", "0.6", catalog.Double},
		{"48m", "48m", catalog.Size},
		{"64 MB", "64mb", catalog.Size},
		{"30min", "30min", catalog.Time},
		{"100ms", "100ms", catalog.Time},
		{"FIFO", "FIFO", catalog.String},
		{`"3"`, "3", catalog.Int},
		{`"auto"`, "auto", catalog.String},
		{"(none)", "", ""},
		{"Not set", "", ""},
		{"value of spark.network.timeout", "", ""},
		{"spark.locality.wait", "", ""},
		{"infinity", "", ""},
		{"numExecutors * 2, with minimum of 3", "", ""},
		{"(?i)secret|password", "", ""},
	}
	for _, tt := range tests {
		v, typ := DocDefault(tt.raw)
		if v != tt.value || typ != tt.typ {
			t.Errorf("DocDefault(%q) = %q, %q; want %q, %q", tt.raw, v, typ, tt.value, tt.typ)
		}
	}
}

func TestParseDocs(t *testing.T) {
	page := `<table><tr><th>Property Name</th><th>Default</th><th>Meaning</th></tr>
<tr>
  <td><code>spark.made.up</code></td>
  <td><code>org.example.<br />Thing</code></td>
  <td>Says &lt;what&gt;
    it does.</td>
</tr>
<tr><td><code>JAVA_HOME</code></td><td>x</td><td>y</td></tr>
<tr><td><code>spark.two.cells</code></td><td>x</td></tr>
</table>`
	rows := ParseDocs(page, "p.md")
	if len(rows) != 1 {
		t.Fatalf("got %d rows, want 1: %+v", len(rows), rows)
	}
	want := DocRow{Key: "spark.made.up", Default: "org.example.Thing", Meaning: "Says <what> it does.", File: "p.md"}
	if rows[0] != want {
		t.Errorf("got %+v, want %+v", rows[0], want)
	}
}

func TestParseScala(t *testing.T) {
	src := `
  val NAME_KEY = "spark.made.named"
  val A = ConfigBuilder("spark.made.a")
    .doc("text with ) and .internal() inside")
    .intConf
    .checkValue(x => x >= 2 && x < 10, "msg")
    .createWithDefault(3)
  private[spark] val B = buildConf(Holder.NAME_KEY).version("1.0").timeConf(TimeUnit.MINUTES).createWithDefault(5)
  val C = buildConf(s"spark.made.$X").booleanConf.createWithDefault(true)
  val notAConf = Seq(1, 2)
`
	defs := ParseScala(src, "f.scala", Consts(src))
	if len(defs) != 2 {
		t.Fatalf("got %d definitions, want 2: %+v", len(defs), defs)
	}
	a, b := defs[0], defs[1]
	if a.Key != "spark.made.a" || a.Type != catalog.Int || a.Default != "3" || a.Internal ||
		a.Min == nil || *a.Min != 2 || a.Max == nil || *a.Max != 9 {
		t.Errorf("A = %+v", a)
	}
	if b.Key != "spark.made.named" || b.Type != catalog.Time || b.Default != "5min" {
		t.Errorf("B = %+v", b)
	}
}

func TestBound(t *testing.T) {
	tests := []struct {
		typ      catalog.Type
		unit     float64
		lambda   string
		min, max string
	}{
		{catalog.Int, 1, "_ > 0", "1", ""},
		{catalog.Int, 1, "v => v >= -1", "-1", ""},
		{catalog.Double, 1, "v => v >= 0.0 && v < 1.0", "0", "1"},
		{catalog.Size, 1024, "v => v > 0 && v <= ByteArrayMethods.MAX_ROUNDED_ARRAY_LENGTH / 1024", "1024", ""},
		{catalog.Time, 1000, "_ >= 0L", "0", ""},
		{catalog.Int, 1, "v => 1 <= v && v <= 9", "1", "9"},
		{catalog.Int, 1, "v => v == 1 || v == 2", "", ""},
		{catalog.String, 1, "_.endsWith(\"/\")", "", ""},
	}
	for _, tt := range tests {
		d := Def{Type: tt.typ, Unit: tt.unit}
		d.bound(tt.lambda)
		if bound(d.Min) != tt.min || bound(d.Max) != tt.max {
			t.Errorf("bound(%q) on %s = %s..%s, want %s..%s", tt.lambda, tt.typ, bound(d.Min), bound(d.Max), tt.min, tt.max)
		}
	}
}

func TestEvalInt(t *testing.T) {
	tests := []struct {
		expr, want string
	}{
		{"10L * 1024 * 1024", "10485760"},
		{"1L << 20", "1048576"},
		{"(1024 * 1024)", "1048576"},
		{"-1", "-1"},
		{"Long.MaxValue", "9223372036854775807"},
		{"5 * 60", "300"},
		{"Math.max(1, 2)", ""},
		{"Utils.localHostName()", ""},
	}
	for _, tt := range tests {
		got := ""
		if v, ok := evalInt(tt.expr); ok {
			got = v.String()
		}
		if got != tt.want {
			t.Errorf("evalInt(%q) = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

func TestChainSkipsStringsAndComments(t *testing.T) {
	calls, ok := chain(`ConfigBuilder("k")
    .doc("""a ) b""".stripMargin)
    // .internal()
    .stringConf
    .createWithDefault("x)")
  val NEXT = 1`)
	if !ok {
		t.Fatal("chain failed")
	}
	var names []string
	for _, c := range calls {
		names = append(names, c.name)
	}
	if got := strings.Join(names, ","); got != "ConfigBuilder,doc,stringConf,createWithDefault" {
		t.Errorf("calls = %s", got)
	}
}

// A docs row whose meaning says the key is deprecated is left out; one that
// only mentions a deprecated neighbour is not.
func TestDocDeprecated(t *testing.T) {
	tests := []struct {
		meaning string
		want    bool
	}{
		{"(Deprecated since Spark 3.0, please set 'spark.gizmo.new'.)", true},
		{"Deprecated. Use spark.gizmo.new instead.", true},
		{"Sets the gizmo size. This configuration was deprecated from Spark 3.1.0, and is a no-op.", true},
		{"This option is deprecated as of Spark 2.0.", true},
		{"Sets the gizmo size, replacing the deprecated spark.gizmo.old.", false},
		{"Sets the gizmo size.", false},
	}
	for _, tt := range tests {
		if got := docDeprRE.MatchString(tt.meaning); got != tt.want {
			t.Errorf("deprecated(%q) = %v, want %v", tt.meaning, got, tt.want)
		}
	}
}

func TestParseSince(t *testing.T) {
	page := `<table><tr><th>Property Name</th><th>Default</th><th>Meaning</th><th>Since Version</th></tr>
<tr>
  <td><code>spark.executor.memoryOverhead</code></td>
  <td>executorMemory * 0.10</td>
  <td>Amount of memory, 1.2.3 of it</td>
  <td>2.3.0</td>
</tr>
<tr><td><code>spark.app.name</code></td><td>(none)</td><td>0.9.0</td><td></td></tr>
<tr><td><code>spark.no.version</code></td><td>x</td><td>y</td></tr></table>`
	got := ParseSince(page)
	if len(got) != 2 || got["spark.executor.memoryOverhead"] != "2.3.0" || got["spark.app.name"] != "0.9.0" {
		t.Errorf("ParseSince = %v", got)
	}
}

// The .version of each Scala definition: core's ConfigBuilder, SQLConf's
// buildConf, a key by constant skipped, a definition without a version
// not given the next one's, a two-part version completed.
func TestParseScalaSince(t *testing.T) {
	src := `
  private[spark] val DYN_ALLOCATION_SHUFFLE_TRACKING_ENABLED =
    ConfigBuilder("spark.dynamicAllocation.shuffleTracking.enabled")
      .version("3.0.0")
      .booleanConf
      .createWithDefault(true)

  private[spark] val EXECUTOR_MEMORY = ConfigBuilder(SparkLauncher.EXECUTOR_MEMORY)
    .version("0.7.0")
    .bytesConf(ByteUnit.MiB)

  val EAGER_EVAL = buildConf("spark.sql.parser.eagerEvalOfUnresolvedInlineTable")
      .internal()
      .booleanConf
      .createWithDefault(true)

  val ESCAPED = buildConf("spark.sql.parser.escapedStringLiterals")
    .doc("The default is false since Spark 2.0.")
    .version("2.2.1")
    .booleanConf

  val STAR = buildConf("spark.sql.legacy.allowStarWithSingleTableIdentifierInCount")
      .version("3.2")

  val CATALOG = buildStaticConf("spark.sql.catalogImplementation").version("2.0.0").stringConf`
	want := map[string]string{
		"spark.dynamicAllocation.shuffleTracking.enabled":            "3.0.0",
		"spark.sql.parser.escapedStringLiterals":                     "2.2.1",
		"spark.sql.legacy.allowStarWithSingleTableIdentifierInCount": "3.2.0",
		"spark.sql.catalogImplementation":                            "2.0.0",
	}
	if got := ParseScalaSince(src); !reflect.DeepEqual(got, want) {
		t.Errorf("ParseScalaSince = %v, want %v", got, want)
	}
}

// A since.txt this generator wrote reads back as its table.
func TestParseSinceTable(t *testing.T) {
	got := parseSinceTable("# header\n#   go run x\nspark.a|1.0.0\n\nspark.b.c|3.5.0\n")
	if !reflect.DeepEqual(got, map[string]string{"spark.a": "1.0.0", "spark.b.c": "3.5.0"}) {
		t.Errorf("parseSinceTable = %v", got)
	}
}
