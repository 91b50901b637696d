// Package logfile finds Spark event logs in a listing of object keys and
// reads a log as one stream of lines across its parts.
//
// # Discovery
//
// [Discover] groups a listing into logs, one per application attempt, from
// the names alone (nothing is opened). It knows four layouts:
//
//   - single ([LayoutSingle]): one file named
//     <appId>[_<attemptId>][.<codec>][.inprogress] (Spark's
//     SingleEventLogFileWriter and the 1.3–2.x EventLoggingListener).
//   - rolling ([LayoutRolling]): a folder eventlog_v2_<appId>[_<attemptId>]
//     holding events_<n>_<appId>[_<attemptId>][.<codec>][.compact] parts and
//     an appstatus_<appId>[_<attemptId>][.inprogress] marker (Spark 3.0+,
//     EMR on EKS and EMR Serverless uploads, whose index may start at 0).
//     A Databricks-style folder of eventlog-YYYY-MM-DD--HH-MM[.<codec>] parts
//     plus a bare eventlog file is a rolling log too: the dated parts come
//     first in date order and the bare eventlog, the file being written, is
//     the newest part. (Checked on a real one: the dated part starts with
//     SparkListenerLogStart and the bare file ends with ApplicationEnd.)
//   - legacy ([LayoutLegacy]): a Spark 1.0–1.2 folder named after the app
//     holding EVENT_LOG_<n>, SPARK_VERSION_<v>, optionally
//     COMPRESSION_CODEC_<codec> and, once finished, APPLICATION_COMPLETE.
//
// Keys may sit under any prefix (EMR Serverless
// applications/<app>/jobs/<run>/sparklogs/..., copies of EMR's
// var/log/spark/apps/...); only a key's last two elements matter.
//
// Any element of a key starting with '.' hides the object, as the History
// Server ignores dot files. A regular file whose name does not follow
// Spark's pattern is still a single log: its AppID is then the base name,
// without codec and .inprogress suffixes, sanitised the way Spark sanitises
// ids. Such an AppID is only a placeholder: the real application id comes
// from the log's SparkListenerApplicationStart event, which the app model
// reads. Because Spark sanitises ids ('.' becomes '_'), a name with any
// other '.' suffix than a codec, .inprogress or .compact (README.md,
// x.json) cannot be a Spark log and is reported as a [Problem] instead —
// in a listing. A file a user names ([Named]) is read whatever its name.
//
// InProgress is Spark's name rule only (a .inprogress file, an
// appstatus_*.inprogress marker, a legacy folder without
// APPLICATION_COMPLETE). The History Server (2.3+) also requires a
// SparkListenerApplicationEnd event before it calls an app complete, and
// EMR on EKS writes appstatus without .inprogress from the start, so
// callers must combine this flag with the events.
//
// This package is the only place that knows Spark's file names: callers
// ask it for a log's finished key (FinishedKey: without .inprogress),
// a Spark 1.2 folder's version marker (Log.LegacyVersion) and whether a
// folder is itself one log (IsLogFolder).
//
// # Reading
//
// [Open] returns a [Reader] that opens the parts one after another as
// reading proceeds, decodes each as its own compressed stream (package
// codec picks the codec from the name and the first bytes), and returns
// lines without their terminators. Lines may be many megabytes long.
package logfile
