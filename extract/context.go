package extract

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/valyala/fastjson"
)

// Stage kinds: what a stage does for the application, classified from what
// Spark itself writes in the log (see classify).
const (
	KindListing    = "listing"     // parallel file listing of a file index
	KindSchema     = "schema"      // schema inference (or footer reading) while a reader resolves a relation
	KindBroadcast  = "broadcast"   // the collect that builds a broadcast exchange
	KindResult     = "result"      // the result stage of a job (collect, count, foreach, take…)
	KindWrite      = "write"       // the result stage of a job that writes and commits files
	KindShuffleMap = "shuffle_map" // a stage that writes shuffle output for a later stage
	KindOther      = "other"       // none of the above (a stage no job start lists)
)

// JobDescriptionLimit bounds StageRow.JobDescription (bytes).
const JobDescriptionLimit = 512

// callSiteLimit bounds StageRow.CallSite (bytes).
const callSiteLimit = 256

// stageContext is what the log says about a stage (all its attempts): the
// jobs that list it, its parents and call site, and the properties of the
// job that submitted it.
type stageContext struct {
	jobIDs    []int64
	parents   []int64
	callSite  string
	desc      string
	sqlExec   *int64
	submitted bool // desc and sqlExec come from a StageSubmitted's Properties
}

// jobContext is what a job's properties say about the kind of its stages.
type jobContext struct {
	stageIDs  []int64
	desc      string // spark.job.description, raw
	tags      string // spark.job.tags (Spark 3.5+), raw
	sqlExec   *int64
	hasSQLKey bool
}

// ctx returns the context of stage id, creating it.
func (b *Builder) ctx(id int64) *stageContext {
	c := b.stageCtx[id]
	if c == nil {
		c = &stageContext{}
		b.stageCtx[id] = c
	}
	return c
}

// noteStageInfo records a Stage Info's parents and call site. The call site
// is the first line of "Details", Spark's CallSite.longForm: Utils.getCallSite
// puts the last Spark method before user code on top of the stack trace
// (org.apache.spark.sql.DataFrameReader.json(DataFrameReader.scala:259)).
func (b *Builder) noteStageInfo(si *stageInfoEvent) *stageContext {
	c := b.ctx(si.key.id)
	if len(si.parents) > 0 && c.parents == nil {
		c.parents = si.parents
		for _, p := range c.parents {
			b.isParent[p] = true
		}
	}
	if c.callSite == "" {
		c.callSite = firstLineBytes(b.firstLineOf(si.details), callSiteLimit)
	}
	return c
}

// noteJobStages records, for each stage a JobStart lists, the job and, until
// a StageSubmitted says otherwise, the job's description and SQL execution.
func (b *Builder) noteJobStages(infos []stageInfoEvent, jobID int64, jc *jobContext) {
	for i := range infos {
		c := b.noteStageInfo(&infos[i])
		if !slices.Contains(c.jobIDs, jobID) {
			c.jobIDs = append(c.jobIDs, jobID)
		}
		if !c.submitted && len(c.jobIDs) == 1 {
			c.desc, c.sqlExec = jc.desc, jc.sqlExec
		}
	}
}

// jobContextFrom reads the properties of a JobStart.
func jobContextFrom(p *jobProps, stageIDs []int64) *jobContext {
	return &jobContext{stageIDs: stageIDs, desc: Clip(p.desc, 4*JobDescriptionLimit),
		tags: Clip(p.tags, 4*JobDescriptionLimit), sqlExec: copyInt(p.sqlExec), hasSQLKey: p.hasSQLKey}
}

// propsFromJSON reads a job's Properties (nil: absent).
func propsFromJSON(p *fastjson.Value) jobProps {
	if p == nil {
		return jobProps{}
	}
	jp := jobProps{present: true, desc: str(p, "spark.job.description"),
		callSite: str(p, "callSite.short"), tags: str(p, "spark.job.tags")}
	jp.sqlExec, jp.hasSQLKey = sqlExecutionID(p.GetStringBytes("spark.sql.execution.id"))
	return jp
}

// sqlExecutionID reads spark.sql.execution.id (SQLExecution.EXECUTION_ID_KEY),
// nil when it is not a string.
func sqlExecutionID(s []byte) (*int64, bool) {
	if s == nil {
		return nil, false
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return nil, true
	}
	return &n, true
}

// stageSubmittedEvent is what the model reads of a StageSubmitted.
type stageSubmittedEvent struct {
	info  stageInfoEvent
	props jobProps
}

// noteStageSubmitted takes the description and SQL execution of the job
// that submitted the stage attempt, as the History Server does
// (AppStatusListener.onStageSubmitted reads spark.job.description from the
// event's Properties).
func (b *Builder) noteStageSubmitted(e *stageSubmittedEvent) {
	c := b.noteStageInfo(&e.info)
	if !e.props.present {
		return
	}
	c.submitted = true
	c.desc = Clip(e.props.desc, 4*JobDescriptionLimit)
	c.sqlExec = copyInt(e.props.sqlExec)
}

// firstLineBytes is firstLine over bytes, allocating only the kept part.
func firstLineBytes(s []byte, n int) string {
	if i := bytes.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > n {
		s = s[:n+1]
	}
	return Clip(string(s), n)
}

// fillContext sets the context columns of every stage row. The stages of
// a job share its description: each is redacted once.
func (b *Builder) fillContext(rows []StageRow) {
	descs := make(map[string]string)
	for i := range rows {
		r := &rows[i]
		c := b.stageCtx[r.StageID]
		if c == nil {
			r.StageKind = KindOther
			continue
		}
		r.JobIDs = slices.Sorted(slices.Values(c.jobIDs))
		r.ParentStageIDs = slices.Sorted(slices.Values(c.parents))
		r.CallSite = c.callSite
		d, ok := descs[c.desc]
		if !ok {
			d = Clip(b.opts.Redactor.Value("spark.job.description", c.desc), JobDescriptionLimit)
			descs[c.desc] = d
		}
		r.JobDescription = d
		r.SQLExecutionID = c.sqlExec
		r.StageKind = b.classify(r, c)
	}
}

// classify tells what a stage does, from what Spark writes, in this order:
//
//   - listing: the first job listing the stage carries the description
//     "Listing leaf files and directories for N paths", which Spark sets with
//     SparkContext.setJobDescription around its parallel file listing
//     (HadoopFSUtils.parallelListLeafFiles since 3.1, InMemoryFileIndex.
//     bulkListLeafFiles in 2.1-3.0, PartitioningAwareFileIndex before).
//   - schema: that job's result stage was called from a reader
//     (org.apache.spark.sql.DataFrameReader or streaming.DataStreamReader on
//     top of its call site). Readers are lazy: the only jobs they run before
//     returning a DataFrame resolve the relation (JSON/CSV schema inference,
//     CSV header, Parquet/ORC schema merging).
//   - shuffle_map: another stage lists the stage among its "Parent IDs", it
//     wrote shuffle output (a ShuffleMapStage; DAGScheduler.submitMapStage
//     jobs of AQE end in one), or it is a job's stage other than its result
//     stage (logs before Spark 1.3 have no Parent IDs).
//   - broadcast: the result stage of a job whose description or tags carry
//     "broadcast exchange (runId …)", set by BroadcastExchangeExec.
//     relationFuture with setJobGroup (addJobTag in Spark 4); RAPIDS and
//     Databricks write it with a capital B or a "native " prefix.
//   - write: the result stage of a job that wrote output (Output Metrics, set
//     by FileFormatWriter and SparkHadoopWriter tasks) or whose call site is
//     FileFormatWriter.write or an RDD saveAs* action.
//   - result: the result stage of a job (the highest stage id of the job,
//     as DAGScheduler.createResultStage creates the parents first).
//   - other: a stage no JobStart lists.
func (b *Builder) classify(r *StageRow, c *stageContext) string {
	job := b.creatorJob(c)
	switch k := b.jobKind(job); k {
	case KindListing, KindSchema:
		return k
	}
	res := b.resultOf(r.StageID, c)
	switch {
	case b.isParent[r.StageID] || r.ShuffleWriteBytes > 0 || r.ShuffleWriteRecords > 0:
		return KindShuffleMap
	case res == nil && len(c.jobIDs) > 0:
		return KindShuffleMap // a job's stages other than its result stage map shuffles
	case res == nil:
		return KindOther
	case isBroadcast(res):
		return KindBroadcast
	case r.OutputBytes > 0 || r.OutputRecords > 0 || isWriteCallSite(c.callSite):
		return KindWrite
	}
	return KindResult
}

// creatorJob is the first job that lists the stage (the one that created it).
func (b *Builder) creatorJob(c *stageContext) *jobContext {
	if len(c.jobIDs) == 0 {
		return nil
	}
	return b.jobCtx[slices.Min(c.jobIDs)]
}

// jobKind is listing or schema when the job's properties or result stage
// say so, "" otherwise.
func (b *Builder) jobKind(j *jobContext) string {
	if j == nil {
		return ""
	}
	if strings.HasPrefix(j.desc, "Listing leaf files and directories") {
		return KindListing
	}
	if len(j.stageIDs) == 0 {
		return ""
	}
	if rc := b.stageCtx[slices.Max(j.stageIDs)]; rc != nil && isReaderCallSite(rc.callSite) {
		return KindSchema
	}
	return ""
}

// resultOf returns a job of which the stage is the result stage, nil when
// it is none's.
func (b *Builder) resultOf(id int64, c *stageContext) *jobContext {
	for _, jid := range c.jobIDs {
		if j := b.jobCtx[jid]; j != nil && len(j.stageIDs) > 0 && slices.Max(j.stageIDs) == id {
			return j
		}
	}
	return nil
}

func isBroadcast(j *jobContext) bool {
	return containsFold(j.desc, "broadcast exchange (runId") || containsFold(j.tags, "broadcast exchange (runId")
}

func isReaderCallSite(s string) bool {
	return strings.HasPrefix(s, "org.apache.spark.sql.DataFrameReader.") ||
		strings.HasPrefix(s, "org.apache.spark.sql.streaming.DataStreamReader.")
}

func isWriteCallSite(s string) bool {
	return strings.Contains(s, ".FileFormatWriter$.write(") ||
		strings.HasPrefix(s, "org.apache.spark.rdd.RDD.saveAs") ||
		strings.HasPrefix(s, "org.apache.spark.rdd.PairRDDFunctions.saveAs")
}

// containsFold reports whether sub is in s, ASCII case folded.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
