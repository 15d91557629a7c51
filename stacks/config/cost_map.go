package config

import (
	"fmt"
	"reflect"

	"github.com/o11yscale/o11yscale/constructs/governance/cost"
)

// CostConfig returns the cost model input of the platform
// (platform.Props.CostConfig): the architecture derived from the other
// sections, the traffic and assumptions of the cost block, assumed traffic
// where it declares none.
func (p *Platform) CostConfig() (cost.Config, error) {
	return p.Props("").CostConfig()
}

// costModel maps the block to the cost package's inputs.
func (p *Platform) costModel() cost.Inputs {
	var c cost.Inputs
	mirror(reflect.ValueOf(&c).Elem(), reflect.ValueOf(*p.Cost))
	return c
}

// costBlock is the inverse mapping, for the embedded default platform,
// whose cost block is cost.DefaultInputs.
func costBlock(c cost.Inputs) *Cost {
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
