package config

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// ParseFragment decodes a partial platform config, such as a README
// example, strictly, and validates it merged onto the default platform:
// each top-level key the fragment sets replaces that whole key of the
// default (a `logs:` fragment replaces the default's logs section, a
// `regions:` fragment its regions), and every key it does not set stays
// the default's, including the default cost volumes when it sets no
// `cost:`. The fragment's lines keep their numbers, so shape errors
// ("(line N)") point into the fragment.
func ParseFragment(source string, fragment []byte) (*Platform, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(fragment, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: a platform config fragment is a mapping of top-level keys (regions, services, logs, ...)", source)
	}
	top := doc.Content[0]
	set := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		set[top.Content[i].Value] = true
	}
	var def yaml.Node
	if err := yaml.Unmarshal(defaultYAML, &def); err != nil {
		return nil, err
	}
	rest := &yaml.Node{Kind: yaml.MappingNode}
	for i, c := 0, def.Content[0].Content; i+1 < len(c); i += 2 {
		if !set[c[i].Value] {
			rest.Content = append(rest.Content, c[i], c[i+1])
		}
	}
	merged := append(bytes.TrimRight(bytes.Clone(fragment), "\n"), '\n')
	if top.Style&yaml.FlowStyle != 0 {
		// A flow mapping cannot be continued line by line: merge the
		// nodes (line numbers then follow the merged document).
		top.Content = append(top.Content, rest.Content...)
		b, err := yaml.Marshal(top)
		if err != nil {
			return nil, err
		}
		merged = b
	} else if len(rest.Content) > 0 {
		b, err := yaml.Marshal(rest)
		if err != nil {
			return nil, err
		}
		merged = append(merged, b...)
	}
	return parse(source, merged, func(p *Platform) {
		if !set["cost"] && p.Cost == nil {
			p.Cost = costBlock(cost.DefaultConfig())
		}
	})
}
