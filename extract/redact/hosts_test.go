package redact

import "testing"

func TestHosts(t *testing.T) {
	ph := func(kind, name string) string { return "<" + kind + ">" }
	for _, c := range []struct{ in, want string }{
		{"(ip-10-1-2-3.ec2.internal executor 7)", "(<host> executor 7)"},
		{"(TID 9, worker-3, executor 1)", "(TID 9, <host>, executor 1)"},
		{"BlockManagerId(driver, drv-1, 40000, None)", "BlockManagerId(driver, <host>, 40000, None)"},
		{"Container marked as failed: container_1_02 on host: node-7. Exit status: 137", "Container marked as failed: container_1_02 on host: <host>. Exit status: 137"},
		{"Failed to connect to node-7/10.0.0.7:7337", "Failed to connect to <host>/<host>:7337"},
		{"-Dspark.driver.host=10.1.1.1 -Dhdp.version=2.2.0.0-2041", "-Dspark.driver.host=<host> -Dhdp.version=2.2.0.0-2041"},
		{"s3a://acme-prod/k and abfss://c@acct.dfs.core.windows.net/p", "s3a://<host>/k and abfss://c@<host>/p"},
		{"mail ops@corp.example.com, not Foo/1@2f.apply", "mail <email>, not Foo/1@2f.apply"},
		{"at [2001:db8::1]:80, ::1 and 12:30:45, a::b", "at <host>:80, <host> and 12:30:45, a::b"},
		{"host memory is low; hosts busy; localhost:4040", "host memory is low; hosts busy; localhost:4040"},
		{"java.lang.OutOfMemoryError at Job.scala:42 on Spark 3.5.1", "java.lang.OutOfMemoryError at Job.scala:42 on Spark 3.5.1"},
	} {
		if got := Hosts(c.in, ph); got != c.want {
			t.Errorf("Hosts(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

// Hosts never panics and never leaves a dotted quad it was given as a
// whole word.
func FuzzHosts(f *testing.F) {
	for _, s := range []string{"(h executor 1)", "10.0.0.1", "a@b.co", "[::1]", "s3://b/k", "BlockManagerId(1, h-1, 1, None)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Hosts(s, func(kind, name string) string { return "<" + kind + ">" })
		if s == "10.20.30.40" && out != "<host>" {
			t.Errorf("Hosts(%q) = %q", s, out)
		}
	})
}
