package plan

import (
	"strings"
)

// Join kinds, as the summary spells them.
const (
	SortMerge           = "sort_merge"
	BroadcastHash       = "broadcast_hash"
	ShuffledHash        = "shuffled_hash"
	BroadcastNestedLoop = "broadcast_nested_loop"
	Cartesian           = "cartesian"
)

// JoinKind returns the kind of a join operator's name ("" for another
// operator); Photon and RAPIDS names (PhotonShuffledHashJoin,
// GpuBroadcastHashJoin) read as Spark's.
func JoinKind(name string) string {
	switch {
	case strings.Contains(name, "SortMergeJoin"):
		return SortMerge
	case strings.Contains(name, "BroadcastHashJoin"):
		return BroadcastHash
	case strings.Contains(name, "ShuffledHashJoin"):
		return ShuffledHash
	case strings.Contains(name, "BroadcastNestedLoopJoin"):
		return BroadcastNestedLoop
	case strings.Contains(name, "CartesianProduct"):
		return Cartesian
	}
	return ""
}

// IsScan reports whether an operator reads a data source.
func IsScan(name string) bool {
	return strings.HasPrefix(name, "Scan ") || strings.HasPrefix(name, "FileScan") ||
		strings.HasPrefix(name, "BatchScan") || strings.HasPrefix(name, "PhotonScan") ||
		strings.HasPrefix(name, "GpuScan") || strings.HasPrefix(name, "GpuFileGpuScan")
}

// Side is what one input of a join measured: the rows of the nearest
// operator below it that counts rows, and the bytes of the nearest
// exchange below it.
type Side struct {
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
}

// Join is one join operator of a plan.
type Join struct {
	Node   int     `json:"node_id"`
	Kind   string  `json:"kind"`
	Name   string  `json:"name"`
	Stages []int64 `json:"stage_ids"`
	Rows   int64   `json:"rows"`
	Left   Side    `json:"left"`
	Right  Side    `json:"right"`
}

// Scan is one data source read.
type Scan struct {
	Node   int     `json:"node_id"`
	Format string  `json:"format"`
	Table  string  `json:"table"` // the table's name, or "<path>" for a path read
	Stages []int64 `json:"stage_ids"`
	Files  int64   `json:"files"`
	Bytes  int64   `json:"bytes"`
	// Partitioned says the source is a partitioned table (the scan counts
	// the partitions it reads); PartitionFilters that the plan prunes them.
	Partitioned      bool   `json:"partitioned"`
	PartitionFilters bool   `json:"partition_filters"`
	PushedFilters    string `json:"pushed_filters,omitempty"`
}

// Exchange is one shuffle or broadcast exchange.
type Exchange struct {
	Node      int     `json:"node_id"`
	Broadcast bool    `json:"broadcast"`
	Stages    []int64 `json:"stage_ids"`
	Bytes     int64   `json:"bytes"`
	Rows      int64   `json:"rows"`
}

// AQE counts the adaptive changes visible in the final plan.
type AQE struct {
	SkewSplits       int64 `json:"skew_splits"`       // skewed partitions split (AQEShuffleRead)
	CoalescedReads   int   `json:"coalesced_reads"`   // shuffle reads whose partitions were coalesced
	StrategySwitches int   `json:"strategy_switches"` // joins whose strategy changed from the initial plan
}

// Summary is the compact operator summary of one query's final plan.
type Summary struct {
	Nodes     int        `json:"nodes"`
	Joins     []Join     `json:"joins,omitempty"`
	Exchanges []Exchange `json:"exchanges,omitempty"`
	Scans     []Scan     `json:"scans,omitempty"`
	AQE       AQE        `json:"aqe"`
}

// Summarize sums p up; vals is p.AllValues(a), stages p.StageIDs(a);
// initialJoins are the join kinds of the plan the execution started with
// (JoinKinds), for strategy switches.
func (p *Plan) Summarize(a *Accums, vals []Values, stages [][]int64, initialJoins map[string]int) Summary {
	s := Summary{Nodes: len(p.Nodes)}
	kids := p.Children()
	for i, n := range p.Nodes {
		v := vals[i]
		switch {
		case JoinKind(n.Name) != "":
			s.Joins = append(s.Joins, p.join(i, a, vals, kids, stages[i]))
		case IsExchange(n.Name):
			s.Exchanges = append(s.Exchanges, Exchange{Node: i, Broadcast: strings.Contains(n.Name, "Broadcast"),
				Stages: stages[i], Bytes: v.Bytes, Rows: v.Rows})
		case IsScan(n.Name):
			s.Scans = append(s.Scans, p.scan(i, v, stages[i]))
		case strings.Contains(n.Name, "ShuffleRead") || strings.Contains(n.Name, "CustomShuffleReader"):
			s.AQE.SkewSplits += v.SkewSplits
			if strings.Contains(n.Desc, "coalesced") {
				s.AQE.CoalescedReads++
			}
		}
	}
	s.AQE.StrategySwitches = switches(initialJoins, p.JoinKinds())
	return s
}

func (p *Plan) join(i int, a *Accums, vals []Values, kids [][]int, stages []int64) Join {
	j := Join{Node: i, Kind: JoinKind(p.Nodes[i].Name), Name: p.Nodes[i].Name, Stages: stages, Rows: vals[i].Rows}
	if k := kids[i]; len(k) > 0 {
		j.Left = p.side(k[0], a, vals, kids)
		if len(k) > 1 {
			j.Right = p.side(k[1], a, vals, kids)
		}
	}
	return j
}

// side measures a join input: walking down first children, the first
// operator that counts rows, and the first exchange's bytes.
func (p *Plan) side(i int, a *Accums, vals []Values, kids [][]int) Side {
	var s Side
	rowsSeen := false
	for depth := 0; i >= 0 && depth < 64; depth++ {
		v := vals[i]
		if !rowsSeen && p.HasMetric(i, "number of output rows") {
			s.Rows, rowsSeen = v.Rows, true
		}
		if IsExchange(p.Nodes[i].Name) || IsScan(p.Nodes[i].Name) {
			s.Bytes = v.Bytes
			if !rowsSeen {
				s.Rows = max(v.Rows, p.metricValue(i, a, "shuffle records written"))
			}
			break
		}
		if len(kids[i]) == 0 || JoinKind(p.Nodes[i].Name) != "" {
			break
		}
		i = kids[i][0]
	}
	return s
}

func (p *Plan) scan(i int, v Values, stages []int64) Scan {
	n := &p.Nodes[i]
	format, table := scanSource(n.Name)
	if n.Format != "" {
		format = n.Format
	}
	pf := strings.TrimSpace(n.PartitionFilters)
	return Scan{Node: i, Format: strings.ToLower(format), Table: table, Stages: stages,
		Files: v.Files, Bytes: v.Bytes, Partitioned: p.HasMetric(i, "number of partitions read"),
		PartitionFilters: pf != "" && pf != "[]", PushedFilters: n.PushedFilters}
}

// scanSource splits "Scan parquet db.table" into the format and the
// table, a path becoming "<path>".
func scanSource(name string) (format, table string) {
	f := strings.Fields(name)
	if len(f) >= 2 {
		format = f[1]
	}
	if len(f) >= 3 {
		table = f[2]
	}
	if strings.ContainsAny(table, "/:\\") {
		table = "<path>"
	}
	return format, table
}

// JoinKinds counts p's joins by kind.
func (p *Plan) JoinKinds() map[string]int {
	m := map[string]int{}
	for _, n := range p.Nodes {
		if k := JoinKind(n.Name); k != "" {
			m[k]++
		}
	}
	return m
}

// switches counts the joins of kinds the final plan has fewer of than the
// initial one (AQE turned them into another strategy).
func switches(initial, final map[string]int) int {
	n := 0
	for k, c := range initial {
		n += max(0, c-final[k])
	}
	return n
}
