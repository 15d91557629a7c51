package enrich

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/o11yscale/o11yscale/lambdas/enricher/contract"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// PublishAPI is the SNS operation the enricher calls.
type PublishAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// MetricEmitter writes self-metrics; *emf.Logger implements it.
type MetricEmitter interface {
	Emit(dims map[string]string, metrics ...emf.Metric) error
}

// Self-metric names (contract.Metric*), in namespace
// contract.MetricNamespace with Function=enricher. Every invocation emits
// all of them, and for each invocation AlertsReceived =
// IncidentsPublished + DuplicatesSkipped + MalformedMessages + Failures.
const (
	MetricAlertsReceived     = contract.MetricAlertsReceived
	MetricIncidentsPublished = contract.MetricIncidentsPublished
	MetricDuplicatesSkipped  = contract.MetricDuplicatesSkipped
	MetricMalformedMessages  = contract.MetricMalformedMessages
	MetricFailures           = contract.MetricFailures
	// MetricDataErrors counts incidents published without figures because
	// GetMetricData failed; they are also counted as published.
	MetricDataErrors = contract.MetricDataErrors
)

// FunctionName is the Function dimension of the self-metrics.
const FunctionName = contract.FunctionDimensionValue

// Handler enriches alarm notifications. All fields except Links and Now
// are required.
type Handler struct {
	CloudWatch GetMetricDataAPI
	SNS        PublishAPI
	Claims     *Claims
	Metrics    MetricEmitter
	Log        *slog.Logger
	// TopicARN is the incidents topic.
	TopicARN string
	Links    Links
	// Now defaults to time.Now.
	Now func() time.Time
}

type counts struct {
	received, published, duplicates, malformed, failures, dataErrors int
}

// Invoke lets Handler serve as a lambda.Handler, so the raw payload reaches
// Handle even when it is not JSON (a typed handler would fail before any
// log or metric is written).
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return nil, h.Handle(ctx, payload)
}

// Handle processes one SNS event. It returns an error when any record was
// malformed or could not be published, so Lambda retries the event and,
// once retries are exhausted, sends it to the on-failure destination;
// records already published are skipped on retry by their claims.
func (h *Handler) Handle(ctx context.Context, payload []byte) error {
	var n counts
	defer h.emit(&n)

	ev, err := ParseEvent(payload)
	if err != nil {
		n.received, n.malformed = 1, 1
		h.Log.ErrorContext(ctx, "malformed SNS event, nothing published", "error", err.Error(), "payloadPrefix", prefix(string(payload), 512))
		return err
	}
	var errs []error
	for i, rec := range ev.Records {
		n.received++
		if err := h.record(ctx, i, rec, &n); err != nil {
			errs = append(errs, fmt.Errorf("record %d (SNS message %s): %w", i, prefix(rec.SNS.MessageID, 100), err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("enricher: %d of %d records failed: %w", len(errs), len(ev.Records), errors.Join(errs...))
	}
	return nil
}

func (h *Handler) record(ctx context.Context, i int, rec Record, n *counts) error {
	log := h.Log.With("record", i, "snsMessageId", prefix(rec.SNS.MessageID, 100))
	change, err := ParseAlarm(rec.SNS.Message)
	if err != nil {
		n.malformed++
		log.ErrorContext(ctx, "malformed alarm notification, nothing published", "error", err.Error(), "messagePrefix", prefix(rec.SNS.Message, 512))
		return err
	}
	log = log.With("alarm", change.Alarm.AlarmName, "state", change.Alarm.NewStateValue, "key", change.Key)

	var fetched Fetched
	var fetchErr error
	// A composite alarm has no metric of its own: nothing to read,
	// unless it is a burn-rate alert, whose SLO metrics are read in one
	// call.
	if change.BurnRate.usable() {
		fetched.Burn, fetched.Calls, fetchErr = FetchBurnRate(ctx, h.CloudWatch, change.BurnRate, change.ChangedAt, h.now())
	} else if change.Composite == nil {
		w := WindowFor(change.Target, change.ChangedAt, h.now())
		// Fetch before claiming, so the claim's lease only has to cover
		// the publish; a duplicate costs one extra read.
		fetched, fetchErr = Fetch(ctx, h.CloudWatch, change.Target, w)
	}

	claim, err := h.Claims.Claim(ctx, change.Key)
	if errors.Is(err, ErrDuplicate) {
		n.duplicates++
		log.InfoContext(ctx, "duplicate delivery of a state change, skipped")
		return nil
	}
	if err != nil {
		n.failures++
		log.ErrorContext(ctx, "could not claim the state change, nothing published", "error", err.Error())
		return err
	}

	if fetchErr != nil {
		n.dataErrors++
		log.WarnContext(ctx, "metric data unavailable, publishing without figures", "error", fetchErr.Error())
	}
	inc := Compose(change, fetched, fetchErr, h.Links)
	out, err := h.SNS.Publish(ctx, &sns.PublishInput{
		TopicArn: aws.String(h.TopicARN),
		Subject:  aws.String(inc.Subject),
		Message:  aws.String(inc.Body),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			contract.AttributeSeverity: stringAttribute(inc.Severity),
			contract.AttributeService:  stringAttribute(inc.Service),
			contract.AttributeRegion:   stringAttribute(inc.Region),
		},
	})
	if err != nil {
		n.failures++
		// Use a fresh context: the invocation's may be the reason publish
		// failed, and the claim must go so the retry can publish.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if rerr := h.Claims.Release(rctx, claim); rerr != nil {
			log.ErrorContext(ctx, "publish failed and releasing the claim failed; a retry can publish once the lease ends",
				"error", err.Error(), "releaseError", rerr.Error())
		} else {
			log.ErrorContext(ctx, "publish failed, claim released for the retry", "error", err.Error())
		}
		return fmt.Errorf("publishing to %s: %w", h.TopicARN, err)
	}
	n.published++
	msgID := aws.ToString(out.MessageId)
	if err := h.Claims.Confirm(ctx, claim, msgID); err != nil {
		// The incident is out; only a late duplicate could repeat it.
		log.WarnContext(ctx, "published but could not mark the state change published", "error", err.Error(), "messageId", msgID)
	}
	log.InfoContext(ctx, "incident published", "messageId", msgID, "severity", inc.Severity, "service", inc.Service, "subject", inc.Subject)
	return nil
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) emit(n *counts) {
	err := h.Metrics.Emit(map[string]string{contract.FunctionDimension: FunctionName},
		emf.Metric{Name: MetricAlertsReceived, Unit: emf.Count, Value: float64(n.received)},
		emf.Metric{Name: MetricIncidentsPublished, Unit: emf.Count, Value: float64(n.published)},
		emf.Metric{Name: MetricDuplicatesSkipped, Unit: emf.Count, Value: float64(n.duplicates)},
		emf.Metric{Name: MetricMalformedMessages, Unit: emf.Count, Value: float64(n.malformed)},
		emf.Metric{Name: MetricFailures, Unit: emf.Count, Value: float64(n.failures)},
		emf.Metric{Name: MetricDataErrors, Unit: emf.Count, Value: float64(n.dataErrors)},
	)
	if err != nil {
		h.Log.Error("writing EMF metrics failed", "error", err.Error())
	}
}

func stringAttribute(v string) snstypes.MessageAttributeValue {
	if v == "" {
		v = "unknown" // SNS rejects empty attribute values
	}
	return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}
