package policyeval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Stack is one synthesized template with the environment its intrinsic
// functions resolve in.
type Stack struct {
	// Name is the stack name; a nested stack's is <parent>-<logical id>.
	Name                       string
	Account, Region, Partition string
	Template                   map[string]any
	// Parameters are the resolved values of the template's parameters (a
	// nested stack's, passed by its parent); a Ref to any other parameter
	// is an error.
	Parameters map[string]any
	// Parent is the stack holding a nested stack (nil at the top level).
	Parent *Stack
}

// Resources is the template's Resources section.
func (s *Stack) Resources() map[string]any {
	r, _ := s.Template["Resources"].(map[string]any)
	return r
}

// Resolve replaces the intrinsic functions in v (Ref, Fn::GetAtt,
// Fn::Join, Fn::Sub, Fn::Select, Fn::Split and the pseudo parameters)
// with their values in this stack. A physical name CloudFormation would
// generate (a resource without its name property) resolves to
// "<stack>-<logical id>-generated", unique and matched only by
// wildcards. Anything else, such as Fn::ImportValue, Fn::If or an
// attribute it does not know, is an error.
func (s *Stack) Resolve(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, arg := range t {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return s.intrinsic(k, arg)
				}
			}
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			r, err := s.Resolve(x)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			if r != noValue {
				out[k] = r
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(t))
		for i, x := range t {
			r, err := s.Resolve(x)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return v, nil
}

// noValue is AWS::NoValue, dropped from objects and lists.
var noValue = &struct{ noValue bool }{true}

func (s *Stack) resolveString(v any) (string, error) {
	r, err := s.Resolve(v)
	if err != nil {
		return "", err
	}
	str, ok := r.(string)
	if !ok {
		return "", fmt.Errorf("%v resolves to %T, want a string", v, r)
	}
	return str, nil
}

func (s *Stack) intrinsic(fn string, arg any) (any, error) {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return nil, fmt.Errorf("Ref %v: want a name", arg)
		}
		return s.ref(name)
	case "Fn::GetAtt":
		var lid, attr string
		switch a := arg.(type) {
		case []any:
			if len(a) == 2 {
				lid, _ = a[0].(string)
				attr, _ = a[1].(string)
			}
		case string:
			lid, attr, _ = strings.Cut(a, ".")
		}
		if lid == "" || attr == "" {
			return nil, fmt.Errorf("Fn::GetAtt %v: want [logicalId, attribute]", arg)
		}
		return s.getAtt(lid, attr)
	case "Fn::Join":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("Fn::Join %v: want [separator, list]", arg)
		}
		sep, ok := a[0].(string)
		if !ok {
			return nil, fmt.Errorf("Fn::Join separator %v: want a string", a[0])
		}
		list, err := s.Resolve(a[1])
		if err != nil {
			return nil, fmt.Errorf("Fn::Join: %w", err)
		}
		items, ok := list.([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Join list resolves to %T", list)
		}
		parts := make([]string, len(items))
		for i, x := range items {
			if parts[i], ok = x.(string); !ok {
				return nil, fmt.Errorf("Fn::Join item %d is %T, want a string", i, x)
			}
		}
		return strings.Join(parts, sep), nil
	case "Fn::Select":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("Fn::Select %v: want [index, list]", arg)
		}
		idx, err := s.Resolve(a[0])
		if err != nil {
			return nil, err
		}
		var i int
		switch n := idx.(type) {
		case float64:
			i = int(n)
		case string:
			if _, err := fmt.Sscanf(n, "%d", &i); err != nil {
				return nil, fmt.Errorf("Fn::Select index %q", n)
			}
		default:
			return nil, fmt.Errorf("Fn::Select index %v", idx)
		}
		list, err := s.Resolve(a[1])
		if err != nil {
			return nil, err
		}
		items, ok := list.([]any)
		if !ok || i < 0 || i >= len(items) {
			return nil, fmt.Errorf("Fn::Select %d of %v", i, list)
		}
		return items[i], nil
	case "Fn::Split":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("Fn::Split %v: want [separator, string]", arg)
		}
		sep, _ := a[0].(string)
		str, err := s.resolveString(a[1])
		if err != nil || sep == "" {
			return nil, fmt.Errorf("Fn::Split %v: %v", arg, err)
		}
		var out []any
		for _, p := range strings.Split(str, sep) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::Sub":
		var tmpl string
		vars := map[string]any{}
		switch a := arg.(type) {
		case string:
			tmpl = a
		case []any:
			if len(a) != 2 {
				return nil, fmt.Errorf("Fn::Sub %v: want a string or [string, variables]", arg)
			}
			tmpl, _ = a[0].(string)
			vars, _ = a[1].(map[string]any)
		}
		var firstErr error
		out := subVar.ReplaceAllStringFunc(tmpl, func(m string) string {
			name := m[2 : len(m)-1]
			if strings.HasPrefix(name, "!") {
				return "${" + name[1:] + "}"
			}
			var val any
			var err error
			if v, ok := vars[name]; ok {
				val, err = s.Resolve(v)
			} else if lid, attr, ok := strings.Cut(name, "."); ok {
				val, err = s.getAtt(lid, attr)
			} else {
				val, err = s.ref(name)
			}
			str, ok := val.(string)
			if err == nil && !ok {
				err = fmt.Errorf("${%s} resolves to %T", name, val)
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			return str
		})
		if firstErr != nil {
			return nil, fmt.Errorf("Fn::Sub %q: %w", tmpl, firstErr)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s is not implemented by the resolver", fn)
}

var subVar = regexp.MustCompile(`\$\{[^}]+\}`)

func (s *Stack) ref(name string) (any, error) {
	switch name {
	case "AWS::Partition":
		return s.Partition, nil
	case "AWS::AccountId":
		return s.Account, nil
	case "AWS::Region":
		return s.Region, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName":
		return s.Name, nil
	case "AWS::NoValue":
		return noValue, nil
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, fmt.Errorf("pseudo parameter %s is not implemented", name)
	}
	if params, _ := s.Template["Parameters"].(map[string]any); params[name] != nil {
		v, ok := s.Parameters[name]
		if !ok {
			return nil, fmt.Errorf("Ref %s: stack %s has no value for this parameter", name, s.Name)
		}
		return v, nil
	}
	r, ok := s.Resources()[name].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Ref %s: no such resource or parameter in %s", name, s.Name)
	}
	typ, _ := r["Type"].(string)
	switch typ {
	case "AWS::SNS::Topic":
		return s.getAtt(name, "TopicArn")
	case "AWS::SQS::Queue":
		n, err := s.physicalName(name, "QueueName")
		return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", s.Region, s.Account, n), err
	case "AWS::KMS::Key":
		return s.Name + "-" + name + "-generated", nil
	}
	if t, ok := resourceTypes[typ]; ok && t.nameProp != "" {
		return s.physicalName(name, t.nameProp)
	}
	return nil, fmt.Errorf("Ref %s: resource type %s is not implemented by the resolver", name, typ)
}

// physicalName is the resource's name property, or the stand-in for the
// name CloudFormation generates.
func (s *Stack) physicalName(lid, prop string) (string, error) {
	r, _ := s.Resources()[lid].(map[string]any)
	props, _ := r["Properties"].(map[string]any)
	if v, ok := props[prop]; ok {
		return s.resolveString(v)
	}
	return s.Name + "-" + lid + "-generated", nil
}

func (s *Stack) getAtt(lid, attr string) (any, error) {
	r, ok := s.Resources()[lid].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Fn::GetAtt %s.%s: no such resource in %s", lid, attr, s.Name)
	}
	typ, _ := r["Type"].(string)
	arn := func(service, region, account, resource string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", s.Partition, service, region, account, resource)
	}
	t, known := resourceTypes[typ]
	switch {
	case typ == "AWS::IAM::Role" && attr == "Arn":
		n, err := s.physicalName(lid, "RoleName")
		path := "/"
		if props, _ := r["Properties"].(map[string]any); props["Path"] != nil {
			if path, err = s.resolveString(props["Path"]); err != nil {
				return nil, err
			}
		}
		return arn("iam", "", s.Account, "role"+path+n), err
	case typ == "AWS::KMS::Key" && attr == "Arn":
		return arn("kms", s.Region, s.Account, "key/"+s.Name+"-"+lid+"-generated"), nil
	case typ == "AWS::Oam::Sink" && attr == "Arn":
		return arn("oam", s.Region, s.Account, "sink/"+s.Name+"-"+lid+"-generated"), nil
	case known && attr == t.arnAttr:
		n, err := s.physicalName(lid, t.nameProp)
		region, account := s.Region, s.Account
		if t.global {
			region, account = "", ""
		}
		return arn(t.service, region, account, t.prefix+n+t.suffix), err
	case known && attr == t.nameAttr:
		return s.physicalName(lid, t.nameProp)
	}
	return nil, fmt.Errorf("Fn::GetAtt %s.%s (%s) is not implemented by the resolver", lid, attr, typ)
}

// resourceType is how a resource type's Ref and ARN derive from its name
// property.
type resourceType struct {
	nameProp, service, prefix, suffix string
	// arnAttr and nameAttr are the GetAtt attributes of its ARN and name.
	arnAttr, nameAttr string
	// global ARNs have neither region nor account (S3).
	global bool
}

var resourceTypes = map[string]resourceType{
	"AWS::IAM::Role":                       {nameProp: "RoleName"},
	"AWS::IAM::Policy":                     {nameProp: "PolicyName"},
	"AWS::S3::Bucket":                      {nameProp: "BucketName", service: "s3", arnAttr: "Arn", global: true},
	"AWS::SNS::Topic":                      {nameProp: "TopicName", service: "sns", arnAttr: "TopicArn", nameAttr: "TopicName"},
	"AWS::SQS::Queue":                      {nameProp: "QueueName", service: "sqs", arnAttr: "Arn", nameAttr: "QueueName"},
	"AWS::Kinesis::Stream":                 {nameProp: "Name", service: "kinesis", prefix: "stream/", arnAttr: "Arn"},
	"AWS::KinesisFirehose::DeliveryStream": {nameProp: "DeliveryStreamName", service: "firehose", prefix: "deliverystream/", arnAttr: "Arn"},
	"AWS::Lambda::Function":                {nameProp: "FunctionName", service: "lambda", prefix: "function:", arnAttr: "Arn"},
	"AWS::Logs::LogGroup":                  {nameProp: "LogGroupName", service: "logs", prefix: "log-group:", suffix: ":*", arnAttr: "Arn"},
	"AWS::Logs::LogStream":                 {nameProp: "LogStreamName"},
	"AWS::SSM::Parameter":                  {nameProp: "Name", nameAttr: "Name"},
	"AWS::DynamoDB::Table":                 {nameProp: "TableName", service: "dynamodb", prefix: "table/", arnAttr: "Arn"},
	"AWS::Events::Rule":                    {nameProp: "Name", service: "events", prefix: "rule/", arnAttr: "Arn"},
}

// LoadAssembly reads the stacks of a cloud assembly directory
// (manifest.json), with their nested stacks, in the accounts and regions
// of their environments. A stack without a concrete account or region is
// an error: its policies cannot be resolved.
func LoadAssembly(dir string) ([]*Stack, error) {
	var manifest struct {
		Artifacts map[string]struct {
			Type        string
			Environment string
			Properties  struct {
				TemplateFile string
				StackName    string
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &manifest); err != nil {
		return nil, fmt.Errorf("%s/manifest.json: %w", dir, err)
	}
	assets, err := assetFiles(dir)
	if err != nil {
		return nil, err
	}
	var out []*Stack
	for _, id := range sortedKeys(manifest.Artifacts) {
		a := manifest.Artifacts[id]
		if a.Type != "aws:cloudformation:stack" {
			continue
		}
		env := strings.Split(strings.TrimPrefix(a.Environment, "aws://"), "/")
		if len(env) != 2 || !isAccountID(env[0]) || strings.HasPrefix(env[1], "unknown") {
			return nil, fmt.Errorf("stack %s: environment %q has no concrete account and region", id, a.Environment)
		}
		name := a.Properties.StackName
		if name == "" {
			name = id
		}
		st := &Stack{Name: name, Account: env[0], Region: env[1], Partition: "aws"}
		if err := st.load(dir, a.Properties.TemplateFile); err != nil {
			return nil, err
		}
		nested, err := st.nested(dir, assets)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
		out = append(out, nested...)
	}
	return out, nil
}

func (s *Stack) load(dir, file string) error {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return fmt.Errorf("stack %s: %w", s.Name, err)
	}
	if err := json.Unmarshal(b, &s.Template); err != nil {
		return fmt.Errorf("stack %s: %s: %w", s.Name, file, err)
	}
	return nil
}

// assetFiles maps the asset hashes of the assembly's asset manifests to
// their files.
func assetFiles(dir string) (map[string]string, error) {
	manifests, err := filepath.Glob(filepath.Join(dir, "*.assets.json"))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, f := range manifests {
		var m struct {
			Files map[string]struct{ Source struct{ Path string } }
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for hash, a := range m.Files {
			out[hash] = a.Source.Path
		}
	}
	return out, nil
}

// nested loads the nested stacks of s, whose template file is the asset
// named by the hash in its TemplateURL, with their parameters resolved
// in s.
func (s *Stack) nested(dir string, assets map[string]string) ([]*Stack, error) {
	var out []*Stack
	res := s.Resources()
	for _, lid := range sortedKeys(res) {
		r, _ := res[lid].(map[string]any)
		if r["Type"] != "AWS::CloudFormation::Stack" {
			continue
		}
		props, _ := r["Properties"].(map[string]any)
		url, err := s.resolveString(props["TemplateURL"])
		if err != nil {
			return nil, fmt.Errorf("stack %s: nested stack %s TemplateURL: %w", s.Name, lid, err)
		}
		file := assets[strings.TrimSuffix(url[strings.LastIndex(url, "/")+1:], ".json")]
		if file == "" {
			return nil, fmt.Errorf("stack %s: nested stack %s: no asset for %s", s.Name, lid, url)
		}
		params := map[string]any{}
		if p, ok := props["Parameters"]; ok {
			resolved, err := s.Resolve(p)
			if err != nil {
				return nil, fmt.Errorf("stack %s: nested stack %s parameters: %w", s.Name, lid, err)
			}
			params, _ = resolved.(map[string]any)
		}
		n := &Stack{Name: s.Name + "-" + lid, Account: s.Account, Region: s.Region, Partition: s.Partition, Parameters: params, Parent: s}
		if err := n.load(dir, file); err != nil {
			return nil, err
		}
		deeper, err := n.nested(dir, assets)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		out = append(out, deeper...)
	}
	return out, nil
}
