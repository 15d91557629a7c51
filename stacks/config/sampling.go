package config

import (
	"github.com/o11yscale/o11yscale/constructs/validation"
)

func (p *Platform) validateSampling(v *validation.Errors) {
	v.Merge("sampling", p.Sampling.Validate())
}
