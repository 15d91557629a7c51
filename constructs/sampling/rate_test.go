package sampling

import "testing"

func TestRateForFollowsPriorityAndGlobs(t *testing.T) {
	cases := []struct {
		req  Request
		want float64
	}{
		{Request{ServiceName: "checkout-api", HTTPMethod: "POST", URLPath: "/cart"}, 1},
		{Request{ServiceName: "checkout-api", HTTPMethod: "GET", URLPath: "/cart"}, 0.05},
		{Request{ServiceName: "health-check", HTTPMethod: "GET", URLPath: "/ping"}, 0},
		{Request{ServiceName: "order-service", HTTPMethod: "GET"}, 0.05},
		// An unknown method is matched only by rules that do not name one.
		{Request{ServiceName: "checkout-api"}, 0.05},
	}
	for _, c := range cases {
		r, ok := RateFor(nil, c.req)
		if !ok || r.FixedRate != c.want {
			t.Errorf("RateFor(%+v) = %v (ok %v), want %v", c.req, r.FixedRate, ok, c.want)
		}
	}
}

func TestRateForSkipsRulesOnUnknownFieldsAndReportsNoMatch(t *testing.T) {
	rules := []Rule{
		{ServiceName: "api*", Host: "internal.example.com", Priority: 1, FixedRate: 1},
		{ServiceName: "api?", Priority: 2, FixedRate: 0.5},
	}
	if r, ok := RateFor(rules, Request{ServiceName: "api1"}); !ok || r.FixedRate != 0.5 {
		t.Fatalf("got %+v %v", r, ok)
	}
	if _, ok := RateFor(rules, Request{ServiceName: "web"}); ok {
		t.Fatal("a request no rule matches was matched")
	}
}
