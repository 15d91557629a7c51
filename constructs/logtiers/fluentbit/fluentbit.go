// Package fluentbit generates a Fluent Bit configuration (classic format)
// that routes container log records by level into tiers, for FireLens
// sidecars or a plain tail input.
//
// The seed's example chains grep filters on one tag: the first grep keeps
// only ERROR records, so every later grep sees nothing and WARN and INFO
// are lost, and every output matching app.* receives the same records. This
// generator instead re-tags each record once with rewrite_tag (rules are
// tried in order until one matches, and the original record is dropped),
// and each output matches exactly one tier's tag.
package fluentbit

import (
	"fmt"
	"regexp"
	"strings"
)

// Input is where the records come from.
type Input string

// Input kinds.
const (
	// InputFireLens expects FireLens to provide the input: records from the
	// application container arrive tagged <container>-firelens-<task id>
	// with the raw line in the "log" key, which is parsed as JSON.
	InputFireLens Input = "firelens"
	// InputTail tails files whose lines are JSON.
	InputTail Input = "tail"
)

// TagPrefix starts the tag of every re-tagged record: logtiers.<tier>.
const TagPrefix = "logtiers."

// Spec describes the routing to generate.
type Spec struct {
	// Service names the workload in comments, S3 keys and the tail tag.
	Service string
	// Region of the CloudWatch Logs, S3 and OpenSearch endpoints.
	Region string
	// Input is InputFireLens or InputTail.
	Input Input
	// InputMatch is the tag pattern of the application's records.
	// FireLens: "*-firelens-*"; tail: the tail input's tag.
	InputMatch string
	// TailPath is the file glob for InputTail.
	TailPath string
	// ParsersFile holds the "json" parser.
	ParsersFile string
	// LevelKey is the record key holding the level, e.g. "level".
	LevelKey string
	// Tiers in rule order. A record goes to the first tier listing its
	// level (compared in upper, lower and title case).
	Tiers []Tier
	// UnmatchedTier receives records whose level is missing or matches no
	// tier, so nothing disappears silently. It names one of Tiers.
	UnmatchedTier string
	// OpenSearch, when Endpoint is set, also receives the tiers marked
	// Index.
	OpenSearch OpenSearch
}

// Tier is one routing target.
type Tier struct {
	// Name in lower case, e.g. "error"; the tag is logtiers.<name>.
	Name string
	// Levels routed here, e.g. ERROR, CRITICAL, FATAL.
	Levels []string
	// LogGroupName sends the tier to CloudWatch Logs.
	LogGroupName string
	// S3Bucket sends the tier to S3, gzip-compressed, under S3KeyPrefix.
	S3Bucket string
	// S3KeyPrefix, e.g. "logs/service=checkout-api/tier=info/"; a
	// year=/month=/day=/hour= date path and a unique name follow.
	S3KeyPrefix string
	// Index also sends the tier to OpenSearch.
	Index bool
	// IndexName is the tier's own index; "" uses OpenSearch.Index.
	IndexName string
}

// index is where the tier's records go in OpenSearch.
func (t Tier) index(s Spec) string {
	if t.IndexName != "" {
		return t.IndexName
	}
	return s.OpenSearch.Index
}

// Dropped reports whether the tier has no destination.
func (t Tier) Dropped() bool { return t.LogGroupName == "" && t.S3Bucket == "" && !t.Index }

// OpenSearch is the errors index.
type OpenSearch struct {
	// Endpoint host name, without scheme, e.g.
	// search-logs-abc.us-east-1.es.amazonaws.com.
	Endpoint string
	// Index name, e.g. "o11yscale-errors".
	Index string
	// Serverless signs requests for OpenSearch Serverless (service "aoss")
	// instead of a managed domain ("es").
	Serverless bool
}

var (
	tierNameRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)
	levelRE    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
	keyRE      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*$`)
	// valueRE keeps values on one line and free of the characters that
	// would split a rewrite_tag rule or start a comment. Unresolved CDK
	// tokens (${Token[...]}) pass.
	valueRE = regexp.MustCompile(`^[^\s#]+$`)
)

// Check reports every problem with the spec at once.
func (s Spec) Check() error { return s.check(true) }

// CheckRouting is Check without the deployment values, Region and the
// tiers' S3Bucket, which may be left empty: it checks what the routing
// itself decides, before the stack's region and the archive are known.
func (s Spec) CheckRouting() error { return s.check(false) }

func (s Spec) check(deployment bool) error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if !valueRE.MatchString(s.Service) {
		add("service %q must be non-empty without spaces or #", s.Service)
	}
	if deployment && !valueRE.MatchString(s.Region) {
		add("region %q must be non-empty without spaces or #", s.Region)
	}
	switch s.Input {
	case InputFireLens:
	case InputTail:
		if !valueRE.MatchString(s.TailPath) {
			add("tail path %q must be non-empty without spaces or #", s.TailPath)
		}
	default:
		add("input %q is not %s or %s", s.Input, InputFireLens, InputTail)
	}
	if !valueRE.MatchString(s.InputMatch) {
		add("input match %q must be non-empty without spaces or #", s.InputMatch)
	} else {
		for _, t := range s.Tiers {
			// A re-tagged record restarts the pipeline; if the input match
			// also matched it, rewrite_tag would see it again and loop.
			if WildcardMatch(s.InputMatch, TagPrefix+t.Name) {
				add("input match %q also matches the tier tag %s%s, which would loop records through rewrite_tag", s.InputMatch, TagPrefix, t.Name)
			}
		}
	}
	if s.ParsersFile != "" && !valueRE.MatchString(s.ParsersFile) {
		add("parsers file %q must not contain spaces or #", s.ParsersFile)
	}
	if !keyRE.MatchString(s.LevelKey) {
		add("level key %q must be a record key of letters, digits, _ or -", s.LevelKey)
	}
	if len(s.Tiers) == 0 {
		add("at least one tier is needed")
	}
	seenTier, seenLevel := map[string]bool{}, map[string]string{}
	unmatchedFound := false
	for _, t := range s.Tiers {
		if !tierNameRE.MatchString(t.Name) {
			add("tier name %q must be lower-case letters and digits", t.Name)
		}
		if seenTier[t.Name] {
			add("tier %q is listed twice", t.Name)
		}
		seenTier[t.Name] = true
		unmatchedFound = unmatchedFound || t.Name == s.UnmatchedTier
		for _, l := range t.Levels {
			if !levelRE.MatchString(l) {
				add("tier %s: level %q must be letters, digits or _", t.Name, l)
			}
			if other, dup := seenLevel[strings.ToUpper(l)]; dup {
				add("level %s is routed to both %s and %s", strings.ToUpper(l), other, t.Name)
			}
			seenLevel[strings.ToUpper(l)] = t.Name
		}
		if t.LogGroupName != "" && !valueRE.MatchString(t.LogGroupName) {
			add("tier %s: log group name %q must not contain spaces or #", t.Name, t.LogGroupName)
		}
		if t.LogGroupName != "" && t.S3Bucket != "" {
			add("tier %s: choose CloudWatch Logs or S3, not both", t.Name)
		}
		if deployment && t.S3Bucket != "" && (!valueRE.MatchString(t.S3Bucket) || !valueRE.MatchString(t.S3KeyPrefix)) {
			add("tier %s: S3 bucket %q and key prefix %q must be non-empty without spaces or #", t.Name, t.S3Bucket, t.S3KeyPrefix)
		}
		if t.Index && s.OpenSearch.Endpoint == "" {
			add("tier %s is indexed but no OpenSearch endpoint is set", t.Name)
		}
		if t.IndexName != "" && !valueRE.MatchString(t.IndexName) {
			add("tier %s: index %q must not contain spaces or #", t.Name, t.IndexName)
		}
	}
	if !unmatchedFound {
		add("unmatched tier %q is not one of the tiers", s.UnmatchedTier)
	}
	if s.OpenSearch.Endpoint != "" {
		if !valueRE.MatchString(s.OpenSearch.Endpoint) || strings.Contains(s.OpenSearch.Endpoint, "://") {
			add("OpenSearch endpoint %q must be a host name without scheme", s.OpenSearch.Endpoint)
		}
		if !valueRE.MatchString(s.OpenSearch.Index) {
			add("OpenSearch index %q must be non-empty without spaces or #", s.OpenSearch.Index)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("fluent bit config: %s", strings.Join(errs, "; "))
	}
	return nil
}

// Generate renders the configuration.
func Generate(s Spec) (string, error) {
	if err := s.Check(); err != nil {
		return "", err
	}
	c := Config{}
	service := Section{Name: "SERVICE"}
	service.Add("Flush", "5")
	service.Add("Log_Level", "info")
	if s.ParsersFile != "" {
		service.Add("Parsers_File", s.ParsersFile)
	}
	c.Sections = append(c.Sections, service)

	switch s.Input {
	case InputTail:
		in := Section{Name: "INPUT"}
		in.Add("Name", "tail")
		in.Add("Path", s.TailPath)
		in.Add("Parser", "json")
		in.Add("Tag", s.InputMatch)
		in.Add("Refresh_Interval", "5")
		c.Sections = append(c.Sections, in)
	case InputFireLens:
		// FireLens delivers the raw line under "log"; parse it so the level
		// becomes a key, keeping FireLens' ECS metadata keys.
		p := Section{Name: "FILTER"}
		p.Add("Name", "parser")
		p.Add("Match", s.InputMatch)
		p.Add("Key_Name", "log")
		p.Add("Parser", "json")
		p.Add("Reserve_Data", "On")
		c.Sections = append(c.Sections, p)
	}

	rt := Section{Name: "FILTER"}
	rt.Add("Name", "rewrite_tag")
	rt.Add("Match", s.InputMatch)
	for _, t := range s.Tiers {
		if len(t.Levels) == 0 {
			continue
		}
		rt.Add("Rule", fmt.Sprintf("$%s %s %s%s false", s.LevelKey, levelRegex(t.Levels), TagPrefix, t.Name))
	}
	rt.Add("Emitter_Name", "logtiers_router")
	c.Sections = append(c.Sections, rt)

	for _, t := range s.Tiers {
		match := Entry{Key: "Match", Value: TagPrefix + t.Name}
		if t.Name == s.UnmatchedTier {
			// Records no rule re-tagged keep the input tag; this tier's
			// outputs take them too.
			match = Entry{Key: "Match_Regex", Value: "^(?:" + regexp.QuoteMeta(TagPrefix+t.Name) + "|" + wildcardRegex(s.InputMatch) + ")$"}
		}
		if t.LogGroupName != "" {
			o := Section{Name: "OUTPUT"}
			o.Add("Name", "cloudwatch_logs")
			o.Entries = append(o.Entries, match)
			o.Add("region", s.Region)
			o.Add("log_group_name", t.LogGroupName)
			o.Add("log_stream_prefix", t.Name+"-")
			// The group is created by CloudFormation with a retention; a
			// group auto-created here would never expire.
			o.Add("auto_create_group", "false")
			c.Sections = append(c.Sections, o)
		}
		if t.S3Bucket != "" {
			o := Section{Name: "OUTPUT"}
			o.Add("Name", "s3")
			o.Entries = append(o.Entries, match)
			o.Add("bucket", t.S3Bucket)
			o.Add("region", s.Region)
			o.Add("compression", "gzip")
			o.Add("use_put_object", "On")
			o.Add("total_file_size", "50M")
			o.Add("upload_timeout", "5m")
			o.Add("store_dir", "/tmp/fluent-bit/s3")
			// The leading slash separates bucket and key in the request
			// path; the object key starts at S3KeyPrefix.
			o.Add("s3_key_format", "/"+strings.TrimPrefix(t.S3KeyPrefix, "/")+"year=%Y/month=%m/day=%d/hour=%H/%M%S-$UUID.gz")
			c.Sections = append(c.Sections, o)
		}
		if t.Index {
			o := Section{Name: "OUTPUT"}
			o.Add("Name", "opensearch")
			o.Entries = append(o.Entries, match)
			o.Add("Host", s.OpenSearch.Endpoint)
			o.Add("Port", "443")
			o.Add("tls", "On")
			o.Add("AWS_Auth", "On")
			o.Add("AWS_Region", s.Region)
			o.Add("Index", t.index(s))
			if s.OpenSearch.Serverless {
				// SigV4 for OpenSearch Serverless
				// (https://docs.fluentbit.io/manual/pipeline/outputs/opensearch).
				o.Add("AWS_Service_Name", "aoss")
			}
			// OpenSearch 2 has no mapping types (the seed's "Type _doc").
			o.Add("Suppress_Type_Name", "On")
			c.Sections = append(c.Sections, o)
		}
		if t.Dropped() {
			o := Section{Name: "OUTPUT"}
			o.Add("Name", "null")
			o.Entries = append(o.Entries, match)
			c.Sections = append(c.Sections, o)
		}
	}
	return header(s) + c.String(), nil
}

func header(s Spec) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fluent Bit routing for %s, generated by o11yscale logtiers. Do not edit:\n", s.Service)
	b.WriteString("# change the service's tiers and synthesize again.\n")
	for _, t := range s.Tiers {
		var dest []string
		if t.LogGroupName != "" {
			dest = append(dest, "CloudWatch Logs "+t.LogGroupName)
		}
		if t.S3Bucket != "" {
			dest = append(dest, "S3 (gzip) "+t.S3KeyPrefix)
		}
		if t.Index {
			dest = append(dest, "OpenSearch index "+t.index(s))
		}
		if len(dest) == 0 {
			dest = append(dest, "dropped")
		}
		levels := strings.Join(t.Levels, ",")
		if t.Name == s.UnmatchedTier {
			levels += " and records with another or no level"
		}
		fmt.Fprintf(&b, "#   %s (%s) -> %s\n", strings.ToUpper(t.Name), strings.TrimPrefix(levels, " and "), strings.Join(dest, " + "))
	}
	b.WriteString("\n")
	return b.String()
}

// levelRegex matches any of the levels in upper, lower or title case,
// anchored, using only syntax Onigmo (Fluent Bit) and Go agree on.
func levelRegex(levels []string) string {
	var alts []string
	seen := map[string]bool{}
	for _, l := range levels {
		u := strings.ToUpper(l)
		for _, v := range []string{u, strings.ToLower(l), u[:1] + strings.ToLower(u[1:])} {
			if !seen[v] {
				seen[v] = true
				alts = append(alts, v)
			}
		}
	}
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// wildcardRegex turns a Fluent Bit Match pattern ('*' is any run of
// characters) into an unanchored regular expression.
func wildcardRegex(pattern string) string {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return strings.Join(parts, ".*")
}

// WildcardMatch reports whether tag matches a Fluent Bit Match pattern.
func WildcardMatch(pattern, tag string) bool {
	return regexp.MustCompile("^" + wildcardRegex(pattern) + "$").MatchString(tag)
}

// Config is a classic-format Fluent Bit configuration.
type Config struct {
	Sections []Section
}

// Section is one [NAME] block with its entries in order.
type Section struct {
	Name    string
	Entries []Entry
}

// Entry is one "Key Value" line.
type Entry struct {
	Key, Value string
}

// Add appends an entry.
func (s *Section) Add(key, value string) {
	s.Entries = append(s.Entries, Entry{Key: key, Value: value})
}

// String renders the sections with values aligned, one blank line apart.
func (c Config) String() string {
	var b strings.Builder
	for i, s := range c.Sections {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%s]\n", s.Name)
		width := 0
		for _, e := range s.Entries {
			width = max(width, len(e.Key))
		}
		for _, e := range s.Entries {
			fmt.Fprintf(&b, "    %-*s  %s\n", width, e.Key, e.Value)
		}
	}
	return b.String()
}
