package router

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Tier is the routing class of a log event, taken from its level.
type Tier uint8

// The tiers, from least to most severe. TierUnknown is an event without a
// recognised level.
const (
	TierUnknown Tier = iota
	TierDebug
	TierInfo
	TierWarn
	TierError
	numTiers
)

var tierNames = [numTiers]string{"UNKNOWN", "DEBUG", "INFO", "WARN", "ERROR"}

// String returns the tier name written into forwarded records.
func (t Tier) String() string {
	if t < numTiers {
		return tierNames[t]
	}
	return fmt.Sprintf("Tier(%d)", uint8(t))
}

// ParseTier parses a tier name, case-insensitively.
func ParseTier(s string) (Tier, error) {
	for t, name := range tierNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return Tier(t), nil
		}
	}
	return TierUnknown, fmt.Errorf("tier %q: allowed ERROR, WARN, INFO, DEBUG, UNKNOWN", s)
}

// levelTiers maps level words, upper-cased, to tiers. Besides the four tier
// names it takes the common aliases of syslog, log4j, zap, logrus and the
// Fluent Bit example in the seed (ERROR|CRITICAL).
var levelTiers = map[string]Tier{
	"ERROR": TierError, "ERR": TierError, "CRITICAL": TierError, "CRIT": TierError,
	"FATAL": TierError, "PANIC": TierError, "ALERT": TierError, "EMERG": TierError,
	"EMERGENCY": TierError, "SEVERE": TierError,
	"WARN": TierWarn, "WARNING": TierWarn,
	"INFO": TierInfo, "NOTICE": TierInfo,
	"DEBUG": TierDebug, "TRACE": TierDebug,
}

// maxLevelWord is the length of the longest key of levelTiers.
const maxLevelWord = len("EMERGENCY")

// levelTier returns the tier of a level word, matched ASCII
// case-insensitively, or TierUnknown. It does not allocate.
func levelTier(word []byte) Tier {
	if len(word) == 0 || len(word) > maxLevelWord {
		return TierUnknown
	}
	var up [maxLevelWord]byte
	for i, c := range word {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	return levelTiers[string(up[:len(word)])]
}

// Rules decide which events are forwarded: an event is forwarded when its
// tier is in Tiers, or when it carries a status_code of at least MinStatus
// (MinStatus 0 disables the status rule).
type Rules struct {
	Tiers     [numTiers]bool
	MinStatus int
}

// DefaultRules is the seed's subscription filter
// { $.level = "ERROR" || $.status_code >= 500 }.
func DefaultRules() Rules {
	var r Rules
	r.Tiers[TierError] = true
	r.MinStatus = 500
	return r
}

// Forward reports whether an event of class c is forwarded.
func (r *Rules) Forward(c Class) bool {
	if c.Tier < numTiers && r.Tiers[c.Tier] {
		return true
	}
	return r.MinStatus > 0 && c.HasStatus && c.Status >= float64(r.MinStatus)
}

// ParseTierList parses FORWARD_TIERS: either a comma-separated list
// ("ERROR,WARN") or a JSON array (["ERROR","WARN"]). "[]" selects no tier,
// which leaves only the status rule.
func ParseTierList(s string) ([numTiers]bool, error) {
	var set [numTiers]bool
	var names []string
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "[") {
		if err := json.Unmarshal([]byte(t), &names); err != nil {
			return set, fmt.Errorf("tier list %q: not a JSON array of strings: %w", s, err)
		}
	} else {
		names = strings.Split(s, ",")
	}
	for _, n := range names {
		t, err := ParseTier(n)
		if err != nil {
			return set, fmt.Errorf("tier list %q: %w", s, err)
		}
		set[t] = true
	}
	return set, nil
}
