package lambdatest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestRuntimeDeliversEventsAndErrorsToTheRealBinary(t *testing.T) {
	bin := Build(t, "github.com/o11yscale/o11yscale/internal/lambdatest/internal/echo")
	rt := StartRuntime(t, bin, nil)

	res, err := rt.Invoke([]byte(`{"hello":"world"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil || string(res.Payload) != `{"hello":"world"}` {
		t.Fatalf("echo returned %q (error %+v)", res.Payload, res.Error)
	}

	res, err = rt.Invoke([]byte(`{"fail":"boom"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Error == nil || res.Error.ErrorMessage != "boom" {
		t.Fatalf("expected invocation error boom, got %+v / %q", res.Error, res.Payload)
	}
}

func TestMotoStartsAndResets(t *testing.T) {
	m, err := StartMoto()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.Reset(t)
	if m.Env("eu-west-1")["AWS_ENDPOINT_URL"] != m.Endpoint {
		t.Fatal("Env does not point the SDK at moto")
	}
}

func TestMetricTotalsSumsDeclaredMetricsOfOneNamespace(t *testing.T) {
	emfLine := func(ns, reason string, metrics map[string]float64) string {
		ev := map[string]any{}
		var decl []map[string]string
		for name, v := range metrics {
			ev[name] = v
			decl = append(decl, map[string]string{"Name": name})
		}
		dims := []string{"Function"}
		ev["Function"] = "f"
		if reason != "" {
			ev["Reason"] = reason
			dims = append(dims, "Reason")
		}
		ev["_aws"] = map[string]any{"Timestamp": 1, "CloudWatchMetrics": []any{
			map[string]any{"Namespace": ns, "Dimensions": [][]string{dims}, "Metrics": decl}}}
		b, _ := json.Marshal(ev)
		return string(b)
	}
	out := strings.Join([]string{
		emfLine("App", "", map[string]float64{"In": 3, "Out": 2}),
		"START RequestId: 1 not EMF",
		emfLine("App", "", map[string]float64{"In": 4}),
		emfLine("App", "too-big", map[string]float64{"Dropped": 1}),
		emfLine("App", "too-big", map[string]float64{"Dropped": 2}),
		emfLine("App", "control", map[string]float64{"Dropped": 5}),
		emfLine("Other", "", map[string]float64{"In": 100}),
		`{"In": 50, "note": "a JSON log line without _aws is no metric"}`,
	}, "\n")
	got := MetricTotals(t, out, "App")
	want := map[string]float64{"In": 7, "Out": 2, "Dropped": 8}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MetricTotals = %v, want %v", got, want)
	}
	got = MetricTotalsBy(t, out, "App", "Reason")
	want = map[string]float64{"In": 7, "Out": 2, "Dropped/too-big": 3, "Dropped/control": 5}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MetricTotalsBy Reason = %v, want %v", got, want)
	}
}
