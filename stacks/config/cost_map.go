package config

import (
	"fmt"
	"reflect"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
	"github.com/o11yscale/o11yscale/constructs/platform"
)

// CostConfig returns the cost model input of the platform: the cost block
// mapped field for field, with the architecture's central region defaulting
// to the platform's, and every traces.fromRules resolved from the sampling
// rules (see platform.ResolveTraceSampling). ok is false without a cost block.
func (p *Platform) CostConfig() (c cost.Config, ok bool) {
	if p.Cost == nil {
		return cost.Config{}, false
	}
	sp := p.SamplingProps()
	return platform.ResolveTransactionSearch(platform.ResolveTraceSampling(p.costModel(), sp.Rules), sp), true
}

// costModel maps the block without resolving traces.fromRules.
func (p *Platform) costModel() cost.Config {
	var c cost.Config
	mirror(reflect.ValueOf(&c).Elem(), reflect.ValueOf(*p.Cost))
	if c.Architecture.CentralRegion == "" {
		c.Architecture.CentralRegion = p.CentralRegion
	}
	return c
}

// costBlock is the inverse mapping, for the embedded default platform,
// whose cost block is cost.DefaultConfig.
func costBlock(c cost.Config) *Cost {
	var out Cost
	mirror(reflect.ValueOf(&out).Elem(), reflect.ValueOf(c))
	return &out
}

// mirror copies src into dst, two types with the same structure: structs
// with the same exported field names (tags aside), slices, maps and
// convertible scalars (a plain string to a typed enum). Both directions are
// checked field for field by TestCostBlockMirrorsTheCostModel.
func mirror(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		for i := 0; i < src.NumField(); i++ {
			f := src.Type().Field(i)
			d := dst.FieldByName(f.Name)
			if !d.IsValid() {
				panic(fmt.Sprintf("config: %s.%s has no counterpart in %s", src.Type(), f.Name, dst.Type()))
			}
			mirror(d, src.Field(i))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(dst.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			mirror(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(dst.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			v := reflect.New(dst.Type().Elem()).Elem()
			mirror(v, iter.Value())
			m.SetMapIndex(iter.Key().Convert(dst.Type().Key()), v)
		}
		dst.Set(m)
	default:
		dst.Set(src.Convert(dst.Type()))
	}
}
