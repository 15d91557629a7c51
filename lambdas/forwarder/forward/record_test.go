package forward

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
)

func lambdaSeries(region, account string) *series {
	return newSeries(region, account, "AWS/Lambda", "Duration", map[string]string{"FunctionName": "checkout-api", "Resource": "checkout-api:live"},
		[]string{"Average", "Maximum", "Minimum", "SampleCount", "Sum", "p99"}, 60, "Milliseconds", "")
}

func decodeLine(t *testing.T, line []byte) Datapoint {
	t.Helper()
	var d Datapoint
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("line is not a Datapoint: %v\n%s", err, line)
	}
	return d
}

func TestAppendLineWritesOneDatapointAsJSON(t *testing.T) {
	s := lambdaSeries("eu-west-1", "123456789012")
	ts := mustTime(t, "2025-01-01T12:00:00Z").Unix()
	nan := math.NaN()
	cases := []struct {
		name   string
		vals   []float64
		values map[string]float64
	}{
		{"all statistics", []float64{12.5, 80, 3, 42, 525, 79.25}, map[string]float64{"Average": 12.5, "Maximum": 80, "Minimum": 3, "SampleCount": 42, "Sum": 525, "p99": 79.25}},
		{"missing statistics are absent", []float64{12.5, nan, nan, 42, nan, nan}, map[string]float64{"Average": 12.5, "SampleCount": 42}},
		{"extreme magnitudes", []float64{1e-9, 1e21, -0.000001, 0, 123456789.125, -3.5e300}, map[string]float64{"Average": 1e-9, "Maximum": 1e21, "Minimum": -0.000001, "SampleCount": 0, "Sum": 123456789.125, "p99": -3.5e300}},
		{"infinities are dropped", []float64{math.Inf(1), 1, math.Inf(-1), nan, nan, nan}, map[string]float64{"Maximum": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, ok := s.appendLine(nil, ts, c.vals)
			if !ok || !bytes.HasSuffix(line, []byte("}\n")) || bytes.Count(line, []byte("\n")) != 1 {
				t.Fatalf("not one newline-terminated line: %q", line)
			}
			got := decodeLine(t, line)
			want := Datapoint{
				ID: got.ID, Region: "eu-west-1", Account: "123456789012", Namespace: "AWS/Lambda", Metric: "Duration",
				Dimensions:    map[string]string{"FunctionName": "checkout-api", "Resource": "checkout-api:live"},
				PeriodSeconds: 60, Timestamp: time.Unix(ts, 0).UTC(), Values: c.values, Unit: "Milliseconds",
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded\n %+v\nwant\n %+v", got, want)
			}
			if len(got.ID) != 32 {
				t.Fatalf("id %q is not 32 hex digits", got.ID)
			}
		})
	}
}

func TestAppendLineSkipsARowWithoutValues(t *testing.T) {
	s := lambdaSeries("eu-west-1", "123456789012")
	nan := math.NaN()
	if line, ok := s.appendLine([]byte("keep"), 0, []float64{nan, nan, nan, nan, nan, math.Inf(1)}); ok || string(line) != "keep" {
		t.Fatalf("appended %q for a row with no finite value", line)
	}
}

func TestDatapointIDIsDeterministicAndNamesEveryIdentityField(t *testing.T) {
	ts := mustTime(t, "2025-01-01T12:00:00Z").Unix()
	base := lambdaSeries("eu-west-1", "123456789012")
	baseID := base.id(ts)
	if again := lambdaSeries("eu-west-1", "123456789012").id(ts); again != baseID {
		t.Fatal("the same series and timestamp gave two ids")
	}
	stats := []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum", "p99"}
	dims := map[string]string{"FunctionName": "checkout-api", "Resource": "checkout-api:live"}
	reordered := newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Duration", dims,
		[]string{"p99", "Sum", "SampleCount", "Minimum", "Maximum", "Average"}, 60, "Milliseconds", "")
	if reordered.id(ts) != baseID {
		t.Fatal("the statistic order changed the id; it must depend on the set only")
	}
	differs := map[string]*series{
		"region":    lambdaSeries("us-east-1", "123456789012"),
		"account":   lambdaSeries("eu-west-1", "210987654321"),
		"namespace": newSeries("eu-west-1", "123456789012", "AWS/Lambdas", "Duration", dims, stats, 60, "Milliseconds", ""),
		"metric":    newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Errors", dims, stats, 60, "Milliseconds", ""),
		"dimension": newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Duration", map[string]string{"FunctionName": "checkout-api"}, stats, 60, "Milliseconds", ""),
		"dimension boundary": newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Duration",
			map[string]string{"FunctionName": "checkout-apiResource", "": "checkout-api:live"}, stats, 60, "Milliseconds", ""),
		"statistic set": newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Duration", dims, stats[:5], 60, "Milliseconds", ""),
		"period":        newSeries("eu-west-1", "123456789012", "AWS/Lambda", "Duration", dims, stats, 300, "Milliseconds", ""),
	}
	for field, s := range differs {
		if s.id(ts) == baseID {
			t.Errorf("changing the %s did not change the id", field)
		}
	}
	if base.id(ts+60) == baseID {
		t.Error("changing the timestamp did not change the id")
	}
}

func TestPartitionKeyIgnoresRegionAccountAndStatistics(t *testing.T) {
	a := lambdaSeries("eu-west-1", "123456789012")
	b := lambdaSeries("ap-southeast-1", "210987654321")
	if a.partitionKey != b.partitionKey {
		t.Fatal("one metric identity got two partition keys across regions")
	}
	if len(a.partitionKey) != 32 {
		t.Fatalf("partition key %q: want 32 hex digits (Kinesis allows 256)", a.partitionKey)
	}
}

// kinesisShard maps a partition key to one of n shards the way Kinesis
// does for a stream with evenly split hash key ranges: the MD5 of the key
// as a 128-bit number, located in [0, 2^128) cut into n equal ranges. The
// top 64 bits decide the range for any n well below 2^64.
func kinesisShard(key string, n int) int {
	sum := md5.Sum([]byte(key))
	hi, _ := bits.Mul64(binary.BigEndian.Uint64(sum[:8]), uint64(n))
	return int(hi)
}

// chiSquareP001 are the chi-square critical values at p = 0.001 for
// n-1 degrees of freedom.
var chiSquareP001 = map[int]float64{4: 16.27, 10: 27.88, 16: 37.70, 64: 103.44}

// TestPartitionKeysSpreadMetricsEvenlyOverShards sends 10,000 metric
// identities (2,000 Lambda functions x 5 metrics, as one region forwards
// them) through Kinesis' shard mapping. Bound: the per-shard counts pass a
// chi-square test for uniformity at p = 0.001, and the busiest shard gets
// at most 1.15 x the mean for up to 16 shards (1.5 x for 64, where the
// mean is 156). The seed's key, the region, puts all 10,000 on one shard
// (max/mean = n).
func TestPartitionKeysSpreadMetricsEvenlyOverShards(t *testing.T) {
	var keys []string
	for f := range 2000 {
		for _, m := range []string{"Duration", "Errors", "Invocations", "Throttles", "ConcurrentExecutions"} {
			s := newSeries("eu-west-1", "123456789012", "AWS/Lambda", m, map[string]string{"FunctionName": fmt.Sprintf("svc-%04d", f)}, []string{"Sum"}, 60, "", "")
			keys = append(keys, s.partitionKey)
		}
	}
	cases := []struct {
		shards  int
		maxMean float64
	}{{4, 1.15}, {10, 1.15}, {16, 1.15}, {64, 1.5}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d shards", c.shards), func(t *testing.T) {
			counts := make([]int, c.shards)
			for _, k := range keys {
				counts[kinesisShard(k, c.shards)]++
			}
			mean := float64(len(keys)) / float64(c.shards)
			chi, maxCount := 0.0, 0
			for _, n := range counts {
				chi += (float64(n) - mean) * (float64(n) - mean) / mean
				maxCount = max(maxCount, n)
			}
			ratio := float64(maxCount) / mean
			t.Logf("%d shards: chi-square %.2f (p=0.001 critical %.2f), max/mean %.3f", c.shards, chi, chiSquareP001[c.shards], ratio)
			if chi > chiSquareP001[c.shards] {
				t.Errorf("chi-square %.2f over %.2f: keys are not spread uniformly; counts %v", chi, chiSquareP001[c.shards], counts)
			}
			if ratio > c.maxMean {
				t.Errorf("busiest shard has %.3f x the mean, bound %.2f; counts %v", ratio, c.maxMean, counts)
			}

			seed := make([]int, c.shards)
			for range keys {
				seed[kinesisShard("eu-west-1", c.shards)]++
			}
			if slicesMax(seed) != len(keys) {
				t.Fatalf("the seed's region key should put every record on one shard; got %v", seed)
			}
		})
	}
}

func slicesMax(s []int) int {
	m := 0
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

func TestSearchNamespaceReadsTheSchema(t *testing.T) {
	cases := map[string]string{
		`{AWS/Lambda,FunctionName} MetricName="Duration"`: "AWS/Lambda",
		` {"My App",Service} Latency`:                     "My App",
		`{AWS/EC2}`:                                       "AWS/EC2",
		`MetricName="CPUUtilization"`:                     "",
		`{unterminated`:                                   "",
	}
	for expr, want := range cases {
		if got := searchNamespace(expr); got != want {
			t.Errorf("searchNamespace(%q) = %q, want %q", expr, got, want)
		}
	}
}

// FuzzAppendLine checks that any names, dimensions and values encode to
// one valid JSON line that decodes to what went in. Seeds come from the
// example config in testdata.
func FuzzAppendLine(f *testing.F) {
	b, err := os.ReadFile("../contract/testdata/config.json")
	if err != nil {
		f.Fatal(err)
	}
	cfg, err := contract.ParseConfig(b)
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range cfg.Metrics {
		for k, v := range m.Dimensions {
			f.Add(m.Namespace, m.MetricName, k, v, m.Statistics[0], m.Unit, 12.5, int64(1735732800))
		}
	}
	f.Add("ns\x00\"", "m\\\n", "\xff", "\u2028", "p99.9", "Count/Second", math.NaN(), int64(-1))
	f.Fuzz(func(t *testing.T, namespace, metric, dimName, dimValue, stat, unit string, v float64, ts int64) {
		if ts < -62135596800 || ts > 253402300799 {
			return // outside RFC 3339's years 0001-9999
		}
		s := newSeries("eu-west-1", "123456789012", namespace, metric, map[string]string{dimName: dimValue}, []string{stat}, 60, unit, "")
		line, ok := s.appendLine(nil, ts, []float64{v})
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if ok || len(line) > 0 {
				t.Fatalf("a non-finite value produced %q", line)
			}
			return
		}
		if !ok || bytes.IndexByte(line, '\n') != len(line)-1 {
			t.Fatalf("not exactly one line: %q", line)
		}
		var d Datapoint
		if err := json.Unmarshal(line, &d); err != nil {
			t.Fatalf("invalid JSON %q: %v", line, err)
		}
		clean := func(s string) string { return string([]rune(s)) } // each invalid byte becomes U+FFFD
		if d.Namespace != clean(namespace) || d.Metric != clean(metric) || d.Dimensions[clean(dimName)] != clean(dimValue) ||
			d.Unit != clean(unit) || d.Values[clean(stat)] != v || d.Timestamp.Unix() != ts {
			t.Fatalf("round trip changed the datapoint: %q -> %+v", line, d)
		}
	})
}
