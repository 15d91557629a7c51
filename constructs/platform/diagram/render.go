package diagram

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/goccy/go-graphviz"
)

// cluster is an account, region, stack or shard box.
type cluster struct {
	id, label string
	nodes     []*Node
	children  []*cluster
	index     map[string]*cluster
}

func (c *cluster) child(id, label string) *cluster {
	if c.index == nil {
		c.index = map[string]*cluster{}
	}
	if ch, ok := c.index[id]; ok {
		return ch
	}
	ch := &cluster{id: id, label: label}
	c.index[id] = ch
	c.children = append(c.children, ch)
	return ch
}

// tree nests the nodes in account, region, stack and shard clusters, in
// the order of g.Stacks. A stack without data-path nodes gets a node
// counting its resources, so every stack is drawn.
func (g *Graph) tree() *cluster {
	root := &cluster{}
	stackBox := map[string]*cluster{}
	for i, s := range g.Stacks {
		acct := s.Account
		if acct == "" {
			acct = "any account"
		} else {
			acct = "account " + acct
		}
		a := root.child("a_"+acct, acct)
		r := a.child(a.id+"_r_"+s.Region, "region "+s.Region)
		label := fmt.Sprintf("stack %s\n%d resources", s.Name, s.Resources)
		if len(s.Nested) > 0 {
			label = fmt.Sprintf("stack %s\n%d resources in %d templates", s.Name, s.Resources, len(s.Nested)+1)
		}
		stackBox[s.Name] = r.child(fmt.Sprintf("s%d", i), label)
	}
	has := map[string]bool{}
	for _, n := range g.Nodes {
		box := stackBox[n.Stack]
		if n.Shard != "" {
			label := "nested stack " + n.Shard
			if strings.Contains(n.Shard, " nested stacks ") {
				label = n.Shard
			}
			box = box.child(box.id+"_"+strings.Fields(n.Shard)[0], label)
		}
		box.nodes = append(box.nodes, n)
		has[n.Stack] = true
	}
	for _, s := range g.Stacks {
		if !has[s.Name] {
			box := stackBox[s.Name]
			box.nodes = append(box.nodes, &Node{ID: s.Name + "//", Kind: "resources, no data path", Count: s.Resources, Stack: s.Name})
		}
	}
	return root
}

// NodeCount is the number of nodes drawn.
func (g *Graph) NodeCount() int {
	n := 0
	var walk func(c *cluster)
	walk = func(c *cluster) {
		n += len(c.nodes)
		for _, ch := range c.children {
			walk(ch)
		}
	}
	walk(g.tree())
	return n
}

var shapes = map[string]string{
	"log groups":               "folder",
	"subscription filters":     "invtrapezium",
	"alarms":                   "octagon",
	"Lambda function":          "box",
	"Kinesis data stream":      "box",
	"Firehose stream":          "box",
	"SNS topic":                "note",
	"S3 bucket":                "cylinder",
	"CloudWatch metric stream": "box",
	"EventBridge rule":         "hexagon",
}

var fills = map[string]string{
	"log groups":               "#e8f1fb",
	"subscription filters":     "#e8f1fb",
	"alarms":                   "#fdecea",
	"Lambda function":          "#fff4e0",
	"Kinesis data stream":      "#efe8fb",
	"Firehose stream":          "#efe8fb",
	"SNS topic":                "#fdecea",
	"S3 bucket":                "#e6f4ea",
	"CloudWatch metric stream": "#efe8fb",
	"EventBridge rule":         "#fff4e0",
}

var rounded = map[string]string{"Kinesis data stream": `, style="filled,rounded"`, "Firehose stream": `, style="filled,rounded"`, "CloudWatch metric stream": `, style="filled,rounded"`}

func dotQuote(s string) string { return quoteLines(s, `\n`) }

// quoteLines quotes s for DOT, ending each of its lines with eol: `\n`
// centres a line, `\l` puts it at the left.
func quoteLines(s, eol string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + strings.ReplaceAll(s, "\n", eol) + `"`
}

// DOT renders the graph as Graphviz source; equal graphs give equal bytes.
func (g *Graph) DOT() []byte {
	var b bytes.Buffer
	b.WriteString("digraph architecture {\n")
	b.WriteString("  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=16, nodesep=0.35, ranksep=0.9, newrank=true, compound=true, label=\"o11yscale platform: data paths from the cloud assembly\", labelloc=t];\n")
	b.WriteString("  node [fontname=\"Helvetica\", fontsize=14, style=filled, fillcolor=\"#ffffff\", color=\"#555555\", margin=\"0.25,0.1\"];\n")
	b.WriteString("  edge [fontname=\"Helvetica\", fontsize=12, color=\"#444444\", fontcolor=\"#222222\"];\n")
	stackOf := map[string]*Node{}
	for _, n := range g.Nodes {
		stackOf[n.ID] = n
	}
	// exits lists, per nested stack, its nodes with an edge leaving it.
	exits := map[[2]string][]string{}
	seen := map[string]bool{}
	for _, e := range g.Edges {
		from, to := stackOf[e.From], stackOf[e.To]
		if from.Shard != "" && (to.Stack != from.Stack || to.Shard != from.Shard) && !seen[e.From] {
			seen[e.From] = true
			k := [2]string{from.Stack, from.Shard}
			exits[k] = append(exits[k], e.From)
		}
	}
	var walk func(c *cluster, depth int)
	walk = func(c *cluster, depth int) {
		ind := strings.Repeat("  ", depth+1)
		for _, n := range c.nodes {
			shape, fill := shapes[n.Kind], fills[n.Kind]
			if shape == "" {
				shape, fill = "note", "#f2f2f2"
			}
			fmt.Fprintf(&b, "%s%s [label=%s, shape=%s, fillcolor=%s%s];\n", ind, dotQuote(n.ID), dotQuote(n.Label()), shape, dotQuote(fill), rounded[n.Kind])
		}
		// A nested stack's nodes that feed the rest of the stack share
		// its last column, so their edges leave through its right side
		// rather than across its title.
		if len(c.nodes) > 0 && c.nodes[0].Shard != "" {
			if ids := exits[[2]string{c.nodes[0].Stack, c.nodes[0].Shard}]; len(ids) > 1 {
				quoted := make([]string, len(ids))
				for i, id := range ids {
					quoted[i] = dotQuote(id)
				}
				fmt.Fprintf(&b, "%s{rank=same; %s}\n", ind, strings.Join(quoted, "; "))
			}
		}
		for _, ch := range c.children {
			fmt.Fprintf(&b, "%ssubgraph %s {\n", ind, dotQuote("cluster_"+ch.id))
			style := map[int]string{0: `style="rounded"; color="#888888"; bgcolor="#fafafa"`, 1: `style="dashed"; color="#888888"`, 2: `style="rounded,filled"; color="#7a9cc6"; fillcolor="#f3f7fc"`}[depth]
			if style == "" {
				style = `style="rounded,filled"; color="#b0b0b0"; fillcolor="#ffffff"`
			}
			// Titles at the top left, away from the edges that run
			// between stacks through the middle of the picture.
			fmt.Fprintf(&b, "%s  label=%s; labeljust=l; %s; fontsize=%d;\n", ind, quoteLines(ch.label+"\n", `\l`), style, 16-min(depth, 2))
			walk(ch, depth+1)
			fmt.Fprintf(&b, "%s}\n", ind)
		}
	}
	walk(g.tree(), 0)
	for _, e := range g.Edges {
		// An edge between stacks is long and crosses box borders: its
		// label goes next to its tail, inside the sending stack.
		label := "label"
		if stackOf[e.From].Stack != stackOf[e.To].Stack {
			label = "tailport=e, labeldistance=4, labelangle=-20, taillabel"
		}
		fmt.Fprintf(&b, "  %s -> %s [%s=%s];\n", dotQuote(e.From), dotQuote(e.To), label, dotQuote(e.Label))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// SVG lays the graph out with Graphviz (WebAssembly, no cgo) and renders
// it as SVG.
func (g *Graph) SVG(ctx context.Context) ([]byte, error) {
	return RenderDOT(ctx, g.DOT())
}

// RenderDOT renders Graphviz source as SVG.
func RenderDOT(ctx context.Context, dot []byte) ([]byte, error) {
	gv, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("diagram: graphviz: %w", err)
	}
	defer gv.Close()
	parsed, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("diagram: parsing DOT: %w", err)
	}
	defer parsed.Close()
	var out bytes.Buffer
	if err := gv.Render(ctx, parsed, graphviz.SVG, &out); err != nil {
		return nil, fmt.Errorf("diagram: rendering SVG: %w", err)
	}
	return out.Bytes(), nil
}

func mermaidText(s string) string {
	s = strings.ReplaceAll(s, `"`, "#quot;")
	return `"` + strings.ReplaceAll(s, "\n", "<br>") + `"`
}

// Mermaid renders the graph as a Mermaid flowchart.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	ids := map[string]string{}
	seq := 0
	var walk func(c *cluster, depth int)
	walk = func(c *cluster, depth int) {
		ind := strings.Repeat("  ", depth+1)
		for _, n := range c.nodes {
			seq++
			ids[n.ID] = fmt.Sprintf("n%d", seq)
			fmt.Fprintf(&b, "%s%s[%s]\n", ind, ids[n.ID], mermaidText(n.Label()))
		}
		for _, ch := range c.children {
			seq++
			fmt.Fprintf(&b, "%ssubgraph c%d[%s]\n", ind, seq, mermaidText(ch.label))
			walk(ch, depth+1)
			fmt.Fprintf(&b, "%send\n", ind)
		}
	}
	walk(g.tree(), 0)
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -->|%s| %s\n", ids[e.From], mermaidText(e.Label), ids[e.To])
	}
	return b.String()
}
