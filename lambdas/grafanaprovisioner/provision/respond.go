package provision

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Response statuses.
const (
	StatusSuccess = "SUCCESS"
	StatusFailed  = "FAILED"
)

// maxResponseBytes is CloudFormation's limit on a custom resource answer.
const maxResponseBytes = 4096

// Response is the answer PUT to the pre-signed ResponseURL.
type Response struct {
	Status             string            `json:"Status"`
	Reason             string            `json:"Reason,omitempty"`
	PhysicalResourceID string            `json:"PhysicalResourceId"`
	StackID            string            `json:"StackId"`
	RequestID          string            `json:"RequestId"`
	LogicalResourceID  string            `json:"LogicalResourceId"`
	NoEcho             bool              `json:"NoEcho"`
	Data               map[string]string `json:"Data,omitempty"`
}

// encode renders r within CloudFormation's 4 KB, shortening Reason (which
// can list many field errors) rather than failing to answer.
func (r Response) encode() ([]byte, error) {
	for {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		if len(b) <= maxResponseBytes {
			return b, nil
		}
		over := len(b) - maxResponseBytes
		if len(r.Reason) > over+40 {
			r.Reason = r.Reason[:len(r.Reason)-over-40] + " ... (truncated; see the Lambda log)"
			continue
		}
		if r.Data != nil {
			r.Data = nil
			continue
		}
		return nil, fmt.Errorf("custom resource answer is %d bytes, over CloudFormation's %d", len(b), maxResponseBytes)
	}
}

// respond PUTs r to the pre-signed url, retrying transient failures until
// ctx ends. The pre-signed S3 URL is signed without a content type, so
// none is sent.
func respond(ctx context.Context, client *http.Client, url string, r Response) error {
	body, err := r.encode()
	if err != nil {
		return err
	}
	var last error
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
		last = err
		wait := Retry{}.withDefaults().backoff(attempt)
		select {
		case <-ctx.Done():
			return fmt.Errorf("answering CloudFormation: gave up at the Lambda deadline after %d attempts: %v", attempt+1, last)
		case <-time.After(wait):
		}
	}
}
