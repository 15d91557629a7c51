package emf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// FuzzEmit feeds Emit one metric under one dimension. Whatever the input,
// Emit either refuses it and writes nothing, or writes events that are
// valid JSON, within the size limit, and carry the value and dimension
// unchanged. Seeds come from the EMF events of the seed document in
// testdata/seed-events.jsonl.
func FuzzEmit(f *testing.F) {
	file, err := os.Open("testdata/seed-events.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	for sc.Scan() {
		var ev struct {
			AWS struct {
				CloudWatchMetrics []struct {
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			} `json:"_aws"`
		}
		var root map[string]any
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			f.Fatal(err)
		}
		_ = json.Unmarshal(sc.Bytes(), &root)
		d := ev.AWS.CloudWatchMetrics[0]
		m := d.Metrics[0]
		k := d.Dimensions[0][0]
		f.Add(m.Name, m.Unit, k, root[k].(string), root[m.Name].(float64))
	}
	if err := sc.Err(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name, unit, dimKey, dimValue string, value float64) {
		var buf bytes.Buffer
		err := New(&buf, "Fuzz").Emit(map[string]string{dimKey: dimValue}, Metric{Name: name, Unit: Unit(unit), Value: value})
		if err != nil {
			if buf.Len() != 0 {
				t.Fatalf("error %v but wrote %q", err, buf.String())
			}
			return
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if len(lines) != 1 || len(lines[0]) > MaxEventBytes {
			t.Fatalf("want one event within %d bytes, got %d lines", MaxEventBytes, len(lines))
		}
		var root map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &root); err != nil {
			t.Fatalf("invalid JSON %v: %s", err, lines[0])
		}
		if root[name] != value || root[dimKey] != dimValue {
			t.Fatalf("round trip lost data: %s", lines[0])
		}
	})
}
