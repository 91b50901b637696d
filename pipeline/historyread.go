package pipeline

import (
	"context"
	"fmt"
	"sort"

	"github.com/sparkmine/sparkmine/analyze"
	"github.com/sparkmine/sparkmine/analyze/history"
	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/pipeline/dataset"
	"github.com/sparkmine/sparkmine/store"
	"github.com/sparkmine/sparkmine/store/table"
)

// A night's history is the apps rows of its job keys within the baseline
// window, read from the committed parts of every shard: only the window's
// dt partitions are listed, only the columns history needs are decoded,
// and a part's rows of other jobs are dropped as soon as it is read, so
// memory grows with tonight's jobs' runs, not with the dataset. The
// findings and diagnoses of those runs give the advice whose outcome is
// watched.

// jobHistory is what a night reads of its jobs' past.
type jobHistory struct {
	runs   []history.Run    // of tonight's job keys, oldest first
	advice []history.Advice // made for those runs, by findings and diagnoses
	stats  historyStats
}

// historyStats says what reading the history cost.
type historyStats struct {
	Parts, Bytes     int64 // part files read and their bytes
	Rows, RowsKept   int64 // apps rows decoded, and those of tonight's jobs
	AdviceRows, Kept int64 // findings and diagnoses rows decoded, and advice kept
}

// historyApp is the apps columns history reads.
type historyApp struct {
	AppID             string  `parquet:"app_id"`
	AttemptID         string  `parquet:"attempt_id"`
	RunID             string  `parquet:"run_id"`
	JobKey            string  `parquet:"job_key"`
	SparkVersion      string  `parquet:"spark_version"`
	EndTime           *int64  `parquet:"end_time,optional,timestamp(millisecond:utc)"`
	LastEventTime     *int64  `parquet:"last_event_time,optional,timestamp(millisecond:utc)"`
	DurationMS        int64   `parquet:"duration_ms"`
	MaxExecutors      int64   `parquet:"max_executors"`
	ExecutorTimeMS    int64   `parquet:"executor_time_ms"`
	TaskTimeMS        int64   `parquet:"task_time_ms"`
	InputBytes        int64   `parquet:"input_bytes"`
	ShuffleReadBytes  int64   `parquet:"shuffle_read_bytes"`
	ShuffleWriteBytes int64   `parquet:"shuffle_write_bytes"`
	SparkConf         string  `parquet:"spark_conf"`
	EstCostUSD        float64 `parquet:"est_cost_usd"`
}

func (a historyApp) run() history.Run {
	row := extract.AppRow{AppID: a.AppID, AttemptID: a.AttemptID, RunID: a.RunID, SparkVersion: a.SparkVersion,
		EndTime: a.EndTime, LastEventTime: a.LastEventTime, DurationMS: a.DurationMS, MaxExecutors: a.MaxExecutors,
		ExecutorTimeMS: a.ExecutorTimeMS, TaskTimeMS: a.TaskTimeMS, InputBytes: a.InputBytes,
		ShuffleReadBytes: a.ShuffleReadBytes, ShuffleWriteBytes: a.ShuffleWriteBytes, SparkConf: a.SparkConf}
	return history.RunOf(row, a.EstCostUSD, a.JobKey)
}

// historyFinding is the findings columns that carry advice.
type historyFinding struct {
	AppID           string                   `parquet:"app_id"`
	AttemptID       string                   `parquet:"attempt_id"`
	FindingID       string                   `parquet:"finding_id"`
	Detector        string                   `parquet:"detector"`
	Recommendations []analyze.Recommendation `parquet:"recommendations,list"`
}

// historyDiagnosis is the diagnoses columns that carry advice.
type historyDiagnosis struct {
	AppID        string                 `parquet:"app_id"`
	AttemptID    string                 `parquet:"attempt_id"`
	Status       string                 `parquet:"status"`
	PromptSHA256 string                 `parquet:"prompt_sha256"`
	Configs      []analyze.ConfigAdvice `parquet:"configs,list"`
}

// readHistory reads the runs of the job keys in keys that ended on the
// days from..to (YYYY-MM-DD, inclusive), and the advice made for them,
// but for the app attempts in tonight: read again tonight, their advice is
// tonight's (so a rerun of a night sees what its first run saw, and its
// diagnoses' prompts are the same).
func readHistory(ctx context.Context, st store.Store, keys, tonight map[string]bool, from, to string) (*jobHistory, error) {
	h := &jobHistory{}
	inWindow := func(day string) bool { return day >= from && day <= to }
	byApp := map[string]history.Run{}
	err := eachPart(ctx, st, dataset.Apps.Name(), inWindow, &h.stats, func(rows []historyApp) {
		h.stats.Rows += int64(len(rows))
		for _, a := range rows {
			if keys[a.JobKey] {
				byApp[dataset.AppKey(a.AppID, a.AttemptID)] = a.run()
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("read job history: %w", err)
	}
	h.runs = sortedRuns(byApp)
	h.stats.RowsKept = int64(len(h.runs))
	if err := h.readAdvice(ctx, st, byApp, tonight, inWindow); err != nil {
		return nil, fmt.Errorf("read job history: %w", err)
	}
	return h, nil
}

// readAdvice collects the advice findings and diagnoses made for runs.
func (h *jobHistory) readAdvice(ctx context.Context, st store.Store, runs map[string]history.Run, tonight map[string]bool, days func(string) bool) error {
	err := eachPart(ctx, st, dataset.Findings.Name(), days, &h.stats, func(rows []historyFinding) {
		h.stats.AdviceRows += int64(len(rows))
		for _, f := range rows {
			key := dataset.AppKey(f.AppID, f.AttemptID)
			if run, ok := runs[key]; ok && !tonight[key] && len(f.Recommendations) > 0 {
				h.advice = append(h.advice, analyze.FindingAdvice(analyze.FindingRow{FindingID: f.FindingID,
					Detector: f.Detector, Recommendations: f.Recommendations}, run)...)
			}
		}
	})
	if err != nil {
		return err
	}
	err = eachPart(ctx, st, dataset.Diagnoses.Name(), days, &h.stats, func(rows []historyDiagnosis) {
		h.stats.AdviceRows += int64(len(rows))
		for _, d := range rows {
			key := dataset.AppKey(d.AppID, d.AttemptID)
			if run, ok := runs[key]; ok && !tonight[key] {
				h.advice = append(h.advice, analyze.DiagnosisAdvice(analyze.DiagnosisRow{Status: d.Status,
					PromptSHA256: d.PromptSHA256, Configs: d.Configs}, run)...)
			}
		}
	})
	h.stats.Kept = int64(len(h.advice))
	return err
}

// eachPart reads the parts of tbl whose day passes days, one at a time,
// decoding only T's columns, and hands each part's rows to fn.
func eachPart[T any](ctx context.Context, st store.Store, tbl string, days func(string) bool, s *historyStats, fn func([]T)) error {
	var parts []store.ObjectInfo
	err := st.List(ctx, tbl+"/dt=", func(o store.ObjectInfo) error {
		if day, ok := table.PartDay(o.Key); ok && days(day) {
			parts = append(parts, o)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("list %s: %w", tbl, err)
	}
	for _, p := range parts {
		rows, err := table.ReadPart[T](ctx, st, p.Key)
		if err != nil {
			return err
		}
		s.Parts++
		s.Bytes += p.Size
		fn(rows)
	}
	return nil
}

// sortedRuns returns the runs oldest first (ties by app key, so the order
// does not depend on the listing).
func sortedRuns(byApp map[string]history.Run) []history.Run {
	runs := make([]history.Run, 0, len(byApp))
	for _, r := range byApp {
		runs = append(runs, r)
	}
	sort.Slice(runs, func(i, j int) bool {
		a, b := runs[i], runs[j]
		if a.EndMS != b.EndMS {
			return a.EndMS < b.EndMS
		}
		return dataset.AppKey(a.AppID, a.AttemptID) < dataset.AppKey(b.AppID, b.AttemptID)
	})
	return runs
}

// historyQuery is the queries columns of a plan's shape.
type historyQuery struct {
	AppID         string `parquet:"app_id"`
	AttemptID     string `parquet:"attempt_id"`
	JoinKinds     string `parquet:"join_kinds"`
	Exchanges     int64  `parquet:"exchanges"`
	Scans         int64  `parquet:"scans"`
	UnprunedScans int64  `parquet:"unpruned_scans"`
}

// readPlans returns the plan shape (analyze.PlanShape) of the app
// attempts in apps, from the queries parts of days.
func readPlans[V any](ctx context.Context, st store.Store, apps map[string]V, days map[string]bool) (map[string]string, error) {
	qs := map[string][]extract.QueryRow{}
	var stats historyStats
	err := eachPart(ctx, st, dataset.Queries.Name(), func(d string) bool { return days[d] }, &stats, func(rows []historyQuery) {
		for _, q := range rows {
			key := dataset.AppKey(q.AppID, q.AttemptID)
			if _, ok := apps[key]; ok {
				qs[key] = append(qs[key], extract.QueryRow{JoinKinds: q.JoinKinds, Exchanges: q.Exchanges, Scans: q.Scans, UnprunedScans: q.UnprunedScans})
			}
		}
	})
	plans := map[string]string{}
	for key, rows := range qs {
		plans[key] = analyze.PlanShape(rows)
	}
	if err != nil {
		return plans, fmt.Errorf("read plans of job history: %w", err)
	}
	return plans, nil
}
