package config

import (
	"strings"
	"testing"
)

const centralArchiveDoc = orgDoc + `logs:
  archive:
    central: true
    encryption: KMS
    transitionDays: 45
`

func TestCentralArchiveConfigMapsToThePlatform(t *testing.T) {
	p, err := Parse("org.yaml", []byte(centralArchiveDoc))
	if err != nil {
		t.Fatal(err)
	}
	props := p.Props("")
	if !props.Logs.CentralArchive || props.Logs.Archive.Encryption != "KMS" || props.Logs.Archive.TransitionDays != 45 {
		t.Fatalf("logs %+v", props.Logs.Archive)
	}
	// Off by default, and the default config's props do not mention it.
	d, err := Parse("org.yaml", []byte(orgDoc))
	if err != nil {
		t.Fatal(err)
	}
	if d.Props("").Logs.CentralArchive {
		t.Error("central archive on without logs.archive.central")
	}
}

func TestCentralArchiveConfigErrorsNameThePath(t *testing.T) {
	single := "name: solo\nregions: [us-east-1]\nservices: [{name: api}]\nbilling: {monthlyUSD: 50}\nlogs:\n  archive:\n    central: true\n"
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"unknown field", strings.Replace(centralArchiveDoc, "    central: true\n", "    centrl: true\n", 1), []string{"org.yaml", "logs.archive", "centrl"}},
		{"mistyped value", strings.Replace(centralArchiveDoc, "central: true", "central: [yes]", 1), []string{"org.yaml", "logs.archive.central"}},
		{"single account without account", single, []string{`logs.archive.central: true is not allowed; false, or set account`}},
		{"bad lifecycle still reported", strings.Replace(centralArchiveDoc, "transitionDays: 45", "transitionDays: 400", 1), []string{"logs.archive.expirationDays"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("org.yaml", []byte(c.doc))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%v\nlacks %q", err, w)
				}
			}
		})
	}
	// With an account a single-account platform may use it.
	if _, err := Parse("solo.yaml", []byte("account: \"123456789012\"\n"+single)); err != nil {
		t.Errorf("single account with account: %v", err)
	}
}
