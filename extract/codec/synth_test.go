package codec

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// synthLog returns deterministic Spark-like event-log lines of about size
// bytes. Every blobEvery-th job carries an SQL plan with a long run of random
// printable text (which lz4 stores RAW and LZF stores uncompressed); 0 means
// none.
func synthLog(seed uint64, size int, blobEvery int) []byte {
	rng := rand.New(rand.NewPCG(seed, 42))
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	t := int64(1700000000000)
	line(`{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}`)
	line(`{"Event":"SparkListenerApplicationStart","App Name":"synthetic","App ID":"local-1700000000000","Timestamp":%d,"User":"spark"}`, t)
	line(`{"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.master":"local[4]","spark.eventLog.compress":"true","spark.app.id":"local-1700000000000"}}`)
	task := 0
	for job := 0; b.Len() < size; job++ {
		t += rng.Int64N(5000)
		line(`{"Event":"SparkListenerJobStart","Job ID":%d,"Submission Time":%d,"Stage IDs":[%d]}`, job, t, job)
		if blobEvery > 0 && job%blobEvery == 0 {
			line(`{"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":%d,"description":"%s","physicalPlanDescription":"== Physical Plan ==\n%s","time":%d}`,
				job, randText(rng, 60), randText(rng, 40000+rng.IntN(30000)), t)
		}
		line(`{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":%d,"Stage Attempt ID":0,"Stage Name":"map at Job%d.scala:%d","Number of Tasks":%d}}`, job, job, rng.IntN(500), 8)
		for i := 0; i < 8; i++ {
			launch := t + rng.Int64N(100)
			line(`{"Event":"SparkListenerTaskStart","Stage ID":%d,"Stage Attempt ID":0,"Task Info":{"Task ID":%d,"Index":%d,"Attempt":0,"Launch Time":%d,"Executor ID":"driver","Host":"localhost","Locality":"PROCESS_LOCAL","Speculative":false}}`, job, task, i, launch)
			line(`{"Event":"SparkListenerTaskEnd","Stage ID":%d,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":%d,"Index":%d,"Attempt":0,"Launch Time":%d,"Executor ID":"driver","Host":"localhost","Finish Time":%d,"Failed":false,"Killed":false},"Task Metrics":{"Executor Run Time":%d,"Executor CPU Time":%d,"JVM GC Time":%d,"Result Size":%d,"Shuffle Read Metrics":{"Remote Bytes Read":%d,"Local Bytes Read":%d,"Fetch Wait Time":%d},"Shuffle Write Metrics":{"Shuffle Bytes Written":%d,"Shuffle Write Time":%d,"Shuffle Records Written":%d},"Input Metrics":{"Bytes Read":%d,"Records Read":%d}}}`,
				job, task, i, launch, launch+rng.Int64N(20000), rng.IntN(20000), rng.Int64N(2e10), rng.IntN(300), 1000+rng.IntN(2000),
				rng.Int64N(1<<30), rng.Int64N(1<<28), rng.IntN(50), rng.Int64N(1<<27), rng.Int64N(1e9), rng.IntN(1e6), rng.Int64N(1<<31), rng.IntN(1e7))
			task++
		}
		t += rng.Int64N(30000)
		line(`{"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":%d,"Stage Attempt ID":0,"Stage Name":"map at Job%d.scala","Number of Tasks":8,"Completion Time":%d}}`, job, job, t)
		line(`{"Event":"SparkListenerJobEnd","Job ID":%d,"Completion Time":%d,"Job Result":{"Result":"JobSucceeded"}}`, job, t)
	}
	line(`{"Event":"SparkListenerApplicationEnd","Timestamp":%d}`, t+1000)
	return []byte(b.String())
}

// randText returns n random printable ASCII bytes that need no JSON escape.
func randText(rng *rand.Rand, n int) string {
	const alphabet = "!#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~ "
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// flushAfter reports whether Spark flushes its writer after this line: all
// events but task and stage-submitted ones (eventlog-format.md §1.2). The
// Java generator (testdata/codec/javagen/Gen.java at the root) uses the same rule.
func flushAfter(line string) bool {
	return !strings.Contains(line, `"Event":"SparkListenerTask`) &&
		!strings.Contains(line, `"Event":"SparkListenerStageSubmitted"`)
}
