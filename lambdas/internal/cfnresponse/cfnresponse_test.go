package cfnresponse

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func sample() Response {
	return Response{Status: StatusFailed, Reason: "bad", PhysicalResourceID: "p", StackID: "s", RequestID: "r",
		LogicalResourceID: "l", Data: map[string]string{"k": "v"}}
}

func TestEncodeUsesTheDocumentedFieldNames(t *testing.T) {
	r := sample()
	r.NoEcho = true
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Status": "FAILED", "Reason": "bad", "PhysicalResourceId": "p", "StackId": "s",
		"RequestId": "r", "LogicalResourceId": "l", "NoEcho": true, "Data": map[string]any{"k": "v"}}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !jsonEqual(g, v) {
			t.Errorf("field %s = %v, want %v", k, g, v)
		}
	}
	// NoEcho defaults to false on CloudFormation's side; it is sent only when set.
	r.NoEcho, r.Reason, r.Data = false, "", nil
	b, _ = r.Encode()
	if s := string(b); strings.Contains(s, "NoEcho") || strings.Contains(s, "Reason") || strings.Contains(s, "Data") {
		t.Errorf("optional fields sent empty: %s", s)
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestEncodeShortensReasonToFitCloudFormationsLimit(t *testing.T) {
	for name, reason := range map[string]string{
		"ascii":   strings.Repeat("field x: bad; ", 2000),
		"escaped": strings.Repeat(`"<&>"`, 2000),
		"utf8":    strings.Repeat("größe ✓ ", 1000),
	} {
		t.Run(name, func(t *testing.T) {
			r := sample()
			r.Reason = reason
			b, err := r.Encode()
			if err != nil {
				t.Fatal(err)
			}
			var got Response
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if len(b) > MaxBytes || !strings.HasSuffix(got.Reason, truncated) || !utf8.ValidString(got.Reason) {
				t.Errorf("answer is %d bytes (limit %d), reason ends %q, valid UTF-8 %v", len(b), MaxBytes,
					got.Reason[max(0, len(got.Reason)-60):], utf8.ValidString(got.Reason))
			}
			if got.Data["k"] != "v" || got.StackID != "s" || got.Status != StatusFailed {
				t.Errorf("shortening the reason lost other fields: %+v", got)
			}
			// The cut keeps as much as fits: within a few bytes of the limit.
			if len(b) < MaxBytes-64 {
				t.Errorf("answer shortened to %d bytes, far below the %d limit", len(b), MaxBytes)
			}
		})
	}
}

func TestEncodeDropsDataWhenTheReasonCannotMakeRoom(t *testing.T) {
	r := sample()
	r.Data = map[string]string{"k": strings.Repeat("v", MaxBytes)}
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > MaxBytes || strings.Contains(string(b), "Data") {
		t.Errorf("answer is %d bytes, want Data dropped: %.120s", len(b), b)
	}
}

func TestEncodeFailsWhenTheRequiredFieldsAloneAreTooLarge(t *testing.T) {
	r := sample()
	r.PhysicalResourceID = strings.Repeat("p", MaxBytes)
	if _, err := r.Encode(); err == nil || !strings.Contains(err.Error(), "over CloudFormation's 4096") {
		t.Errorf("err = %v, want the size named", err)
	}
}

// server answers the PUTs with codes in turn (the last one repeats); a code
// of 0 drops the connection, a transport error for the client.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	codes  []int
	bodies []string
}

func newServer(t *testing.T, codes ...int) *server {
	s := &server{codes: codes}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.bodies)
		s.bodies = append(s.bodies, string(b))
		s.mu.Unlock()
		if r.Method != http.MethodPut || r.Header.Get("Content-Type") != "" {
			t.Errorf("answer sent as %s with Content-Type %q, want PUT without one (the URL is signed without it)",
				r.Method, r.Header.Get("Content-Type"))
		}
		code := s.codes[min(n, len(s.codes)-1)]
		if code == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func noWait(int) time.Duration { return time.Millisecond }

func TestPutRetriesServerErrorsThrottlingAndTransportErrors(t *testing.T) {
	s := newServer(t, 500, 503, 429, 0, 200)
	r := sample()
	if err := Put(context.Background(), s.Client(), s.URL, r, noWait); err != nil {
		t.Fatal(err)
	}
	if n := s.attempts(); n != 5 {
		t.Fatalf("%d attempts, want 5 (four transient failures, then success)", n)
	}
	want, _ := r.Encode()
	for i, b := range s.bodies {
		if b != string(want) {
			t.Errorf("attempt %d sent %s, want %s", i+1, b, want)
		}
	}
}

func TestPutDoesNotRetryClientErrors(t *testing.T) {
	for _, code := range []int{400, 403, 404} {
		s := newServer(t, code, 200)
		err := Put(context.Background(), s.Client(), s.URL, sample(), noWait)
		if err == nil || !strings.Contains(err.Error(), "expired or was altered") || s.attempts() != 1 {
			t.Errorf("HTTP %d: err = %v after %d attempts, want one attempt and a final error", code, err, s.attempts())
		}
	}
}

func TestPutGivesUpAtTheDeadlineNamingTheAttempts(t *testing.T) {
	s := newServer(t, 502)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	backoff := func(n int) time.Duration {
		if n < 2 {
			return time.Millisecond
		}
		cancel() // the deadline passes during the third wait
		return time.Hour
	}
	err := Put(ctx, s.Client(), s.URL, sample(), backoff)
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "HTTP 502") {
		t.Errorf("err = %v, want gave up after 3 attempts naming HTTP 502", err)
	}
	if s.attempts() != 3 {
		t.Errorf("%d attempts, want 3", s.attempts())
	}
}

func TestPutSendsNothingWhenTheAnswerCannotFit(t *testing.T) {
	s := newServer(t, 200)
	r := sample()
	r.StackID = strings.Repeat("s", MaxBytes)
	if err := Put(context.Background(), s.Client(), s.URL, r, noWait); err == nil || s.attempts() != 0 {
		t.Errorf("err = %v after %d attempts, want an error and nothing sent", err, s.attempts())
	}
}

func TestJitterStaysInItsGrowingWindow(t *testing.T) {
	for n, window := range []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		1600 * time.Millisecond, 3200 * time.Millisecond, 5 * time.Second, 5 * time.Second} {
		var most time.Duration
		for range 200 {
			d := Jitter(n)
			if d <= 0 || d > window {
				t.Fatalf("Jitter(%d) = %v, want in (0, %v]", n, d, window)
			}
			most = max(most, d)
		}
		// Full jitter spreads over the window, not just its start.
		if most < window/2 {
			t.Errorf("Jitter(%d): largest of 200 draws %v, want over half the %v window", n, most, window)
		}
	}
	if d := Jitter(1000); d <= 0 || d > 5*time.Second {
		t.Errorf("Jitter(1000) = %v, want capped at 5s", d)
	}
}
