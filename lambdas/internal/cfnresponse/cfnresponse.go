// Package cfnresponse answers a CloudFormation custom resource request: it
// renders the response object within CloudFormation's size limit and PUTs
// it to the request's pre-signed ResponseURL, retrying transient failures.
// The fields and the limit are those of
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
package cfnresponse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
	"unicode/utf8"
)

// Request types CloudFormation sends.
const (
	RequestCreate = "Create"
	RequestUpdate = "Update"
	RequestDelete = "Delete"
)

// Request is the custom resource request CloudFormation sends to a
// Lambda-backed custom resource; it carries the ResponseURL that Put
// answers on. Fields:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html
type Request struct {
	RequestType           string          `json:"RequestType"`
	ResponseURL           string          `json:"ResponseURL"`
	StackID               string          `json:"StackId"`
	RequestID             string          `json:"RequestId"`
	ResourceType          string          `json:"ResourceType,omitempty"`
	LogicalResourceID     string          `json:"LogicalResourceId"`
	PhysicalResourceID    string          `json:"PhysicalResourceId,omitempty"`
	ResourceProperties    json.RawMessage `json:"ResourceProperties,omitempty"`
	OldResourceProperties json.RawMessage `json:"OldResourceProperties,omitempty"`
}

// Response statuses.
const (
	StatusSuccess = "SUCCESS"
	StatusFailed  = "FAILED"
)

// MaxBytes is CloudFormation's limit on the response body ("The total size
// of the response body can't exceed 4096 bytes", crpg-ref-responses.html).
const MaxBytes = 4096

// truncated marks a Reason shortened to fit MaxBytes.
const truncated = " ... (truncated; see the Lambda log)"

// Response is the answer PUT to the pre-signed ResponseURL. StackId,
// RequestId and LogicalResourceId are copied verbatim from the request;
// PhysicalResourceId must be non-empty and the same for every answer about
// one resource; Reason is required when Status is FAILED; Data are the
// attributes Fn::GetAtt reads, masked by NoEcho.
type Response struct {
	Status             string            `json:"Status"`
	Reason             string            `json:"Reason,omitempty"`
	PhysicalResourceID string            `json:"PhysicalResourceId"`
	StackID            string            `json:"StackId"`
	RequestID          string            `json:"RequestId"`
	LogicalResourceID  string            `json:"LogicalResourceId"`
	NoEcho             bool              `json:"NoEcho,omitempty"`
	Data               map[string]string `json:"Data,omitempty"`
}

// Encode renders r within MaxBytes, shortening Reason (which can list many
// field errors) and then dropping Data rather than failing to answer.
func (r Response) Encode() ([]byte, error) {
	// Each round shortens Reason or drops Data; the bound only guards
	// against an estimate that makes no progress.
	for range 64 {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		if len(b) <= MaxBytes {
			return b, nil
		}
		if keep, ok := shorter(r.Reason, len(b)-MaxBytes); ok {
			r.Reason = r.Reason[:keep] + truncated
			continue
		}
		if r.Data != nil {
			r.Data = nil
			continue
		}
		return nil, fmt.Errorf("custom resource answer is %d bytes, over CloudFormation's %d", len(b), MaxBytes)
	}
	return nil, fmt.Errorf("custom resource answer does not fit CloudFormation's %d bytes", MaxBytes)
}

// shorter is how many bytes of reason to keep, before the marker, so its
// JSON shrinks by over bytes. JSON escaping (\u003c, \") can make the JSON
// several times longer than the text, so the cut is scaled by that ratio;
// it ends at a rune boundary, so what is kept stays valid UTF-8.
func shorter(reason string, over int) (int, bool) {
	quoted, _ := json.Marshal(reason)
	asJSON := len(quoted) - 2
	room := asJSON - over - len(truncated) // the marker is plain ASCII
	if room <= 0 {
		return 0, false
	}
	keep := int(int64(len(reason)) * int64(room) / int64(asJSON))
	for keep > 0 && !utf8.RuneStart(reason[keep]) {
		keep--
	}
	return keep, keep > 0
}

// Backoff is the wait before retry n (0-based) of the answer.
type Backoff func(n int) time.Duration

// Jitter is the default Backoff: full jitter over a window that starts at
// 200ms and doubles per retry, capped at 5s.
func Jitter(n int) time.Duration {
	const base, ceiling = 200 * time.Millisecond, 5 * time.Second
	window := base << min(n, 20)
	if window <= 0 || window > ceiling {
		window = ceiling
	}
	return time.Duration(rand.Int64N(int64(window)) + 1)
}

// Put sends r to the pre-signed url. 5xx answers, 429 and transport errors
// are retried after backoff (Jitter when nil) until ctx ends; any other
// non-2xx answer means the URL expired or was altered and is final. The URL
// is signed without a content type, so none is sent.
func Put(ctx context.Context, client *http.Client, url string, r Response, backoff Backoff) error {
	body, err := r.Encode()
	if err != nil {
		return err
	}
	if backoff == nil {
		backoff = Jitter
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("answering CloudFormation: %w", err)
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case resp.StatusCode >= 200 && resp.StatusCode < 300:
				return nil
			case resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
				return fmt.Errorf("answering CloudFormation: HTTP %d (the pre-signed URL expired or was altered)", resp.StatusCode)
			}
			err = fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("answering CloudFormation: gave up at the deadline after %d attempts: %v", attempt+1, err)
		case <-time.After(backoff(attempt)):
		}
	}
}
