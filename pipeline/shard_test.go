package pipeline

import (
	"fmt"
	"testing"
)

func TestParseShard(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	for _, c := range []struct {
		in   string
		env  map[string]string
		want Shard
		err  bool
	}{
		{in: "", want: All},
		{in: "0/1", want: Shard{0, 1}},
		{in: "2/3", want: Shard{2, 3}},
		{in: "3/3", err: true},
		{in: "-1/3", err: true},
		{in: "1/0", err: true},
		{in: "x", err: true},
		{in: "/3", err: true},
		{in: "/3", env: map[string]string{"JOB_COMPLETION_INDEX": "1"}, want: Shard{1, 3}},
		{in: "/4", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "3"}, want: Shard{3, 4}},
		{in: "/4", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "4"}, err: true},
	} {
		env = c.env
		got, err := ParseShard(c.in, getenv)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("ParseShard(%q) with %v = %v, %v; want %v, err %v", c.in, c.env, got, err, c.want, c.err)
		}
	}
}

func TestShardsCoverEveryAppOnce(t *testing.T) {
	const n = 3
	counts := make([]int, n)
	for i := 0; i < 3000; i++ {
		id := fmt.Sprintf("application_1700000000000_%04d", i)
		owners := 0
		for k := 0; k < n; k++ {
			if (Shard{k, n}).Owns(id) {
				owners++
				counts[k]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s is owned by %d shards", id, owners)
		}
	}
	for k, c := range counts {
		if c < 800 { // 1000 expected; a bad hash would starve a shard
			t.Errorf("shard %d got %d of 3000 apps", k, c)
		}
	}
}
