package router

import (
	"encoding/json"
	"testing"
)

// TestClassifyEscaped checks that classifyEscaped answers for the common
// shapes (JSON logs as CloudWatch Logs delivers them: every quote escaped,
// \n inside strings, nested objects, non-ASCII text), so the decode path
// does not unescape them, and that each answer, its end and its flags are
// the unescaping path's (scanText and the Classifier); FuzzClassifyInPayload
// holds both to encoding/json on arbitrary literals.
func TestClassifyEscaped(t *testing.T) {
	var c Classifier
	check := func(t *testing.T, doc []byte, i int, wantOK bool) {
		t.Helper()
		end, flags, cl, ok := classifyEscaped(doc, i)
		if ok != wantOK {
			t.Fatalf("classifyEscaped(%.120q…) ok = %v, want %v", doc[i:], ok, wantOK)
		}
		wantEnd, wantFlags := scanText(doc, i)
		if !ok {
			return
		}
		want := c.ClassifyText(Text{raw: doc[i+1 : wantEnd-1], flags: wantFlags})
		if end != wantEnd || flags != wantFlags || cl != want {
			t.Fatalf("classifyEscaped(%.120q…) = %d, %b, %+v; unescaping path: %d, %b, %+v", doc[i:], end, flags, cl, wantEnd, wantFlags, want)
		}
	}
	for name, doc := range map[string][]byte{"structured": benchDocument(300), "message": messageDocument(300)} {
		t.Run(name, func(t *testing.T) {
			var d struct {
				LogEvents []struct{ Message json.RawMessage }
			}
			if err := json.Unmarshal(doc, &d); err != nil {
				t.Fatal(err)
			}
			for _, ev := range d.LogEvents {
				check(t, ev.Message, 0, true)
			}
		})
	}
	for _, tc := range []struct {
		lit string
		ok  bool
	}{
		{`{\"level\":\"ERROR\",\"status_code\":503}`, true},
		{`{}`, true},
		{` {\n\t\"level\" : \"warn\"\r} `, true},
		{`{\"level\":\"ERROR\",\"level\":null,\"status_code\":5e2}`, true},
		{`{\"a\":{\"b\":[{\"c\":\"\\\"}\\\\\"}],\"d\":[]},\"status_code\":-0.0}`, true},
		{`{\"msg\":\"caf` + "\u00e9 \xff" + `\\u00e9\\n\\/\/\",\"level\":\"info\"}`, true},
		{`{\"level\":\"ERROR\"}`, true},
		{`{\"a\":[1e400]}`, false},             // not JSON to encoding/json
		{`{\"level\":\"\\u0045RROR\"}`, false}, // an escaped level
		{`{\u0022level\":\"ERROR\"}`, false},   // a \u escape in the payload
		{`{\"l\\u0065vel\":\"ERROR\"}`, false}, // an escaped key
		{`{\"level\":\"ERROR\"`, false},        // truncated
		{`{\"level\":\"ERROR\"}x`, false},      // trailing garbage
		{`{\"a\":\"x\ny\"}`, false},            // a control character in a string
		{`null`, false},
		{`[ERROR] boom`, false},
		{"{\\\"a\\\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", false}, // deeper than maxEscapedDepth
	} {
		doc := []byte(`"` + tc.lit + `"`)
		if _, err := (&Decoder{}).DecodeDocument([]byte(`{"logEvents":[{"message":` + string(doc) + `}]}`)); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		check(t, doc, 0, tc.ok)
	}
}
