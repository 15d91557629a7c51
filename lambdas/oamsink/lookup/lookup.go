// Package lookup is the logic of the oamsink Lambda: a CloudFormation
// custom resource in a workload account-region that learns the ARN of the
// monitoring region's OAM sink. The sink's ARN ends in a random id, so a
// link cannot name it in a template. The Lambda assumes the monitoring
// account's reader role, which may read only the parameter the monitoring
// stack writes, checks that the value is a sink of that account and region,
// and answers CloudFormation on the pre-signed ResponseURL.
package lookup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/internal/cfnresponse"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

// Request types CloudFormation sends.
const (
	RequestCreate = cfnresponse.RequestCreate
	RequestUpdate = cfnresponse.RequestUpdate
	RequestDelete = cfnresponse.RequestDelete
)

// Event is the CloudFormation custom resource request.
type Event = cfnresponse.Request

// Response is the answer PUT to the pre-signed ResponseURL.
type Response = cfnresponse.Response

// Reader reads one parameter in the monitoring account: Assume gives a
// reader for the role's credentials in region. Implementations wrap STS
// and SSM (main.go); tests use the same SDK clients against moto.
type Reader interface {
	ReadParameter(ctx context.Context, roleArn, region, name string) (string, error)
}

// Handler answers the custom resource's requests.
type Handler struct {
	Reader Reader
	HTTP   *http.Client
	Log    *slog.Logger
}

// Handle decodes raw, does the lookup on Create and Update (Delete has
// nothing to remove) and answers CloudFormation. It returns an error, so
// the invocation fails and Lambda retries, only when no answer could be
// delivered; every other failure is answered FAILED with its reason.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) error {
	log := h.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ev, decodeErr := decode(raw)
	if ev.ResponseURL == "" || checkURL(ev.ResponseURL) != nil {
		log.Error("event cannot be answered: no usable ResponseURL", "error", decodeErr)
		return fmt.Errorf("oamsink: event cannot be answered (no usable ResponseURL): %v", decodeErr)
	}
	resp := Response{StackID: ev.StackID, RequestID: ev.RequestID, LogicalResourceID: ev.LogicalResourceID,
		PhysicalResourceID: ev.PhysicalResourceID, Status: cfnresponse.StatusSuccess}
	err := decodeErr
	var props contract.ResourceProperties
	if err == nil {
		props, err = decodeProps(ev.ResourceProperties)
	}
	switch {
	case ev.RequestType == RequestDelete:
		// The lookup created nothing; a failure here would only leave the
		// stack in DELETE_FAILED.
		err = nil
	case err == nil:
		var arn string
		arn, err = h.lookup(ctx, props)
		if err == nil {
			resp.Data = map[string]string{contract.AttrSinkArn: arn}
			log.Info("sink found", "sink_arn", arn, "region", props.Region)
		}
	}
	if resp.PhysicalResourceID == "" {
		resp.PhysicalResourceID = "oam-sink-arn-" + props.Region
		if props.Region == "" {
			resp.PhysicalResourceID = "oam-sink-arn"
		}
	}
	if err != nil {
		resp.Status, resp.Reason = cfnresponse.StatusFailed, err.Error()
		log.Error("lookup failed", "error", err)
	}
	if err := cfnresponse.Put(ctx, h.client(), ev.ResponseURL, resp, nil); err != nil {
		log.Error("could not answer CloudFormation", "error", err)
		return fmt.Errorf("oamsink: %w", err)
	}
	return nil
}

func (h *Handler) lookup(ctx context.Context, p contract.ResourceProperties) (string, error) {
	arn, err := h.Reader.ReadParameter(ctx, p.ReaderRoleArn, p.Region, p.ParameterName)
	if err != nil {
		return "", fmt.Errorf("reading %s in %s through %s: %w", p.ParameterName, p.Region, p.ReaderRoleArn, err)
	}
	if err := contract.CheckSinkArn(arn, p.Account(), p.Region); err != nil {
		return "", fmt.Errorf("parameter %s: %w", p.ParameterName, err)
	}
	return arn, nil
}

// decode reads the event; on error the returned Event still holds what
// decoded, so a usable ResponseURL can carry the failure back.
func decode(raw []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		var loose map[string]any
		_ = json.Unmarshal(raw, &loose)
		str := func(k string) string { s, _ := loose[k].(string); return s }
		ev = Event{RequestType: str("RequestType"), ResponseURL: str("ResponseURL"), StackID: str("StackId"),
			RequestID: str("RequestId"), LogicalResourceID: str("LogicalResourceId"), PhysicalResourceID: str("PhysicalResourceId")}
		return ev, fmt.Errorf("decoding CloudFormation event: %w", err)
	}
	var v validation.Errors
	if ev.RequestType != RequestCreate && ev.RequestType != RequestUpdate && ev.RequestType != RequestDelete {
		v.Add("RequestType", ev.RequestType, "Create, Update or Delete")
	}
	for _, f := range []struct{ name, value string }{{"StackId", ev.StackID}, {"RequestId", ev.RequestID}, {"LogicalResourceId", ev.LogicalResourceID}} {
		if f.value == "" {
			v.Add(f.name, nil, "a non-empty string")
		}
	}
	if err := v.Err(); err != nil {
		return ev, fmt.Errorf("invalid CloudFormation event: %w", err)
	}
	return ev, nil
}

func decodeProps(raw json.RawMessage) (contract.ResourceProperties, error) {
	var p contract.ResourceProperties
	if len(bytes.TrimSpace(raw)) == 0 {
		return p, errors.New("ResourceProperties: missing; ReaderRoleArn, ParameterName and Region are required")
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, fmt.Errorf("ResourceProperties: %w", err)
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("invalid ResourceProperties: %w", err)
	}
	return p, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("ResponseURL %q: an absolute http(s) URL", s)
	}
	return nil
}

func (h *Handler) client() *http.Client {
	if h.HTTP == nil {
		return &http.Client{Timeout: 20 * time.Second}
	}
	return h.HTTP
}
