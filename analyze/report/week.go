package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO 8601 week: weeks start on Monday, and week 1 of a year is
// the week with that year's first Thursday.
type Week struct {
	Year, Week int
}

const day = 24 * time.Hour

// ParseWeek parses "2026-W47" (also "2026W47" and lower-case "w").
func ParseWeek(s string) (Week, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	y, w, ok := strings.Cut(t, "W")
	y = strings.TrimSuffix(y, "-")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil || len(y) != 4 || len(w) != 2 {
		return Week{}, fmt.Errorf("week %q: want YYYY-Www, e.g. 2026-W47", s)
	}
	wk := Week{year, week}
	if week < 1 || WeekOf(wk.Start()) != wk {
		return Week{}, fmt.Errorf("week %q: %d has no week %d", s, year, week)
	}
	return wk, nil
}

// WeekOf returns the ISO week that holds t (in UTC).
func WeekOf(t time.Time) Week {
	y, w := t.UTC().ISOWeek()
	return Week{y, w}
}

// LastFullWeek returns the last ISO week that ended before now: the week
// before the one holding now.
func LastFullWeek(now time.Time) Week {
	return WeekOf(now.UTC().Add(-7 * day))
}

// Start returns the week's Monday, 00:00 UTC.
func (w Week) Start() time.Time {
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday1 := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday1.AddDate(0, 0, 7*(w.Week-1))
}

// End returns the next week's Monday, 00:00 UTC (exclusive).
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

// Add returns the week n weeks later (earlier for n < 0).
func (w Week) Add(n int) Week { return WeekOf(w.Start().AddDate(0, 0, 7*n)) }

// Less reports whether w is before v.
func (w Week) Less(v Week) bool {
	return w.Year < v.Year || w.Year == v.Year && w.Week < v.Week
}

// String returns "2026-W47".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Week) }

// Days returns the week's seven days as dt partition values (YYYY-MM-DD).
func (w Week) Days() []string {
	out := make([]string, 7)
	for i := range out {
		out[i] = w.Start().AddDate(0, 0, i).Format(time.DateOnly)
	}
	return out
}

// DayFilter returns a filter of dt partition values (YYYY-MM-DD) for the
// days of w and of the back weeks before it, for table.ReadTable.
func (w Week) DayFilter(back int) func(day string) bool {
	from := w.Add(-max(back, 0)).Start().Format(time.DateOnly)
	to := w.End().Format(time.DateOnly)
	return func(d string) bool { return d >= from && d < to }
}

// between returns the number of weeks from w to v (negative when v is earlier).
func (w Week) between(v Week) int {
	return int(v.Start().Sub(w.Start()).Round(day) / (7 * day))
}

// dayOf is the UTC day (YYYY-MM-DD) of an epoch-millisecond time, the form
// of Days and of the dataset's dt partitions.
func dayOf(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.DateOnly) }
