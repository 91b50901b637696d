package redact

import (
	"strings"
	"testing"
)

// TestText: each case plants a secret (or a name that must stay) in the
// kind of text Spark writes, and says what must be gone and what must stay.
func TestText(t *testing.T) {
	r, err := New(`(?i)sessionkey`)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, in   string
		gone, keep []string
	}{
		{"bearer", "Job aborted: HTTP 401 from https://api.x/v1: Authorization: Bearer eyXa9Zk2LmQpR7tY", []string{"eyXa9Zk2LmQpR7tY"}, []string{"Bearer", "HTTP 401"}},
		{"aws key id", "s3a: AKIAIOSFODNN7EXAMPLE denied", []string{"AKIAIOSFODNN7EXAMPLE"}, []string{"denied"}},
		{"aws secret kv", "fs.s3a.secret.key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY x", []string{"wJalrXUtnFEMI"}, []string{" x"}},
		{"github token", "clone failed ghp_16C7e42F292c6912E7710c838347Ae178B4a", []string{"ghp_16C7e42F292c6912E7710c838347Ae178B4a"}, nil},
		{"jwt", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end", []string{"eyJzdWIiOiIxMjM0NTY3ODkwIn0"}, []string{"end"}},
		{"sql literal", "Filter (isnotnull(password#12) AND (password#12 = 'hunter2'))", []string{"hunter2"}, []string{"isnotnull(password#12)"}},
		{"sql literal unquoted", "+- Filter (pwd#7L = s3cr3tValue)", []string{"s3cr3tValue"}, []string{"Filter"}},
		{"url password", "jdbc:postgresql://bob:hunter2@db.example.com:5432/x", []string{"hunter2", "bob:"}, []string{"jdbc:postgresql://"}},
		{"url query token", "GET https://h.example.com/a?access_token=abcdef123456&x=1", []string{"abcdef123456"}, []string{"x=1"}},
		{"extra pattern", "sessionKey: zz9plural", []string{"zz9plural"}, nil},
		{"email", "user alice.smith+spark@corp.example.com ran it", []string{"alice.smith", "corp.example.com"}, []string{EmailPlaceholder, "ran it"}},
		{"principal", "hdfs/nn1@EXAMPLE.COM", []string{"EXAMPLE.COM"}, nil},
		{"ipv4", "Connection refused: /10.1.2.3:7337", []string{"10.1.2.3"}, []string{IPPlaceholder, ":7337"}},
		{"ipv6", "Failed to connect to /[2001:db8:85a3::8a2e:370:7334]:7337", []string{"2001:db8", "8a2e:370:7334"}, []string{IPPlaceholder}},
		{"ipv6 short", "bound to fe80::1%eth0 ok", []string{"fe80::1"}, []string{"ok"}},
		{"ec2 host", "Lost executor 3 on ip-10-0-12-7.ec2.internal: Container killed", []string{"ip-10-0-12-7", "ec2.internal"}, []string{"Lost executor 3 on", "Container killed"}},
		{"public ec2", "ec2-3-91-4-5.compute-1.amazonaws.com refused", []string{"ec2-3-91-4-5"}, []string{"refused"}},
		{"host word", "FetchFailed(BlockManagerId(5, worker-17, 7337, None), shuffleId=2)", []string{"worker-17"}, []string{"shuffleId=2", "7337"}},
		{"version stays", "-Dhdp.version=2.2.0.0-2041 and v1.2.3.4", nil, []string{"2.2.0.0-2041", "v1.2.3.4"}},
		{"scala stays", "at Foo::bad and 12:30:45 and a::b", nil, []string{"Foo::bad", "12:30:45"}},
		{"prose stays", "host memory is low; java.lang.OutOfMemoryError at org.apache.spark.Foo", nil, []string{"host memory", "org.apache.spark.Foo"}},
	} {
		got := r.Text(c.in)
		for _, g := range c.gone {
			if strings.Contains(got, g) {
				t.Errorf("%s: Text(%q) = %q still holds %q", c.name, c.in, got, g)
			}
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("%s: Text(%q) = %q lost %q", c.name, c.in, got, k)
			}
		}
	}
}

func TestHostPolicy(t *testing.T) {
	in := "on ip-10-0-12-7.ec2.internal (10.0.12.7) token=abc123"
	keep := Default.WithHosts(HostsKeep)
	got := keep.Text(in)
	if !strings.Contains(got, "ip-10-0-12-7.ec2.internal") || !strings.Contains(got, "10.0.12.7") || strings.Contains(got, "abc123") {
		t.Errorf("HostsKeep: Text(%q) = %q, want hosts kept and the token hidden", in, got)
	}
	if got := keep.Conf("spark.driver.host", "ip-10-0-12-7.ec2.internal"); got != "ip-10-0-12-7.ec2.internal" {
		t.Errorf("HostsKeep: Conf(spark.driver.host) = %q", got)
	}
	for _, v := range []string{"ip-10-0-12-7.ec2.internal", "driverbox", "10.0.0.1"} {
		if got := Default.Conf("spark.driver.host", v); got != HostPlaceholder {
			t.Errorf("Conf(spark.driver.host, %q) = %q, want %q", v, got, HostPlaceholder)
		}
	}
	if got := Default.Conf("spark.executor.memory", "4g"); got != "4g" {
		t.Errorf("Conf(spark.executor.memory) = %q", got)
	}
	if _, err := ParseHostPolicy("sometimes"); err == nil {
		t.Error("ParseHostPolicy accepted an unknown policy")
	}
	if p, err := ParseHostPolicy(""); err != nil || p != HostsRedact {
		t.Errorf("ParseHostPolicy(\"\") = %q, %v", p, err)
	}
}

func FuzzText(f *testing.F) {
	f.Add("password#12 = 'x' on host ip-1-2-3-4.ec2.internal [::1] a@b.co")
	f.Fuzz(func(t *testing.T, s string) {
		out := Default.Text(s)
		if again := Default.Text(out); again != out {
			t.Errorf("Text is not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
