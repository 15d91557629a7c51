package router

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// decodeOne decodes a document with one event and returns the payload.
func decodeOne(t *testing.T, dec *Decoder, doc string) *Payload {
	t.Helper()
	p, err := dec.DecodeDocument([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRecordCarriesTheEvent(t *testing.T) {
	tests := []struct {
		name    string
		message string
		class   Class
		want    string
	}{
		{"error with status", `{"level":"ERROR","status_code":503}`, Class{FormatJSON, TierError, true, 503},
			`{"logGroup":"/ecs/a","logStream":"s","owner":"1","id":"7","timestamp":5,"tier":"ERROR","status":503,"message":"{\"level\":\"ERROR\",\"status_code\":503}"}` + "\n"},
		{"exponent status written as an integer", `{"status_code":5e2}`, Class{FormatJSON, TierUnknown, true, 500},
			`{"logGroup":"/ecs/a","logStream":"s","owner":"1","id":"7","timestamp":5,"tier":"UNKNOWN","status":500,"message":"{\"status_code\":5e2}"}` + "\n"},
		{"fractional status", `{"status_code":500.5}`, Class{FormatJSON, TierUnknown, true, 500.5},
			`{"logGroup":"/ecs/a","logStream":"s","owner":"1","id":"7","timestamp":5,"tier":"UNKNOWN","status":500.5,"message":"{\"status_code\":500.5}"}` + "\n"},
		{"plain line without status", "[ERROR] boom\n", Class{FormatPlain, TierError, false, 0},
			`{"logGroup":"/ecs/a","logStream":"s","owner":"1","id":"7","timestamp":5,"tier":"ERROR","message":"[ERROR] boom\n"}` + "\n"},
	}
	var dec Decoder
	var rb recordBuilder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, _ := json.Marshal(tt.message)
			p := decodeOne(t, &dec, `{"owner":"1","logGroup":"/ecs/a","logStream":"s","logEvents":[{"id":"7","timestamp":5,"message":`+string(msg)+`}]}`)
			rb.reset(p)
			if !rb.add(&p.Events[0], 0, tt.class) {
				t.Fatal("add refused the event")
			}
			recs := rb.list()
			if len(recs) != 1 {
				t.Fatalf("%d records, want 1", len(recs))
			}
			if got := string(recs[0].data); got != tt.want {
				t.Errorf("record = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRecordIsValidUTF8JSONForOddStrings(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"lone surrogate escape", `{"logGroup":"g\ud800","logEvents":[{"id":"\udc00","message":"a\ud800b"}]}`},
		{"surrogate pair escape", `{"logEvents":[{"id":"1","message":"\ud83d\ude00"}]}`},
		{"invalid UTF-8 bytes", "{\"logEvents\":[{\"id\":\"1\",\"message\":\"a\xff\xfeb\"}]}"},
		{"control character escapes", `{"logEvents":[{"id":"1","message":"\u0000\u001f\b\f\n\r\t"}]}`},
		{"escaped slash and quotes", `{"logEvents":[{"id":"1","message":"\/\"\\"}]}`},
	}
	var dec Decoder
	var rb recordBuilder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want events.CloudwatchLogsData
			if err := json.Unmarshal([]byte(tt.doc), &want); err != nil {
				t.Fatal(err)
			}
			p := decodeOne(t, &dec, tt.doc)
			rb.reset(p)
			rb.add(&p.Events[0], 0, Class{Tier: TierError})
			checkRecord(t, rb.list()[0].data, want, want.LogEvents[0], Class{Tier: TierError})
		})
	}
}

func TestRecordOverTheLimitIsSplitIntoParts(t *testing.T) {
	tests := []struct {
		name    string
		message string
		limit   int // negative: relative to the unsplit record's size
	}{
		{"ascii", strings.Repeat("abcdefghij", 100), 300},
		{"multi-byte runes are not cut", strings.Repeat("é☃😀", 200), 300},
		{"escapes count at their escaped size", strings.Repeat("\"\n\x01", 300), 300},
		{"one byte over the limit", strings.Repeat("x", 400), -1},
	}
	var dec Decoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, _ := json.Marshal(tt.message)
			p := decodeOne(t, &dec, `{"owner":"1","logGroup":"g","logStream":"s","logEvents":[{"id":"7","timestamp":5,"message":`+string(msg)+`}]}`)
			limit := tt.limit
			if limit < 0 {
				var whole recordBuilder
				whole.reset(p)
				whole.add(&p.Events[0], 0, Class{Tier: TierError})
				limit += len(whole.list()[0].data)
			}
			rb := recordBuilder{maxRecord: limit}
			rb.reset(p)
			if !rb.add(&p.Events[0], 0, Class{Tier: TierError}) {
				t.Fatal("add refused the event")
			}
			recs := rb.list()
			if len(recs) < 2 {
				t.Fatalf("%d record(s), want the message split", len(recs))
			}
			var joined strings.Builder
			for k, r := range recs {
				var fr forwardedRecord
				if len(r.data) > limit || !utf8.Valid(r.data) || !bytes.HasSuffix(r.data, []byte("\n")) {
					t.Fatalf("part %d: %d bytes (limit %d), valid UTF-8 %v: %q", k+1, len(r.data), limit, utf8.Valid(r.data), r.data)
				}
				if err := json.Unmarshal(r.data, &fr); err != nil {
					t.Fatalf("part %d: %v", k+1, err)
				}
				if fr.ID != "7" || fr.Part != k+1 || fr.Parts != len(recs) || r.event != 0 {
					t.Fatalf("part %d: id %q part %d/%d event %d", k+1, fr.ID, fr.Part, fr.Parts, r.event)
				}
				joined.WriteString(fr.Message)
			}
			if joined.String() != tt.message {
				t.Errorf("parts join to %q, want %q", joined.String(), tt.message)
			}
		})
	}
}

func TestRecordWithoutRoomForTheMessageIsRefused(t *testing.T) {
	var dec Decoder
	p := decodeOne(t, &dec, `{"logGroup":"`+strings.Repeat("g", 400)+`","logEvents":[{"id":"7","message":"`+strings.Repeat("m", 400)+`"}]}`)
	rb := recordBuilder{maxRecord: 300}
	rb.reset(p)
	if rb.add(&p.Events[0], 0, Class{Tier: TierError}) || len(rb.list()) != 0 {
		t.Errorf("add accepted an event whose log group alone exceeds the record limit")
	}
}

func TestNextBatchRespectsCountAndSize(t *testing.T) {
	recs := func(n, size int) []record {
		r := make([]record, n)
		for i := range r {
			r[i] = record{data: make([]byte, size)}
		}
		return r
	}
	tests := []struct {
		name string
		recs []record
		want []int
	}{
		{"1200 small records", recs(1200, 100), []int{500, 500, 200}},
		{"records of 1000 KiB", recs(9, MaxRecordBytes), []int{4, 4, 1}},
		{"exactly 4 MiB", recs(2, MaxBatchBytes/2), []int{2}},
		{"one byte over 4 MiB", append(recs(2, MaxBatchBytes/2), recs(1, 1)...), []int{2, 1}},
		{"single record", recs(1, 10), []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for rest := tt.recs; len(rest) > 0; {
				n := nextBatch(rest)
				size := 0
				for _, r := range rest[:n] {
					size += len(r.data)
				}
				if n == 0 || n > MaxBatchRecords || size > MaxBatchBytes {
					t.Fatalf("batch of %d records, %d bytes", n, size)
				}
				got = append(got, n)
				rest = rest[n:]
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("batches %v, want %v", got, tt.want)
			}
		})
	}
}
