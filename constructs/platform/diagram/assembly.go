// Package diagram draws a synthesized platform from its cloud assembly:
// it reads the manifest and every template (nested ones included), finds
// the data paths by resource types and references, summarizes them to one
// node per kind per stack or shard, and renders the graph as Graphviz DOT,
// SVG (laid out by Graphviz compiled to WebAssembly, no cgo) and a Mermaid
// flowchart.
package diagram

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// template is one template file of the assembly.
type template struct {
	file   string
	stack  *Stack
	shard  string // nested stack's name, "" for the top-level template
	parent *template
	// params maps a nested template's parameters to the parent's values.
	params    map[string]any
	resources map[string]resource
}

type resource struct {
	Type       string
	Properties map[string]any
}

type manifest struct {
	Artifacts map[string]struct {
		Type         string
		Environment  string
		DisplayName  string
		Dependencies []string
		Properties   struct {
			TemplateFile string
			StackName    string
			File         string
		}
	}
}

type assetManifest struct {
	Files map[string]struct {
		Source struct{ Path string }
	}
}

var hashSuffix = regexp.MustCompile(`[0-9A-F]{8}$`)

// readAssembly reads every stack template of the assembly in dir.
func readAssembly(dir string) ([]*Stack, []*template, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("diagram: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("diagram: %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	ids := make([]string, 0, len(m.Artifacts))
	for id := range m.Artifacts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var stacks []*Stack
	var templates []*template
	for _, id := range ids {
		a := m.Artifacts[id]
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		st := &Stack{Name: a.Properties.StackName}
		if st.Name == "" {
			st.Name = id
		}
		env := strings.TrimPrefix(a.Environment, "aws://")
		if acct, region, ok := strings.Cut(env, "/"); ok {
			st.Account, st.Region = acct, region
		}
		if st.Account == "" || strings.HasPrefix(st.Account, "unknown-") {
			st.Account = ""
		}
		assets := map[string]string{} // asset hash -> file
		for _, dep := range a.Dependencies {
			d, ok := m.Artifacts[dep]
			if !ok || d.Type != "cdk:asset-manifest" {
				continue
			}
			var am assetManifest
			if b, err := os.ReadFile(filepath.Join(dir, d.Properties.File)); err == nil && json.Unmarshal(b, &am) == nil {
				for h, f := range am.Files {
					assets[h] = f.Source.Path
				}
			}
		}
		top, err := readTemplate(dir, a.Properties.TemplateFile, st, "", nil, nil)
		if err != nil {
			return nil, nil, err
		}
		all := []*template{top}
		for i := 0; i < len(all); i++ {
			t := all[i]
			for _, lid := range sortedKeys(t.resources) {
				r := t.resources[lid]
				if r.Type != "AWS::CloudFormation::Stack" {
					continue
				}
				file := nestedFile(r.Properties["TemplateURL"], assets)
				if file == "" {
					continue
				}
				params, _ := r.Properties["Parameters"].(map[string]any)
				shard := hashSuffix.ReplaceAllString(lid, "")
				if i := strings.Index(lid, "NestedStack"); i > 0 {
					shard = lid[:i]
				}
				nt, err := readTemplate(dir, file, st, shard, t, params)
				if err != nil {
					return nil, nil, err
				}
				all = append(all, nt)
			}
		}
		for _, t := range all {
			st.Resources += len(t.resources)
			if t.parent != nil {
				st.Nested = append(st.Nested, t.shard)
			}
		}
		stacks = append(stacks, st)
		templates = append(templates, all...)
	}
	sort.SliceStable(stacks, func(i, j int) bool {
		a, b := stacks[i], stacks[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Name < b.Name
	})
	return stacks, templates, nil
}

// nestedFile finds the template file of a nested stack from the asset hash
// at the end of its TemplateURL.
func nestedFile(url any, assets map[string]string) string {
	s := flatten(url)
	s = strings.TrimSuffix(s, ".json")
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	return assets[s]
}

func readTemplate(dir, file string, st *Stack, shard string, parent *template, params map[string]any) (*template, error) {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, fmt.Errorf("diagram: %w", err)
	}
	var doc struct{ Resources map[string]resource }
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("diagram: %s: %w", file, err)
	}
	return &template{file: file, stack: st, shard: shard, parent: parent, params: params, resources: doc.Resources}, nil
}

// refs returns the resources v refers to with Ref or Fn::GetAtt, following
// a nested template's parameters to its parent.
func (t *template) refs(v any) []resKey {
	var out []resKey
	var walk func(t *template, v any)
	walk = func(t *template, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
				if _, isRes := t.resources[ref]; isRes {
					out = append(out, resKey{t, ref})
				} else if pv, isParam := t.params[ref]; isParam && t.parent != nil {
					walk(t.parent, pv)
				}
				return
			}
			if ga, ok := x["Fn::GetAtt"].([]any); ok && len(x) == 1 && len(ga) > 0 {
				if name, ok := ga[0].(string); ok {
					if _, isRes := t.resources[name]; isRes {
						out = append(out, resKey{t, name})
					}
				}
				return
			}
			for _, k := range sortedKeys(x) {
				walk(t, x[k])
			}
		case []any:
			for _, e := range x {
				walk(t, e)
			}
		}
	}
	walk(t, v)
	return out
}

type resKey struct {
	t  *template
	id string
}

func (k resKey) res() resource { return k.t.resources[k.id] }

// flatten renders a value's string literals, joining Fn::Join parts and
// putting a NUL where a part is not a literal.
func flatten(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		if j, ok := x["Fn::Join"].([]any); ok && len(j) == 2 {
			sep, _ := j[0].(string)
			parts, _ := j[1].([]any)
			ss := make([]string, len(parts))
			for i, p := range parts {
				ss[i] = flatten(p)
			}
			return strings.Join(ss, sep)
		}
		var ss []string
		for _, k := range sortedKeys(x) {
			ss = append(ss, flatten(x[k]))
		}
		return strings.Join(ss, "\x00")
	case []any:
		ss := make([]string, len(x))
		for i, e := range x {
			ss[i] = flatten(e)
		}
		return strings.Join(ss, "\x00")
	}
	return "\x00"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
