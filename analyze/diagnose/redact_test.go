package diagnose

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sparkmine/sparkmine/extract"
	"github.com/sparkmine/sparkmine/extract/redact"
)

// Planted secrets never reach any request the endpoint receives
// (countTokens included), nor the rows.
func TestSecretsNeverLeave(t *testing.T) {
	const (
		awsSecret   = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		awsKeyID    = "AKIAIOSFODNN7EXAMPLE"
		jdbcPass    = "Hunter2JdbcPass"
		urlPass     = "s3cr3tUrlPass"
		failToken   = "ghp_FailureToken0123456789"
		bearer      = "eyJhbGciOiJIUzI1NiJ9SecretBearer"
		customValue = "corp-internal-value-77"
		bucket      = "acme-finance-prod"
		table       = "sales.orders"
	)
	const (
		driverHost = "etl-driver-01"
		yarnHost   = "ip-10-20-30-40.ec2.internal"
		shuffleIP  = "10.20.30.41"
	)
	secrets := []string{awsSecret, awsKeyID, jdbcPass, urlPass, failToken, bearer, customValue, bucket, "orders",
		driverHost, yarnHost, shuffleIP}

	app := testApp("app-secret")
	app.Conf = map[string]string{
		"spark.hadoop.fs.s3a.secret.key": awsSecret,
		"spark.hadoop.fs.s3a.access.key": awsKeyID,
		"spark.datasource.jdbc.url":      "jdbc:postgresql://db.internal:5432/erp?user=etl&password=" + jdbcPass,
		"spark.myapp.source":             "jdbc:mysql://etl:" + urlPass + "@db.internal/erp",
		"spark.corp.tenant.id":           customValue,
		"spark.sql.warehouse.dir":        "s3a://" + bucket + "/warehouse",
		"spark.executor.memory":          "8g",
		"spark.driver.host":              driverHost,
	}
	app.Row.PlanExcerpt = "== Physical Plan ==\n" +
		"*(2) SortMergeJoin [id#1], [oid#9], Inner\n" +
		":- FileScan parquet " + table + "[id#1,amount#2] Location: InMemoryFileIndex(1 paths)[s3://" + bucket + "/warehouse/sales.db/orders]\n" +
		"+- Scan JDBCRelation(public.customers) [numPartitions=1] url=jdbc:postgresql://db.internal/erp?user=etl&password=" + jdbcPass + "\n" +
		"   InsertIntoHiveTable `sales`.`orders`, /user/hive/warehouse/sales.db/orders"
	app.Stages[0].FailureReason = "org.apache.spark.SparkException: request failed: token=" + failToken + " Authorization: Bearer " + bearer
	app.Jobs[0].FailureMessage = "Job aborted: s3://" + bucket + "/tmp/_temporary access denied"
	app.Executors[1].RemovedReason = "lost: fetch from s3a://" + bucket + "/shuffle failed; Container killed on host: " + yarnHost
	app.Jobs[0].FailureMessage += "; FetchFailed(BlockManagerId(2, " + shuffleIP + ", 7337, None), shuffleId=0)"
	c := Candidate{App: app, Findings: testFindings("app-secret", "critical")}
	c.Findings[0].Detail = "spill while writing s3://" + bucket + "/out with password=" + jdbcPass

	f := newFake(t, func(int, genRequest) (int, any) {
		return 500, apiError(500, "INTERNAL", "echo token="+failToken)
	})
	cfg := testConfig(f)
	cfg.CountTokens = true
	cfg.Retries = 1
	cfg.RedactPatterns = []string{`(?i)tenant`}
	rows := newTestDiagnoser(t, cfg, nil).Run(context.Background(), "run", []Candidate{c})

	gen, counts, bodies := f.Stats()
	if gen != 2 || counts != 1 {
		t.Fatalf("%d generate, %d count calls; want 2 and 1", gen, counts)
	}
	for i, b := range bodies {
		for _, s := range secrets {
			if strings.Contains(b, s) {
				t.Errorf("request %d carries %q", i, s)
			}
		}
	}
	p, err := buildPrompt(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<path_1>", "<table_1>", "<host_1>", "*********(redacted)", `"spark.executor.memory":"8g"`} {
		if !strings.Contains(p.Reference, want) {
			t.Errorf("reference lacks %s:\n%s", want, p.Reference)
		}
	}
	if rows[0].Status != StatusError || strings.Contains(rows[0].Error, testAPIKey) {
		t.Errorf("row %s %q", rows[0].Status, rows[0].Error)
	}
}

// Placeholders are stable within a prompt: the same path or table gets
// the same placeholder wherever it appears, different ones differ.
func TestScrubText(t *testing.T) {
	tests := []struct {
		name, in, want string
		names          bool
	}{
		{"url credentials", "jdbc:mysql://u:p4ss@h/db", "jdbc:mysql://*********(redacted)@<host_1>/db", false},
		{"key=value secret", "failed with password=abc123, retrying", "failed with password=*********(redacted), retrying", false},
		{"json-ish secret", `"apiKey": "zzz"`, `"apiKey": *********(redacted)`, false},
		{"bearer", "Authorization: Bearer abcdefghijk", "Authorization: Bearer *********(redacted)", false},
		{"aws key id", "key AKIAIOSFODNN7EXAMPLE used", "key *********(redacted) used", false},
		{"plain text kept", "Container killed by YARN for exceeding memory limits", "Container killed by YARN for exceeding memory limits", true},
		{"class names kept", "java.lang.OutOfMemoryError at Job.scala:42", "java.lang.OutOfMemoryError at Job.scala:42", true},
		{"paths", "read s3://b/k/x and s3://b/k/y then s3://b/k/x", "read <path_1> and <path_2> then <path_1>", true},
		{"local path", "wrote /user/hive/warehouse/t1 ok", "wrote <path_1> ok", true},
		{"tables", "FileScan parquet db.t[id#1] Relation db.t[a#2] `db`.`t` Scan JDBCRelation(s.u) [n=1]",
			"FileScan parquet <table_1>[id#1] Relation <table_1>[a#2] <table_1> Scan JDBCRelation(<table_2>) [n=1]", true},
		{"names off: buckets still hidden", "FileScan parquet db.t[id#1] s3://b/k", "FileScan parquet db.t[id#1] s3://<host_1>/k", false},
		{"task host", "Lost task 51.3 in stage 34.0 (TID 12417) (worker121.datacenter executor 0): ExecutorLostFailure",
			"Lost task 51.3 in stage 34.0 (TID 12417) (<host_1> executor 0): ExecutorLostFailure", false},
		{"task host, Spark 2", "Lost task 0.0 in stage 1.0 (TID 1, host9, executor 3): boom",
			"Lost task 0.0 in stage 1.0 (TID 1, <host_1>, executor 3): boom", false},
		{"fetch failed", "FetchFailed(BlockManagerId(1, host9, 7337, None), shuffleId=0) Failed to connect to host9/10.1.2.3:7337",
			"FetchFailed(BlockManagerId(1, <host_1>, 7337, None), shuffleId=0) Failed to connect to <host_1>/<host_2>:7337", false},
		{"lost executor", "Lost executor 3 on host9: Container killed by YARN", "Lost executor 3 on <host_1>: Container killed by YARN", false},
		{"java options", "-Dspark.driver.host=drv01 -Djava.rmi.server.hostname=drv01 -Xmx4g",
			"-Dspark.driver.host=<host_1> -Djava.rmi.server.hostname=<host_1> -Xmx4g", false},
		{"ipv6", "connect to [fe80::1%eth0]:7337 and 2001:db8::8a2e:370:7334 at 12:30:45 in Foo::bar",
			"connect to <host_1>:7337 and <host_2> at 12:30:45 in Foo::bar", false},
		{"e-mail, not a lambda", "user bm9909@att.com ran Foo$$Lambda$1/443638755@31f31b20.apply",
			"user <email_1> ran Foo$$Lambda$1/443638755@31f31b20.apply", false},
		{"kind of a missing file kept", "java.io.FileNotFoundException: /tmp/blockmgr-1/0c/shuffle_0_1_0.index (No such file or directory)",
			"java.io.FileNotFoundException: <path_1>.index (No such file or directory)", true},
		{"spark version is not an address", "Spark Version 3.1.1.119 on 10.9.8.7", "Spark Version 3.1.1.119 on <host_1>", false},
		{"yarn host", "Container killed on host: ip-10-1-2-3.ec2.internal. Exit status: 137",
			"Container killed on host: <host_1>. Exit status: 137", false},
		{"fetch failure", "FetchFailed(BlockManagerId(4, worker-7, 7337, None), shuffleId=0) from 10.0.0.5:7337 and worker-7",
			"FetchFailed(BlockManagerId(4, <host_1>, 7337, None), shuffleId=0) from <host_2>:7337 and worker-7", false},
		{"cloud host names", "lost ec2-3-4-5-6.compute-1.amazonaws.com then node7.corp",
			"lost <host_1> then <host_2>", false},
		{"prose and versions kept", "hosts are busy; host memory low on Spark 3.5.1 (org.apache.spark.SparkException)",
			"hosts are busy; host memory low on Spark 3.5.1 (org.apache.spark.SparkException)", false},
		{"versions are not addresses", "-Dhdp.version=2.2.0.0-2041 v1.2.3.4 build 10.1.1.1.7 on 10.1.1.2",
			"-Dhdp.version=2.2.0.0-2041 v1.2.3.4 build 10.1.1.1.7 on <host_1>", false},
		{"uri is one placeholder", "hdfs://nn1.corp:8020/user/x failed on host 10.1.1.1",
			"<path_1> failed on host <host_1>", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := (&scrubRules{red: redact.Default, names: tt.names, hosts: true}).scrubber()
			if got := s.text(tt.in); got != tt.want {
				t.Errorf("text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// The reference information stays within max_reference_bytes whatever the
// app, says what it dropped, and is the same for the same app.
func TestReferenceIsBounded(t *testing.T) {
	app := testApp("big")
	var findings = testFindings("big", "severe")
	for i := int64(0); i < 300; i++ {
		st := app.Stages[0]
		st.StageID = 100 + i
		st.DurationMS = i * 1000
		st.FailureReason = strings.Repeat("ExecutorLostFailure (executor exited) ", 40)
		st.Name = "stage " + strings.Repeat("x", 150)
		app.Stages = append(app.Stages, st)
		f := testFindings("big", "moderate")[0]
		f.StageID, f.Detail = &st.StageID, strings.Repeat("detail ", 100)
		findings = append(findings, f)
		app.Jobs = append(app.Jobs, extract.Job{JobID: i, FailureMessage: strings.Repeat("boom ", 100)})
		app.Conf["spark.custom.key"+strings.Repeat("k", int(i%7))+string(rune('a'+i%26))] = strings.Repeat("v", 300)
	}
	app.Row.PlanExcerpt = strings.Repeat("+- Exchange hashpartitioning(id#1, 200)\n", 400)
	c := Candidate{App: app, Findings: findings}
	for _, limit := range []int{4 << 10, 24 << 10, 64 << 10} {
		cfg := DefaultConfig()
		cfg.MaxReferenceBytes = limit
		p, err := buildPrompt(c, cfg)
		if err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		if len(p.Reference) > limit {
			t.Errorf("limit %d: reference is %d bytes", limit, len(p.Reference))
		}
		var ref struct {
			Truncated []string `json:"truncated"`
			Stages    []struct {
				StageID int64 `json:"stage_id"`
			} `json:"stages"`
		}
		if err := json.Unmarshal([]byte(p.Reference), &ref); err != nil {
			t.Fatal(err)
		}
		if len(ref.Truncated) == 0 || len(ref.Stages) == 0 || ref.Stages[0].StageID != 3 {
			t.Errorf("limit %d: truncated %v, first stage %+v (want the severe stage 3 first)", limit, ref.Truncated, ref.Stages)
		}
		again, _ := buildPrompt(c, cfg)
		if again.SHA256 != p.SHA256 {
			t.Errorf("limit %d: the same app gave two prompts", limit)
		}
	}
}
