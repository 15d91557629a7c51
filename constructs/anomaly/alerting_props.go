package anomaly

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"

	"github.com/o11yscale/o11yscale/constructs/golambda"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// EnricherImportPath is the alert-enrichment Lambda's main package.
const EnricherImportPath = contract.ImportPath

// Subscriber is one endpoint of the incidents topic.
type Subscriber struct {
	// Endpoint is an email address (email) or an https URL (https, chat).
	// Required.
	Endpoint string
	// Severities limits delivery to incidents of these severities,
	// matched on the enricher's severity message attribute. Default: all.
	Severities []Severity
}

// Subscriptions are the human-facing endpoints; they receive the enriched
// incidents, not the raw alarm JSON. Default: none of each.
type Subscriptions struct {
	// Email addresses (each must confirm the subscription).
	Email []Subscriber
	// HTTPS endpoints receive the SNS JSON envelope.
	HTTPS []Subscriber
	// Chat webhooks (https) receive the readable incident text as the raw
	// body (raw message delivery). AWS Chatbot is out of scope; point this
	// at a relay that posts text to Slack or Chime.
	Chat []Subscriber
}

// AlertingProps configures one region's alert topics and enricher.
type AlertingProps struct {
	// Name is the platform name; the topics are "<name>-alerts" and
	// "<name>-incidents". 1-40 letters, digits, '.', '_' or '-'. Default:
	// DefaultName.
	Name string
	// Key encrypts both topics. It must be a key this app defines (not an
	// imported one): its policy gets a statement that lets CloudWatch
	// alarms of this account use it. Default: a new key with rotation.
	Key awskms.IKey
	// Subscriptions receive the enriched incidents. Default: none.
	Subscriptions Subscriptions
	// RunbookBaseURL is the enricher's runbook for alarms whose
	// description has no "Runbook:" line: <base>/<alarm name>. Default:
	// none.
	RunbookBaseURL string
	// AllTransitions delivers every alarm state change to the enricher.
	// Default: false, only changes into or out of ALARM: a deployment of
	// hundreds of new alarms (INSUFFICIENT_DATA to OK) pages nobody.
	AllTransitions bool
	// EmfMetrics declares the metrics applications emit through EMF, so
	// their dimensions are checked against Budget at synth. Default: none.
	EmfMetrics []MetricDeclaration
	// Budget bounds the series of every EmfMetrics entry. Default: see
	// Budget.
	Budget Budget
	// Central sends the incidents to the organization's central topic
	// (NewCentralIncidents) in the monitoring account: the region then has
	// no incidents topic of its own (Subscriptions must be empty; they
	// belong to the central topic), and the enricher's role is named
	// EnricherRoleName(Name, region) so the central policies can name it.
	// Default: off.
	Central CentralTarget
	// Enricher overrides the Lambda settings (ImportPath is fixed; the
	// environment of the contract is added to Environment). Default:
	// golambda's defaults.
	Enricher golambda.Props
}

func (p AlertingProps) withDefaults() AlertingProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	return p
}

// Validate reports every invalid field at once, without creating anything.
func (p AlertingProps) Validate() error {
	var v validation.Errors
	if p.Name != "" && !namePattern.MatchString(p.Name) {
		v.Add("name", p.Name, "1-40 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if p.RunbookBaseURL != "" && !isHTTPURL(p.RunbookBaseURL) {
		v.Add("runbookBaseUrl", p.RunbookBaseURL, "an http(s) URL with a host and no spaces")
	}
	for _, group := range []struct {
		path  string
		subs  []Subscriber
		email bool
	}{{"subscriptions.email", p.Subscriptions.Email, true}, {"subscriptions.https", p.Subscriptions.HTTPS, false}, {"subscriptions.chat", p.Subscriptions.Chat, false}} {
		seen := map[string]bool{}
		for i, s := range group.subs {
			at := validation.Index(group.path, i)
			if group.email {
				if a, err := mail.ParseAddress(s.Endpoint); err != nil || a.Address != s.Endpoint {
					v.Add(at+".endpoint", s.Endpoint, "an email address such as oncall@example.com")
				}
			} else if u, err := url.Parse(s.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(s.Endpoint, " \t\r\n") {
				v.Add(at+".endpoint", s.Endpoint, "an https URL (SNS delivers incidents over TLS only)")
			}
			if seen[s.Endpoint] {
				v.Add(at+".endpoint", s.Endpoint, "an endpoint listed once per protocol")
			}
			seen[s.Endpoint] = true
			for j, sev := range s.Severities {
				if !sev.valid() {
					v.Add(validation.Index(at+".severities", j), string(sev), "one of critical, high, medium, low, info")
				}
			}
		}
	}
	p.Central.validate(&v, "central")
	if p.Central.Enabled() {
		for _, g := range []struct {
			path string
			n    int
		}{{"subscriptions.email", len(p.Subscriptions.Email)}, {"subscriptions.https", len(p.Subscriptions.HTTPS)}, {"subscriptions.chat", len(p.Subscriptions.Chat)}} {
			if g.n > 0 {
				v.Add(g.path, g.n, "none with central: the region has no incidents topic; subscribe to the central topic (CentralIncidentsProps.Subscriptions)")
			}
		}
		if p.Enricher.RoleName != "" {
			v.Add("enricher.roleName", p.Enricher.RoleName, "empty with central: the role is named EnricherRoleName(name, region), which the central policies name")
		}
	}
	v.Merge("budget", p.Budget.Validate())
	names := map[string]int{}
	for i, m := range p.EmfMetrics {
		at := validation.Index("emfMetrics", i)
		if j, dup := names[m.String()]; dup {
			v.Add(at+".name", m.String(), "a metric declared once; emfMetrics[%d] declares it too", j)
		}
		names[m.String()] = i
		_, err := m.Check(p.Budget)
		v.Merge(at, err)
	}
	fp := p.Enricher
	fp.ImportPath = EnricherImportPath
	v.Merge("enricher", fp.Validate())
	return v.Err()
}

// CardinalityReport lists each declared EMF metric with its series
// arithmetic, one per line.
func (p AlertingProps) CardinalityReport() string {
	var b strings.Builder
	for _, m := range p.EmfMetrics {
		s, err := m.Check(p.Budget)
		status := "ok"
		if err != nil {
			status = "OVER BUDGET OR INVALID"
		}
		fmt.Fprintf(&b, "%s: %s [%s]\n", m, s, status)
	}
	return b.String()
}
