package extract

import (
	"strings"
	"testing"
)

// finalUpdate0 is the final adaptive update of execution 0: a codegen
// stage over a scan with metadata and metrics of every kind.
const finalUpdate0 = `{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate","executionId":0,` +
	`"physicalPlanDescription":"== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=true\n+- HashAggregate","sparkPlanInfo":` +
	`{"nodeName":"AdaptiveSparkPlan","simpleString":"AdaptiveSparkPlan isFinalPlan=true","children":[` +
	`{"nodeName":"WholeStageCodegen (1)","simpleString":"WholeStageCodegen (1)","children":[` +
	`{"nodeName":"HashAggregate","simpleString":"HashAggregate(keys=[a#1], functions=[])","children":[` +
	`{"nodeName":"InputAdapter","simpleString":"InputAdapter","children":[` +
	`{"nodeName":"Scan parquet t","simpleString":"FileScan parquet t[a#1]","children":[],` +
	`"metadata":{"Format":"Parquet","Location":"InMemoryFileIndex[s3://b/t]","PartitionFilters":"[]","PushedFilters":"[IsNotNull(a)]","ReadSchema":"struct<a:int>"},` +
	`"metrics":[{"name":"number of output rows","accumulatorId":7,"metricType":"sum"},{"name":"number of files read","accumulatorId":8,"metricType":"sum"}]}` +
	`],"metadata":{},"metrics":[]}],"metadata":{},"metrics":[{"name":"spill size","accumulatorId":9,"metricType":"size"}]}` +
	`],"metadata":{},"metrics":[{"name":"duration","accumulatorId":10,"metricType":"timing"}]}],"metadata":{},"metrics":[]}}`

// TestFastPlanFallback: SQL starts and final adaptive updates, usual and
// not, give the fastjson path's model; fast says whether the fast path
// takes the line (the others fall back to fastjson unchanged).
func TestFastPlanFallback(t *testing.T) {
	r := strings.Replace
	scan := `"children":[],"metadata":{"Format":"Parquet","Location":"InMemoryFileIndex[s3://b/t]","PartitionFilters":"[]","PushedFilters":"[IsNotNull(a)]","ReadSchema":"struct<a:int>"},` +
		`"metrics":[{"name":"number of output rows","accumulatorId":7,"metricType":"sum"},{"name":"number of files read","accumulatorId":8,"metricType":"sum"}]`
	scanReordered := `"metrics":[{"metricType":"sum","accumulatorId":7,"name":"number of output rows"},{"accumulatorId":8,"name":"number of files read","metricType":"sum"}],` +
		`"metadata":{"ReadSchema":"struct<a:int>","PushedFilters":"[IsNotNull(a)]","Location":"InMemoryFileIndex[s3://b/t]","Format":"Parquet","PartitionFilters":"[]"},"children":[]`
	final := map[string]struct {
		line string
		fast bool
	}{
		"final":                 {finalUpdate0, true},
		"escapes":               {r(r(r(r(finalUpdate0, `functions=[])`, `functions=[\"x\\\\y\" \u00e9 \ud83d\ude00])`, 1), `number of output rows`, `number of \u006futput rows`, 1), `s3://b/t`, `s3:\/\/b\/t`, 1), `"Scan parquet t"`, `"Scan parquet \u0074"`, 1), true},
		"escaped name and type": {r(finalUpdate0, `{"name":"spill size","accumulatorId":9,"metricType":"size"}`, `{"name":"spill \u0073ize","accumulatorId":9,"metricType":"\u0073ize"}`, 1), true},
		"unknown members":       {r(r(r(finalUpdate0, `"metrics":[]}}`, `"metrics":[],"explainId":3}}`, 1), `"metricType":"sum"}`, `"metricType":"sum","extra":{"a":[1,"b",null]}}`, 1), `"executionId":0,`, `"executionId":0,"x":[{"y":1.5e3}],`, 1), true},
		"members out of order":  {r(r(finalUpdate0, scan, scanReordered, 1), `"executionId":0,"physicalPlanDescription":"== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=true\n+- HashAggregate",`, `"physicalPlanDescription":"== Physical Plan ==\nAdaptiveSparkPlan isFinalPlan=true\n+- HashAggregate","executionId":0,`, 1), true},
		"plan before id":        {r(r(finalUpdate0, `"executionId":0,`, ``, 1), `]}}`, `]},"executionId":0}`, 1), true},
		"duplicate Location":    {r(finalUpdate0, `"ReadSchema"`, `"Location":"second","ReadSchema"`, 1), true},
		"non-string metadata":   {r(finalUpdate0, `"Format":"Parquet"`, `"Format":["Parquet"],"Location":null`, 1), true},
		"whitespace":            {r(r(finalUpdate0, `"children":[],`, `"children" : [ ] , `, 1), `{"name":"duration",`, "{ \"name\" :\t\"duration\" ,", 1), true},
		"first of execution":    {r(finalUpdate0, `"executionId":0`, `"executionId":5`, 1), true},
		"non-final first":       {r(adaptiveUpdate0, `"executionId":0`, `"executionId":5`, 1), true},
		"simpleString first":    {r(finalUpdate0, `"nodeName":"HashAggregate","simpleString":"HashAggregate(keys=[a#1], functions=[])"`, `"simpleString":"HashAggregate(keys=[a#1], functions=[])","nodeName":"HashAggregate"`, 1), false},
		"truncated plan":        {finalUpdate0[:len(finalUpdate0)/2], false},
		"truncated in string":   {finalUpdate0[:strings.Index(finalUpdate0, "InMemoryFileIndex")+5], false},
		"float accumulator":     {r(finalUpdate0, `"accumulatorId":9`, `"accumulatorId":9.0`, 1), false},
		"huge accumulator":      {r(finalUpdate0, `"accumulatorId":9`, `"accumulatorId":12345678901234567890`, 1), false},
		"duplicate metric name": {r(finalUpdate0, `"accumulatorId":9`, `"accumulatorId":9,"name":"x"`, 1), false},
		"numeric metric name":   {r(finalUpdate0, `"name":"spill size"`, `"name":1`, 1), false},
		"metric not an object":  {r(finalUpdate0, `{"name":"spill size","accumulatorId":9,"metricType":"size"}`, `[9]`, 1), false},
		"child not an object":   {r(finalUpdate0, `"children":[],`, `"children":[1],`, 1), false},
		"child without name":    {r(finalUpdate0, `"nodeName":"InputAdapter",`, ``, 1), false},
		"numeric name":          {r(finalUpdate0, `"nodeName":"InputAdapter"`, `"nodeName":1`, 1), false},
		"metadata not object":   {r(finalUpdate0, `"metadata":{},"metrics":[]}],`, `"metadata":[],"metrics":[]}],`, 1), false},
		"escaped metadata key":  {r(finalUpdate0, `"Format":"Parquet"`, `"F\u006frmat":"Parquet"`, 1), false},
		"escaped node key":      {r(finalUpdate0, `"nodeName":"InputAdapter"`, `"node\u004eame":"InputAdapter"`, 1), false},
		"duplicate children":    {r(finalUpdate0, `"children":[],`, `"children":[],"children":[],`, 1), false},
		"bad escape in schema":  {r(finalUpdate0, `struct<a:int>`, `struct<a:\int>`, 1), false},
		"control char":          {r(finalUpdate0, `struct<a:int>`, "struct<a:\x01int>", 1), false},
		"plan not an object":    {r(finalUpdate0, `"sparkPlanInfo":{`, `"sparkPlanInfo":[{`, 1) + `]`, false},
		"trailing garbage":      {finalUpdate0 + `,`, false},
		"final deep plan":       {strings.ReplaceAll(deepPlan(100), "isFinalPlan=false", "isFinalPlan=true"), true},
		"final too deep plan":   {strings.ReplaceAll(deepPlan(130), "isFinalPlan=false", "isFinalPlan=true"), false},
	}
	end := `{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd","executionId":0,"time":9}`
	for name, c := range final {
		t.Run("update/"+name, func(t *testing.T) {
			if name != "final" && c.line == finalUpdate0 {
				t.Fatal("the case does not change the line")
			}
			checkFastPlan(t, [][]byte{[]byte(appStart), []byte(sqlStart0)}, c.line, c.fast, []byte(end))
		})
	}
	start := map[string]struct {
		line string
		fast bool
	}{
		"start":               {sqlStart0, true},
		"final plan":          {r(finalUpdate0, `"executionId":0,`, `"executionId":0,"rootExecutionId":0,"description":"q","details":"",`, 1), true},
		"escaped description": {r(sqlStart0, `"description":"q"`, `"description":"q \"x\" \u00e9 `+strings.Repeat("é", 600)+`"`, 1), true},
		"root execution":      {r(sqlStart0, `"description"`, `"rootExecutionId":7,"description"`, 1), true},
		"no time":             {r(sqlStart0, `,"time":5`, ``, 1), true},
		"no description":      {r(sqlStart0, `"description":"q",`, ``, 1), true},
		"no plan":             {r(sqlStart0, `"sparkPlanInfo"`, `"other"`, 1), true},
		"unknown members":     {r(sqlStart0, `"time":5`, `"time":5,"modifiedConfigs":{"a":"b"},"x":[true,false]`, 1), true},
		"time first":          {r(r(sqlStart0, `,"time":5`, ``, 1), `"executionId":0,`, `"time":5,"executionId":0,`, 1), true},
		"long excerpt":        {r(sqlStart0, `Scan"`, strings.Repeat(`Scan\n`, 3000)+`"`, 1), true},
		"null time":           {r(sqlStart0, `"time":5`, `"time":null`, 1), false},
		"float time":          {r(sqlStart0, `"time":5`, `"time":5e3`, 1), false},
		"string root":         {r(sqlStart0, `"description"`, `"rootExecutionId":"7","description"`, 1), false},
		"numeric description": {r(sqlStart0, `"description":"q"`, `"description":1`, 1), false},
		"null plan":           {r(sqlStart0, `"sparkPlanInfo":{`, `"sparkPlanInfo":null,"x":{`, 1), false},
		"no execution id":     {r(sqlStart0, `"executionId":0,`, ``, 1), false},
		"duplicate id":        {r(sqlStart0, `"executionId":0`, `"executionId":0,"executionId":1`, 1), false},
		"truncated":           {sqlStart0[:len(sqlStart0)-60], false},
		"deep plan":           {r(deepPlan(100), "SparkListenerSQLAdaptiveExecutionUpdate", "SparkListenerSQLExecutionStart", 1), true},
		"too deep plan":       {r(deepPlan(160), "SparkListenerSQLAdaptiveExecutionUpdate", "SparkListenerSQLExecutionStart", 1), false},
	}
	for name, c := range start {
		t.Run("start/"+name, func(t *testing.T) {
			if name != "start" && c.line == sqlStart0 {
				t.Fatal("the case does not change the line")
			}
			checkFastPlan(t, [][]byte{[]byte(appStart)}, c.line, c.fast, []byte(adaptiveUpdate0), []byte(finalUpdate0), []byte(end))
		})
	}
}

// checkFastPlan checks line on both paths after prelude and before rest,
// and that the fast path takes it or not, as fast says.
func checkFastPlan(t *testing.T, prelude [][]byte, line string, fast bool, rest ...[]byte) {
	t.Helper()
	var st lineStats
	checkLine(t, []byte(line), &st)
	lines := append(append(append([][]byte{}, prelude...), []byte(line)), rest...)
	f, ref := buildBoth(lines, Options{LastUpdated: 1})
	sameApp(t, "model", f, ref)
	b := NewBuilder(Options{})
	for i, l := range prelude {
		b.Line(l, "log", int64(i+1))
	}
	if got := b.fastLine([]byte(line)); got != fast {
		t.Errorf("fast path took the line: %v, want %v", got, fast)
	}
}

// TestExcerptBytes: the excerpt of a description unescaped only up to
// what planExcerpt reads equals the excerpt of the whole description, for
// every escape (surrogate pairs, lone surrogates, a surrogate before
// another escape) at and around the cut.
func TestExcerptBytes(t *testing.T) {
	tails := []string{`\n`, `\u00e9`, `\ud83d\ude00`, `\uD83D\u0041`, `\ude00x`, `\ud83d`, `\ud83dx`, `\u0000`, "é",
		`\\\\`, `\"`, `\/`, `\uDBFF\uDFFF`, `\udc00\udc00`, `\ud7ff\u0041`, `\ue000\u0041`}
	var bodies []string
	for k := PlanExcerptLimit - 14; k <= PlanExcerptLimit+2; k++ {
		for _, tail := range tails {
			bodies = append(bodies, strings.Repeat("a", k)+tail+strings.Repeat("b", 20), strings.Repeat("a", k)+tail)
		}
	}
	for _, tail := range tails {
		bodies = append(bodies, strings.Repeat(tail, PlanExcerptLimit+5), strings.Repeat(tail+"é", PlanExcerptLimit/3))
	}
	var b Builder
	for _, body := range bodies {
		tok := []byte(`"` + body + `"`)
		want := planExcerpt(b.unquote(tok, true))
		if got := planExcerpt(b.excerptBytes(tok, strings.Contains(body, `\`))); got != want {
			t.Fatalf("excerpt of %.40q…%q: got …%q, want …%q", body, body[max(0, len(body)-30):],
				got[max(0, len(got)-20):], want[max(0, len(want)-20):])
		}
	}
}
