package platform

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// treeAlarms counts, per account-region (cost.AccountRegionKey of the
// workload account's name and the region; the region alone for the
// monitoring account's and a single account's stacks) and service
// (SharedService for alarms of no service), the alarm resources of the
// construct tree: every CfnAlarm, CfnCompositeAlarm and
// CfnAnomalyDetector, whoever created it.
type treeAlarms map[string]map[string]*cost.Alarms

// countTree walks every stack (nested ones included) of the platform.
// A resource belongs to the service one of its path segments names
// ("<service>" or "<service>-alarms").
func (p *Platform) countTree() treeAlarms {
	out := treeAlarms{}
	owners := map[string]string{}
	for _, s := range p.Props.Services {
		owners[s.Name], owners[s.Name+"-alarms"] = s.Name, s.Name
	}
	accountOf := map[awscdk.Stack]string{}
	for _, r := range p.Regional {
		accountOf[r.Stack] = r.AccountName
	}
	for _, st := range p.Stacks() {
		region := cost.AccountRegionKey(accountOf[st], *st.Region())
		for _, c := range *st.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			var kind string
			switch c.(type) {
			case awscloudwatch.CfnAnomalyDetector:
				kind = "detector"
			case awscloudwatch.CfnCompositeAlarm:
				kind = "composite"
			case awscloudwatch.CfnAlarm:
				kind = "alarm"
			default:
				continue
			}
			// Only real resources: an L2 wrapper is not a CfnResource.
			if !*awscdk.CfnResource_IsCfnResource(c) {
				continue
			}
			service := cost.SharedService
			for _, seg := range strings.Split(*c.Node().Path(), "/") {
				if o, ok := owners[seg]; ok {
					service = o
				}
			}
			if out[region] == nil {
				out[region] = map[string]*cost.Alarms{}
			}
			a := out[region][service]
			if a == nil {
				a = &cost.Alarms{}
				out[region][service] = a
			}
			switch kind {
			case "detector":
				a.Detectors++
			case "composite":
				a.Composite++
			default:
				a.Standard++ // metric alarms, of any kind
			}
		}
	}
	return out
}

// reconcileTreeAlarms compares the alarms the cost model derived from the
// props with those the construct tree holds, before anything is written:
// an alarm, composite or detector the tree has beyond the derived ones
// (another construct's, or one added through the escape hatch) is priced
// as one standard alarm metric, composite or detector, and the estimate
// and budget guard run again. Extras a service has alike in every region
// are priced as the service's; others as the region's shared alarms.
// Fewer in the tree than derived is a bug in the derivation, reported as
// an error.
//
// New runs it before the billing alarm and review files are created, and
// Synth again before the assembly is written, so alarms added to the
// platform's stacks after New (an escape hatch) are priced too.
func (p *Platform) reconcileTreeAlarms() (changed bool, err error) {
	tree := p.countTree()
	c, err := p.Props.CostConfig()
	if err != nil {
		return false, err
	}
	// Alarm resources derived per service: band alarms, static alarms, composites.
	type derived struct{ metricAlarms, composites, detectors int }
	// Keyed by cost.AccountRegionKey(account, service); each service's
	// regions, to tell alike-everywhere extras from others.
	want, regionsOf := map[string]derived{}, map[string]int{}
	for _, a := range p.Props.costAccounts() {
		for _, svc := range a.Services {
			n := p.serviceAlarmsProps(svc, nil).Counts()
			k := cost.AccountRegionKey(a.Name, svc.Name)
			want[k], regionsOf[k] = derived{n.Band + n.Static, n.Composite, n.Detectors}, len(a.Regions)
		}
	}
	if p.Billing != nil {
		// The billing alarm exists once addGovernance has run.
		want[cost.SharedService+governance.BillingRegion] = derived{metricAlarms: 1}
	}
	var problems []string
	extras := map[string]map[string]cost.Alarms{} // account/service → account-region → extra
	for _, region := range sortedKeys(tree) {
		account, _ := cost.SplitAccountRegion(region)
		for _, name := range sortedKeys(tree[region]) {
			got := tree[region][name]
			service := cost.AccountRegionKey(account, name)
			w := want[service]
			if name == cost.SharedService {
				w = want[cost.SharedService+region]
			}
			extra := cost.Alarms{Standard: got.Standard - w.metricAlarms, Composite: got.Composite - w.composites, Detectors: got.Detectors - w.detectors}
			if extra.Standard < 0 || extra.Composite < 0 || extra.Detectors < 0 {
				problems = append(problems, fmt.Sprintf("%s in %s: derived %d metric alarms, %d composites, %d detectors; the construct tree has %d, %d, %d",
					service, region, w.metricAlarms, w.composites, w.detectors, got.Standard, got.Composite, got.Detectors))
				continue
			}
			if extra != (cost.Alarms{}) {
				if extras[service] == nil {
					extras[service] = map[string]cost.Alarms{}
				}
				extras[service][region] = extra
			}
		}
	}
	if len(problems) > 0 {
		return false, fmt.Errorf("cost: the alarm counts derived from the props disagree with the construct tree: %s", strings.Join(problems, "; "))
	}
	addShared := func(region string, x cost.Alarms) {
		if c.Architecture.SharedAlarms == nil {
			c.Architecture.SharedAlarms = map[string]cost.Alarms{}
		}
		c.Architecture.SharedAlarms[region] = c.Architecture.SharedAlarms[region].Add(x)
	}
	for _, key := range sortedKeys(extras) {
		byRegion := extras[key]
		account, service := cost.SplitAccountRegion(key)
		same := len(byRegion) == regionsOf[key] && service != cost.SharedService
		var first cost.Alarms
		for _, region := range sortedKeys(byRegion) {
			if first == (cost.Alarms{}) {
				first = byRegion[region]
			}
			same = same && byRegion[region] == first
		}
		if same {
			for i := range c.Volumes.Services {
				if s := &c.Volumes.Services[i]; s.Name == service && s.Account == account {
					s.Alarms = s.Alarms.Add(first)
					s.Sources[cost.SourceAlarms] += fmt.Sprintf("; construct tree: %d more alarm(s), %d composite(s), %d detector(s) in every region", first.Standard, first.Composite, first.Detectors)
				}
			}
			continue
		}
		for _, region := range sortedKeys(byRegion) {
			addShared(region, byRegion[region])
		}
	}
	if len(extras) > 0 {
		c.Architecture.Sources[cost.SourceAlarms] += "; construct tree: alarms not derived from the props priced as standard alarms"
	}
	if reflect.DeepEqual(c, p.CostConfig) {
		return false, nil
	}
	return true, p.priceCost(c)
}

// costAccounts are the accounts the cost model prices services in: the
// workload accounts, or the platform itself as one unnamed account.
func (p Props) costAccounts() []Account {
	if p.Org() {
		return p.Accounts
	}
	return []Account{{Regions: p.Regions, Services: p.Services}}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
