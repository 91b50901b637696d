package history

import "testing"

// TestJobKey: names of one job's runs give one key; different jobs (and
// variants such as q88 / q12) give different keys.
func TestJobKey(t *testing.T) {
	cfg := DefaultKeyConfig()
	same := [][]string{
		{"daily_etl_2026-11-25", "daily_etl_2026-11-26", "Daily_ETL_20261127"},
		{"sessionize 2026-11-25T02:00:00Z", "sessionize 2026-11-26T02:00:05.123Z"},
		{"ingest-3f2a9c1d7b", "ingest-9e8d7c6b5a"},
		{"load 123e4567-e89b-12d3-a456-426614174000", "load 00000000-0000-4000-8000-000000000001"},
		{"report run 17", "report run 18", "report run #19"},
		{"export_1700000000", "export_1700086400"},
		{"compact application_1656321732247_0006", "compact application_1656321732247_0007"},
		{"nightly at 02:00 on 25/11/2026", "nightly at 03:15 on 26/11/2026"},
		{"nds_q88_photon_db_13_3"},
	}
	seen := map[string]string{}
	for _, group := range same {
		key := JobKey(group[0], nil, cfg)
		for _, name := range group[1:] {
			if got := JobKey(name, nil, cfg); got != key {
				t.Errorf("JobKey(%q) = %q, want %q (as %q)", name, got, key, group[0])
			}
		}
		if other, dup := seen[key]; dup {
			t.Errorf("%q and %q share key %q", group[0], other, key)
		}
		seen[key] = group[0]
	}
	differ := [][2]string{
		{"tpcds_q88", "tpcds_q12"},
		{"etl v1", "etl v2"},
		{"region 12 rollup", "region 13 rollup"},
		{"daily_etl", "weekly_etl"},
	}
	for _, d := range differ {
		if a, b := JobKey(d[0], nil, cfg), JobKey(d[1], nil, cfg); a == b {
			t.Errorf("%q and %q share key %q", d[0], d[1], a)
		}
	}
}

// TestJobKeyScheduler: a scheduler's property or tags win over the name.
func TestJobKeyScheduler(t *testing.T) {
	cfg := DefaultKeyConfig()
	cases := []struct {
		name string
		conf map[string]string
		want string
	}{
		{"x 2026-11-25", map[string]string{"spark.openlineage.parentJobName": "etl_dag.load_task"}, "spark.openlineage.parentJobName=etl_dag.load_task"},
		{"x", map[string]string{"spark.databricks.job.id": "884213", "spark.openlineage.parentJobName": "a.b"}, "spark.databricks.job.id=884213"},
		{"x", map[string]string{"spark.yarn.tags": "team:data, dag_id:etl ,task_id=load"}, "tags:dag_id=etl,task_id=load"},
		{"x", map[string]string{"spark.yarn.tags": "team:data"}, "x"},
		{"Y", map[string]string{"spark.sparkmine.job_key": ""}, "y"},
	}
	for _, c := range cases {
		if got := JobKey(c.name, c.conf, cfg); got != c.want {
			t.Errorf("JobKey(%q, %v) = %q, want %q", c.name, c.conf, got, c.want)
		}
	}
}

func TestRecurring(t *testing.T) {
	for key, want := range map[string]bool{"spark shell": false, "pysparkshell": false, "sparkr": false, "sparklyr": false, "": false,
		"etl_orders_<date>": true, "spark pi": true, "tags:dag_id=etl": true} {
		if got := Recurring(key); got != want {
			t.Errorf("Recurring(%q) = %v, want %v", key, got, want)
		}
	}
	runs := make([]Run, 8)
	for i := range runs {
		runs[i] = Run{AppID: string(rune('a' + i)), JobKey: "spark shell", EndMS: int64(i), DurationMS: 1000, ExecutorTimeMS: 1000}
	}
	if _, ok := NewBaseline(Run{AppID: "z", JobKey: "spark shell", EndMS: 99}, runs, DefaultConfig()); ok {
		t.Error("a shell's sessions made a baseline")
	}
}
