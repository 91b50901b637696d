package main

import (
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// idKind names what a member's number identifies.
type idKind int

const (
	none idKind = iota
	stageID
	jobID
	taskID
	execID
	accumID
	timeMS
)

// kindOf is the kind of a member's value by its key.
func kindOf(key string) idKind {
	switch key {
	case "Stage ID", "Stage IDs", "Parent IDs":
		return stageID
	case "Job ID":
		return jobID
	case "Task ID":
		return taskID
	case "executionId", "rootExecutionId", "spark.sql.execution.id", "spark.sql.execution.root.id":
		return execID
	case "ID", "accumulatorId":
		return accumID
	case "Submission Time", "Completion Time", "Launch Time", "Finish Time", "Getting Result Time", "time", "Timestamp":
		return timeMS
	}
	return none
}

// spans are the largest id of each kind and the log's time span.
type spans struct {
	max            [timeMS]int64
	minTime, maxTm int64
	parser         fastjson.Parser
}

func (s *spans) observe(line []byte) error {
	v, err := s.parser.ParseBytes(line)
	if err != nil {
		return err
	}
	walk(v, none, func(k idKind, x *fastjson.Value) {
		n, ok := number(x)
		if !ok {
			return
		}
		if k == timeMS {
			if n > 0 && (s.minTime == 0 || n < s.minTime) {
				s.minTime = n
			}
			s.maxTm = max(s.maxTm, n)
			return
		}
		s.max[k] = max(s.max[k], n)
	})
	return nil
}

// offset is what copy k adds to a value of kind k.
func (s *spans) offset(kind idKind, k int64) int64 {
	if kind == timeMS {
		return k * (s.maxTm - s.minTime + 1000)
	}
	return k * (s.max[kind] + 1)
}

// walk calls fn for every number (or numeric string) under a key of a
// known kind, arrays taking their key's kind; accumUpdates pairs shift
// their first element as an accumulator id.
func walk(v *fastjson.Value, kind idKind, fn func(idKind, *fastjson.Value)) {
	switch v.Type() {
	case fastjson.TypeObject:
		v.GetObject().Visit(func(key []byte, x *fastjson.Value) {
			k := kindOf(string(key))
			if string(key) == "accumUpdates" {
				for _, pair := range x.GetArray() {
					if a := pair.GetArray(); len(a) == 2 {
						fn(accumID, a[0])
					}
				}
				return
			}
			walk(x, k, fn)
		})
	case fastjson.TypeArray:
		for _, x := range v.GetArray() {
			walk(x, kind, fn)
		}
	case fastjson.TypeNumber, fastjson.TypeString:
		if kind != none {
			fn(kind, v)
		}
	}
}

func number(x *fastjson.Value) (int64, bool) {
	if x.Type() == fastjson.TypeString {
		n, err := strconv.ParseInt(string(x.GetStringBytes()), 10, 64)
		return n, err == nil
	}
	n, err := x.Int64()
	return n, err == nil
}

// onceFirst are written only with the first copy; onceLast only with the last.
var (
	onceFirst = map[string]bool{"SparkListenerLogStart": true, "DBCEventLoggingListenerMetadata": true,
		"SparkListenerResourceProfileAdded": true, "SparkListenerEnvironmentUpdate": true,
		"SparkListenerApplicationStart": true, "SparkListenerExecutorAdded": true, "SparkListenerBlockManagerAdded": true}
	onceLast = map[string]bool{"SparkListenerApplicationEnd": true, "SparkListenerExecutorRemoved": true,
		"SparkListenerBlockManagerRemoved": true}
)

// rewriter writes one copy of the log.
type rewriter struct {
	span        spans
	k           int64
	first, last bool
	planBytes   int
	parser      fastjson.Parser
	arena       fastjson.Arena
	buf         []byte
}

// line returns the line as copy k writes it, and whether it is written.
func (r *rewriter) line(line []byte) ([]byte, bool, error) {
	v, err := r.parser.ParseBytes(line)
	if err != nil {
		return nil, false, err
	}
	ev := string(v.GetStringBytes("Event"))
	if onceFirst[ev] && !r.first || onceLast[ev] && !r.last {
		return nil, false, nil
	}
	r.arena.Reset()
	shift := func(kind idKind, x *fastjson.Value) {
		n, ok := number(x)
		if !ok || kind == timeMS && n <= 0 {
			return
		}
		n += r.span.offset(kind, r.k)
		if x.Type() == fastjson.TypeString {
			*x = *r.arena.NewString(strconv.FormatInt(n, 10))
		} else {
			*x = *r.arena.NewNumberInt(int(n))
		}
	}
	if !onceFirst[ev] {
		walk(v, none, shift)
	}
	if r.planBytes > 0 && strings.HasSuffix(ev, "SQLExecutionStart") || r.planBytes > 0 && strings.HasSuffix(ev, "SQLAdaptiveExecutionUpdate") {
		r.pad(v)
	}
	r.buf = v.MarshalTo(r.buf[:0])
	return r.buf, true, nil
}

// pad grows the plan description and the nodes' simpleStrings so the
// line carries about planBytes of each.
func (r *rewriter) pad(v *fastjson.Value) {
	if d := v.Get("physicalPlanDescription"); d != nil {
		s := string(d.GetStringBytes())
		v.Set("physicalPlanDescription", r.arena.NewString(s+filler(r.planBytes-len(s))))
	}
	var nodes []*fastjson.Value
	var collect func(n *fastjson.Value)
	collect = func(n *fastjson.Value) {
		nodes = append(nodes, n)
		for _, c := range n.GetArray("children") {
			collect(c)
		}
	}
	if p := v.Get("sparkPlanInfo"); p != nil {
		collect(p)
	}
	for _, n := range nodes {
		s := string(n.GetStringBytes("simpleString"))
		n.Set("simpleString", r.arena.NewString(s+filler(r.planBytes/len(nodes)-len(s))))
	}
}

// filler is n bytes of plan-like text (a column list).
func filler(n int) string {
	if n <= 0 {
		return ""
	}
	const unit = ", attr_padding#123L"
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}
