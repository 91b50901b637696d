package extract

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Spark's size and time strings, as JavaUtils.byteStringAs and
// timeStringAs read them: an optional minus, digits, an optional unit;
// case and surrounding spaces do not matter.
var (
	byteUnits = map[string]int64{"b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
		"g": 1 << 30, "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "p": 1 << 50, "pb": 1 << 50}
	timeUnits = map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
		"m": time.Minute, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
)

// ParseBytes reads a Spark size string ("4g", "512m", "1048576", "-1") as
// bytes; a bare number counts in unit bytes (Spark's default unit differs
// by property: MiB for spark.executor.memory, bytes for others). A size
// past the int64 range is an error, as in Spark's ByteUnit.
func ParseBytes(s string, unit int64) (int64, error) {
	return parseUnit(s, byteUnits, unit, false, "size")
}

// ParseTime reads a Spark time string ("100ms", "120s", "5min", "1h") as a
// duration; a bare number counts in unit. A time past the range of a
// Duration (about 292 years) saturates, as Java's TimeUnit.convert does
// (Spark's defaults hold Long.MaxValue milliseconds for "never").
func ParseTime(s string, unit time.Duration) (time.Duration, error) {
	return parseUnit(s, timeUnits, unit, true, "time")
}

func parseUnit[T ~int64](s string, units map[string]T, unit T, saturate bool, what string) (T, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	digits := strings.TrimPrefix(t, "-")
	i := 0
	for i < len(digits) && digits[i] >= '0' && digits[i] <= '9' {
		i++
	}
	n, err := strconv.ParseInt(digits[:i], 10, 64)
	mul, ok := unit, true
	if suffix := digits[i:]; suffix != "" {
		mul, ok = units[suffix]
	}
	over := mul != 0 && n > math.MaxInt64/int64(mul)
	if err != nil || !ok || over && !saturate {
		return 0, fmt.Errorf("%q is not a Spark %s string", s, what)
	}
	v := T(n) * mul
	if over {
		v = math.MaxInt64
	}
	if len(digits) < len(t) {
		v = -v
	}
	return v, nil
}
