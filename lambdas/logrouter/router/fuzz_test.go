package router

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// fuzzLimit keeps the payload fuzzer's decompression cap small, so a
// generated bomb is cheap.
const fuzzLimit = 1 << 20

// seedMessages are messages that exercise the corners of the classifier.
var seedMessages = []string{
	`{"level":"ERROR","status_code":503}`,
	`{"\u006cevel":"\u0045RROR"}`,
	`{"level":"ERROR","level":null}`,
	`{"status_code":5e2}`,
	`{"status_code":-0.0}`,
	`{"a":[1e400]}`,
	`{"a":1e-400,"level":"warn"}`,
	`null`,
	` {"level" : "info" } ` + "\n",
	`[ERROR] something`,
	"2024-05-14T10:11:33.013Z\treq\tERROR\tboom",
	`{"level":"ERR\ud800OR"}`,
	`{"level":"ERROR"`,
	`{"level":"ERROR"}x`,
	`{"a":{"b":[{"c":"\"}"}]},"level":"DEBUG"}`,
	"{\"level\":\"E\xffRROR\"}",
	`{"lev\u0065l":"WARN","status_code":599.9}`,
}

func FuzzClassify(f *testing.F) {
	for _, m := range seedMessages {
		f.Add([]byte(m))
	}
	for _, doc := range readDocuments(f) {
		var d events.CloudwatchLogsData
		if json.Unmarshal(doc, &d) == nil {
			for _, ev := range d.LogEvents {
				f.Add([]byte(ev.Message))
			}
		}
	}
	var c Classifier
	f.Fuzz(func(t *testing.T, msg []byte) {
		got := c.Classify(msg)
		if want := naiveClassify(string(msg)); got != want {
			t.Fatalf("Classify(%q) = %+v, encoding/json says %+v", msg, got, want)
		}
	})
}

// FuzzClassifyInPayload fuzzes a message as it sits escaped inside a
// payload, where the decoder unescapes and classifies it in one go.
func FuzzClassifyInPayload(f *testing.F) {
	for _, m := range seedMessages {
		lit, _ := json.Marshal(m)
		f.Add(lit[1 : len(lit)-1])
	}
	f.Add([]byte(`{\u0022level\"\u003a\"ERROR\"}`))
	f.Add([]byte(`{\"level\":\"\\u0045RROR\",\n\"status_code\"\t:\r503}`))
	f.Add([]byte(`{\"a\":\"\\\"\\\\\"}`))
	var dec Decoder
	var c Classifier
	var rb recordBuilder
	f.Fuzz(func(t *testing.T, lit []byte) {
		doc := append(append([]byte(`{"logEvents":[{"id":"1","message":"`), lit...), `"}]}`...)
		var want events.CloudwatchLogsData
		wantErr := json.Unmarshal(doc, &want)
		p, err := dec.DecodeDocument(doc)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("DecodeDocument(%q) error = %v, encoding/json error = %v", doc, err, wantErr)
		}
		if err == nil {
			checkPayload(t, p, want, &c, &rb)
		}
	})
}

func FuzzDecodeDocument(f *testing.F) {
	for _, doc := range readDocuments(f) {
		f.Add(doc)
	}
	for _, doc := range []string{
		`null`, `[]`, `{}`, `{"logEvents":null}`,
		`{"logEvents":[{"id":"a","message":"m"},{"id":"b"}],"logEvents":[{"timestamp":1}]}`,
		`{"LOGEVENTS":[{"ID":"x","Timestamp":1,"MESSAGE":"{\"level\":\"ERROR\"}"}],"meſſageType":"DATA_MESSAGE"}`,
		`{"logEvents":[null,{"timestamp":1.5}]}`,
		`{"owner":"a","owner":null,"subscriptionFilters":[null,"x"]}`,
	} {
		f.Add([]byte(doc))
	}
	var dec Decoder
	var c Classifier
	var rb recordBuilder
	f.Fuzz(func(t *testing.T, doc []byte) {
		var want events.CloudwatchLogsData
		wantErr := json.Unmarshal(doc, &want)
		p, err := dec.DecodeDocument(doc)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("DecodeDocument(%q) error = %v, encoding/json error = %v", doc, err, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		checkPayload(t, p, want, &c, &rb)
	})
}

func FuzzDecodePayload(f *testing.F) {
	for _, ev := range readEvents(f) {
		raw, err := base64.StdEncoding.DecodeString(ev.AWSLogs.Data)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
		f.Add(raw[:len(raw)/2])                         // truncated
		f.Add(append(append([]byte{}, raw...), raw...)) // two gzip members
	}
	f.Add(gzipBytes(f, make([]byte, 2*fuzzLimit))) // bomb: 2 MiB of zeros in ~2 KiB
	dec := Decoder{MaxDecompressedBytes: fuzzLimit}
	var c Classifier
	var rb recordBuilder
	f.Fuzz(func(t *testing.T, compressed []byte) {
		data := base64.StdEncoding.EncodeToString(compressed)
		want, wantErr := naiveDecode(data, fuzzLimit)
		p, err := dec.Decode(data)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("Decode error = %v, naive error = %v", err, wantErr)
		}
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		checkPayload(t, p, want, &c, &rb)
	})
}

// checkPayload compares a decoded payload with encoding/json's decoding of
// the same document, including each message's class and the record built
// for it.
func checkPayload(t *testing.T, p *Payload, want events.CloudwatchLogsData, c *Classifier, rb *recordBuilder) {
	t.Helper()
	for _, f := range []struct {
		name string
		got  Text
		want string
	}{
		{"messageType", p.MessageType, want.MessageType},
		{"owner", p.Owner, want.Owner},
		{"logGroup", p.LogGroup, want.LogGroup},
		{"logStream", p.LogStream, want.LogStream},
	} {
		if got := f.got.String(); got != f.want {
			t.Fatalf("%s = %q, encoding/json says %q", f.name, got, f.want)
		}
	}
	if len(p.Events) != len(want.LogEvents) {
		t.Fatalf("%d events, encoding/json says %d", len(p.Events), len(want.LogEvents))
	}
	rb.reset(p)
	for n, w := range want.LogEvents {
		ev := &p.Events[n]
		if ev.ID.String() != w.ID || ev.Timestamp != w.Timestamp || ev.Message.String() != w.Message {
			t.Fatalf("event %d = {%q %d %q}, encoding/json says {%q %d %q}",
				n, ev.ID.String(), ev.Timestamp, ev.Message.String(), w.ID, w.Timestamp, w.Message)
		}
		cl := ev.Class
		if wc := naiveClassify(w.Message); cl != wc || c.ClassifyText(ev.Message) != wc {
			t.Fatalf("event %d message %q: class %+v (ClassifyText %+v), encoding/json says %+v", n, w.Message, cl, c.ClassifyText(ev.Message), wc)
		}
		before := len(rb.spans)
		if !rb.add(ev, n, cl) {
			continue
		}
		for _, s := range rb.spans[before:] {
			checkRecord(t, rb.arena[s.start:s.end], want, w, cl)
		}
	}
}

// forwardedRecord is a record as a consumer decodes it.
type forwardedRecord struct {
	LogGroup  string   `json:"logGroup"`
	LogStream string   `json:"logStream"`
	Owner     string   `json:"owner"`
	ID        string   `json:"id"`
	Timestamp int64    `json:"timestamp"`
	Tier      string   `json:"tier"`
	Status    *float64 `json:"status"`
	Part      int      `json:"part"`
	Parts     int      `json:"parts"`
	Message   string   `json:"message"`
}

func checkRecord(t *testing.T, data []byte, p events.CloudwatchLogsData, w events.CloudwatchLogsLogEvent, cl Class) {
	t.Helper()
	if !utf8.Valid(data) || len(data) == 0 || data[len(data)-1] != '\n' || len(data) > MaxRecordBytes {
		t.Fatalf("record %q: want valid UTF-8, one newline-terminated line of at most %d bytes", data, MaxRecordBytes)
	}
	var r forwardedRecord
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("record %q: %v", data, err)
	}
	if r.LogGroup != p.LogGroup || r.LogStream != p.LogStream || r.Owner != p.Owner || r.ID != w.ID ||
		r.Timestamp != w.Timestamp || r.Tier != cl.Tier.String() || (r.Parts == 0 && r.Message != w.Message) {
		t.Fatalf("record %q does not carry event %+v of %s/%s", data, w, p.LogGroup, p.LogStream)
	}
	if (r.Status != nil) != cl.HasStatus || (r.Status != nil && *r.Status != cl.Status) {
		t.Fatalf("record %q: status, want %v (present %v)", data, cl.Status, cl.HasStatus)
	}
}
