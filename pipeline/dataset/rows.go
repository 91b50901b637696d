package dataset

import "context"

// Rows collects the rows of the per-log tables of many logs, as a batch of
// the pipeline does before it writes them as shared part files.
type Rows struct {
	sets []rowSet // one per per-log table, in Tables order
}

// rowSet is the rows of one table.
type rowSet interface {
	add(l *Log) (bytes int)
	write(ctx context.Context, s Stager, day string) ([]string, error)
}

type set[T any] struct {
	t    *Table[T]
	rows []T
}

func (t *Table[T]) newSet() rowSet { return &set[T]{t: t} }

func (s *set[T]) add(l *Log) int {
	n := 0
	for _, r := range s.t.rows(l) {
		s.rows = append(s.rows, r)
		n += s.t.bytes(&r)
	}
	return n
}

func (s *set[T]) write(ctx context.Context, st Stager, day string) ([]string, error) {
	return s.t.Write(ctx, st, day, s.rows)
}

// NewRows returns an empty collection.
func NewRows() *Rows {
	r := &Rows{}
	for _, t := range Tables {
		if t.PerLog() {
			r.sets = append(r.sets, t.newSet())
		}
	}
	return r
}

// Add adds the rows one log gives and returns their estimated memory.
func (r *Rows) Add(l *Log) (bytes int) {
	for _, s := range r.sets {
		bytes += s.add(l)
	}
	return bytes
}

// Write stages every table's rows as part files of day, table by table in
// Tables order, and returns the keys written (on error, those written
// before it).
func (r *Rows) Write(ctx context.Context, s Stager, day string) ([]string, error) {
	var keys []string
	for _, set := range r.sets {
		k, err := set.write(ctx, s, day)
		keys = append(keys, k...)
		if err != nil {
			return keys, err
		}
	}
	return keys, nil
}
