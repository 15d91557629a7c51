package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultIsTheSeedPlatform(t *testing.T) {
	p := Default()
	if p.CentralRegion != "us-east-1" || strings.Join(p.Regions, ",") != "us-east-1,eu-west-1,ap-southeast-1" {
		t.Fatalf("regions: central %s, workload %v", p.CentralRegion, p.Regions)
	}
	if got := strings.Join(p.ServiceNames(), ","); got != "checkout-api,auth-service,order-service,health-check" {
		t.Fatalf("services: %s", got)
	}
}

func TestExampleConfigNextToTheReadmeIsValid(t *testing.T) {
	if _, err := Load(filepath.Join("..", "..", "platform.example.yaml")); err != nil {
		t.Fatal(err)
	}
}

func TestJSONConfigIsAccepted(t *testing.T) {
	p, err := Parse("p.json", []byte(`{"regions":["eu-west-1"],"services":[{"name":"a"}],"servicesPerShard":5,"billing":{"monthlyUSD":100}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.ServicesPerShard != 5 || p.CentralRegion != "us-east-1" {
		t.Fatalf("got %+v", p)
	}
}

func TestBadInputNamesFileFieldValueAndAllowed(t *testing.T) {
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown field", "regions: [us-east-1]\nservices: [{name: a}]\nregoins: [x]\n", []string{"p.yaml", "line 3", "regoins"}},
		{"wrong type", "regions: [us-east-1]\nservices: [{name: a}]\nservicesPerShard: many\n", []string{"p.yaml", "line 3", "many"}},
		{"bad region", "regions: [us-east-1, mars-1]\nservices: [{name: a}]\n", []string{`p.yaml: regions[1]: "mars-1" is not allowed; an AWS region code`}},
		{"duplicate region", "regions: [us-east-1, us-east-1]\nservices: [{name: a}]\n", []string{`regions[1]: "us-east-1" is not allowed; each region once`}},
		{"bad central region", "centralRegion: moon\nregions: [us-east-1]\nservices: [{name: a}]\n", []string{`centralRegion: "moon"`}},
		{"no regions", "services: [{name: a}]\n", []string{"regions: <empty> is not allowed"}},
		{"no services", "regions: [us-east-1]\n", []string{"services: <empty> is not allowed"}},
		{"bad service name", "regions: [us-east-1]\nservices: [{name: Checkout_API}]\n", []string{`services[0].name: "Checkout_API" is not allowed; lowercase letters`}},
		{"duplicate service", "regions: [us-east-1]\nservices: [{name: a}, {name: a}]\n", []string{`services[1].name: "a" is not allowed; a name not used by another service`}},
		{"shard size", "regions: [us-east-1]\nservices: [{name: a}]\nservicesPerShard: 500\n", []string{"servicesPerShard: 500 is not allowed; 1-100"}},
		{"account", "account: '1234'\nregions: [us-east-1]\nservices: [{name: a}]\n", []string{`account: "1234" is not allowed; a 12-digit`}},
		{"platform name", "name: My Platform\nregions: [us-east-1]\nservices: [{name: a}]\n", []string{`name: "My Platform" is not allowed`}},
		{"reserved tag", "regions: [us-east-1]\nservices: [{name: a}]\ntags: {'aws:owner': x}\n", []string{`tags["aws:owner"]`}},
		{"not yaml", "regions: [\n", []string{"p.yaml"}},
		{"billing without amount", "regions: [us-east-1]\nservices: [{name: a}]\n", []string{"billing.monthlyUSD: 0 is not allowed"}},
		{"bad sampling rule", "regions: [us-east-1]\nservices: [{name: a}]\nsampling: {rules: [{serviceName: a, priority: 0, fixedRate: 2}]}\n", []string{"p.yaml: sampling.rules[0]"}},
		{"metrics region not a workload region", "regions: [us-east-1]\nservices: [{name: a}]\nmetrics: {regions: {eu-west-1: stream}}\n", []string{`metrics.regions["eu-west-1"]`}},
		{"metrics delivery mode", "regions: [us-east-1]\nservices: [{name: a}]\nmetrics: {regions: {us-east-1: push}}\n", []string{`"push" is not allowed; forwarder, stream or both`}},
		{"grafana mode", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\ngrafana: {mode: kibana}\n", []string{`p.yaml: grafana.mode: "kibana"`}},
		{"grafana regions are the platform's", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\ngrafana: {regions: [eu-west-1]}\n", []string{`grafana.regions: "regions" is not allowed; unset`}},
		{"log tier retention", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\nlogs: {tiers: {error: {retentionDays: 10}}}\n", []string{"p.yaml: logs.tiers.error.retentionDays: 10", "nearest allowed: 7"}},
		{"forward tier", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\nlogs: {forwardTiers: [FATAL]}\n", []string{`logs.forwardTiers[0]: "FATAL"`}},
		{"central stream mode", "regions: [us-east-1]\nservices: [{name: a}]\nmetrics: {central: {mode: fast}}\n", []string{`metrics.central.mode: "fast"`}},
		{"cost tier shares", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 10}\ncost: {volumes: {services: [{name: a, regions: [{region: us-east-1, requestsPerSecond: -1}]}]}}\n", []string{"p.yaml: cost.volumes.services[0]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestEveryProblemIsListedAtOnce(t *testing.T) {
	_, err := Parse("p.yaml", []byte("regions: [bad-1, us-east-1, us-east-1]\nservices: [{name: X}, {name: y}, {name: y}]\nservicesPerShard: -1\nbilling: {disabled: true}\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	if n := strings.Count(err.Error(), "p.yaml: "); n != 5 {
		t.Fatalf("want 5 problems listed, got %d:\n%v", n, err)
	}
	if !strings.HasPrefix(err.Error(), "5 problem(s)") {
		t.Fatalf("count missing: %v", err)
	}
}

func TestLoadNamesAMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("got %v", err)
	}
}

func TestShardsKeepConfigOrderAndSize(t *testing.T) {
	p := &Platform{ServicesPerShard: 2, Services: []Service{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	s := p.Shards()
	if len(s) != 2 || s[0][1].Name != "b" || s[1][0].Name != "c" {
		t.Fatalf("shards %+v", s)
	}
}

func TestLoadReadsAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte("regions: [eu-west-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 100}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil || p.Regions[0] != "eu-west-1" {
		t.Fatalf("%v %+v", err, p)
	}
}
