package lambdatest

import (
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
