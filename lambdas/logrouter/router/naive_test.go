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
// (capped like the Decoder, see referenceGunzip) and json.Unmarshal into events.CloudwatchLogsData.
func naiveDecode(data string, limit int) (events.CloudwatchLogsData, error) {
	var d events.CloudwatchLogsData
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return d, err
	}
	doc, err := referenceGunzip(raw, limit)
	if err != nil {
		return d, err
	}
	err = json.Unmarshal(doc, &d)
	return d, err
}

// referenceGunzip gunzips with compress/gzip, up to limit bytes (more is
// ErrTooLarge), and with RFC 1952's rule that a header with a reserved FLG
// bit set is invalid (section 2.3.1.2), which klauspost/compress enforces
// and compress/gzip does not: members are read one at a time
// (Multistream(false)), and each header's flag byte is checked once
// compress/gzip has accepted the rest of the header, where klauspost
// checks it.
func referenceGunzip(compressed []byte, limit int) ([]byte, error) {
	r := bytes.NewReader(compressed)
	var zr gzip.Reader
	var doc []byte
	buf := make([]byte, 32<<10)
	for first := true; first || r.Len() > 0; first = false {
		start := len(compressed) - r.Len()
		if err := zr.Reset(r); err != nil {
			return nil, err
		}
		if compressed[start+3]>>5 != 0 {
			return nil, gzip.ErrHeader
		}
		zr.Multistream(false)
		for {
			n, err := zr.Read(buf)
			doc = append(doc, buf[:n]...)
			if len(doc) > limit {
				return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, limit)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return doc, nil
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
