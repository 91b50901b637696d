package extract

import (
	"math/bits"
	"slices"
)

// QuantileIndex is the History Server's index rule for quantile q over n
// ascending values: min(int64(q·n), n−1), float64 multiply then truncate
// (AppStatusUtils.getQuantilesValue). n must be positive.
func QuantileIndex(q float64, n int64) int64 {
	return min(int64(q*float64(n)), n-1)
}

// Quantiles returns the values at qs of sorted (ascending) with the History
// Server's index rule, where n is the count the index is computed from. n is
// normally len(sorted); the History Server's duration quirk passes the
// number of successful tasks while sorted also holds other tasks. It returns
// nil when n is 0.
func Quantiles(sorted []int64, n int64, qs ...float64) []float64 {
	if n <= 0 {
		return nil
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		idx := QuantileIndex(q, n)
		if idx < 0 || idx >= int64(len(sorted)) {
			continue // the History Server's iterator would run dry: NaN there, 0 here
		}
		out[i] = float64(sorted[idx])
	}
	return out
}

// taskDist holds, per metric, the sorted values the History Server's task
// summary walks, and N (successful tasks with metrics).
type taskDist struct {
	n    int64
	vals [numMetrics][]int64
}

// distOf builds the distribution of a stage attempt's task records:
// successful tasks with metrics for most metrics; every task with a
// non-negative value for duration, getting-result time and scheduler delay
// (the History Server's quirk, see metric.unfiltered).
// With all false only the metrics the stage row quantiles (rowMetrics) are
// sorted; the others stay nil, and the values live in *scratch (grown as
// needed), so d is valid only until the next call with the same scratch.
func distOf(tasks []taskRecord, all bool, scratch *[]int64) *taskDist {
	d := &taskDist{}
	var buf []int64
	if !all {
		if need := numRowMetrics * len(tasks); cap(*scratch) < need {
			*scratch = make([]int64, need)
		}
		buf = *scratch
	}
	for i := range tasks {
		if tasks[i].state == taskSucceeded && tasks[i].hasMetrics {
			d.n++
		}
	}
	for m := metric(0); m < numMetrics; m++ {
		if !all && !rowMetrics[m] {
			continue
		}
		var vals []int64
		if buf != nil {
			vals, buf = buf[:0:len(tasks)], buf[len(tasks):]
		} else {
			vals = make([]int64, 0, d.n)
		}
		for i := range tasks {
			t := &tasks[i]
			if m.unfiltered() {
				if (m == mDuration || t.hasMetrics) && t.m[m] >= 0 {
					vals = append(vals, t.m[m])
				}
			} else if t.state == taskSucceeded && t.hasMetrics {
				vals = append(vals, t.m[m])
			}
		}
		if all {
			slices.Sort(vals)
		} else {
			orderRowQuantiles(vals, d.n)
		}
		d.vals[m] = vals
	}
	return d
}

// orderRowQuantiles partially orders vals so that, at every index
// Quantiles reads for rowQuantiles with count n, vals holds the value
// sorting would put there.
func orderRowQuantiles(vals []int64, n int64) {
	if n <= 0 || len(vals) == 0 {
		return
	}
	var ks [8]int
	nk := 0
	for _, q := range rowQuantiles {
		i := QuantileIndex(q, n)
		if i < 0 || i >= int64(len(vals)) {
			continue
		}
		if nk > 0 && ks[nk-1] >= int(i) {
			continue // ascending already; a repeat is done
		}
		ks[nk] = int(i)
		nk++
	}
	selectAt(vals, ks[:nk], 2*bits.Len(uint(len(vals))))
}

// selectAt partially orders v so that v[k] is sorted v's value at k for
// every k of ks (ascending, within v): a quickselect for several ranks,
// three-way so that runs of equal values take one pass, falling back to a
// sort when depth runs out.
func selectAt(v []int64, ks []int, depth int) {
	for len(ks) > 0 {
		if len(v) <= 12 || depth == 0 {
			slices.Sort(v)
			return
		}
		depth--
		a, b, c := v[0], v[len(v)/2], v[len(v)-1]
		p := max(min(a, b), min(max(a, b), c)) // median of three
		// v[:lt] < p, v[lt:i] == p, v[gt:] > p.
		lt, i, gt := 0, 0, len(v)
		for i < gt {
			switch x := v[i]; {
			case x < p:
				v[lt], v[i] = x, v[lt]
				lt++
				i++
			case x > p:
				gt--
				v[gt], v[i] = x, v[gt]
			default:
				i++
			}
		}
		// Ranks below lt recurse left; those from gt on continue right.
		j := 0
		for j < len(ks) && ks[j] < lt {
			j++
		}
		if j > 0 {
			selectAt(v[:lt], ks[:j], depth)
		}
		for j < len(ks) && ks[j] < gt {
			j++
		}
		ks = ks[j:]
		for x := range ks {
			ks[x] -= gt
		}
		v = v[gt:]
	}
}

// quantiles returns metric m at qs, nil when no task qualified.
func (d *taskDist) quantiles(m metric, qs ...float64) []float64 {
	return Quantiles(d.vals[m], d.n, qs...)
}

// rowMetrics are the metrics fillQuantiles reads.
var rowMetrics = [numMetrics]bool{mDuration: true, mRunTime: true, mGCTime: true, mShuffleReadBytes: true,
	mShuffleWriteBytes: true, mInputBytes: true, mMemorySpilled: true}

// numRowMetrics is the number of rowMetrics.
const numRowMetrics = 7

// rowQuantiles are the quantiles the stage row carries.
var rowQuantiles = []float64{0, 0.25, 0.5, 0.75, 0.95, 1}

// stageResult is a stage attempt reduced to its row; dist is kept only
// when the Builder was asked to keep distributions (tests).
type stageResult struct {
	row   StageRow
	dist  *taskDist
	tasks TaskSketch
}

// reduce turns a stage attempt into its row and drops its task records.
func (b *Builder) reduce(s *stageAttempt) {
	delete(b.stages, s.key)
	if b.lastStage == s {
		b.lastStage = nil
	}
	res := &stageResult{}
	if old := b.rows[s.key]; old != nil && len(s.tasks) == 0 {
		// A fresh object that replaced a reduced one (a later job listed
		// the stage attempt): the tasks, and so the summary, stay.
		*res = *old
	} else {
		d := distOf(s.tasks, b.keepDist, &b.distScratch)
		fillQuantiles(&res.row, d)
		if b.keepDist {
			res.dist = d
		}
		res.tasks = sketchOf(s.tasks)
	}
	setStageCounters(&res.row, s)
	b.rows[s.key] = res
	b.freeTasks(s.tasks)
	s.tasks = nil
}

// maxFreeTasks bounds the task record slices a Builder keeps for reuse.
const maxFreeTasks = 8

// freeTasks keeps a reduced stage attempt's record storage for the next
// stage attempt to start a task.
func (b *Builder) freeTasks(t []taskRecord) {
	if cap(t) == 0 {
		return
	}
	if len(b.taskPool) < maxFreeTasks {
		b.taskPool = append(b.taskPool, t[:0])
		return
	}
	// Keep the larger storage.
	for i := range b.taskPool {
		if cap(b.taskPool[i]) < cap(t) {
			b.taskPool[i] = t[:0]
			return
		}
	}
}

// newTasks returns empty record storage, reused when a reduced stage
// attempt left some.
func (b *Builder) newTasks() []taskRecord {
	if n := len(b.taskPool); n > 0 {
		t := b.taskPool[n-1]
		b.taskPool[n-1] = nil
		b.taskPool = b.taskPool[:n-1]
		return t
	}
	return nil
}

// setStageCounters sets every column of a stage attempt's row but the
// quantile block.
func setStageCounters(r *StageRow, s *stageAttempt) {
	c := &s.c
	q := *r
	*r = StageRow{
		StageID: s.key.id, StageAttemptID: s.key.attempt,
		Name: s.info.name, Status: c.status,
		Tasks: s.info.numTasks, CompleteTasks: c.complete, FailedTasks: c.failed, KilledTasks: c.killed,
		CompletedIndices: c.completedIndices.n, FetchFailures: c.fetchFailures,
		SpeculativeTasks: c.speculative, ExecutorLostFailures: c.executorLost,
		ExceptionFailures: c.exceptions, ResubmittedTasks: c.resubmitted, CommitDeniedTasks: c.commitDenied,
		SubmissionTime: s.info.submission, FirstTaskLaunchedTime: c.firstLaunch,
		CompletionTime: s.info.completion, FailureReason: s.info.failureReason,
		PeakExecutionMemoryMax: c.peakExecMax,
	}
	if r.SubmissionTime != nil && r.CompletionTime != nil {
		r.DurationMS = *r.CompletionTime - *r.SubmissionTime
	}
	fillSums(r, &c.sums)
	copyQuantileBlock(r, &q)
}

func fillSums(r *StageRow, m *[numMetrics]int64) {
	r.ExecutorRunTimeMS = m[mRunTime]
	r.ExecutorCPUTimeNS = m[mCPUTime]
	r.ExecutorCPUTimeMS = m[mCPUTime] / 1e6
	r.ExecutorDeserializeTimeMS = m[mDeserTime]
	r.ResultSerializationTimeMS = m[mResultSerTime]
	r.GCTimeMS = m[mGCTime]
	r.ResultSizeBytes = m[mResultSize]
	r.InputBytes, r.InputRecords = m[mInputBytes], m[mInputRecords]
	r.OutputBytes, r.OutputRecords = m[mOutputBytes], m[mOutputRecords]
	r.ShuffleReadBytes = m[mShuffleReadBytes]
	r.ShuffleRemoteBytes = m[mShuffleRemoteBytes]
	r.ShuffleLocalBytes = m[mShuffleLocalBytes]
	r.ShuffleRemoteBytesToDisk = m[mShuffleRemoteToDisk]
	r.ShuffleReadRecords = m[mShuffleReadRecords]
	r.ShuffleRemoteBlocksFetched = m[mShuffleRemoteBlocks]
	r.ShuffleLocalBlocksFetched = m[mShuffleLocalBlocks]
	r.ShuffleFetchWaitMS = m[mShuffleFetchWait]
	r.ShuffleWriteBytes = m[mShuffleWriteBytes]
	r.ShuffleWriteRecords = m[mShuffleWriteRecords]
	r.ShuffleWriteTimeNS = m[mShuffleWriteTime]
	r.MemorySpilledBytes = m[mMemorySpilled]
	r.DiskSpilledBytes = m[mDiskSpilled]
	// The History Server's stage peakExecutionMemory is the sum over tasks
	// (stage_with_summaries: 16 tasks × 24040 = 384640).
	r.PeakExecutionMemorySum = m[mPeakExecMemory]
}

// fillQuantiles sets the quantile columns from a distribution.
func fillQuantiles(r *StageRow, d *taskDist) {
	r.QuantileTasks = d.n
	if d.n == 0 {
		return
	}
	six := func(m metric) []float64 { return d.quantiles(m, rowQuantiles...) }
	q := six(mDuration)
	r.TaskDurationMSMin, r.TaskDurationMSP25, r.TaskDurationMSP50 = q[0], q[1], q[2]
	r.TaskDurationMSP75, r.TaskDurationMSP95, r.TaskDurationMSMax = q[3], q[4], q[5]
	q = six(mRunTime)
	r.TaskRunTimeMSMin, r.TaskRunTimeMSP25, r.TaskRunTimeMSP50 = q[0], q[1], q[2]
	r.TaskRunTimeMSP75, r.TaskRunTimeMSP95, r.TaskRunTimeMSMax = q[3], q[4], q[5]
	q = six(mGCTime)
	r.TaskGCTimeMSP50, r.TaskGCTimeMSMax = q[2], q[5]
	q = six(mShuffleReadBytes)
	r.TaskShuffleReadBytesMin, r.TaskShuffleReadBytesP25, r.TaskShuffleReadBytesP50 = q[0], q[1], q[2]
	r.TaskShuffleReadBytesP75, r.TaskShuffleReadBytesP95, r.TaskShuffleReadBytesMax = q[3], q[4], q[5]
	q = six(mShuffleWriteBytes)
	r.TaskShuffleWriteBytesP50, r.TaskShuffleWriteBytesMax = q[2], q[5]
	q = six(mInputBytes)
	r.TaskInputBytesMin, r.TaskInputBytesP25, r.TaskInputBytesP50 = q[0], q[1], q[2]
	r.TaskInputBytesP75, r.TaskInputBytesP95, r.TaskInputBytesMax = q[3], q[4], q[5]
	r.TaskSpillBytesMax = six(mMemorySpilled)[5]
	r.DurationSkew = ratio(r.TaskDurationMSMax, r.TaskDurationMSP50)
	r.ShuffleSkew = ratio(r.TaskShuffleReadBytesMax, r.TaskShuffleReadBytesP50)
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// copyQuantileBlock copies the per-task quantile columns.
func copyQuantileBlock(dst, src *StageRow) {
	dst.QuantileTasks = src.QuantileTasks
	dst.TaskDurationMSMin, dst.TaskDurationMSP25, dst.TaskDurationMSP50 = src.TaskDurationMSMin, src.TaskDurationMSP25, src.TaskDurationMSP50
	dst.TaskDurationMSP75, dst.TaskDurationMSP95, dst.TaskDurationMSMax = src.TaskDurationMSP75, src.TaskDurationMSP95, src.TaskDurationMSMax
	dst.TaskRunTimeMSMin, dst.TaskRunTimeMSP25, dst.TaskRunTimeMSP50 = src.TaskRunTimeMSMin, src.TaskRunTimeMSP25, src.TaskRunTimeMSP50
	dst.TaskRunTimeMSP75, dst.TaskRunTimeMSP95, dst.TaskRunTimeMSMax = src.TaskRunTimeMSP75, src.TaskRunTimeMSP95, src.TaskRunTimeMSMax
	dst.TaskGCTimeMSP50, dst.TaskGCTimeMSMax = src.TaskGCTimeMSP50, src.TaskGCTimeMSMax
	dst.TaskShuffleReadBytesMin, dst.TaskShuffleReadBytesP25, dst.TaskShuffleReadBytesP50 = src.TaskShuffleReadBytesMin, src.TaskShuffleReadBytesP25, src.TaskShuffleReadBytesP50
	dst.TaskShuffleReadBytesP75, dst.TaskShuffleReadBytesP95, dst.TaskShuffleReadBytesMax = src.TaskShuffleReadBytesP75, src.TaskShuffleReadBytesP95, src.TaskShuffleReadBytesMax
	dst.TaskShuffleWriteBytesP50, dst.TaskShuffleWriteBytesMax = src.TaskShuffleWriteBytesP50, src.TaskShuffleWriteBytesMax
	dst.TaskInputBytesMin, dst.TaskInputBytesP25, dst.TaskInputBytesP50 = src.TaskInputBytesMin, src.TaskInputBytesP25, src.TaskInputBytesP50
	dst.TaskInputBytesP75, dst.TaskInputBytesP95, dst.TaskInputBytesMax = src.TaskInputBytesP75, src.TaskInputBytesP95, src.TaskInputBytesMax
	dst.TaskSpillBytesMax = src.TaskSpillBytesMax
	dst.DurationSkew, dst.ShuffleSkew = src.DurationSkew, src.ShuffleSkew
}
