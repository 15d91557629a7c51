package enrich

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
)

// ClaimsAPI is the DynamoDB subset the claim store uses.
type ClaimsAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Claim defaults.
const (
	// DefaultLease is how long a claim blocks other deliveries of the same
	// state change before it counts as abandoned. It is shorter than the
	// one minute Lambda waits before retrying a failed asynchronous
	// invocation, so the retry of an invocation that crashed after claiming
	// takes the claim over instead of skipping the incident.
	DefaultLease = 30 * time.Second
	// DefaultRetention is how long a published state change is remembered
	// (the expiresAt TTL). SNS redeliveries and Lambda retries (at most 6
	// hours of event age) fall well inside it.
	DefaultRetention = 7 * 24 * time.Hour
)

// Item attribute names in the idempotency table (contract.Attr*).
const (
	AttrKey        = contract.AttrKey
	AttrExpiresAt  = contract.AttrExpiresAt
	AttrStatus     = contract.AttrStatus
	AttrToken      = contract.AttrToken
	AttrLeaseUntil = contract.AttrLeaseUntil
	AttrMessageID  = contract.AttrMessageID
)

const (
	statusClaimed   = "claimed"
	statusPublished = "published"
)

// ErrDuplicate reports that the state change was already published, or is
// being published by a concurrent delivery that holds a live claim.
var ErrDuplicate = errors.New("state change already claimed")

// Claims de-duplicates state changes in a DynamoDB table whose partition
// key is the string attribute pk and whose TTL attribute is expiresAt
// (epoch seconds). A state change is claimed with a conditional PutItem
// before publishing, marked published afterwards, and released when
// publishing fails, so a retry can publish it.
type Claims struct {
	API   ClaimsAPI
	Table string
	// Lease defaults to DefaultLease; Retention to DefaultRetention.
	Lease     time.Duration
	Retention time.Duration
	// Now defaults to time.Now.
	Now func() time.Time
}

// Claim is a held claim on one state change.
type Claim struct {
	Key   string
	token string
}

func (c *Claims) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Claim takes the state change key for this delivery. It succeeds when the
// key is new or its previous claim was abandoned (never published and its
// lease over); it returns ErrDuplicate when the change was published or a
// live claim holds it.
func (c *Claims) Claim(ctx context.Context, key string) (Claim, error) {
	lease, retention := c.Lease, c.Retention
	if lease <= 0 {
		lease = DefaultLease
	}
	if retention <= 0 {
		retention = DefaultRetention
	}
	token, err := newToken()
	if err != nil {
		return Claim{}, err
	}
	now := c.now()
	_, err = c.API.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(c.Table),
		Item: map[string]types.AttributeValue{
			AttrKey:        &types.AttributeValueMemberS{Value: key},
			AttrStatus:     &types.AttributeValueMemberS{Value: statusClaimed},
			AttrToken:      &types.AttributeValueMemberS{Value: token},
			AttrLeaseUntil: number64(now.Add(lease).UnixMilli()),
			AttrExpiresAt:  number64(now.Add(retention).Unix()),
		},
		ConditionExpression: aws.String("attribute_not_exists(#pk) OR (#status = :claimed AND #lease < :now)"),
		ExpressionAttributeNames: map[string]string{
			"#pk": AttrKey, "#status": AttrStatus, "#lease": AttrLeaseUntil,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":claimed": &types.AttributeValueMemberS{Value: statusClaimed},
			":now":     number64(now.UnixMilli()),
		},
	})
	var ccf *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &ccf):
		return Claim{}, ErrDuplicate
	case err != nil:
		return Claim{}, fmt.Errorf("claiming %q in table %s: %w", key, c.Table, err)
	}
	return Claim{Key: key, token: token}, nil
}

// Confirm marks a claimed state change as published, so later deliveries
// skip it however late they come.
func (c *Claims) Confirm(ctx context.Context, cl Claim, messageID string) error {
	_, err := c.API.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(c.Table),
		Key:                 map[string]types.AttributeValue{AttrKey: &types.AttributeValueMemberS{Value: cl.Key}},
		UpdateExpression:    aws.String("SET #status = :published, #msg = :msg"),
		ConditionExpression: aws.String("#token = :token"),
		ExpressionAttributeNames: map[string]string{
			"#status": AttrStatus, "#msg": AttrMessageID, "#token": AttrToken,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":published": &types.AttributeValueMemberS{Value: statusPublished},
			":msg":       &types.AttributeValueMemberS{Value: messageID},
			":token":     &types.AttributeValueMemberS{Value: cl.token},
		},
	})
	if err != nil {
		return fmt.Errorf("marking %q published in table %s: %w", cl.Key, c.Table, err)
	}
	return nil
}

// Release gives a claim up after a failed publish, so the retry of this
// invocation can claim and publish again. Only this delivery's own claim
// is deleted.
func (c *Claims) Release(ctx context.Context, cl Claim) error {
	_, err := c.API.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                aws.String(c.Table),
		Key:                      map[string]types.AttributeValue{AttrKey: &types.AttributeValueMemberS{Value: cl.Key}},
		ConditionExpression:      aws.String("#token = :token AND #status = :claimed"),
		ExpressionAttributeNames: map[string]string{"#token": AttrToken, "#status": AttrStatus},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":token":   &types.AttributeValueMemberS{Value: cl.token},
			":claimed": &types.AttributeValueMemberS{Value: statusClaimed},
		},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		// Someone took the claim over after our lease ran out; it is theirs.
		return nil
	}
	if err != nil {
		return fmt.Errorf("releasing %q in table %s: %w", cl.Key, c.Table, err)
	}
	return nil
}

func number64(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("claim token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
