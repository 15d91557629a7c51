package diagram

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

// Stack is one top-level stack of the assembly.
type Stack struct {
	Name string
	// Account is empty for an environment-agnostic stack.
	Account, Region string
	// Resources counts the resources of the stack and its nested stacks.
	Resources int
	// Nested names the nested stacks (shards), in template order.
	Nested []string
}

// Node is one kind of resource on a data path in one stack or shard.
type Node struct {
	ID string
	// Kind names the resource kind, e.g. "log groups" or "Lambda function".
	Kind string
	// Name is the resource's name for single resources, "" for counted ones.
	Name string
	// Count is how many resources the node stands for.
	Count int
	// Detail is an optional second line, e.g. "4 composite".
	Detail string
	Stack  string // top-level stack name
	Shard  string // nested stack name, "" for the top-level template
	order  int
}

// Label is the node's text: name and kind, or count and kind.
func (n *Node) Label() string {
	var l string
	if n.Name != "" {
		l = n.Name + "\n" + n.Kind
	} else {
		kind := n.Kind
		if n.Count == 1 {
			kind = strings.TrimSuffix(kind, "s")
		}
		l = fmt.Sprintf("%d %s", n.Count, kind)
	}
	if n.Detail != "" {
		l += "\n" + n.Detail
	}
	return l
}

// Edge is a data path between two nodes.
type Edge struct {
	From, To string
	Label    string
}

// Graph is the summarized architecture of a cloud assembly.
type Graph struct {
	Stacks []*Stack
	Nodes  []*Node
	Edges  []Edge
}

// kinds on a data path, by CloudFormation type. Counted kinds become one
// node per template with a count; the others one node per resource.
var kinds = map[string]struct {
	kind    string
	counted bool
	order   int
}{
	"AWS::Logs::LogGroup":                  {"log groups", true, 0},
	"AWS::Logs::SubscriptionFilter":        {"subscription filters", true, 1},
	"AWS::CloudWatch::Alarm":               {"alarms", true, 2},
	"AWS::CloudWatch::CompositeAlarm":      {"alarms", true, 2},
	"AWS::CloudWatch::MetricStream":        {"CloudWatch metric stream", false, 3},
	"AWS::Events::Rule":                    {"EventBridge rule", false, 4},
	"AWS::Lambda::Function":                {"Lambda function", false, 5},
	"AWS::Kinesis::Stream":                 {"Kinesis data stream", false, 6},
	"AWS::KinesisFirehose::DeliveryStream": {"Firehose stream", false, 7},
	"AWS::SNS::Topic":                      {"SNS topic", false, 8},
	"AWS::S3::Bucket":                      {"S3 bucket", false, 9},
}

// resource names that other templates may use instead of a reference.
var nameProps = map[string]string{
	"AWS::Kinesis::Stream":                 "Name",
	"AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
	"AWS::SNS::Topic":                      "TopicName",
	"AWS::S3::Bucket":                      "BucketName",
}

// resourceName is the name a resource's template gives it: a literal, or
// an Fn::Join (say of a prefix, the account and the region) flattened
// with a NUL for each part that is not a literal, so it still matches the
// same join in another template. Too few literal characters to tell names
// apart, or no name, give "".
func resourceName(r resource) string {
	p, ok := nameProps[r.Type]
	if !ok {
		return ""
	}
	v, ok := r.Properties[p]
	if !ok {
		return ""
	}
	name := flatten(v)
	if len(strings.ReplaceAll(name, "\x00", "")) < 3 {
		return ""
	}
	return name
}

// FromAssembly reads the cloud assembly in dir and builds its graph.
func FromAssembly(dir string) (*Graph, error) {
	stacks, templates, err := readAssembly(dir)
	if err != nil {
		return nil, err
	}
	b := &builder{named: map[string][]resKey{}, edges: map[[2]resKey]string{}}
	for _, t := range templates {
		for _, id := range sortedKeys(t.resources) {
			r := t.resources[id]
			if name := resourceName(r); name != "" {
				b.named[r.Type+"|"+name] = append(b.named[r.Type+"|"+name], resKey{t, id})
			}
		}
	}
	for _, t := range templates {
		for _, id := range sortedKeys(t.resources) {
			b.resourceEdges(resKey{t, id})
		}
	}
	return b.graph(stacks), nil
}

type builder struct {
	named map[string][]resKey
	edges map[[2]resKey]string
}

func (b *builder) add(from, to resKey, label string) {
	if _, ok := kinds[from.res().Type]; !ok {
		return
	}
	if _, ok := kinds[to.res().Type]; !ok {
		return
	}
	if label == "" { // a Lambda function's call, named by its target
		label = map[string]string{"AWS::Kinesis::Stream": "PutRecords", "AWS::KinesisFirehose::DeliveryStream": "PutRecordBatch", "AWS::SNS::Topic": "Publish"}[to.res().Type]
		if label == "" {
			label = "writes"
		}
	}
	if _, ok := b.edges[[2]resKey{from, to}]; !ok {
		b.edges[[2]resKey{from, to}] = label
	}
}

func (b *builder) refsTo(k resKey, v any, label string, reverse bool) {
	for _, r := range k.t.refs(v) {
		if reverse {
			b.add(r, k, label)
		} else {
			b.add(k, r, label)
		}
	}
}

// byName adds edges from k to the resources of the given types whose names
// appear in v's literals as a whole word (in quotes, after ':' or '/').
func (b *builder) byName(k resKey, v any, label string, types ...string) {
	text := flatten(v)
	for _, typ := range types {
		keys := make([]string, 0)
		for key := range b.named {
			if strings.HasPrefix(key, typ+"|") {
				keys = append(keys, key)
			}
		}
		sort.Strings(keys)
		for _, key := range keys {
			name := strings.TrimPrefix(key, typ+"|")
			if !containsWord(text, name) {
				continue
			}
			for _, target := range pickRegion(b.named[key], text, k.t.stack.Region) {
				b.add(k, target, label)
			}
		}
	}
}

func containsWord(text, name string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		before := start == 0 || strings.ContainsRune("\":/\x00", rune(text[start-1]))
		after := end == len(text) || strings.ContainsRune("\":/\x00", rune(text[end]))
		if before && after {
			return true
		}
		i = start + 1
	}
}

// pickRegion keeps the candidates whose region the text names, else those
// in the caller's region, else all of them.
func pickRegion(cands []resKey, text, region string) []resKey {
	var named, same []resKey
	for _, c := range cands {
		if r := c.t.stack.Region; r != "" && strings.Contains(text, r) {
			named = append(named, c)
		}
		if c.t.stack.Region == region {
			same = append(same, c)
		}
	}
	if len(named) > 0 {
		return named
	}
	if len(same) > 0 {
		return same
	}
	return cands
}

func (b *builder) resourceEdges(k resKey) {
	p := k.res().Properties
	topics := []string{"AWS::SNS::Topic"}
	switch k.res().Type {
	case "AWS::Logs::SubscriptionFilter":
		b.refsTo(k, p["LogGroupName"], "log events", true)
		b.refsTo(k, p["DestinationArn"], "matching events", false)
	case "AWS::Lambda::Function":
		env := p["Environment"]
		b.refsTo(k, env, "", false)
		b.byName(k, env, "", "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream", "AWS::SNS::Topic")
	case "AWS::KinesisFirehose::DeliveryStream":
		for _, dest := range []string{"ExtendedS3DestinationConfiguration", "S3DestinationConfiguration"} {
			if d, ok := p[dest].(map[string]any); ok {
				b.refsTo(k, d["BucketARN"], "delivers", false)
				// a bucket of another stack, by its ARN
				b.byName(k, d["BucketARN"], "delivers", "AWS::S3::Bucket")
			}
		}
		if src, ok := p["KinesisStreamSourceConfiguration"].(map[string]any); ok {
			b.refsTo(k, src["KinesisStreamARN"], "reads", true)
		}
	case "AWS::CloudWatch::MetricStream":
		b.refsTo(k, p["FirehoseArn"], "metric updates", false)
	case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm":
		for _, a := range []string{"AlarmActions", "OKActions", "InsufficientDataActions"} {
			b.refsTo(k, p[a], "state changes", false)
			b.byName(k, p[a], "state changes", topics...)
		}
		b.refsTo(k, p["AlarmRule"], "composes", true)
	case "AWS::SNS::Subscription":
		for _, topic := range k.t.refs(p["TopicArn"]) {
			for _, ep := range k.t.refs(p["Endpoint"]) {
				b.add(topic, ep, "subscription")
			}
		}
	case "AWS::Events::Rule":
		label := "event"
		if _, ok := p["ScheduleExpression"]; ok {
			label = "schedule"
		}
		b.refsTo(k, p["Targets"], label, false)
	}
}

// MaxShardsDrawn is how many nested stacks of one stack are drawn apart;
// a stack with more has its nested stacks drawn as one, with the counts
// of all of them.
const MaxShardsDrawn = 3

// group is the node a resource belongs to.
func group(k resKey) (id string, n *Node) {
	r := k.res()
	kd := kinds[r.Type]
	shard := k.t.shard
	if nested := len(k.t.stack.Nested); shard != "" && nested > MaxShardsDrawn {
		shard = fmt.Sprintf("%d nested stacks %s … %s", nested, k.t.stack.Nested[0], k.t.stack.Nested[nested-1])
	}
	n = &Node{Kind: kd.kind, Stack: k.t.stack.Name, Shard: shard, order: kd.order}
	base := k.t.stack.Name + "/" + shard + "/"
	if kd.counted {
		return base + kd.kind, n
	}
	n.Name = shortName(k.id)
	// A bucket's name repeats the account and region its boxes show; it
	// keeps the name from its logical ID.
	if p, ok := nameProps[r.Type]; ok && r.Type != "AWS::S3::Bucket" {
		if name, ok := r.Properties[p].(string); ok {
			n.Name = name
		}
	}
	return base + k.id, n
}

func (b *builder) graph(stacks []*Stack) *Graph {
	g := &Graph{Stacks: stacks}
	nodes := map[string]*Node{}
	composite := map[string]int{}
	members := map[resKey]string{}
	pairs := make([][2]resKey, 0, len(b.edges))
	for p := range b.edges {
		pairs = append(pairs, p)
	}
	for _, p := range pairs {
		for _, k := range p {
			if _, done := members[k]; done {
				continue
			}
			id, n := group(k)
			members[k] = id
			if nodes[id] == nil {
				nodes[id] = n
			}
			nodes[id].Count++
			if k.res().Type == "AWS::CloudWatch::CompositeAlarm" {
				composite[id]++
			}
		}
	}
	for id, c := range composite {
		nodes[id].Detail = fmt.Sprintf("(%d composite)", c)
	}
	edges := map[[2]string]string{}
	for p, label := range b.edges {
		from, to := members[p[0]], members[p[1]]
		if from == to {
			continue
		}
		if old, ok := edges[[2]string{from, to}]; !ok || label < old {
			edges[[2]string{from, to}] = label
		}
	}
	stackOrder := map[string]int{}
	for i, s := range stacks {
		stackOrder[s.Name] = i
	}
	for id, n := range nodes {
		n.ID = id
		g.Nodes = append(g.Nodes, n)
	}
	sort.Slice(g.Nodes, func(i, j int) bool {
		a, b := g.Nodes[i], g.Nodes[j]
		if a.Stack != b.Stack {
			return stackOrder[a.Stack] < stackOrder[b.Stack]
		}
		if a.Shard != b.Shard {
			return a.Shard < b.Shard
		}
		if a.order != b.order {
			return a.order < b.order
		}
		return a.ID < b.ID
	})
	for e, label := range edges {
		g.Edges = append(g.Edges, Edge{From: e[0], To: e[1], Label: label})
	}
	sort.Slice(g.Edges, func(i, j int) bool {
		if g.Edges[i].From != g.Edges[j].From {
			return g.Edges[i].From < g.Edges[j].From
		}
		return g.Edges[i].To < g.Edges[j].To
	})
	return g
}

// shortName turns a CDK logical ID into words: "LogRouterFunction48B57DCA"
// becomes "log router".
func shortName(id string) string {
	id = hashSuffix.ReplaceAllString(id, "")
	id = strings.TrimSuffix(id, "Function")
	var words []string
	var cur []rune
	rs := []rune(id)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || (i+1 < len(rs) && unicode.IsLower(rs[i+1]))) {
			words = append(words, string(cur))
			cur = nil
		}
		cur = append(cur, unicode.ToLower(r))
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	return strings.Join(words, " ")
}
