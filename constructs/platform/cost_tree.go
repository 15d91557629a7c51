package platform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/o11yscale/o11yscale/constructs/governance"
	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// treeAlarms counts, per region and service (SharedService for alarms
// of no service), the alarm resources of the construct tree: every
// CfnAlarm, CfnCompositeAlarm and CfnAnomalyDetector, whoever created it.
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
	for _, st := range p.Stacks() {
		region := *st.Region()
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
// and budget guard run again. Fewer in the tree than derived is a bug in
// the derivation, reported as an error.
func (p *Platform) reconcileTreeAlarms() error {
	tree := p.countTree()
	c := p.CostConfig
	changed := false
	billingPending := !p.Props.Billing.Disabled && p.Billing == nil
	derived := func(region, service string) (metricAlarms int, a cost.Alarms, set func(cost.Alarms)) {
		if service == cost.SharedService {
			a = c.Architecture.SharedAlarms[region]
			n := a.Standard + a.HighResolution + a.Anomaly
			if region == governance.BillingRegion && billingPending {
				n-- // the billing alarm is created after this check, from the report
			}
			return n, a, func(x cost.Alarms) {
				if c.Architecture.SharedAlarms == nil {
					c.Architecture.SharedAlarms = map[string]cost.Alarms{}
				}
				c.Architecture.SharedAlarms[region] = x
			}
		}
		for i := range c.Volumes.Services {
			s := &c.Volumes.Services[i]
			if s.Name == service {
				static := (s.Alarms.Standard + s.Alarms.HighResolution) / 2 // the error-rate alarm reads 2 metrics
				return s.Alarms.Anomaly + static, s.Alarms, func(x cost.Alarms) {
					// Counts are per service in every region; a per-region
					// difference is priced in every region (an upper bound).
					s.Alarms = x
				}
			}
		}
		return 0, cost.Alarms{}, nil
	}
	var problems []string
	for _, region := range sortedKeys(tree) {
		for _, service := range sortedKeys(tree[region]) {
			got := tree[region][service]
			want, a, set := derived(region, service)
			if set == nil {
				continue
			}
			extra := cost.Alarms{Standard: got.Standard - want, Composite: got.Composite - a.Composite, Detectors: got.Detectors - a.Detectors}
			if extra.Standard < 0 || extra.Composite < 0 || extra.Detectors < 0 {
				problems = append(problems, fmt.Sprintf("%s in %s: derived %d metric alarms, %d composites, %d detectors; the construct tree has %d, %d, %d",
					service, region, want, a.Composite, a.Detectors, got.Standard, got.Composite, got.Detectors))
				continue
			}
			if extra != (cost.Alarms{}) {
				set(a.Add(extra))
				changed = true
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("cost: the alarm counts derived from the props disagree with the construct tree: %s", strings.Join(problems, "; "))
	}
	if !changed {
		return nil
	}
	return p.priceCost(c)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
