package router

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestDecodeRealPayloadsAsEncodingJSONDoes(t *testing.T) {
	var dec Decoder
	var c Classifier
	var rb recordBuilder
	payloads := map[string]string{
		"benchmark structured": encodeData(t, benchDocument(benchEvents)),
		"benchmark message":    encodeData(t, messageDocument(benchEvents)),
	}
	for name, ev := range readEvents(t) {
		payloads[name] = ev.AWSLogs.Data
	}
	for name, data := range payloads {
		t.Run(name, func(t *testing.T) {
			want, err := naiveDecode(data, DefaultMaxDecompressedBytes)
			if err != nil {
				t.Fatal(err)
			}
			p, err := dec.Decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if len(p.Events) == 0 {
				t.Fatal("no events decoded")
			}
			checkPayload(t, p, want, &c, &rb)
		})
	}
}

func TestDecodeKnowsControlMessages(t *testing.T) {
	tests := []struct {
		event         string
		control, data bool
	}{
		{"control-message", true, false},
		{"cloudtrail", false, true},
		{"aws-lambda-go-cloudwatch-logs-event", false, true},
	}
	evs := readEvents(t)
	var dec Decoder
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			p, err := dec.Decode(evs[tt.event].AWSLogs.Data)
			if err != nil {
				t.Fatal(err)
			}
			if p.Control() != tt.control || p.Data() != tt.data {
				t.Errorf("Control() = %v, Data() = %v, want %v, %v", p.Control(), p.Data(), tt.control, tt.data)
			}
		})
	}
}

func TestDecodeRejectsMalformedPayloads(t *testing.T) {
	doc := readDocuments(t)["cloudtrail"]
	gz := gzipBytes(t, doc)
	corrupt := append([]byte{}, gz...)
	corrupt[len(corrupt)-5] ^= 0xff // CRC-32 no longer matches
	reserved := append([]byte{}, gz...)
	reserved[3] |= 0x20 // a reserved FLG bit (RFC 1952, section 2.3.1.2)
	tests := []struct {
		name string
		data string
	}{
		{"empty data", ""},
		{"not base64", "!!!not base64!!!"},
		{"not gzip", base64.StdEncoding.EncodeToString(doc)},
		{"truncated gzip", base64.StdEncoding.EncodeToString(gz[:len(gz)/2])},
		{"bad checksum", base64.StdEncoding.EncodeToString(corrupt)},
		{"reserved gzip header flag", base64.StdEncoding.EncodeToString(reserved)},
		{"garbage after the gzip member", base64.StdEncoding.EncodeToString(append(append([]byte{}, gz...), "junk"...))},
		{"not JSON", encodeData(t, []byte("hello"))},
		{"trailing data after the document", encodeData(t, append(append([]byte{}, doc...), " {}"...))},
		{"document is an array", encodeData(t, []byte(`[{"messageType":"DATA_MESSAGE"}]`))},
		{"timestamp is a string", encodeData(t, []byte(`{"logEvents":[{"id":"1","timestamp":"1","message":"m"}]}`))},
		{"timestamp is fractional", encodeData(t, []byte(`{"logEvents":[{"timestamp":1.5}]}`))},
		{"timestamp overflows int64", encodeData(t, []byte(`{"logEvents":[{"timestamp":9223372036854775808}]}`))},
		{"message is a number", encodeData(t, []byte(`{"logEvents":[{"message":5}]}`))},
		{"event is a string", encodeData(t, []byte(`{"logEvents":["x"]}`))},
		{"logEvents is an object", encodeData(t, []byte(`{"logEvents":{}}`))},
		{"subscriptionFilters holds a number", encodeData(t, []byte(`{"subscriptionFilters":[1]}`))},
		{"owner is a bool", encodeData(t, []byte(`{"owner":true}`))},
		{"nesting deeper than 10000", encodeData(t, []byte(`{"x":`+strings.Repeat("[", 10000)+strings.Repeat("]", 10000)+`}`))},
	}
	var dec Decoder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := naiveDecode(tt.data, DefaultMaxDecompressedBytes); err == nil {
				t.Fatal("encoding/json accepts this payload; the case is wrong")
			}
			p, err := dec.Decode(tt.data)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode = %v, %v; want an error wrapping ErrMalformed", p, err)
			}
		})
	}
}

func TestDecodeStopsGzipBombsAtTheCap(t *testing.T) {
	const limit = 1 << 20
	tests := []struct {
		name    string
		size    int
		wantErr bool
	}{
		{"exactly the cap", limit, false},
		{"one byte over the cap", limit + 1, true},
		{"64 MiB from a few KiB", 64 << 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A valid document padded with spaces to the size.
			doc := []byte(`{"messageType":"DATA_MESSAGE","logEvents":[]}`)
			doc = append(doc, bytes.Repeat([]byte{' '}, tt.size-len(doc))...)
			data := encodeData(t, doc)
			dec := Decoder{MaxDecompressedBytes: limit}
			_, err := dec.Decode(data)
			if tt.wantErr != errors.Is(err, ErrTooLarge) || (!tt.wantErr && err != nil) {
				t.Fatalf("Decode of %d bytes with cap %d: %v", tt.size, limit, err)
			}
			if cap(dec.doc) > 2*limit+1 {
				t.Errorf("decoder buffer grew to %d bytes, cap is %d", cap(dec.doc), limit)
			}
		})
	}
}

func TestDecodeDocumentFollowsEncodingJSONRules(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"null document is an empty payload", `null`},
		{"unknown keys are skipped", `{"policyLevel":"ACCOUNT_LEVEL_POLICY","x":{"y":[1e400,true,null]},"logEvents":[{"id":"a","extra":[{}],"message":"m"}]}`},
		{"keys match case-insensitively", `{"MESSAGETYPE":"DATA_MESSAGE","LogEvents":[{"ID":"a","Timestamp":1,"Message":"m"}]}`},
		{"keys match with Unicode folding", `{"meſſageType":"DATA_MESSAGE","logEvents":[{"id":"a","meſſage":"m"}]}`},
		{"exact key wins over folded", `{"OWNER":"folded","owner":"exact","OWNER":"again"}`},
		{"escaped keys", `{"\u006fwner":"o","logEvents":[{"\u0069d":"a"}]}`},
		{"duplicate string key, last wins", `{"owner":"a","owner":"b"}`},
		{"null leaves a string as it was", `{"owner":"a","owner":null}`},
		{"null element leaves the element zero", `{"logEvents":[null,{"id":"b"}]}`},
		{"second logEvents reuses the elements of the first", `{"logEvents":[{"id":"a","message":"m"},{"id":"b","timestamp":2}],"logEvents":[{"timestamp":1}]}`},
		{"third logEvents sees elements beyond the second", `{"logEvents":[{"id":"a"},{"id":"b"},{"id":"c"}],"logEvents":[{"id":"x"}],"logEvents":[null,null,null]}`},
		{"empty logEvents forgets the old elements", `{"logEvents":[{"id":"a"}],"logEvents":[],"logEvents":[null]}`},
		{"null logEvents forgets the old elements", `{"logEvents":[{"id":"a"}],"logEvents":null,"logEvents":[null]}`},
		{"strings with escapes and unicode", `{"logGroup":"/a\/b \u00e9 \ud83d\ude00 \ud800 x","logEvents":[{"id":"\"1\"","message":"{\"level\":\"ERROR\",\"msg\":\"caf\u00e9\"}"}]}`},
		{"invalid UTF-8 is replaced", "{\"owner\":\"a\xffb\",\"logEvents\":[{\"message\":\"{\\\"level\\\":\\\"ERROR\xfe\\\"}\"}]}"},
	}
	var dec Decoder
	var c Classifier
	var rb recordBuilder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want events.CloudwatchLogsData
			if err := json.Unmarshal([]byte(tt.doc), &want); err != nil {
				t.Fatalf("encoding/json rejects the case: %v", err)
			}
			p, err := dec.DecodeDocument([]byte(tt.doc))
			if err != nil {
				t.Fatalf("DecodeDocument: %v", err)
			}
			checkPayload(t, p, want, &c, &rb)
		})
	}
}

func TestDecodeDoesNotAllocateWhenWarm(t *testing.T) {
	data, _ := benchData(t)
	var dec Decoder
	if _, err := dec.Decode(data); err != nil {
		t.Fatal(err)
	}
	// klauspost's gzip.Reader.Reset keeps its window and Huffman tables
	// (compress/gzip's allocated a few dozen objects per payload), so a
	// warm Decoder allocates nothing.
	n := testing.AllocsPerRun(5, func() {
		if _, err := dec.Decode(data); err != nil {
			t.Fatal(err)
		}
	})
	if n > 0 {
		t.Errorf("Decode of %d events allocates %.0f times, want none when warm", benchEvents, n)
	}
}
