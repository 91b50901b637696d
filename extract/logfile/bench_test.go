package logfile

import (
	"context"
	"io"
	"testing"
)

// BenchmarkReader reads an 8 MB log of 1 KB lines in each codec; the
// bytes per second are uncompressed bytes.
func BenchmarkReader(b *testing.B) {
	plain := jsonLines(8000, 1000)
	for _, c := range allCodecs {
		b.Run(c.String(), func(b *testing.B) {
			l, m := logOf(compress(b, c, plain))
			if c.String() != "plain" {
				l.Parts[0].Key += "." + string(c)
				m.files[l.Parts[0].Key] = m.files["app/events_1_app"]
			}
			b.SetBytes(int64(len(plain)))
			b.ReportAllocs()
			for b.Loop() {
				r := Open(context.Background(), l, m.open)
				for {
					if _, err := r.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkDiscover groups a listing of 10,000 single logs and 1,000
// rolling folders of 5 parts.
func BenchmarkDiscover(b *testing.B) {
	var objs []Object
	for i := range 10000 {
		objs = append(objs, Object{Key: "apps/application_1700000000000_" + itoa(i) + "_1.zstd", Size: 100})
	}
	for i := range 1000 {
		dir := "apps/eventlog_v2_spark-" + itoa(i)
		objs = append(objs, Object{Key: dir + "/appstatus_spark-" + itoa(i)})
		for j := 1; j <= 5; j++ {
			objs = append(objs, Object{Key: dir + "/events_" + itoa(j) + "_spark-" + itoa(i) + ".zstd", Size: 1000})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if logs, _ := Discover(objs); len(logs) != 11000 {
			b.Fatalf("%d logs", len(logs))
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
