package sampling

import "sort"

// shadowing says that rules[hidden] can never match because rules[by],
// evaluated before it, matches every request it would.
type shadowing struct{ hidden, by int }

// findShadowed returns every rule hidden behind an earlier one (lower
// priority number), naming the first rule that hides it. Rules with an
// invalid or duplicate priority are left to the priority checks.
func findShadowed(rules []Rule) []shadowing {
	order := make([]int, 0, len(rules))
	seen := map[int]bool{}
	for i, r := range rules {
		if r.Priority < 1 || r.Priority > maxPriority || seen[r.Priority] {
			continue
		}
		seen[r.Priority] = true
		order = append(order, i)
	}
	sort.Slice(order, func(x, y int) bool { return rules[order[x]].Priority < rules[order[y]].Priority })
	var out []shadowing
	for x, hidden := range order {
		for _, by := range order[:x] {
			if matchesSuperset(rules[by], rules[hidden]) {
				out = append(out, shadowing{hidden: hidden, by: by})
				break
			}
		}
	}
	sort.Slice(out, func(x, y int) bool { return out[x].hidden < out[y].hidden })
	return out
}

// matchesSuperset reports whether rule a matches every request rule b
// matches: each field of a covers b's, and every attribute a requires, b
// requires too with a value a covers (a rule with fewer or looser
// attribute constraints matches more).
func matchesSuperset(a, b Rule) bool {
	for _, f := range fieldPairs(a, b) {
		if !covers(f[0], f[1]) {
			return false
		}
	}
	for k, va := range a.Attributes {
		vb, ok := b.Attributes[k]
		if !ok || !covers(va, vb) {
			return false
		}
	}
	return true
}

// disjoint reports whether no request can match both a and b, judged only
// where it is plain: a field (or a shared attribute) that both rules set
// to different literal values. "false" means "may overlap".
func disjoint(a, b Rule) bool {
	differ := func(x, y string) bool {
		return x != "" && y != "" && !hasGlob(x) && !hasGlob(y) && normalizeGlob(x) != normalizeGlob(y)
	}
	for _, f := range fieldPairs(a, b) {
		if differ(f[0], f[1]) {
			return true
		}
	}
	for k, va := range a.Attributes {
		if vb, ok := b.Attributes[k]; ok && differ(va, vb) {
			return true
		}
	}
	return false
}

// fieldPairs pairs up the glob fields of a and b.
func fieldPairs(a, b Rule) [6][2]string {
	return [6][2]string{
		{a.ServiceName, b.ServiceName},
		{a.ServiceType, b.ServiceType},
		{a.Host, b.Host},
		{a.HTTPMethod, b.HTTPMethod},
		{a.URLPath, b.URLPath},
		{a.ResourceARN, b.ResourceARN},
	}
}
