package logfile

import (
	"regexp"
	"strings"

	"github.com/sparkmine/sparkmine/extract/codec"
)

const (
	suffixInProgress = ".inprogress"
	suffixCompact    = ".compact"

	prefixRollingDir = "eventlog_v2_"
	prefixEvents     = "events_"
	prefixAppStatus  = "appstatus_"

	legacyLog      = "EVENT_LOG_"
	legacyVersion  = "SPARK_VERSION_"
	legacyCodec    = "COMPRESSION_CODEC_"
	legacyComplete = "APPLICATION_COMPLETE"

	dbLive = "eventlog" // Databricks: the part being written
)

// fileName is what a log file's name says about it.
type fileName struct {
	stem       string      // the name without codec, .inprogress and .compact
	codec      codec.Codec // from the suffix
	inProgress bool
	compact    bool
	foreignExt string // a '.' suffix that no Spark log name has ("" if none)
}

// parseFileName applies Spark's rule (EventLogFileWriter.codecName): strip
// .compact, then .inprogress, then a codec suffix.
func parseFileName(name string) fileName {
	var f fileName
	name, f.compact = strings.CutSuffix(name, suffixCompact)
	name, f.inProgress = strings.CutSuffix(name, suffixInProgress)
	f.stem = name
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return f
	}
	ext := name[dot+1:]
	if c := codec.FromName(name); c != codec.Plain && strings.EqualFold(string(c), ext) {
		f.codec, f.stem = c, name[:dot]
	} else {
		f.foreignExt = name[dot:]
	}
	return f
}

var (
	// YARN: application_<clusterTimestamp>_<seq>[_<attempt>].
	yarnID = regexp.MustCompile(`^(application_\d+_\d+)(?:_(.+))?$`)
	// local-<ts>, app-<ts>-<seq> (standalone), spark-<hex> (Kubernetes),
	// each with an optional _<attempt> of digits.
	otherID = regexp.MustCompile(`^((?:local|app|spark)-[^_]+)(?:_(\d+))?$`)
)

// parseAppID splits a sanitised "<appId>[_<attemptId>]" as Spark names
// logs. A stem that is not a Spark id is returned whole, sanitised.
func parseAppID(stem string) (appID, attemptID string) {
	for _, re := range []*regexp.Regexp{yarnID, otherID} {
		if m := re.FindStringSubmatch(stem); m != nil {
			return m[1], m[2]
		}
	}
	return sanitize(stem), ""
}

// sanitize is Spark's Utils.sanitizeDirName: [ :/] become '-', [.${}'"]
// become '_', and the result is lower-cased.
func sanitize(s string) string {
	return strings.ToLower(strings.Map(func(r rune) rune {
		switch r {
		case ' ', ':', '/':
			return '-'
		case '.', '$', '{', '}', '\'', '"':
			return '_'
		}
		return r
	}, s))
}

// rollingPart parses events_<n>_<rest>: the index and the rest of the name.
func rollingPart(name string) (index int64, ok bool) {
	rest, found := strings.CutPrefix(name, prefixEvents)
	if !found {
		return 0, false
	}
	digits, _, found := strings.Cut(rest, "_")
	if !found {
		return 0, false
	}
	return parseIndex(digits)
}

// parseIndex parses a non-negative decimal index of at most 18 digits.
func parseIndex(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// dbPart matches Databricks' rotated parts: eventlog-YYYY-MM-DD--HH-MM[.ext].
var dbPart = regexp.MustCompile(`^eventlog-\d{4}-\d{2}-\d{2}--\d{2}-\d{2}(\.[A-Za-z0-9]+)?$`)

// isLegacyName reports whether a name belongs in a Spark 1.2 log folder.
func isLegacyName(name string) bool {
	return strings.HasPrefix(name, legacyLog) || strings.HasPrefix(name, legacyVersion) ||
		strings.HasPrefix(name, legacyCodec) || name == legacyComplete
}

// legacyCodecName maps COMPRESSION_CODEC_<value> to a codec. Spark 1.2 wrote
// spark.io.compression.codec as given: a short name (lzf) or a class name
// (org.apache.spark.io.LZFCompressionCodec).
func legacyCodecName(value string) codec.Codec {
	if i := strings.LastIndexByte(value, '.'); i >= 0 {
		value = value[i+1:]
	}
	short := strings.ToLower(strings.TrimSuffix(value, "CompressionCodec"))
	return codec.FromName(legacyLog + "1." + short)
}

// splitKey returns a key's folder ("" at the root) and base name.
func splitKey(key string) (dir, base string) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}

// hidden reports whether any element of key starts with '.'.
func hidden(key string) bool {
	return strings.HasPrefix(key, ".") || strings.Contains(key, "/.")
}

// FinishedKey is the key a log has once its app finished: its key without
// .inprogress (Spark renames app.lz4.inprogress to app.lz4 at the end).
// A finished log's key is its own FinishedKey.
func FinishedKey(key string) string { return strings.TrimSuffix(key, suffixInProgress) }

// LegacyVersion is the Spark version a Spark 1.2 log folder names in its
// SPARK_VERSION_<v> marker (those logs have no SparkListenerLogStart), ""
// for any other log.
func (l Log) LegacyVersion() string {
	for _, o := range l.Extra {
		if _, base := splitKey(o.Key); strings.HasPrefix(base, legacyVersion) {
			return strings.TrimPrefix(base, legacyVersion)
		}
	}
	return ""
}

// IsLogFolder reports whether a folder of that base name is itself one log
// (a rolling eventlog_v2_ folder, or a Spark 1.2 folder, which holds
// EVENT_LOG_1) rather than a folder of logs; has reports whether the folder
// holds a file of the given name.
func IsLogFolder(name string, has func(file string) bool) bool {
	return strings.HasPrefix(name, prefixRollingDir) || has(legacyLog+"1")
}

// IsSparkAppID reports whether id has the form of a Spark application id
// (application_<ts>_<seq>, local-<ts>, app-<ts>-<seq>, spark-<hex>), as a
// Log's AppID has when its name follows Spark's pattern, rather than the
// placeholder Discover makes of another name.
func IsSparkAppID(id string) bool {
	for _, re := range []*regexp.Regexp{yarnID, otherID} {
		if m := re.FindStringSubmatch(id); m != nil && m[2] == "" {
			return true
		}
	}
	return false
}
