package router

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aws/aws-lambda-go/events"
)

// The naive reference: what most log forwarders do, and the definition of
// correct routing. The fast path must agree with it on every input.

// naiveDecode decodes awslogs.data with encoding/base64, compress/gzip
// (capped like the Decoder) and json.Unmarshal into events.CloudwatchLogsData.
func naiveDecode(data string, limit int) (events.CloudwatchLogsData, error) {
	var d events.CloudwatchLogsData
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return d, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return d, err
	}
	doc, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil {
		return d, err
	}
	if len(doc) > limit {
		return d, fmt.Errorf("over %d bytes", limit)
	}
	err = json.Unmarshal(doc, &d)
	return d, err
}

// naiveClassify decodes the message into a map[string]any.
func naiveClassify(msg string) Class {
	var m map[string]any
	if err := json.Unmarshal([]byte(msg), &m); err != nil {
		return Class{Format: FormatPlain, Tier: classifyPlain([]byte(msg))}
	}
	c := Class{Format: FormatJSON}
	if s, ok := m["level"].(string); ok {
		c.Tier = levelTier([]byte(s))
	}
	if f, ok := m["status_code"].(float64); ok {
		c.Status, c.HasStatus = f, true
	}
	return c
}
