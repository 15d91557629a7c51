package policyeval

import (
	"fmt"
	"strings"
)

// Role is an IAM role of the assembly with its trust and identity
// policies.
type Role struct {
	ARN, Account string
	Stack        *Stack
	LogicalID    string
	Trust        *Policy
	Identity     []*Policy
	// Unknown are managed policy ARNs whose content is not in the
	// assembly; evaluating a request of this role is then an error.
	Unknown []string
}

// ResourcePolicy is a resource-based policy of the assembly and what it
// is attached to.
type ResourcePolicy struct {
	Kind Kind
	// Account owns the resources.
	Account string
	// Covers are ARN patterns of the resources the policy governs (a
	// bucket and its objects, a key, a topic, a sink, a role).
	Covers []string
	Policy *Policy
	Stack  *Stack
	// LogicalID and Type are the template resource holding the policy.
	LogicalID, Type string
}

// Model is every role and resource policy of a set of stacks.
type Model struct {
	Stacks    []*Stack
	Roles     map[string]*Role
	Resources []*ResourcePolicy
}

// NewModel resolves and parses every role, identity policy and resource
// policy of stacks. Any value it cannot resolve or parse is an error.
func NewModel(stacks []*Stack) (*Model, error) {
	m := &Model{Stacks: stacks, Roles: map[string]*Role{}}
	byName := map[string]*Role{} // account/name
	type attach struct {
		st    *Stack
		lid   string
		roles any
		doc   any
		name  string
	}
	var attachments []attach
	for _, st := range stacks {
		res := st.Resources()
		for _, lid := range sortedKeys(res) {
			r, _ := res[lid].(map[string]any)
			typ, _ := r["Type"].(string)
			props, _ := r["Properties"].(map[string]any)
			where := fmt.Sprintf("%s/%s (%s)", st.Name, lid, typ)
			resolveDoc := func(v any) (*Policy, error) {
				d, err := st.Resolve(v)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				if s, ok := d.(string); ok {
					return ParseJSON(where, []byte(s))
				}
				return Parse(where, d)
			}
			addResource := func(kind Kind, covers []string, doc any) error {
				p, err := resolveDoc(doc)
				if err != nil {
					return err
				}
				m.Resources = append(m.Resources, &ResourcePolicy{Kind: kind, Account: st.Account, Covers: covers, Policy: p, Stack: st, LogicalID: lid, Type: typ})
				return nil
			}
			var err error
			switch typ {
			case "AWS::IAM::Role":
				var arn any
				if arn, err = st.getAtt(lid, "Arn"); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				role := &Role{ARN: arn.(string), Account: st.Account, Stack: st, LogicalID: lid}
				if role.Trust, err = resolveDoc(props["AssumeRolePolicyDocument"]); err != nil {
					return nil, err
				}
				role.Trust.Name = where + " trust policy"
				inline, _ := props["Policies"].([]any)
				for i, ip := range inline {
					ipm, _ := ip.(map[string]any)
					p, err := resolveDoc(ipm["PolicyDocument"])
					if err != nil {
						return nil, err
					}
					p.Name = fmt.Sprintf("%s inline policy %d", where, i)
					role.Identity = append(role.Identity, p)
				}
				if mp, ok := props["ManagedPolicyArns"]; ok {
					v, err := st.Resolve(mp)
					if err != nil {
						return nil, fmt.Errorf("%s: ManagedPolicyArns: %w", where, err)
					}
					l, err := stringList(v)
					if err != nil {
						return nil, fmt.Errorf("%s: ManagedPolicyArns: %w", where, err)
					}
					role.Unknown = l
				}
				m.Roles[role.ARN] = role
				byName[st.Account+"/"+role.ARN[strings.LastIndex(role.ARN, "/")+1:]] = role
				m.Resources = append(m.Resources, &ResourcePolicy{Kind: TrustPolicy, Account: st.Account, Covers: []string{role.ARN}, Policy: role.Trust, Stack: st, LogicalID: lid, Type: typ})
			case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
				if props["Users"] != nil || props["Groups"] != nil {
					return nil, fmt.Errorf("%s: policies of users and groups are not implemented", where)
				}
				attachments = append(attachments, attach{st: st, lid: lid, roles: props["Roles"], doc: props["PolicyDocument"], name: where})
			case "AWS::S3::BucketPolicy":
				bucket, err := st.resolveString(props["Bucket"])
				if err != nil {
					return nil, fmt.Errorf("%s: Bucket: %w", where, err)
				}
				arn := fmt.Sprintf("arn:%s:s3:::%s", st.Partition, bucket)
				err = addResource(Generic, []string{arn, arn + "/*"}, props["PolicyDocument"])
			case "AWS::KMS::Key":
				arn, _ := st.getAtt(lid, "Arn")
				err = addResource(KeyPolicy, []string{arn.(string)}, props["KeyPolicy"])
			case "AWS::SNS::TopicPolicy":
				v, err2 := st.Resolve(props["Topics"])
				topics, err3 := stringList(v)
				if err2 != nil || err3 != nil {
					return nil, fmt.Errorf("%s: Topics: %v %v", where, err2, err3)
				}
				err = addResource(Generic, topics, props["PolicyDocument"])
			case "AWS::SQS::QueuePolicy":
				v, err2 := st.Resolve(props["Queues"])
				urls, err3 := stringList(v)
				if err2 != nil || err3 != nil {
					return nil, fmt.Errorf("%s: Queues: %v %v", where, err2, err3)
				}
				var arns []string
				for _, u := range urls {
					// https://sqs.<region>.amazonaws.com/<account>/<name>
					parts := strings.Split(strings.TrimPrefix(u, "https://"), "/")
					host := strings.Split(parts[0], ".")
					if len(parts) != 3 || len(host) < 2 {
						return nil, fmt.Errorf("%s: queue URL %q", where, u)
					}
					arns = append(arns, fmt.Sprintf("arn:%s:sqs:%s:%s:%s", st.Partition, host[1], parts[1], parts[2]))
				}
				err = addResource(Generic, arns, props["PolicyDocument"])
			case "AWS::Oam::Sink":
				arn, _ := st.getAtt(lid, "Arn")
				if props["Policy"] != nil {
					err = addResource(Generic, []string{arn.(string)}, props["Policy"])
				}
			case "AWS::Logs::ResourcePolicy":
				err = addResource(Generic, []string{fmt.Sprintf("arn:%s:logs:%s:%s:*", st.Partition, st.Region, st.Account)}, props["PolicyDocument"])
			case "AWS::Lambda::Permission":
				err = m.addLambdaPermission(st, lid, where, props)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	for _, a := range attachments {
		p, err := func() (*Policy, error) {
			d, err := a.st.Resolve(a.doc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.name, err)
			}
			return Parse(a.name, d)
		}()
		if err != nil {
			return nil, err
		}
		v, err := a.st.Resolve(a.roles)
		if err != nil {
			return nil, fmt.Errorf("%s: Roles: %w", a.name, err)
		}
		names, err := stringList(v)
		if err != nil {
			return nil, fmt.Errorf("%s: Roles: %w", a.name, err)
		}
		for _, n := range names {
			role, ok := byName[a.st.Account+"/"+n]
			if !ok {
				return nil, fmt.Errorf("%s: attached to role %q, which is not in the assembly's account %s", a.name, n, a.st.Account)
			}
			role.Identity = append(role.Identity, p)
		}
	}
	return m, nil
}

// addLambdaPermission turns an AWS::Lambda::Permission into a statement
// of its function's resource policy (one policy per permission).
func (m *Model) addLambdaPermission(st *Stack, lid, where string, props map[string]any) error {
	get := func(k string) (string, error) {
		if props[k] == nil {
			return "", nil
		}
		return st.resolveString(props[k])
	}
	fn, err := get("FunctionName")
	if err != nil {
		return fmt.Errorf("%s: FunctionName: %w", where, err)
	}
	if !strings.HasPrefix(fn, "arn:") {
		fn = fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", st.Partition, st.Region, st.Account, fn)
	}
	stmt := map[string]any{"Effect": "Allow", "Resource": fn}
	for k, dst := range map[string]string{"Action": "Action", "Principal": "Principal"} {
		v, err := get(k)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", where, k, err)
		}
		stmt[dst] = v
	}
	p, _ := stmt["Principal"].(string)
	switch {
	case p == "*":
	case isAccountID(p) || strings.HasPrefix(p, "arn:"):
		stmt["Principal"] = map[string]any{"AWS": p}
	default:
		stmt["Principal"] = map[string]any{"Service": p}
	}
	cond := map[string]any{}
	for k, c := range map[string][2]string{
		"SourceArn": {"ArnLike", "aws:SourceArn"}, "SourceAccount": {"StringEquals", "aws:SourceAccount"},
		"PrincipalOrgID": {"StringEquals", "aws:PrincipalOrgID"}, "FunctionUrlAuthType": {"StringEquals", "lambda:FunctionUrlAuthType"},
	} {
		v, err := get(k)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", where, k, err)
		}
		if v != "" {
			ops, _ := cond[c[0]].(map[string]any)
			if ops == nil {
				ops = map[string]any{}
				cond[c[0]] = ops
			}
			ops[c[1]] = v
		}
	}
	if len(cond) > 0 {
		stmt["Condition"] = cond
	}
	pol, err := Parse(where, map[string]any{"Statement": []any{stmt}})
	if err != nil {
		return err
	}
	m.Resources = append(m.Resources, &ResourcePolicy{Kind: Generic, Account: st.Account, Covers: []string{fn}, Policy: pol, Stack: st, LogicalID: lid, Type: "AWS::Lambda::Permission"})
	return nil
}

// ResourcePolicyFor is the resource policy governing arn (the statements
// of every policy covering it, merged), nil when there is none.
func (m *Model) ResourcePolicyFor(arn string) (*Policy, *ResourcePolicy) {
	var found []*ResourcePolicy
	for _, r := range m.Resources {
		for _, c := range r.Covers {
			if MatchARN(c, arn) {
				found = append(found, r)
				break
			}
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0].Policy, found[0]
	}
	merged := &Policy{Name: "merged resource policies of " + arn}
	merged.Statements = []*Statement{}
	for _, r := range found {
		merged.Statements = append(merged.Statements, r.Policy.Statements...)
	}
	return merged, found[0]
}

// Evaluate decides req with the principal's identity policies and the
// resource's policy from the model. A role principal must be a role of
// the model; the resource's account defaults to the account of the stack
// holding its policy.
func (m *Model) Evaluate(req Request) (Decision, error) {
	var in Input
	if req.Principal.RoleARN != "" {
		role, ok := m.Roles[req.Principal.RoleARN]
		if !ok {
			return Decision{}, fmt.Errorf("principal %s is not a role of the assembly", req.Principal.RoleARN)
		}
		if len(role.Unknown) > 0 {
			return Decision{}, fmt.Errorf("principal %s has managed policies %v whose content is not in the assembly", role.ARN, role.Unknown)
		}
		in.Identity = role.Identity
	}
	pol, owner := m.ResourcePolicyFor(req.Resource)
	if pol != nil {
		in.Resource, in.Kind = pol, owner.Kind
		if req.ResourceAccount == "" {
			req.ResourceAccount = owner.Account
		}
	}
	if strings.HasPrefix(req.Resource, "arn:") && strings.Contains(req.Resource, ":kms:") && pol == nil {
		return Decision{}, fmt.Errorf("KMS key %s is not in the assembly: its key policy is unknown", req.Resource)
	}
	return Evaluate(in, req)
}
