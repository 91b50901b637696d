package extract

import (
	"bytes"
	"strconv"
)

// The fast path of job and stage events
//
// A JobStart repeats the Stage Info of every stage of the job (with its RDD
// Info) and the job's Properties (every spark.* setting the driver passes
// down: 13 KB a job on the shared Photon NDS log); StageSubmitted and
// StageCompleted carry one Stage Info each, the latter with the stage's
// accumulables, whose SQL metric values the query mapping reads. The
// decoders below read exactly what the fastjson path's handlers read
// (jobStartFromJSON, stageInfoEventFromJSON, propsFromJSON, stageAccums)
// into the same event structs and check the grammar of everything else.
// A member of an unexpected type (a number that is not a plain integer, a
// string where a number is read, a Stage Info that is not an object), a
// duplicate or escaped key in an object whose members are looked up, or an
// escape in an accumulable's name or value sends the line to the fastjson
// path unchanged; a value fastjson's getters read as absent (null, or a
// Properties member that is not a string) is read as absent.

// Members of job and stage events the model reads.
const (
	jbJobID = iota + 1
	jbSubmission
	jbStageInfos
	jbStageIDs
	jbProps
	jbStageInfo
	jbEvent
)

func jobMember(key []byte) int {
	switch string(key) {
	case "Job ID":
		return jbJobID
	case "Submission Time":
		return jbSubmission
	case "Stage Infos":
		return jbStageInfos
	case "Stage IDs":
		return jbStageIDs
	case "Properties":
		return jbProps
	case "Stage Info":
		return jbStageInfo
	case "Event":
		return jbEvent
	}
	return 0
}

// Members of a Stage Info the model reads.
const (
	siStageID = iota + 1
	siAttempt
	siName
	siTasks
	siParents
	siDetails
	siSubmission
	siCompletion
	siFailure
	siAccumulables
	siRDDInfo
)

func stageInfoMember(key []byte) int {
	switch string(key) {
	case "Stage ID":
		return siStageID
	case "Stage Attempt ID":
		return siAttempt
	case "Stage Name":
		return siName
	case "Number of Tasks":
		return siTasks
	case "Parent IDs":
		return siParents
	case "Details":
		return siDetails
	case "Submission Time":
		return siSubmission
	case "Completion Time":
		return siCompletion
	case "Failure Reason":
		return siFailure
	case "Accumulables":
		return siAccumulables
	case "RDD Info":
		return siRDDInfo
	}
	return 0
}

// The members in the order Spark writes them (JsonProtocol).
var (
	jobStartOrder       = newOrder(jobMember, "Event", "Job ID", "Submission Time", "Stage Infos", "Stage IDs", "Properties")
	stageSubmittedOrder = newOrder(jobMember, "Event", "Stage Info", "Properties")
	stageCompletedOrder = newOrder(jobMember, "Event", "Stage Info")
	stageInfoOrder      = newOrder(stageInfoMember, "Stage ID", "Stage Attempt ID", "Stage Name",
		"Number of Tasks", "RDD Info", "Parent IDs", "Details", "Submission Time", "Completion Time",
		"Failure Reason", "Accumulables", "Resource Profile Id", "Shuffle Push Enabled",
		"Shuffle Push Mergers Count")
)

// stageAccum is a SQL metric value among a completed stage's accumulables.
type stageAccum struct{ id, value int64 }

// stageCompletedEvent is what the fast path reads of a StageCompleted.
type stageCompletedEvent struct {
	info   stageInfoEvent
	accums []stageAccum
}

func (b *Builder) fastJobStart(line []byte, i int) bool {
	var e jobStartEvent
	if !b.scanJobStart(line, i, &e) {
		return false
	}
	b.jobStart(&e)
	return true
}

func (b *Builder) fastStageSubmitted(line []byte, i int) bool {
	var e stageSubmittedEvent
	if !b.scanStageSubmitted(line, i, &e) {
		return false
	}
	b.stageSubmitted(&e)
	return true
}

func (b *Builder) fastStageCompleted(line []byte, i int) bool {
	var e stageCompletedEvent
	if !b.scanStageCompleted(line, i, &e) {
		return false
	}
	k, info := e.info.key, e.info.info
	b.touch(info.completion)
	for _, a := range e.accums {
		b.accums.Stage(a.id, k.id, a.value)
	}
	b.stageCompleted(k, info)
	return true
}

// scanJobStart reads the members of a JobStart after "Event" into e.
func (b *Builder) scanJobStart(line []byte, i int, e *jobStartEvent) bool {
	return scanEvent(line, i, jobStartOrder, func(l []byte, i, m int) int { return b.jobStartValue(l, i, m, e) },
		jbJobID)
}

func (b *Builder) jobStartValue(l []byte, i, m int, e *jobStartEvent) int {
	switch m {
	case jbJobID:
		e.id, i = readInt(l, i)
	case jbSubmission:
		e.submission, i = readOptInt(l, i)
		if e.submission != nil && *e.submission < 0 {
			e.submission = nil // optTime
		}
	case jbStageInfos:
		i = b.scanStageInfos(l, i, e)
	case jbStageIDs:
		e.stageIDs, i = readInts(l, i)
	case jbProps:
		i = b.scanProps(l, i, &e.props)
	default:
		i = skipValue(l, i, 1)
	}
	return i
}

// scanStageSubmitted reads the members of a StageSubmitted after "Event".
func (b *Builder) scanStageSubmitted(line []byte, i int, e *stageSubmittedEvent) bool {
	return scanEvent(line, i, stageSubmittedOrder, func(l []byte, i, m int) int {
		switch m {
		case jbStageInfo:
			return b.scanStageInfo(l, i, &e.info, nil)
		case jbProps:
			return b.scanProps(l, i, &e.props)
		}
		return skipValue(l, i, 1)
	}, jbStageInfo)
}

// scanStageCompleted reads the members of a StageCompleted after "Event".
func (b *Builder) scanStageCompleted(line []byte, i int, e *stageCompletedEvent) bool {
	return scanEvent(line, i, stageCompletedOrder, func(l []byte, i, m int) int {
		if m == jbStageInfo {
			return b.scanStageInfo(l, i, &e.info, &e.accums)
		}
		return skipValue(l, i, 1)
	}, jbStageInfo)
}

// scanStageInfos reads a JobStart's array of Stage Infos.
func (b *Builder) scanStageInfos(l []byte, i int, e *jobStartEvent) int {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return j // GetArray: none
	}
	return scanArray(l, i, func(i int) int {
		e.infos = append(e.infos, stageInfoEvent{})
		return b.scanStageInfo(l, i, &e.infos[len(e.infos)-1], nil)
	})
}

// scanStageInfo reads a Stage Info object into si and, when accums is not
// nil, the SQL metric values among its accumulables.
func (b *Builder) scanStageInfo(l []byte, i int, si *stageInfoEvent, accums *[]stageAccum) int {
	it := objIter{}
	it.init(l, openObject(l, i))
	it.ord = stageInfoOrder
	var seen fields
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && !seen.add(it.m) {
			return -1
		}
		it.i = b.stageInfoValue(l, it.i, it.m, si, accums)
	}
	return it.end()
}

func (b *Builder) stageInfoValue(l []byte, i, m int, si *stageInfoEvent, accums *[]stageAccum) int {
	switch m {
	case siStageID:
		si.key.id, i = readInt(l, i)
	case siAttempt:
		si.key.attempt, i = readInt(l, i)
	case siTasks:
		si.info.numTasks, i = readInt(l, i)
	case siName:
		si.info.name, i = b.readText(l, i)
	case siFailure:
		si.info.failureReason, i = b.readText(l, i)
	case siSubmission:
		si.info.submission, i = readOptInt(l, i)
	case siCompletion:
		si.info.completion, i = readOptInt(l, i)
	case siParents:
		si.parents, i = readInts(l, i)
	case siDetails:
		i = b.scanDetails(l, i, si)
	case siRDDInfo:
		i = b.skipRDDInfo(l, i)
	case siAccumulables:
		if accums != nil {
			return scanStageAccums(l, i, accums)
		}
		i = skipValue(l, i, 2)
	default:
		i = skipValue(l, i, 2)
	}
	return i
}

// scanProps reads a job's Properties: the strings the model reads, every
// other member checked. A Properties that is not an object reads as one
// without members, as fastjson's getters read it.
func (b *Builder) scanProps(l []byte, i int, p *jobProps) int {
	if i >= len(l) || l[i] != '{' {
		p.present = true
		return skipValue(l, i, 1)
	}
	if j, r := b.jobMemo.props.match(l, i); j > 0 {
		*p = *r
		return j
	}
	j := b.scanPropsObject(l, i, p)
	if j > 0 {
		b.jobMemo.props.add(l, i, j, memoSize, func([]byte) jobProps { return *p })
	}
	return j
}

// scanPropsObject reads the Properties object at i.
func (b *Builder) scanPropsObject(l []byte, i int, p *jobProps) int {
	p.present = true
	it := objIter{}
	it.init(l, i+1)
	var seen fields
	for it.next() {
		m := propMember(it.key)
		if it.keyEsc || m != 0 && !seen.add(m) {
			return -1
		}
		if m == 0 || it.i >= len(l) || l[it.i] != '"' {
			it.i = skipValue(l, it.i, 2) // not read, or not a string: absent
			continue
		}
		var s []byte
		s, it.i = b.readBytes(l, it.i)
		switch m {
		case 1:
			p.desc = string(s)
		case 2:
			p.callSite = string(s)
		case 3:
			p.tags = string(s)
		case 4:
			p.sqlExec, p.hasSQLKey = sqlExecutionID(s)
		}
	}
	return it.end()
}

// scanDetails reads a Stage Info's Details.
func (b *Builder) scanDetails(l []byte, i int, si *stageInfoEvent) int {
	m := &b.jobMemo.details
	if j, t := m.match(l, i); j > 0 {
		si.details = *t
		return j
	}
	j := 0
	si.details, j = readLazyText(l, i)
	if j > 0 {
		m.add(l, i, j, memoSize, func(c []byte) text { t, _ := readLazyText(c, 0); return t })
	}
	return j
}

// skipRDDInfo checks a Stage Info's RDD Info.
func (b *Builder) skipRDDInfo(l []byte, i int) int {
	m := &b.jobMemo.rddInfo
	if j, _ := m.match(l, i); j > 0 {
		return j
	}
	j := skipValue(l, i, 2)
	if j > 0 {
		m.add(l, i, j, memoRDDInfo, func([]byte) struct{} { return struct{}{} })
	}
	return j
}

func propMember(key []byte) int {
	switch string(key) {
	case "spark.job.description":
		return 1
	case "callSite.short":
		return 2
	case "spark.job.tags":
		return 3
	case "spark.sql.execution.id":
		return 4
	}
	return 0
}

// scanStageAccums reads a completed stage's Accumulables as stageAccums
// does: the elements named (not "internal.") with a numeric ID and an
// integer value, or a string of one.
func scanStageAccums(l []byte, i int, out *[]stageAccum) int {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return j
	}
	return scanArray(l, i, func(i int) int {
		if i >= len(l) || l[i] != '{' {
			return skipValue(l, i, 3) // GetStringBytes("Name") of a non-object: nil
		}
		return scanStageAccum(l, i+1, out)
	})
}

// Members of an accumulable.
const (
	acID = iota + 1
	acName
	acValue
)

var accumOrder = newOrder(func(k []byte) int {
	switch string(k) {
	case "ID":
		return acID
	case "Name":
		return acName
	case "Value":
		return acValue
	}
	return 0
}, "ID", "Name", "Value", "Internal", "Count Failed Values", "Metadata")

// accumRead is what scanStageAccum reads of one accumulable.
type accumRead struct {
	name        []byte // nil: absent or not a string
	id, value   int64
	idOK, valOK bool // a number (an integer one); valOK also a string of one
	unsure      bool // a value read differently by fastjson and here: the line falls back if it counts
}

// scanStageAccum reads the accumulable object whose '{' is at i-1.
func scanStageAccum(l []byte, i int, out *[]stageAccum) int {
	it := objIter{}
	it.init(l, i)
	it.ord = accumOrder
	var seen fields
	var a accumRead
	for it.predict() || it.next() {
		if it.keyEsc || it.m != 0 && !seen.add(it.m) {
			return -1
		}
		it.i = a.member(l, it.i, it.m)
	}
	if len(a.name) == 0 || bytes.HasPrefix(a.name, []byte("internal.")) || !a.idOK && !a.unsure {
		return it.end()
	}
	if a.unsure {
		return -1
	}
	if a.valOK {
		*out = append(*out, stageAccum{a.id, a.value})
	}
	return it.end()
}

// member reads accumulable member m at i.
func (a *accumRead) member(l []byte, i, m int) int {
	if m == 0 || i >= len(l) {
		return skipValue(l, i, 4)
	}
	c := l[i]
	isNum := c == '-' || c >= '0' && c <= '9'
	switch {
	case m == acName && c == '"':
		j, esc := scanString(l, i+1)
		if j > 0 {
			a.name, a.unsure = l[i+1:j-1], a.unsure || esc
		}
		return j
	case m == acID && isNum:
		return a.number(l, i, &a.id, &a.idOK)
	case m == acValue && isNum:
		return a.number(l, i, &a.value, &a.valOK)
	case m == acValue && c == '"':
		j, esc := scanString(l, i+1)
		if j > 0 {
			a.unsure = a.unsure || esc
			a.value, a.valOK = parseIntString(l[i+1 : j-1])
		}
		return j
	}
	return skipValue(l, i, 4) // a type fastjson's getters skip
}

// number reads a number into *n, setting *ok when it is a plain integer
// and a.unsure when it is any other (fastjson's best-effort reading).
func (a *accumRead) number(l []byte, i int, n *int64, ok *bool) int {
	if v, j, plain := scanInt(l, i); plain {
		*n, *ok = v, true
		return j
	}
	a.unsure = true
	return skipNumber(l, i)
}

// parseIntString is strconv.ParseInt(string(s), 10, 64), without the
// allocation for the common short integer.
func parseIntString(s []byte) (int64, bool) {
	if len(s) > 0 && len(s) <= 18 {
		var n int64
		digits := s
		if s[0] == '-' {
			digits = s[1:]
		}
		for _, c := range digits {
			if c < '0' || c > '9' {
				goto slow
			}
			n = n*10 + int64(c-'0')
		}
		if len(digits) > 0 {
			if s[0] == '-' {
				n = -n
			}
			return n, true
		}
	}
slow:
	n, err := strconv.ParseInt(string(s), 10, 64)
	return n, err == nil
}

// scanArray checks the array at i, handing each element's index to elem,
// which returns the index past it (or -1).
func scanArray(l []byte, i int, elem func(i int) int) int {
	if i >= len(l) || l[i] != '[' {
		return -1
	}
	if i = ws(l, i+1); i < len(l) && l[i] == ']' {
		return i + 1
	}
	for {
		if i = elem(i); i < 0 {
			return -1
		}
		if i = ws(l, i); i >= len(l) {
			return -1
		}
		switch l[i] {
		case ',':
			i = ws(l, i+1)
		case ']':
			return i + 1
		default:
			return -1
		}
	}
}

// readInts reads an array of plain integers (null: none).
func readInts(l []byte, i int) ([]int64, int) {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return nil, j
	}
	var out []int64
	i = scanArray(l, i, func(i int) int {
		n, j := readInt(l, i)
		out = append(out, n)
		return j
	})
	return out, i
}

// readOptInt reads a plain integer, or null (nil), as optInt64 does.
func readOptInt(l []byte, i int) (*int64, int) {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return nil, j
	}
	n, j := readInt(l, i)
	return &n, j
}

// readBytes reads a string at i, unescaped as fastjson unescapes it (valid
// until the next unquote).
func (b *Builder) readBytes(l []byte, i int) ([]byte, int) {
	if i >= len(l) || l[i] != '"' {
		return nil, -1
	}
	j, esc := scanString(l, i+1)
	if j < 0 {
		return nil, -1
	}
	return b.unquote(l[i:j], esc), j
}

// readText reads a string, or null (""), as str does.
func (b *Builder) readText(l []byte, i int) (string, int) {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return "", j
	}
	s, j := b.readBytes(l, i)
	return string(s), j
}

// readLazyText reads a string, or null (nil), leaving an escaped one to be
// unescaped when used.
func readLazyText(l []byte, i int) (text, int) {
	if j := skipLiteral(l, i, "null"); j > 0 {
		return text{}, j
	}
	if i >= len(l) || l[i] != '"' {
		return text{}, -1
	}
	j, esc := scanString(l, i+1)
	if j < 0 {
		return text{}, -1
	}
	if esc {
		return text{s: l[i:j], tok: true}, j
	}
	return text{s: l[i+1 : j-1]}, j
}

// A JobStart and the StageSubmitted of its stages repeat the job's
// Properties, and the StageSubmitted and StageCompleted of a stage the RDD
// Info and Details of its Stage Info in the JobStart (on the shared Photon
// NDS log, 2.7 of its 2.9 MB of Properties, 1.2 of 1.5 MB of RDD Info: a
// JobStart lists up to 26 stages, most never run). jobMemo keeps the last
// few distinct ones with what the decoder read of them, so a repeat costs
// a comparison of bytes.
type jobMemo struct {
	props   valueMemo[jobProps]
	rddInfo valueMemo[struct{}]
	details valueMemo[text]
}

// valueMemo holds the last few distinct values of one member, each a
// checked JSON object, array or string — values that end themselves, so
// bytes equal to one at a position are that value — with what was read of
// it. Values under memoMinBytes are not kept (comparing costs about what
// checking does), nor those over memoMaxBytes (to bound the memory).
type valueMemo[T any] struct {
	raw  [][]byte
	read []T
	next int
}

const (
	memoMinBytes = 64
	memoMaxBytes = 32 << 10
	memoSize     = 8  // values kept of Properties and Details
	memoRDDInfo  = 32 // of RDD Info: a mismatch usually costs a few bytes, the RDD ID's
)

// match returns the index past a remembered value at i and what was read
// of it, or -1.
func (m *valueMemo[T]) match(l []byte, i int) (int, *T) {
	for k, r := range m.raw {
		if len(l)-i >= len(r) && string(l[i:i+len(r)]) == string(r) {
			return i + len(r), &m.read[k]
		}
	}
	return -1, nil
}

// add remembers the value l[i:j] (checked, j > i), with what read returns
// for a copy of it, replacing the oldest one when size are kept.
func (m *valueMemo[T]) add(l []byte, i, j, size int, read func(c []byte) T) {
	if j-i < memoMinBytes || j-i > memoMaxBytes {
		return
	}
	c := bytes.Clone(l[i:j])
	if len(m.raw) < size {
		m.raw, m.read = append(m.raw, c), append(m.read, read(c))
		return
	}
	m.raw[m.next], m.read[m.next] = c, read(c)
	m.next = (m.next + 1) % len(m.raw)
}
