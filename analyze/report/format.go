package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// usd formats money: "$1,234" from 1,000 up, "$12.34" down to 0.10, then
// three significant digits below 0.10 ("$0.0131").
func usd(v float64) string {
	switch {
	case math.Abs(v) >= 1000:
		return "$" + thousands(int64(math.Round(v)))
	case v != 0 && math.Abs(v) < 0.1:
		return "$" + strconv.FormatFloat(v, 'g', 3, 64)
	}
	return fmt.Sprintf("$%.2f", v)
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pct formats a share: "12.3 %".
func pct(share float64) string { return fmt.Sprintf("%.1f %%", 100*share) }

// change formats the change from prev to cur: "+12.3 %", "new" when prev
// is 0, "" when both are.
func change(cur, prev float64) string {
	switch {
	case prev == 0 && cur == 0:
		return "–"
	case prev == 0:
		return "new"
	}
	return fmt.Sprintf("%+.1f %%", 100*(cur-prev)/prev)
}

// bytesIEC formats bytes with binary units: "512 GiB", "1.50 TiB".
func bytesIEC(v float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for math.Abs(v) >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	switch {
	case i == 0 || v == math.Trunc(v):
		return fmt.Sprintf("%.0f %s", v, units[i])
	case v >= 100:
		return fmt.Sprintf("%.0f %s", v, units[i])
	case v >= 10:
		return fmt.Sprintf("%.1f %s", v, units[i])
	}
	return fmt.Sprintf("%.2f %s", v, units[i])
}

// duration formats milliseconds: "2 h 05 min", "12 min 30 s", "4.2 s".
func duration(ms float64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d >= time.Hour:
		m := int(d.Round(time.Minute).Minutes())
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	case d >= time.Minute:
		s := int(d.Round(time.Second).Seconds())
		return fmt.Sprintf("%d min %02d s", s/60, s%60)
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// metricValue formats a trend metric's value.
func metricValue(m Metric, v float64) string {
	switch m {
	case Duration:
		return duration(v)
	case Shuffle:
		return bytesIEC(v)
	}
	return usd(v)
}

// label names a trend metric per run.
func (m Metric) label() string {
	switch m {
	case Duration:
		return "duration per run"
	case Shuffle:
		return "shuffle read per run"
	}
	return "cost per run"
}

// Sentence says where the trend is heading, e.g. "at this rate its
// shuffle read per run passes 1 TiB in 5 weeks (by 2026-W52, week of 21 Dec
// 2026)".
func (t Trend) Sentence() string {
	verb := "passes " + metricValue(t.Metric, t.Threshold)
	if t.Metric != Shuffle {
		verb = "doubles to " + metricValue(t.Metric, t.Threshold)
	}
	return fmt.Sprintf("at this rate its %s %s in %s (by %s, week of %s)",
		t.Metric.label(), verb, plural(t.WeeksToThreshold, "week"), t.Reach, t.Reach.Start().Format("2 Jan 2006"))
}

// Growth returns the line's rise per week as a share of the current value.
func (t Trend) Growth() float64 { return ratio(t.Slope, t.Current) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return thousands(int64(n)) + " " + what + "s"
}

// when formats an epoch-ms time as "Mon 16 Nov 14:05".
func when(ms int64) string { return timeOf(ms).Format("Mon 2 Jan 15:04") }

// period formats the week's dates: "16–22 Nov 2026".
func (w Week) period() string {
	s, e := w.Start(), w.End().AddDate(0, 0, -1)
	if s.Month() == e.Month() {
		return fmt.Sprintf("%d–%s", s.Day(), e.Format("2 Jan 2006"))
	}
	if s.Year() == e.Year() {
		return fmt.Sprintf("%s – %s", s.Format("2 Jan"), e.Format("2 Jan 2006"))
	}
	return fmt.Sprintf("%s – %s", s.Format("2 Jan 2006"), e.Format("2 Jan 2006"))
}

// recs formats recommendations as "key: current → proposed" lines; the
// recommendations of one alternative group share a line, joined by "or"
// (apply one of them, not all).
func recs(rs []recommendation) []string {
	out := make([]string, 0, len(rs))
	group := map[string]int{} // alternative group → its line in out
	for _, r := range rs {
		cur := r.Current
		if cur == "" {
			cur = "default"
		}
		s := fmt.Sprintf("%s: %s → %s", r.Key, cur, r.Proposed)
		if i, ok := group[r.Alternative]; ok && r.Alternative != "" {
			out[i] += " or " + s
			continue
		}
		if r.Alternative != "" {
			group[r.Alternative] = len(out)
			s = "either " + s
		}
		out = append(out, s)
	}
	return out
}

func timeParseDay(d string) (time.Time, error) { return time.Parse(time.DateOnly, d) }
