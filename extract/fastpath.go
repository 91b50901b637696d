package extract

import "bytes"

// The fast path
//
// Nine in ten bytes of a Spark log are TaskEnd lines, and the model needs
// about forty numbers of their ~5 KB (most of it the Accumulables array).
// Line first looks at the line's prefix, `{"Event":"<name>"`, which Spark
// always writes first (eventlog-format.md §3.1). TaskStart and TaskEnd lines
// are decoded by a hand-written scanner that reads only the keys the model
// uses and checks the full JSON grammar of everything else it skips
// (jsonscan.go); events the model ignores are only validated; SQL
// execution starts and adaptive plan updates are read with their plan
// trees streamed node by node (fastsql.go, fastplan.go); job and stage
// events and EnvironmentUpdate by their own decoders (fastjob.go,
// fastenv.go).
// Anything the scanner does not expect — an escape in a key or in a string
// it needs, a number that is not a plain integer, an unexpected type, a
// duplicate key, deep nesting, a syntax error — sends the line to the
// fastjson path, which is the reference: its results are what the fast
// path must equal (TestFastPathDifferential, TestFastAdaptiveDifferential,
// TestFastJobLines, FuzzFastPath), and it alone decides that a line is malformed and how to
// word the warning.

var eventPrefix = []byte(`{"Event":"`)

// fastLine handles line on the fast path and reports whether it did; false
// means the line goes to the fastjson path, with nothing changed.
func (b *Builder) fastLine(line []byte) bool {
	if !bytes.HasPrefix(line, eventPrefix) {
		return false
	}
	i := len(eventPrefix)
	j := bytes.IndexByte(line[i:], '"')
	if j < 0 {
		return false
	}
	name, rest := line[i:i+j], i+j+1
	if bytes.IndexByte(name, '\\') >= 0 {
		return false
	}
	switch string(name) {
	case "SparkListenerTaskEnd":
		return b.fastTaskEnd(line, rest)
	case "SparkListenerTaskStart":
		return b.fastTaskStart(line, rest)
	case sqlPrefix + "SparkListenerSQLAdaptiveExecutionUpdate":
		return b.fastAdaptive(line, rest)
	case sqlPrefix + "SparkListenerSQLExecutionStart":
		return b.fastSQLStart(line, rest)
	case "SparkListenerJobStart":
		return b.fastJobStart(line, rest)
	case "SparkListenerStageSubmitted":
		return b.fastStageSubmitted(line, rest)
	case "SparkListenerStageCompleted":
		return b.fastStageCompleted(line, rest)
	case "SparkListenerEnvironmentUpdate":
		return b.fastEnvironmentUpdate(line, rest)
	}
	if knownIgnored[string(name)] {
		return validObjectTail(line, rest)
	}
	return false
}

// validObjectTail checks that line, read up to i, is a whole valid object:
// the rest of the top-level object's members and nothing after it.
func validObjectTail(line []byte, i int) bool {
	it := objIter{b: line, i: i}
	for it.next() {
		it.i = skipValue(line, it.i, 1)
	}
	return atEnd(line, it.end())
}

// atEnd reports whether only whitespace follows i.
func atEnd(line []byte, i int) bool {
	return i >= 0 && skipWS(line, i) == len(line)
}

func (b *Builder) fastTaskEnd(line []byte, i int) bool {
	e := &b.scratch
	e.reset()
	if !scanTaskEnd(line, i, e) {
		return false
	}
	b.taskEnd(e)
	return true
}

func (b *Builder) fastTaskStart(line []byte, i int) bool {
	var s taskStartEvent
	if !scanTaskStart(line, i, &s) {
		return false
	}
	b.taskStart(&s)
	return true
}

// fields is a set of member names already read, to send duplicates to the
// fastjson path (which takes the first of duplicate keys).
type fields uint64

// has reports whether every field fs was read.
func (s fields) has(fs ...int) bool {
	for _, f := range fs {
		if s&(fields(1)<<uint(f)) == 0 {
			return false
		}
	}
	return true
}

// add marks field f read and reports whether it was new.
func (s *fields) add(f int) bool {
	bit := fields(1) << uint(f)
	if *s&bit != 0 {
		return false
	}
	*s |= bit
	return true
}
