package logfile

import (
	"slices"
	"strings"

	"github.com/sparkmine/sparkmine/extract/codec"
)

// single makes a log of one file.
func (d *discovery) single(o Object) (Log, bool) {
	_, base := splitKey(o.Key)
	f := parseFileName(base)
	if f.foreignExt != "" {
		d.problem(o.Key, "not an event log name: Spark never writes a %q suffix", f.foreignExt)
		return Log{}, false
	}
	if f.stem == "" {
		d.problem(o.Key, "not an event log name: nothing before the suffix")
		return Log{}, false
	}
	app, attempt := parseAppID(f.stem)
	return Log{
		Key: o.Key, AppID: app, AttemptID: attempt, Layout: LayoutSingle,
		Codec: f.codec, InProgress: f.inProgress,
		Parts: []Part{{Object: o}},
	}, true
}

// legacy makes a log of a Spark 1.2 folder.
func (d *discovery) legacy(dir string, objs []Object) (Log, bool) {
	_, name := splitKey(dir)
	app, attempt := parseAppID(name)
	l := Log{Key: dir, AppID: app, AttemptID: attempt, Layout: LayoutLegacy, InProgress: true}
	for _, o := range objs {
		_, base := splitKey(o.Key)
		rest, isLog := strings.CutPrefix(base, legacyLog)
		switch n, ok := parseIndex(rest); {
		case isLog && ok:
			l.Parts = append(l.Parts, Part{Object: o, Index: n})
			continue
		case isLog:
			d.problem(o.Key, "legacy log file without a numeric index; skipped")
		case base == legacyComplete:
			l.InProgress = false
		case strings.HasPrefix(base, legacyCodec):
			l.Codec = legacyCodecName(strings.TrimPrefix(base, legacyCodec))
		}
		l.Extra = append(l.Extra, o)
	}
	if len(l.Parts) == 0 {
		d.problem(dir, "legacy log folder without an %s<n> file", legacyLog)
		return Log{}, false
	}
	sortParts(l.Parts)
	return l, true
}

// rolling makes a log of an eventlog_v2_* folder, following the History
// Server's RollingEventLogFilesFileReader.
func (d *discovery) rolling(dir string, objs []Object) (Log, bool) {
	_, name := splitKey(dir)
	app, attempt := parseAppID(strings.TrimPrefix(name, prefixRollingDir))
	l := Log{Key: dir, AppID: app, AttemptID: attempt, Layout: LayoutRolling}
	status := d.collectRolling(&l, objs)
	if len(l.Parts) == 0 {
		d.problem(dir, "rolling log folder without an %s* file", prefixEvents)
		return Log{}, false
	}
	d.setRollingStatus(&l, status)
	d.orderRolling(&l)
	return l, true
}

type rollingFile struct {
	Part
	compact bool
}

// collectRolling sorts a rolling folder's objects into parts, the appstatus
// markers (returned) and problems.
func (d *discovery) collectRolling(l *Log, objs []Object) (status []Object) {
	for _, o := range objs {
		_, base := splitKey(o.Key)
		if strings.HasPrefix(base, prefixAppStatus) {
			status = append(status, o)
			l.Extra = append(l.Extra, o)
			continue
		}
		n, ok := rollingPart(base)
		f := parseFileName(base)
		switch {
		case !ok:
			d.problem(o.Key, "unexpected file in a rolling log folder; skipped")
		case f.foreignExt != "":
			d.problem(o.Key, "rolling log part with an unknown suffix %q; skipped", f.foreignExt)
		default:
			l.Parts = append(l.Parts, Part{Object: o, Index: n})
		}
	}
	return status
}

// setRollingStatus applies the appstatus name rule. A completed marker wins
// over an in-progress one: on an object store the rename is copy + delete.
func (d *discovery) setRollingStatus(l *Log, status []Object) {
	if len(status) == 0 {
		d.problem(l.Key, "rolling log folder without an %s* file; taken as in progress", prefixAppStatus)
		l.InProgress = true
		return
	}
	l.InProgress = !slices.ContainsFunc(status, func(o Object) bool {
		return !strings.HasSuffix(o.Key, suffixInProgress)
	})
}

// orderRolling sorts parts by index, a .compact after the plain part of the
// same index, drops everything before the last .compact and reports gaps.
func (d *discovery) orderRolling(l *Log) {
	slices.SortStableFunc(l.Parts, func(a, b Part) int {
		if a.Index != b.Index {
			return cmpInt(a.Index, b.Index)
		}
		return cmpBool(isCompact(a.Key), isCompact(b.Key))
	})
	last := -1
	for i, p := range l.Parts {
		if isCompact(p.Key) {
			last = i
		}
	}
	if last > 0 {
		for _, p := range l.Parts[:last] {
			l.Extra = append(l.Extra, p.Object)
		}
		l.Parts = slices.Clone(l.Parts[last:])
	}
	_, first := splitKey(l.Parts[0].Key)
	l.Codec = parseFileName(first).codec
	d.checkContiguous(l.Key, l.Parts)
}

func (d *discovery) checkContiguous(key string, parts []Part) {
	for i := 1; i < len(parts); i++ {
		prev, cur := parts[i-1].Index, parts[i].Index
		switch {
		case cur == prev:
			d.problem(key, "two rolling parts with index %d: %s and %s", cur, parts[i-1].Key, parts[i].Key)
		case cur == prev+2:
			d.problem(key, "missing rolling part %d (the History Server refuses this log)", prev+1)
		case cur != prev+1:
			d.problem(key, "missing rolling parts %d to %d (the History Server refuses this log)", prev+1, cur-1)
		}
	}
}

func isCompact(key string) bool { return strings.HasSuffix(key, suffixCompact) }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func sortParts(ps []Part) {
	slices.SortStableFunc(ps, func(a, b Part) int { return cmpInt(a.Index, b.Index) })
}

// databricks makes a log of a folder of eventlog-<date> parts and the live
// eventlog file: dated parts first, in date order, then the live file.
// Nothing in the names marks completion, so InProgress is false.
func (d *discovery) databricks(dir string, objs []Object) (Log, bool) {
	_, name := splitKey(dir)
	l := Log{Key: dir, AppID: sanitize(name), Layout: LayoutRolling}
	var live []Object
	for _, o := range objs { // objs are sorted by key, so dated parts by date
		if _, base := splitKey(o.Key); base == dbLive {
			live = append(live, o)
			continue
		}
		l.Parts = append(l.Parts, Part{Object: o})
	}
	l.Parts = append(l.Parts, toParts(live)...)
	for i := range l.Parts {
		l.Parts[i].Index = int64(i + 1)
	}
	_, first := splitKey(l.Parts[0].Key)
	l.Codec = codec.FromName(first)
	return l, true
}

func toParts(objs []Object) []Part {
	ps := make([]Part, len(objs))
	for i, o := range objs {
		ps[i] = Part{Object: o}
	}
	return ps
}
