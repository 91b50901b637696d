package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/store/table"
)

// supersede prepares the replacement of the rows of the logs this run read
// again. A part file of their old rows that no other log shares simply
// dies with the commit (dropSuperseded deletes it). A part file shared with
// logs this run did not touch is rewritten without the old rows, and those
// logs get ledger entries of this run pointing at the rewritten file; the
// old file then dies too. Everything written here is part of this run and
// becomes visible only with its manifest.
func (o *Options) supersede(ctx context.Context, res *results) error {
	st := res.st
	replaced := map[string]Entry{}
	for _, e := range res.entries {
		replaced[e.Log] = e
	}
	drop := map[string]map[string]bool{} // old part → app keys to cut out of it
	for key, e := range replaced {
		old, ok := st.latest[key]
		if !ok {
			continue
		}
		keep := set(e.Files)
		for _, f := range old.Files {
			if !keep[f] {
				if drop[f] == nil {
					drop[f] = map[string]bool{}
				}
				drop[f][appKey(old.AppID, old.AttemptID)] = true
			}
		}
	}
	carried := map[string]*Entry{} // untouched logs whose parts are rewritten
	parts := make([]string, 0, len(drop))
	for f := range drop {
		parts = append(parts, f)
	}
	sort.Strings(parts)
	for _, f := range parts {
		holders := st.holders[f]
		var others []string
		for _, h := range holders {
			if _, ok := replaced[h]; !ok {
				others = append(others, h)
			}
		}
		if len(others) == 0 {
			continue
		}
		nf, err := o.rewritePart(ctx, f, drop[f], res)
		if err != nil {
			return fmt.Errorf("rewrite %s without superseded rows: %w", o.Out.URI(f), err)
		}
		for _, h := range others {
			e, ok := carried[h]
			if !ok {
				c := st.latest[h]
				c.Files = slices.Clone(c.Files)
				e = &c
				carried[h] = e
			}
			e.Files = slices.DeleteFunc(e.Files, func(x string) bool { return x == f })
			if nf != "" {
				e.Files = append(e.Files, nf)
			}
		}
	}
	for _, e := range carried {
		res.entries = append(res.entries, *e)
	}
	return nil
}

// rewritePart writes a copy of part f without the rows of the given app
// keys and returns its key ("" when no row is left).
func (o *Options) rewritePart(ctx context.Context, f string, drop map[string]bool, res *results) (string, error) {
	day, ok := table.PartDay(f)
	if !ok {
		return "", fmt.Errorf("not a part file")
	}
	switch tbl, _, _ := strings.Cut(f, "/"); tbl {
	case "apps":
		return rewriteAs(ctx, o, f, tbl, day, drop, res, func(r extract.AppRow) string { return appKey(r.AppID, r.AttemptID) })
	case "stages":
		return rewriteAs(ctx, o, f, tbl, day, drop, res, func(r extract.StageRow) string { return appKey(r.AppID, r.AttemptID) })
	case "executors":
		return rewriteAs(ctx, o, f, tbl, day, drop, res, func(r extract.ExecutorRow) string { return appKey(r.AppID, r.AttemptID) })
	case "findings":
		return rewriteAs(ctx, o, f, tbl, day, drop, res, func(r analyze.FindingRow) string { return appKey(r.AppID, r.AttemptID) })
	default:
		return "", fmt.Errorf("unknown table %q", tbl)
	}
}

func rewriteAs[T any](ctx context.Context, o *Options, f, tbl, day string, drop map[string]bool, res *results, key func(T) string) (string, error) {
	rows, err := table.ReadPart[T](ctx, o.Out, f)
	if err != nil {
		return "", err
	}
	rows = slices.DeleteFunc(rows, func(r T) bool { return drop[key(r)] })
	if len(rows) == 0 {
		return "", nil
	}
	keys, err := writeRows(ctx, o, tbl, rows, day, res)
	res.mu.Lock()
	res.files = append(res.files, keys...)
	res.mu.Unlock()
	if err != nil {
		return "", err
	}
	if len(keys) != 1 {
		return "", fmt.Errorf("rewrite gave %d parts", len(keys))
	}
	return keys[0], nil
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
