package logfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// Object is one listed object. A store.ObjectInfo converts to it directly:
// logfile.Object(info).
type Object struct {
	Key     string // '/'-separated, relative to the listing root
	Size    int64  // bytes as stored (compressed)
	ModTime time.Time
	ETag    string // "" where the store has none
}

// Layout is how a log is laid out in the store.
type Layout string

const (
	LayoutSingle  Layout = "single"  // one file
	LayoutRolling Layout = "rolling" // eventlog_v2_* folder, or a Databricks eventlog folder
	LayoutLegacy  Layout = "legacy"  // Spark 1.2 folder with EVENT_LOG_<n>
)

// Part is one file of a log, read in turn.
type Part struct {
	Object
	// Index orders the parts: n of events_<n>_* and EVENT_LOG_<n>, the
	// 1-based position of a Databricks part, 0 for a single file.
	Index int64
}

// Log is one application attempt's event log.
type Log struct {
	Key       string // the file's key, or the folder's (no trailing '/') for rolling and legacy logs
	AppID     string // from the name; a placeholder for names not in Spark's pattern (see the package doc)
	AttemptID string // "" when the name has none
	Layout    Layout
	// Codec is what the name says: a single file's suffix, the first
	// part's for rolling logs (as the History Server does), a legacy
	// folder's COMPRESSION_CODEC_ marker. The reader decodes each part by
	// its own name and first bytes.
	Codec      codec.Codec
	InProgress bool   // Spark's name rule only; see the package doc
	Parts      []Part // in read order; for rolling logs everything before the last .compact is dropped
	// Extra holds the log's objects that are not read: appstatus_*,
	// APPLICATION_COMPLETE, SPARK_VERSION_*, COMPRESSION_CODEC_* markers and
	// parts superseded by a later .compact.
	Extra   []Object
	Size    int64     // Σ part sizes
	ModTime time.Time // the newest part's ModTime (the History Server's lastUpdated)
	// Fingerprint is a digest of the keys, sizes and ETags (mtimes where
	// a store has no ETag) of all the log's objects, markers included: it
	// changes when the log grew, changed or was completed.
	Fingerprint string
}

// Problem is something in a listing that is not, or not quite, a log.
type Problem struct {
	Key    string // the object's or the folder's key
	Reason string
}

func (p Problem) String() string { return p.Key + ": " + p.Reason }

// Discover groups a listing into logs without opening anything. Logs come
// sorted by Key, problems by Key then Reason. A log with a warning (such as
// a gap in rolling indices) is returned and also has a Problem; objects
// that are not logs only have one. Hidden objects (an element starting
// with '.') and folder markers (keys ending in '/') are skipped silently.
// Each object lands in at most one log.
func Discover(objs []Object) (logs []Log, problems []Problem) {
	d := &discovery{groups: map[groupKey][]Object{}}
	for _, o := range dedupe(objs, &d.problems) {
		d.add(o)
	}
	for _, k := range d.order {
		d.build(k, d.groups[k])
	}
	slices.SortStableFunc(d.logs, func(a, b Log) int {
		return cmpStrings(a.Key, b.Key, string(a.Layout), string(b.Layout))
	})
	slices.SortStableFunc(d.problems, func(a, b Problem) int {
		return cmpStrings(a.Key, b.Key, a.Reason, b.Reason)
	})
	return d.logs, d.problems
}

func cmpStrings(a1, b1, a2, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// dedupe returns the listing sorted by key without hidden objects, folder
// markers and repeated keys.
func dedupe(objs []Object, problems *[]Problem) []Object {
	out := make([]Object, 0, len(objs))
	for _, o := range objs {
		switch {
		case o.Key == "":
			*problems = append(*problems, Problem{"", "empty key"})
		case strings.HasSuffix(o.Key, "/"), hidden(o.Key):
		default:
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Object) int { return strings.Compare(a.Key, b.Key) })
	return slices.CompactFunc(out, func(a, b Object) bool {
		if a.Key == b.Key {
			*problems = append(*problems, Problem{a.Key, "listed more than once; the first is used"})
			return true
		}
		return false
	})
}

type groupKey struct {
	key    string // the log's key
	layout Layout
	db     bool // Databricks-style rolling folder
}

type discovery struct {
	groups   map[groupKey][]Object
	order    []groupKey
	logs     []Log
	problems []Problem
}

// add puts an object into the group of the log it belongs to.
func (d *discovery) add(o Object) {
	dir, base := splitKey(o.Key)
	_, parent := splitKey(dir)
	var g groupKey
	switch {
	case dir != "" && strings.HasPrefix(parent, prefixRollingDir):
		g = groupKey{key: dir, layout: LayoutRolling}
	case dir != "" && isLegacyName(base):
		g = groupKey{key: dir, layout: LayoutLegacy}
	case dir != "" && (base == dbLive || dbPart.MatchString(base)):
		g = groupKey{key: dir, layout: LayoutRolling, db: true}
	case strings.HasPrefix(base, prefixEvents) || strings.HasPrefix(base, prefixAppStatus):
		d.problem(o.Key, "rolling log file outside an "+prefixRollingDir+"* folder")
		return
	default:
		g = groupKey{key: o.Key, layout: LayoutSingle}
	}
	if _, ok := d.groups[g]; !ok {
		d.order = append(d.order, g)
	}
	d.groups[g] = append(d.groups[g], o)
}

func (d *discovery) problem(key, format string, args ...any) {
	d.problems = append(d.problems, Problem{key, fmt.Sprintf(format, args...)})
}

// build turns one group into a log, or into problems.
func (d *discovery) build(g groupKey, objs []Object) {
	var l Log
	var ok bool
	switch {
	case g.layout == LayoutSingle:
		l, ok = d.single(objs[0])
	case g.layout == LayoutLegacy:
		l, ok = d.legacy(g.key, objs)
	case g.db:
		l, ok = d.databricks(g.key, objs)
	default:
		l, ok = d.rolling(g.key, objs)
	}
	if ok {
		d.logs = append(d.logs, finish(l))
	}
}

// finish fills in the fields computed from the parts.
func finish(l Log) Log {
	h := sha256.New()
	fmt.Fprintf(h, "sparkmine logfile v1 %s\n", l.Layout)
	for _, p := range l.Parts {
		l.Size += p.Size
		if p.ModTime.After(l.ModTime) {
			l.ModTime = p.ModTime
		}
		writeObject(h, "part", p.Object)
	}
	for _, o := range l.Extra {
		writeObject(h, "extra", o)
	}
	l.Fingerprint = hex.EncodeToString(h.Sum(nil)[:16])
	return l
}

// writeObject hashes an object's identity: length-prefixed fields, so no
// two different objects write the same bytes.
func writeObject(h hash.Hash, kind string, o Object) {
	version := o.ETag
	if version == "" {
		version = "mtime:" + strconv.FormatInt(o.ModTime.UnixNano(), 10)
	}
	b := make([]byte, 0, 64+len(o.Key)+len(version))
	for _, f := range []string{kind, o.Key, strconv.FormatInt(o.Size, 10), version} {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
	}
	h.Write(append(b, '\n'))
}

// Named finds the logs of a listing made for a key a user named (on the
// command line): when the listing is that one file, it is a single log
// whatever its name says — a suffix Spark never writes (big.json), a name
// unlike Spark's — and its codec is sniffed from its first bytes, as the
// Reader always does for a name without a codec. A named folder is
// discovered by Discover's rules.
func Named(objs []Object, key string) (logs []Log, problems []Problem) {
	if len(objs) != 1 || objs[0].Key != key {
		return Discover(objs)
	}
	o := objs[0]
	_, base := splitKey(o.Key)
	f := parseFileName(base)
	f.stem = strings.TrimSuffix(f.stem, f.foreignExt)
	if f.stem == "" {
		f.stem = base
	}
	app, attempt := parseAppID(f.stem)
	return []Log{finish(Log{
		Key: o.Key, AppID: app, AttemptID: attempt, Layout: LayoutSingle,
		Codec: f.codec, InProgress: f.inProgress, Parts: []Part{{Object: o}},
	})}, nil
}
