package config

import (
	"strings"
	"testing"
)

const minimal = "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {disabled: true}\n"

func TestUnknownAndMistypedFieldsAreReportedByPathValueAndAllowedKeys(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown top-level key", minimal + "regoins: [x]\n",
			[]string{`p.yaml: (top level): unknown field "regoins"; allowed: name, account, centralRegion, regions, services,`, "(line 4)"}},
		{"unknown key in a list item", "regions: [us-east-1]\nservices: [{name: a, api: x}]\n",
			[]string{`p.yaml: services[0]: unknown field "api"; allowed: name, apiName, slos (line 2)`}},
		{"unknown key in a nested mapping", "regions: [us-east-1]\nservices: [{name: a}]\nbilling: {monthlyUSD: 5, monthly: 3}\n",
			[]string{`p.yaml: billing: unknown field "monthly"; allowed: disabled, `}},
		{"a word where a number goes", minimal + "servicesPerShard: many\n",
			[]string{`p.yaml: servicesPerShard: "many" is not allowed; a whole number (line 4)`}},
		{"a list where a mapping goes", minimal + "tags: [a, b]\n",
			[]string{`p.yaml: tags: a list is not allowed; a mapping (line 4)`}},
		{"a mapping where text goes", minimal + "name: {a: b}\n",
			[]string{`p.yaml: name: a mapping is not allowed; a single value (text), not a list or mapping (line 4)`}},
		{"a scalar where a list goes", "regions: us-east-1\nservices: [{name: a}]\n",
			[]string{`p.yaml: regions: "us-east-1" is not allowed; a list (line 1)`}},
		{"JSON is YAML", `{"regions": ["us-east-1"], "services": [{"name": "a", "nmae": "b"}]}`,
			[]string{`p.yaml: services[0]: unknown field "nmae"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "config.") || strings.Contains(err.Error(), "Props") || strings.Contains(err.Error(), "not found in type") {
				t.Errorf("error names a Go type:\n%v", err)
			}
		})
	}
}

func TestEveryShapeProblemIsListedAtOnce(t *testing.T) {
	_, err := Parse("p.yaml", []byte("regions: [us-east-1]\nservices: [{name: a, x: 1}, {name: b, y: 2}]\nservicesPerShard: lots\nfoo: 1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "4 problem(s) in platform config:") {
		t.Fatalf("want 4 problems, got %v", err)
	}
}

func TestEmptyAndNullDocumentsReachValidation(t *testing.T) {
	for _, doc := range []string{"", "~\n", "# only a comment\n"} {
		_, err := Parse("p.yaml", []byte(doc))
		if err == nil || !strings.Contains(err.Error(), "p.yaml: regions: <empty> is not allowed") {
			t.Errorf("%q: got %v", doc, err)
		}
	}
}

func TestNullValuesKeepTheirDefaults(t *testing.T) {
	p, err := Parse("p.yaml", []byte(minimal+"servicesPerShard: ~\ntags:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.ServicesPerShard != 20 {
		t.Fatalf("servicesPerShard = %d, want the default 20", p.ServicesPerShard)
	}
}

func TestABadServiceNameIsReportedOnceNotAgainByEveryCapability(t *testing.T) {
	_, err := Parse("p.yaml", []byte("regions: [us-east-1]\nservices: [{name: a}, {name: ~}, {name: Bad_Name}]\nbilling: {disabled: true}\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	want := "2 problem(s) in platform config:\n" +
		`p.yaml: services[1].name: "" is not allowed; lowercase letters, digits and hyphens, starting with a letter, 1-40 characters` + "\n" +
		`p.yaml: services[2].name: "Bad_Name" is not allowed; lowercase letters, digits and hyphens, starting with a letter, 1-40 characters`
	if err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%v", err, want)
	}
}
