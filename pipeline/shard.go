package pipeline

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one of N disjoint slices of the logs: K in [0, N).
type Shard struct{ K, N int }

// All is the single shard that holds every log.
var All = Shard{0, 1}

// ParseShard parses "K/N". An empty K ("/3") takes K from the environment
// variables the batch engines set: JOB_COMPLETION_INDEX (Kubernetes Indexed
// Jobs) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array jobs).
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	if s == "" {
		return All, nil
	}
	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want K/N", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("shard %q: N must be a positive integer", s)
	}
	if ks == "" {
		for _, v := range []string{"JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"} {
			if ks = getenv(v); ks != "" {
				break
			}
		}
		if ks == "" {
			return Shard{}, fmt.Errorf("shard %q: no K given and neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set", s)
		}
	}
	k, err := strconv.Atoi(ks)
	if err != nil || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("shard %q: K must be an integer in [0, %d)", s, n)
	}
	return Shard{k, n}, nil
}

// Owns reports whether the log of the given app id belongs to this shard.
// Every attempt of an app lands in the same shard.
func (s Shard) Owns(appID string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(appID))
	return int(h.Sum32()%uint32(s.N)) == s.K
}

// Tag is the shard's name in run ids and part file names: "0of1", "2of3".
func (s Shard) Tag() string { return strconv.Itoa(s.K) + "of" + strconv.Itoa(s.N) }

func (s Shard) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }

// parseTag reads a shard's Tag; only the exact form Tag writes is one.
func parseTag(tag string) (Shard, error) {
	ks, ns, _ := strings.Cut(tag, "of")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	s := Shard{k, n}
	if err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n || s.Tag() != tag {
		return Shard{}, fmt.Errorf("shard tag %q: want KofN", tag)
	}
	return s, nil
}
