package plan

import "strings"

// Values are an operator's measured numbers, from the final values of its
// metrics' accumulators (0 where it reports none).
type Values struct {
	Rows       int64 // number of output rows
	Bytes      int64 // data size, size of files read or written output
	TimeMS     int64 // the sum of its timing metrics (nsTiming in ms)
	SpillBytes int64
	PeakMemory int64
	Files      int64 // number of files read
	Partitions int64 // number of partitions read
	SkewSplits int64 // number of skewed splits (AQE)
}

// byteMetrics are the metrics Values.Bytes takes, the first found.
var byteMetrics = []string{"data size", "size of files read", "written output", "shuffle bytes written"}

// AllValues reads every node's numbers from a, by node id.
func (p *Plan) AllValues(a *Accums) []Values {
	out := make([]Values, len(p.Nodes))
	for i := range p.Nodes {
		out[i] = p.Values(i, a)
	}
	return out
}

// Values reads node i's numbers from a.
func (p *Plan) Values(i int, a *Accums) Values {
	var v Values
	bytesRank := len(byteMetrics)
	for _, m := range p.Nodes[i].Metrics {
		x, ok := a.Value(m.AccumID)
		if !ok {
			continue
		}
		name := strings.ToLower(m.Name)
		switch {
		case name == "number of output rows" || name == "num output rows":
			v.Rows += x
		case name == "number of files read" || name == "num files read":
			v.Files += x
		case name == "number of partitions read":
			v.Partitions += x
		case name == "number of skewed splits":
			v.SkewSplits += x
		case strings.Contains(name, "spill size"):
			v.SpillBytes += x
		case strings.Contains(name, "peak memory"):
			v.PeakMemory = max(v.PeakMemory, x)
		case m.Type == "timing":
			v.TimeMS += x
		case m.Type == "nsTiming":
			v.TimeMS += x / 1e6
		}
		for r, bm := range byteMetrics[:bytesRank] {
			if name == bm {
				v.Bytes, bytesRank = x, r
				break
			}
		}
	}
	return v
}

// HasMetric reports whether node i has a metric of that name.
func (p *Plan) HasMetric(i int, name string) bool {
	for _, m := range p.Nodes[i].Metrics {
		if m.Name == name {
			return true
		}
	}
	return false
}

// metricValue is the value of node i's metric of that name (0 if none).
func (p *Plan) metricValue(i int, a *Accums, name string) int64 {
	for _, m := range p.Nodes[i].Metrics {
		if m.Name == name {
			v, _ := a.Value(m.AccumID)
			return v
		}
	}
	return 0
}
