package logfile

import (
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
