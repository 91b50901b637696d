package redact

import "testing"

func TestValue(t *testing.T) {
	r, err := New(`(?i)^my\.corp\.`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, value, want string }{
		{"spark.executor.memory", "4g", "4g"},
		{"spark.hadoop.fs.s3a.secret.key", "abc", Redacted},
		{"spark.hadoop.fs.s3a.access.key", "AKIA", Redacted},
		{"spark.hadoop.fs.s3a.accesskey", "AKIA", Redacted},
		{"spark.some.Password", "x", Redacted},
		{"spark.auth.TOKEN", "x", Redacted},
		{"spark.foo", "my token is x", Redacted}, // Spark also matches on the value
		{"my.corp.thing", "x", Redacted},
		{"spark.jdbc.url", "jdbc:postgresql://bob:hunter2@db:5432/x", "jdbc:postgresql://" + Redacted + "@db:5432/x"},
		{"spark.eventLog.dir", "s3a://bucket/logs", "s3a://bucket/logs"},
	} {
		if got := r.Value(c.key, c.value); got != c.want {
			t.Errorf("Value(%q, %q) = %q, want %q", c.key, c.value, got, c.want)
		}
	}
	if _, err := New("("); err == nil {
		t.Error("New accepted a bad pattern")
	}
}
