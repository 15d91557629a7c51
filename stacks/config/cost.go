package config

import (
	"github.com/o11yscale/o11yscale/constructs/validation"
)

func (p *Platform) validateCost(v *validation.Errors) {
	if p.Cost != nil {
		v.Merge("cost", p.Cost.Validate())
	}
}
