package extract

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkStageContext compares the stage context with the History Server's:
// the call site with the first line of a stage's "details" and the job
// description with its "description" (absent: none).
func checkStageContext(c *tally, app *App, want map[string]any) {
	id, _ := normalize(want["stageId"]).(float64)
	att, _ := normalize(want["attemptId"]).(float64)
	where := fmt.Sprintf("stage %.0f.%.0f", id, att)
	r := stageRow(app, int64(id), int64(att))
	if r == nil {
		c.t.Errorf("%s %s: no row", c.file, where)
		return
	}
	details, _ := want["details"].(string)
	c.check(where, "details (first line)", strings.SplitN(details, "\n", 2)[0], r.CallSite)
	desc, _ := want["description"].(string)
	c.check(where, "description", desc, r.JobDescription)
}

func stageRow(app *App, id, att int64) *StageRow {
	for i := range app.Stages {
		if s := &app.Stages[i]; s.StageID == id && s.StageAttemptID == att {
			return s
		}
	}
	return nil
}

// TestConformanceJobStages checks job_ids against the History Server's job
// lists: a stage lists every job whose stageIds hold it, and no other.
func TestConformanceJobStages(t *testing.T) {
	needEventlogs(t)
	defer logTallies(t)
	for _, file := range []string{"job_list_json", "succeeded_failed_job_list_json", "job_list_from_multi_attempt_app_json_1_"} {
		log := "local-1422981780767"
		if strings.HasPrefix(file, "job_list_from_multi") {
			log = "local-1426533911241"
		}
		_, app := buildLog(t, filepath.Join(eventlogs, "spark", log))
		c := newTally(t, file+" (job ids)")
		wantJobs := map[int64][]int64{} // stage id → job ids
		for _, j := range readJSON(t, filepath.Join(eventlogs, "spark", "expectations", file+"_expectation.json")).([]any) {
			jm := j.(map[string]any)
			jid := int64(normalize(jm["jobId"]).(float64))
			for _, s := range jm["stageIds"].([]any) {
				sid := int64(normalize(s).(float64))
				wantJobs[sid] = append(wantJobs[sid], jid)
			}
		}
		for _, r := range app.Stages {
			want := slices.Sorted(slices.Values(wantJobs[r.StageID]))
			c.check(fmt.Sprintf("stage %d.%d", r.StageID, r.StageAttemptID), "jobIds", fmt.Sprint(want), fmt.Sprint(r.JobIDs))
		}
	}
}

// TestStageKinds classifies stages of real logs whose kind is known from
// the log itself (its job descriptions, call sites and stage graph).
func TestStageKinds(t *testing.T) {
	needEventlogs(t)
	const nds = "rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"
	cases := []struct {
		log   string
		stage int64
		kind  string
	}{
		{"spark/app-20200706201101-0003", 0, KindBroadcast},                             // "broadcast exchange (runId …)"
		{"spark/app-20200706201101-0003", 2, KindResult},                                // foreach
		{"spark/local-1422981759269", 1, KindShuffleMap},                                // Spark 1.2: no Parent IDs, wrote shuffle
		{"spark/local-1422981759269", 3, KindShuffleMap},                                // skipped, not its job's result stage
		{"spark/local-1422981759269", 4, KindWrite},                                     // saveAsTextFile (1.2 has no output metrics)
		{"spark/local-1422981759269", 5, KindResult},                                    // count
		{"rapids-tools/spark-events-qualification/writeformat_eventlog", 0, KindSchema}, // DataFrameReader.load
		{"rapids-tools/spark-events-qualification/writeformat_eventlog", 2, KindWrite},  // DataFrameWriter.save, 447 bytes out
		{"rapids-tools/spark-events-profiling/eventlog_minimal_events", 0, KindSchema},  // CSV inference's shuffle stage
		{"rapids-tools/spark-events-profiling/eventlog_minimal_events", 6, KindShuffleMap},
		{"rapids-tools/spark-events-profiling/eventlog_minimal_events", 7, KindResult}, // show
		{nds, 13, KindListing}, // "Listing leaf files and directories for 2004 paths"
		{nds, 14, KindSchema},  // DataFrameReader.load, no listing description
		{nds, 44, KindShuffleMap},
		{"nvidia/aqeshuffle_eventlog.zstd", 4, KindShuffleMap}, // AQE map-stage job
		{"nvidia/aqeshuffle_eventlog.zstd", 8, KindResult},
	}
	apps := map[string]*App{}
	for _, tc := range cases {
		app := apps[tc.log]
		if app == nil {
			app = buildAnyLog(t, filepath.Join(eventlogs, tc.log))
			apps[tc.log] = app
		}
		var got []string
		for _, r := range app.Stages {
			if r.StageID == tc.stage {
				got = append(got, r.StageKind)
			}
		}
		if len(got) == 0 || slices.ContainsFunc(got, func(k string) bool { return k != tc.kind }) {
			t.Errorf("%s stage %d: kind %v, want %s", tc.log, tc.stage, got, tc.kind)
		}
	}
}

// TestStageContextListing checks the context columns of a listing stage of
// a Databricks log: its job, no SQL execution, the bounded description.
func TestStageContextListing(t *testing.T) {
	needEventlogs(t)
	app := buildAnyLog(t, filepath.Join(eventlogs, "rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd"))
	r := stageRow(app, 13, 0)
	if r == nil {
		t.Fatal("no stage 13")
	}
	if !strings.HasPrefix(r.JobDescription, "Listing leaf files and directories for 2004 paths:") || r.SQLExecutionID != nil ||
		fmt.Sprint(r.JobIDs) != "[13]" || r.CallSite != "org.apache.spark.sql.DataFrameReader.load(DataFrameReader.scala:241)" {
		t.Errorf("stage 13: description %q, sql %v, jobs %v, call site %q", r.JobDescription, r.SQLExecutionID, r.JobIDs, r.CallSite)
	}
	for _, s := range app.Stages {
		if len(s.JobDescription) > JobDescriptionLimit {
			t.Errorf("stage %d: description of %d bytes", s.StageID, len(s.JobDescription))
		}
		if s.StageKind != KindListing && s.StageKind != KindSchema && s.SQLExecutionID == nil {
			t.Errorf("stage %d (%s): no SQL execution id", s.StageID, s.StageKind)
		}
	}
}
