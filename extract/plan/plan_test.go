package plan

import (
	"os"
	"reflect"
	"testing"

	"github.com/valyala/fastjson"
)

func readPlan(t *testing.T, path string) *Plan {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := fastjson.ParseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := FromJSON(v, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// smjAccums are the values a log would report for testdata/smj.json:
// stage 0 scans and shuffles the facts, stage 1 the dims, stage 2 joins.
func smjAccums() *Accums {
	a := &Accums{}
	for _, x := range [][3]int64{
		{10, 0, 1000}, {11, 0, 400}, {12, 0, 4e9}, {13, 0, 30}, {14, 0, 900}, {15, 0, 900},
		{16, 0, 5000}, {17, 0, 3e9}, {18, 0, 2e9}, {22, 0, 900},
		{30, 1, 50}, {31, 1, 1e6}, {32, 1, 50},
		{19, 2, 4}, {20, 2, 1e8}, {21, 2, 5e7}, {40, 2, 2000}, {41, 2, 7000},
	} {
		a.Stage(x[0], x[1], x[2])
	}
	a.Driver(11, 0) // a driver update of 0 changes nothing
	return a
}

func TestStageIDs(t *testing.T) {
	p := readPlan(t, "testdata/smj.json")
	got := p.StageIDs(smjAccums())
	// By node, in pre-order (see the plan file): the join side runs in
	// stage 2, the facts side in 0, the dims side in 1.
	s0, s1, s2 := []int64{0}, []int64{1}, []int64{2}
	want := [][]int64{s2, s2, s2, s2, s2, s2, s2, s0, s0, s0, s0, s0, s0, s2, s2, s2, s1, s1}
	if len(got) != 18 {
		t.Fatalf("%d nodes, want 18", len(got))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("node %d %s: stages %v, want %v", i, p.Nodes[i].Name, got[i], want[i])
		}
	}
}

func TestValues(t *testing.T) {
	p := readPlan(t, "testdata/smj.json")
	a := smjAccums()
	for _, c := range []struct {
		node int
		want Values
	}{
		{3, Values{SpillBytes: 1e8, PeakMemory: 5e7}},
		{7, Values{Bytes: 3e9, TimeMS: 2000}},
		{8, Values{TimeMS: 5000}},
		{12, Values{Rows: 1000, Files: 400, Bytes: 4e9, Partitions: 30}},
		{5, Values{SkewSplits: 4}},
		{6, Values{}},
	} {
		if got := p.Values(c.node, a); got != c.want {
			t.Errorf("node %d %s: %+v, want %+v", c.node, p.Nodes[c.node].Name, got, c.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	p := readPlan(t, "testdata/smj.json")
	a := smjAccums()
	s := p.Summarize(a, p.AllValues(a), p.StageIDs(a), map[string]int{SortMerge: 2})
	want := Summary{
		Nodes: 18,
		Joins: []Join{{Node: 2, Kind: SortMerge, Name: "SortMergeJoin", Stages: []int64{2}, Rows: 2000,
			Left: Side{Rows: 900, Bytes: 3e9}, Right: Side{Rows: 50, Bytes: 1e6}}},
		Exchanges: []Exchange{{Node: 7, Stages: []int64{0}, Bytes: 3e9}, {Node: 16, Stages: []int64{1}, Bytes: 1e6}},
		Scans: []Scan{
			{Node: 12, Format: "parquet", Table: "db.facts", Stages: []int64{0}, Files: 400, Bytes: 4e9,
				Partitioned: true, PushedFilters: "[IsNotNull(k)]"},
			{Node: 17, Format: "parquet", Table: "db.dims", Stages: []int64{1}},
		},
		AQE: AQE{SkewSplits: 4, CoalescedReads: 1, StrategySwitches: 1},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("summary\n got %+v\nwant %+v", s, want)
	}
}

func TestFromJSONRejects(t *testing.T) {
	for _, in := range []string{`[]`, `{"simpleString":"x"}`, `{"nodeName":"A","children":[1]}`, `"x"`} {
		if _, err := FromJSON(fastjson.MustParse(in), nil, nil); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
}

// TestFromJSONReuse reads a plan into the storage of another and gets the
// same plan as read afresh.
func TestFromJSONReuse(t *testing.T) {
	fresh := readPlan(t, "testdata/smj.json")
	b, _ := os.ReadFile("testdata/smj.json")
	other, err := FromJSON(fastjson.MustParse(`{"nodeName":"A","metrics":[{"name":"m","accumulatorId":1,"metricType":"sum"}],"children":[{"nodeName":"B"}]}`), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := &Strings{}
	got, err := FromJSON(fastjson.MustParseBytes(b), in, other)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Nodes, fresh.Nodes) {
		t.Errorf("reused storage gives another plan")
	}
}
