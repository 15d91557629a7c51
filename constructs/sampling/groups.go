package sampling

import (
	"strconv"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// GroupsProps configures the X-Ray groups: one for faults and errors, one
// for slow requests and one per listed service.
type GroupsProps struct {
	// Disabled skips the groups. Default: false (groups are created).
	Disabled bool
	// NamePrefix starts every group name: at most 25 letters, digits, '-',
	// '_' or '.', so that a derived suffix still fits X-Ray's 32
	// characters. Default: Props.Name followed by '-'
	// (GroupNamePrefix(Name), "o11yscale-" for the default name).
	NamePrefix string
	// Services gets one group each, filtering service("name"); names are
	// 1-200 characters without '"' or '\', each listed once. Default:
	// none (only the errors and slow groups). The platform passes every
	// service it observes.
	Services []string
	// Insights turns X-Ray Insights (anomaly detection) on for every
	// group. Default: false, because Insights is billed per trace it
	// analyses.
	Insights bool
	// Notifications sends Insights notifications to EventBridge; requires
	// Insights. Default: false.
	Notifications bool
}

func (g GroupsProps) withDefaults(name string) GroupsProps {
	if g.NamePrefix == "" {
		g.NamePrefix = GroupNamePrefix(name)
	}
	return g
}

func validateGroups(v *validation.Errors, p Props) {
	g := p.Groups
	if g.Disabled {
		return
	}
	if len(g.NamePrefix) > maxGroupPrefixLen || !namePattern.MatchString(g.NamePrefix) {
		v.Add("groups.namePrefix", g.NamePrefix, "1-%d letters, digits, '-', '_' or '.'", maxGroupPrefixLen)
	}
	seen := map[string]int{}
	for i, s := range g.Services {
		path := validation.Index("groups.services", i)
		if n := len([]rune(s)); n < 1 || n > maxSegmentNameLen || strings.ContainsAny(s, "\"\\") {
			v.Add(path, s, "a service name of 1-%d characters without '\"' or '\\'", maxSegmentNameLen)
		}
		if j, dup := seen[s]; dup {
			v.Add(path, s, "each service once; groups.services[%d] is the same", j)
		}
		seen[s] = i
	}
	if g.Notifications && !g.Insights {
		v.Add("groups.notifications", true, "false unless groups.insights is true: X-Ray notifies only about Insights")
	}
	owner := map[string]string{}
	for _, gr := range groupSpecs(p) {
		if other, dup := owner[gr.name]; dup {
			v.Add("groups", gr.name, "distinct group names; the groups for %s and %s are both named %q", other, gr.what, gr.name)
		}
		owner[gr.name] = gr.what
	}
}

// groupSpec is one X-Ray group to create.
type groupSpec struct {
	name, filter string
	what         string // for error messages
}

// groupSpecs lists the groups for defaulted props.
func groupSpecs(p Props) []groupSpec {
	prefix := p.Groups.NamePrefix
	out := []groupSpec{
		{name: groupName(prefix, "errors"), filter: "fault = true OR error = true", what: "faults and errors"},
		{name: groupName(prefix, "slow"), filter: "responsetime > " + seconds(p.SlowThreshold), what: "slow requests"},
	}
	for _, s := range p.Groups.Services {
		out = append(out, groupSpec{name: groupName(prefix, s), filter: `service("` + s + `")`, what: "service " + strconv.Quote(s)})
	}
	return out
}

// seconds formats d as X-Ray filter expressions take durations: seconds,
// with a fraction only when needed ("2", "1.5").
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}
