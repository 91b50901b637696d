// Package extract turns Spark event logs into sparkmine's app model.
//
// It owns everything about Spark: the codecs Spark writes event logs with
// (subpackage codec), the names and layouts of logs (subpackage logfile), the
// event decoder, and the app model whose rows become the apps, stages and
// executors tables. It knows nothing of where logs are stored or of what is
// anomalous: callers hand it byte streams, and the analyze package judges
// the resulting model.
package extract
