// Package policyeval is a small IAM policy evaluator for tests: it decides
// whether a request (principal, action, resource, context) is allowed by
// the identity-based policies of the principal and the resource-based
// policy of the resource, following AWS's documented evaluation logic
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
// It also resolves the CloudFormation intrinsic functions of synthesized
// templates ([Stack.Resolve]) and collects a cloud assembly's roles and
// resource policies into a [Model].
//
// # What it implements
//
//   - Effect Allow and Deny; an explicit deny in any policy wins; no allow
//     is an implicit deny.
//   - Action and NotAction with * and ? wildcards, matched without regard
//     to case.
//   - Resource and NotResource with * and ? wildcards inside each of the
//     six colon-separated ARN fields (the resource field may itself hold
//     colons), matched with case. A resource policy statement without
//     Resource (a role trust policy) applies to its own resource.
//   - Principal and NotPrincipal: "*", account ids, account root ARNs,
//     role ARNs (matching that role's sessions) and service principals.
//     A principal naming the account delegates to the account's identity
//     policies; one naming the role or "*" grants directly.
//   - Condition operators String(Not)Equals(IgnoreCase), String(Not)Like,
//     Arn(Not)Equals, Arn(Not)Like, Bool, Numeric*, Null, each with
//     ...IfExists and the ForAnyValue:/ForAllValues: set qualifiers. Keys
//     are matched without regard to case. A missing key makes a positive
//     operator false and a negated one true; ForAllValues is true and
//     ForAnyValue false for a missing key
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
//   - Policy variables ${key} in Resource and NotResource, replaced by the
//     request's single value of key; a missing or multivalued key is an
//     error
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
//   - aws:PrincipalArn (the role ARN for a role session),
//     aws:PrincipalAccount and aws:PrincipalOrgID are filled from the
//     request's principal unless the request context sets them.
//   - Same account: the identity policy or a direct grant of the resource
//     policy allows. Cross-account: both the identity policy in the
//     principal's account and the resource policy must allow. A KMS key
//     policy and a role trust policy are required even in the same
//     account: the identity policy counts only where the resource policy
//     names the account (root). A service principal is decided by the
//     resource policy alone.
//
// # What it does not implement
//
// Service control and resource control policies, permissions boundaries,
// session policies, KMS grants, S3 ACLs and Object Ownership, VPC
// endpoint policies, policy variables in Action or Condition values and
// their escapes and defaults (an error), Date and IpAddress and Binary operators,
// Federated and CanonicalUser principals, IAM users, the root user's
// implicit access, and the service-specific rules beyond the KMS and role
// trust cases above (for example S3's rules for bucket-owner access).
// Anything it meets that it does not implement is an error, never a
// silent match or non-match, so a test that reaches it fails.
package policyeval
