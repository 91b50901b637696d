package pipeline

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/sparkmine/sparkmine/pipeline/dataset"
)

// supersede prepares the replacement of the rows of the logs this run read
// again. A part file of their old rows that no other log shares simply
// dies with the commit (Tidy deletes it). A part file shared with logs this
// run did not touch is rewritten without the old rows, and those logs get
// ledger entries of this run pointing at the rewritten file; the old file
// then dies too. Everything written here is part of this run and becomes
// visible only with its manifest.
func (tx *Tx) supersede(ctx context.Context) error {
	st := tx.st
	replaced := map[string]Entry{}
	for _, e := range tx.entries {
		replaced[e.Log] = e
	}
	drop := st.dropped(replaced)
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
		nf, err := tx.rewritePart(ctx, f, drop[f])
		if err != nil {
			return fmt.Errorf("rewrite %s without superseded rows: %w", tx.out.URI(f), err)
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
		tx.entries = append(tx.entries, *e)
	}
	return nil
}

// dropped returns, for each part file of the committed entries that the
// replacing entries no longer reference, the app keys to cut out of it.
func (s *state) dropped(replaced map[string]Entry) map[string]map[string]bool {
	drop := map[string]map[string]bool{}
	for key, e := range replaced {
		old, ok := s.latest[key]
		if !ok {
			continue
		}
		keep := set(e.Files)
		for _, f := range old.Files {
			if !keep[f] {
				if drop[f] == nil {
					drop[f] = map[string]bool{}
				}
				drop[f][dataset.AppKey(old.AppID, old.AttemptID)] = true
			}
		}
	}
	return drop
}

// rewritePart stages a copy of part f without the rows of the given app
// keys and returns its key ("" when no row is left).
func (tx *Tx) rewritePart(ctx context.Context, f string, drop map[string]bool) (string, error) {
	tbl, _, _ := strings.Cut(f, "/")
	t, ok := dataset.ByName(tbl)
	if !ok {
		return "", fmt.Errorf("unknown table %q", tbl)
	}
	keys, err := t.Rewrite(ctx, tx, tx.out, []string{f}, func(k string) bool { return !drop[k] })
	if err != nil {
		return "", err
	}
	if len(keys) > 1 {
		return "", fmt.Errorf("rewrite gave %d parts", len(keys))
	}
	if len(keys) == 0 {
		return "", nil
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
