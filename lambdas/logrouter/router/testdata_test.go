package router

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

var update = flag.Bool("update", false, "rewrite testdata/events from testdata/documents")

// Real payloads: testdata/documents holds readable subscription documents
// (from the AWS documentation and from Lambda and ECS log shapes);
// testdata/events holds the same as the Lambda receives them, gzip and
// base64 in awslogs.data; aws-lambda-go's own sample is kept as is.

func readDocuments(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, err := filepath.Glob("testdata/documents/*.json")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no documents in testdata/documents: %v", err)
	}
	docs := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		docs[strings.TrimSuffix(filepath.Base(p), ".json")] = b
	}
	return docs
}

// readEvents returns every Lambda event in testdata by file name.
func readEvents(tb testing.TB) map[string]events.CloudwatchLogsEvent {
	tb.Helper()
	paths, _ := filepath.Glob("testdata/events/*.json")
	paths = append(paths, "testdata/aws-lambda-go-cloudwatch-logs-event.json")
	evs := map[string]events.CloudwatchLogsEvent{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var ev events.CloudwatchLogsEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		evs[strings.TrimSuffix(filepath.Base(p), ".json")] = ev
	}
	return evs
}

// gzipBytes compresses b as CloudWatch Logs does.
func gzipBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// encodeData returns the awslogs.data string of a document.
func encodeData(tb testing.TB, doc []byte) string {
	return base64.StdEncoding.EncodeToString(gzipBytes(tb, doc))
}

func TestTestdataEventsCarryTheDocuments(t *testing.T) {
	for name, doc := range readDocuments(t) {
		path := filepath.Join("testdata/events", name+".json")
		if *update {
			ev := events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: encodeData(t, doc)}}
			b, _ := json.MarshalIndent(ev, "", "  ")
			if err := os.MkdirAll("testdata/events", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		var ev events.CloudwatchLogsEvent
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := naiveDecode(ev.AWSLogs.Data, DefaultMaxDecompressedBytes)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var want events.CloudwatchLogsData
		if err := json.Unmarshal(doc, &want); err != nil {
			t.Fatalf("document %s: %v", name, err)
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(want)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s does not carry documents/%s.json (run go test -update)", path, name)
		}
	}
}
