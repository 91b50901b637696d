package redact

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// guardTexts hold every guard's words and the shapes behind them, in
// several cases, beside text none of them needs.
var guardTexts = []string{
	"Lost task 51.3 in stage 34.0 (TID 12417) (ip-10-0-1-2.ec2.internal executor 7): boom",
	"(TID 1, worker-9, executor 3) failed; Lost EXECUTOR 3 on Node-7.corp: killed",
	"Failed to connect to node-7/10.0.0.7:7337; -Dspark.driver.HOST=10.1.1.1 bindAddress: 10.2.2.2",
	"on Host: node-9 and BlockManagerId(7, exec-3.lan, 7337, None) at home.arpa x.cloudapp.net",
	"Authorization: BEARER abcdefgh12345678 and Basic Zm9vOmJhcg== AKIAIOSFODNN7EXAMPLE",
	"ghp_16C7e42F292c6912E7710c838347Ae178B4a xoxb-1234567890-abc AIzaSyA1234567890abcdefghijklmnopqrstuv",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
	"Filter (isnotnull(PassWord#12) AND (password#12 = 'hunter2')) api_key=zz ACCESS.KEY: q private-key=p Credential=c",
	"*(2) Project [ss_item_sk#1, ss_sold_date_sk#2]\n+- *(2) Filter (isnotnull(ss_sold_time_sk#3) AND (t_hour#4 = 8))",
	"Scan parquet spark_catalog.nds.store_sales[ss_sold_time_sk#3] Batched: true, Location: PreparedDeltaFileIndex",
	"paſsword=hunter2 and \u212Aey token=x on ip-10-0-0-1.ec2.internal",
	"s3a://acme-prod/k and abfss://c@acct.dfs.core.windows.net/p mail ops@corp.example.com",
	"at [2001:db8::1]:80, ::1 and 12:30:45, a::b v1.2.3.4 10.20.30.40",
	"fe80::1%eth0 host/1.2.3.4 x:abcd:ef01: 1.2 .local .LAN s.Intranet y.lan",
	"Location: InMemoryFileIndex[s3://b/t], ReadSchema: struct<a:int,b:string> LocalLimit AdaptiveSparkPlan 0.5",
}

// sameWithoutGuards fails t when Text, Value (s as the key or as the
// value) or Hosts gives s another result with every regexp run.
func sameWithoutGuards(t *testing.T, rs []*Redactor, s string) {
	t.Helper()
	ph := func(kind, name string) string { return "<" + kind + ">" }
	got := []string{Hosts(s, ph)}
	for _, r := range rs {
		got = append(got, r.Text(s), r.Value("k", s), r.Value(s, "v"))
	}
	noGuards = true
	defer func() { noGuards = false }()
	want := []string{Hosts(s, ph)}
	for _, r := range rs {
		want = append(want, r.Text(s), r.Value("k", s), r.Value(s, "v"))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("guarded %d: %q\n got %q\nwant %q", i, s, got[i], want[i])
		}
	}
}

func guardRedactors(t testing.TB) []*Redactor {
	extra, err := New(`(?i)sessionkey`)
	if err != nil {
		t.Fatal(err)
	}
	return []*Redactor{Default, extra, Default.WithHosts(HostsKeep)}
}

// TestGuardsExact: with guards, Text and Hosts give what every regexp run
// gives, on texts that hold the guarded shapes and on random edits of them
// (case flips, words of other guards moved in, bytes dropped).
func TestGuardsExact(t *testing.T) {
	rs := guardRedactors(t)
	r := rand.New(rand.NewPCG(5, 6))
	words := append(append(append(append([]string{}, secretGuard...), tokenGuard...), hostAfterGuard...), domainGuard...)
	words = append(words, "/7", "1.2", "10.0.0.1", "::", ":ab:", ":12345:", "fe80::1%eth0", "a:b:c")
	for _, s := range guardTexts {
		sameWithoutGuards(t, rs, s)
		for range 200 {
			b := []byte(s)
			for n := 1 + r.IntN(4); n > 0 && len(b) > 0; n-- {
				p := r.IntN(len(b))
				switch r.IntN(3) {
				case 0:
					b[p] ^= 0x20 * byte(r.IntN(2))
				case 1:
					b = append(b[:p], b[p+1:]...)
				default:
					w := words[r.IntN(len(words))]
					b = []byte(string(b[:p]) + strings.ToUpper(w) + "=" + string(b[p:]))
				}
			}
			sameWithoutGuards(t, rs, string(b))
		}
	}
}

// FuzzGuards: the guards never change what Text or Hosts return.
func FuzzGuards(f *testing.F) {
	for _, s := range guardTexts {
		f.Add(s)
	}
	rs := guardRedactors(f)
	f.Fuzz(func(t *testing.T, s string) {
		sameWithoutGuards(t, rs, s)
	})
}
