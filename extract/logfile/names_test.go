package logfile

import (
	"maps"
	"slices"
	"testing"

	"github.com/sparkmine/sparkmine/extract/codec"
)

func TestParseAppID(t *testing.T) {
	tests := []struct{ stem, app, attempt string }{
		{"application_1506645932520_24630151", "application_1506645932520_24630151", ""},
		{"application_1536831636016_59384_1", "application_1536831636016_59384", "1"},
		{"application_1536831636016_59384_attempt2", "application_1536831636016_59384", "attempt2"},
		{"app-20161116163331-0000", "app-20161116163331-0000", ""},
		{"app-20161116163331-0000_2", "app-20161116163331-0000", "2"},
		{"local-1422981759269", "local-1422981759269", ""},
		{"local-1430917381535_1", "local-1430917381535", "1"},
		{"spark-0123456789abcdef", "spark-0123456789abcdef", ""},
		{"spark-application-1700000000000", "spark-application-1700000000000", ""},
		{"local-1_x", "local-1_x", ""},                   // not digits: no attempt
		{"event_log_1", "event_log_1", ""},               // not Spark's pattern: no attempt
		{"attempt_1_eventlog", "attempt_1_eventlog", ""}, // likewise
		{"My App.v2", "my-app_v2", ""},                   // sanitised as Spark does
	}
	for _, tt := range tests {
		app, attempt := parseAppID(tt.stem)
		if app != tt.app || attempt != tt.attempt {
			t.Errorf("parseAppID(%q) = %q, %q; want %q, %q", tt.stem, app, attempt, tt.app, tt.attempt)
		}
	}
}

func TestParseFileName(t *testing.T) {
	tests := []struct {
		name string
		want fileName
	}{
		{"local-1", fileName{stem: "local-1"}},
		{"local-1.lz4", fileName{stem: "local-1", codec: codec.LZ4}},
		{"local-1.zstd.inprogress", fileName{stem: "local-1", codec: codec.Zstd, inProgress: true}},
		{"events_3_local-1.snappy.compact", fileName{stem: "events_3_local-1", codec: codec.Snappy, compact: true}},
		{"local-1.inprogress.compact", fileName{stem: "local-1", inProgress: true, compact: true}},
		{"eventlog-2021-06-15--15-00.gz", fileName{stem: "eventlog-2021-06-15--15-00", codec: codec.Gzip}},
		{"x.LZF", fileName{stem: "x", codec: codec.LZF}},
		{"README.md", fileName{stem: "README.md", foreignExt: ".md"}},
		{"a.lz4.json", fileName{stem: "a.lz4.json", foreignExt: ".json"}},
	}
	for _, tt := range tests {
		if got := parseFileName(tt.name); got != tt.want {
			t.Errorf("parseFileName(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestLegacyCodecName(t *testing.T) {
	for value, want := range map[string]codec.Codec{
		"lzf": codec.LZF, "snappy": codec.Snappy, "lz4": codec.LZ4, "zstd": codec.Zstd,
		"org.apache.spark.io.LZFCompressionCodec":    codec.LZF,
		"org.apache.spark.io.SnappyCompressionCodec": codec.Snappy,
		"org.apache.spark.io.LZ4CompressionCodec":    codec.LZ4,
		"com.example.Unknown":                        codec.Plain,
	} {
		if got := legacyCodecName(value); got != want {
			t.Errorf("legacyCodecName(%q) = %q, want %q", value, got, want)
		}
	}
}

func TestFinishedKey(t *testing.T) {
	for key, want := range map[string]string{
		"apps/app-1.lz4.inprogress":   "apps/app-1.lz4",
		"apps/app-1.lz4":              "apps/app-1.lz4",
		"local-1":                     "local-1",
		"eventlog_v2_local-1":         "eventlog_v2_local-1",
		"x.inprogress.inprogress":     "x.inprogress",
		"app-1.inprogress/events_1_x": "app-1.inprogress/events_1_x",
	} {
		if got := FinishedKey(key); got != want {
			t.Errorf("FinishedKey(%q) = %q, want %q", key, got, want)
		}
	}
}

// A Spark 1.2 folder's version comes from its SPARK_VERSION_ marker; the
// layouts Discover builds from real names decide what Extra holds.
func TestLegacyVersion(t *testing.T) {
	objs := []Object{
		{Key: "logs/local-1/EVENT_LOG_1"}, {Key: "logs/local-1/SPARK_VERSION_1.2.0"}, {Key: "logs/local-1/APPLICATION_COMPLETE"},
		{Key: "logs/local-2.lz4"},
	}
	logs, _ := Discover(objs)
	got := map[string]string{}
	for _, l := range logs {
		got[l.Key] = l.LegacyVersion()
	}
	if want := map[string]string{"logs/local-1": "1.2.0", "logs/local-2.lz4": ""}; !maps.Equal(got, want) {
		t.Errorf("versions %v, want %v", got, want)
	}
}

func TestIsLogFolder(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  bool
	}{
		{"eventlog_v2_local-1", nil, true},
		{"local-1", []string{"EVENT_LOG_1", "SPARK_VERSION_1.2.0"}, true},
		{"local-1", []string{"EVENT_LOG_2"}, false},
		{"spark-logs", []string{"app-1.lz4", "eventlog_v2_local-1"}, false},
	}
	for _, tt := range tests {
		has := func(f string) bool { return slices.Contains(tt.files, f) }
		if got := IsLogFolder(tt.name, has); got != tt.want {
			t.Errorf("IsLogFolder(%q, %v) = %v, want %v", tt.name, tt.files, got, tt.want)
		}
	}
}
