package history

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/sparkmine/sparkmine/extract"
)

func TestQuantile(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	for q, want := range map[float64]float64{0: 1, 0.25: 2, 0.5: 3, 0.75: 4, 1: 5, 0.1: 1.4} {
		if got := quantile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("quantile(%v) = %v, want %v", q, got, want)
		}
	}
	if s := spreadOf([]float64{10, 1, 4, 7}); s.Median != 5.5 || s.IQR != 4.5 {
		t.Errorf("spreadOf = %+v, want median 5.5, IQR 4.5", s)
	}
}

// TestMannWhitney checks exact p-values against C(n1+n2, n1) by hand and
// the normal approximation against a known large-sample case.
func TestMannWhitney(t *testing.T) {
	seq := func(from, n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(from + i)
		}
		return s
	}
	cases := []struct {
		a, b []float64
		want float64
	}{
		{seq(10, 3), seq(0, 3), 2.0 / 20}, // complete separation: 2 of C(6,3) splits
		{seq(10, 3), seq(0, 5), 2.0 / 56}, // C(8,3) = 56
		{seq(0, 4), seq(10, 4), 2.0 / 70}, // the other tail
		// U = 3 (3>2, 5>2, 5>4), mean 4.5; U counts over the 20 splits
		// are 1 1 2 3 3 3 3 2 1 1 for U = 0..9, and |U−4.5| ≥ 1.5 for 14.
		{[]float64{1, 3, 5}, []float64{2, 4, 6}, 14.0 / 20},
	}
	for _, c := range cases {
		if got := mannWhitney(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("mannWhitney(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	// 15..44 against 0..29: U = 330 + 450 pairs above, 15 ties → 787.5;
	// mean 450, sd √(900·61/12) = 67.64, z = (337.5 − 0.5) ÷ 67.64 = 4.982,
	// two-sided p = erfc(4.982/√2) ≈ 6.3e-7.
	p := mannWhitney(seq(15, 30), seq(0, 30))
	if p < 5.5e-7 || p > 7e-7 {
		t.Errorf("normal approximation p = %v, want about 6.3e-7", p)
	}
}

func TestRunOfConf(t *testing.T) {
	cases := map[string]map[string]string{
		`{"spark.executor.cores":"4","spark.sql.shuffle.partitions":"200"}`: {"spark.executor.cores": "4", "spark.sql.shuffle.partitions": "200"},
		`{"a":"x","n":3,"b":null}`: {"a": "x"},
		`{}`:                       {},
		``:                         nil,
		`not json`:                 nil,
		`["a"]`:                    nil,
	}
	for js, want := range cases {
		got := RunOf(extract.AppRow{SparkConf: js}, 0, "job").Conf
		if fmt.Sprint(got) != fmt.Sprint(want) || (got == nil) != (want == nil) {
			t.Errorf("conf of %q = %v, want %v", js, got, want)
		}
	}
}

// FuzzConf: spark_conf is read with fastjson; wherever encoding/json reads
// the column (valid UTF-8, as written) as an object of strings, both agree.
func FuzzConf(f *testing.F) {
	for _, s := range []string{`{"spark.executor.cores":"4"}`, `{"a":"x","n":3}`, `{}`, ``, `["a"]`, `{"k":"\u00e9\n"}`, `{"a":"1","a":"2"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, js string) {
		got := confOf(js)
		var want map[string]string
		if utf8.ValidString(js) && json.Unmarshal([]byte(js), &want) == nil && want != nil {
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("conf of %q: %v, encoding/json reads %v", js, got, want)
			}
		}
	})
}
