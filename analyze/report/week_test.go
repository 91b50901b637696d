package report

import (
	"testing"
	"time"
)

func TestParseWeek(t *testing.T) {
	tests := []struct {
		in      string
		want    Week
		start   string // Monday, YYYY-MM-DD
		wantErr bool
	}{
		{in: "2026-W47", want: Week{2026, 47}, start: "2026-11-16"},
		{in: "2026w01", want: Week{2026, 1}, start: "2025-12-29"}, // 1 Jan 2026 is a Thursday
		{in: "2026-W53", want: Week{2026, 53}, start: "2026-12-28"},
		{in: "2020-W53", want: Week{2020, 53}, start: "2020-12-28"},
		{in: "2021-W01", want: Week{2021, 1}, start: "2021-01-04"},
		{in: "2021-W53", wantErr: true}, // 2021 has 52 weeks
		{in: "2027-W53", wantErr: true},
		{in: "2026-W00", wantErr: true},
		{in: "2026-47", wantErr: true},
		{in: "26-W47", wantErr: true},
		{in: "2026-W7", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseWeek(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseWeek(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if tc.wantErr {
			continue
		}
		if got != tc.want || got.Start().Format(time.DateOnly) != tc.start || got.Start().Weekday() != time.Monday {
			t.Errorf("ParseWeek(%q) = %v starting %v, want %v starting %s", tc.in, got, got.Start(), tc.want, tc.start)
		}
		if got.End().Sub(got.Start()) != 7*24*time.Hour || got.String() != tc.want.String() {
			t.Errorf("%v: end %v", got, got.End())
		}
	}
}

func TestLastFullWeek(t *testing.T) {
	tests := []struct {
		now  string
		want Week
	}{
		{"2026-11-25T12:00:00Z", Week{2026, 47}}, // Wednesday of W48
		{"2026-11-23T00:00:00Z", Week{2026, 47}}, // W48 has just begun
		{"2026-11-22T23:59:59Z", Week{2026, 46}}, // W47 is not over yet
		{"2026-01-02T08:00:00Z", Week{2025, 52}}, // 2 Jan 2026 is in 2026-W01
	}
	for _, tc := range tests {
		now, _ := time.Parse(time.RFC3339, tc.now)
		if got := LastFullWeek(now); got != tc.want {
			t.Errorf("LastFullWeek(%s) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestWeekAddAndFilter(t *testing.T) {
	w := Week{2026, 1}
	if got := w.Add(-1); got != (Week{2025, 52}) {
		t.Errorf("2026-W01 − 1 = %v", got)
	}
	if got := (Week{2026, 53}).Add(1); got != (Week{2027, 1}) {
		t.Errorf("2026-W53 + 1 = %v", got)
	}
	if got := w.between(Week{2025, 40}); got != -13 {
		t.Errorf("weeks from 2026-W01 to 2025-W40 = %d, want −13", got)
	}
	f := Week{2026, 47}.DayFilter(2)
	for day, want := range map[string]bool{
		"2026-11-01": false, "2026-11-02": true, "2026-11-22": true, "2026-11-23": false,
	} {
		if f(day) != want {
			t.Errorf("filter(%s) = %v, want %v", day, !want, want)
		}
	}
}
