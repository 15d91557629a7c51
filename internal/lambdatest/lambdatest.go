// Package lambdatest runs real Lambda `bootstrap` binaries in tests: it
// builds them with the same flags as the golambda bundler, serves the
// Lambda Runtime API on 127.0.0.1, and starts moto_server for the AWS APIs.
package lambdatest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/o11yscale/o11yscale/internal/gobuild"
)

var (
	buildMu    sync.Mutex
	buildCache = map[string]string{}
	buildRoot  string
)

// Build compiles importPath for the host architecture with the bundler's
// flags and returns the bootstrap path. Builds are cached per test binary.
func Build(t testing.TB, importPath string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := buildCache[importPath]; ok {
		return p
	}
	if buildRoot == "" {
		d, err := os.MkdirTemp("", "lambdatest-build-")
		if err != nil {
			t.Fatal(err)
		}
		buildRoot = d
	}
	out := filepath.Join(buildRoot, strings.ReplaceAll(importPath, "/", "_"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := gobuild.Build(ctx, gobuild.Options{ImportPath: importPath, Arch: runtime.GOARCH}, out); err != nil {
		t.Fatalf("building %s: %v", importPath, err)
	}
	p := filepath.Join(out, "bootstrap")
	buildCache[importPath] = p
	return p
}

// Moto is a moto_server process on 127.0.0.1.
type Moto struct {
	Endpoint string
	cmd      *exec.Cmd
}

// StartMoto starts moto_server on a free loopback port and waits until it
// answers. It is usable from TestMain; call Close when done.
func StartMoto() (*Moto, error) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, fmt.Errorf("moto_server not on PATH (it is preinstalled on the CI machine): %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	m := &Moto{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(m.Endpoint + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return m, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.Close()
	return nil, fmt.Errorf("moto_server on port %d did not answer within 60s", port)
}

// Close stops the server.
func (m *Moto) Close() {
	if m != nil && m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	}
}

// Reset drops all state in moto, so tests do not see each other's data.
func (m *Moto) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(m.Endpoint+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("resetting moto: %v", err)
	}
	resp.Body.Close()
}

// Env returns the environment an AWS SDK client (ours or the binary's)
// needs to talk to this moto_server.
func (m *Moto) Env(region string) map[string]string {
	return map[string]string{
		"AWS_ENDPOINT_URL":          m.Endpoint,
		"AWS_ACCESS_KEY_ID":         "testing",
		"AWS_SECRET_ACCESS_KEY":     "testing",
		"AWS_SESSION_TOKEN":         "testing",
		"AWS_REGION":                region,
		"AWS_DEFAULT_REGION":        region,
		"AWS_EC2_METADATA_DISABLED": "true",
	}
}

// SetEnv applies Env to this process for the duration of the test.
func (m *Moto) SetEnv(t testing.TB, region string) {
	for k, v := range m.Env(region) {
		t.Setenv(k, v)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Result is what the function returned for one invocation.
type Result struct {
	Payload []byte
	// Error is set when the function reported an invocation error.
	Error *ErrorResponse
}

// ErrorResponse is the Runtime API error document.
type ErrorResponse struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

type invocation struct {
	id      string
	payload []byte
	result  chan Result
}

// Runtime serves the Lambda Runtime API for one running bootstrap process.
type Runtime struct {
	t       testing.TB
	srv     *http.Server
	cmd     *exec.Cmd
	queue   chan *invocation
	mu      sync.Mutex
	pending map[string]*invocation
	seq     int
	initErr chan ErrorResponse
	// Timeout is the deadline given to each invocation. Default 60s.
	Timeout time.Duration
	// Stdout collects what the function printed (logs and EMF).
	stdout *syncBuffer
}

// StartRuntime serves the Runtime API and starts binary with env added to
// a minimal environment (no AWS variables leak in from the test host).
func StartRuntime(t testing.TB, binary string, env map[string]string) *Runtime {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &Runtime{t: t, queue: make(chan *invocation), pending: map[string]*invocation{},
		initErr: make(chan ErrorResponse, 1), Timeout: 60 * time.Second, stdout: &syncBuffer{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", r.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", r.respond(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", r.respond(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, req *http.Request) {
		var e ErrorResponse
		_ = json.NewDecoder(req.Body).Decode(&e)
		select {
		case r.initErr <- e:
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	r.srv = &http.Server{Handler: mux}
	go func() { _ = r.srv.Serve(l) }()

	cmd := exec.Command(binary)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_LAMBDA_RUNTIME_API=" + l.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=test-function",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout = r.stdout
	cmd.Stderr = r.stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", binary, err)
	}
	r.cmd = cmd
	t.Cleanup(r.Close)
	return r
}

// Close stops the process and the server.
func (r *Runtime) Close() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
	_ = r.srv.Close()
}

// Output returns everything the function wrote to stdout and stderr so far.
func (r *Runtime) Output() string { return r.stdout.String() }

// Invoke delivers one event and waits for the function's answer.
func (r *Runtime) Invoke(payload []byte) (Result, error) {
	r.mu.Lock()
	r.seq++
	inv := &invocation{id: fmt.Sprintf("req-%06d", r.seq), payload: payload, result: make(chan Result, 1)}
	r.pending[inv.id] = inv
	r.mu.Unlock()
	timeout := time.After(r.Timeout + 10*time.Second)
	select {
	case r.queue <- inv:
	case e := <-r.initErr:
		return Result{}, fmt.Errorf("function failed to initialise: %s: %s\n%s", e.ErrorType, e.ErrorMessage, r.Output())
	case <-timeout:
		return Result{}, fmt.Errorf("function never asked for the next invocation\n%s", r.Output())
	}
	select {
	case res := <-inv.result:
		return res, nil
	case <-timeout:
		return Result{}, fmt.Errorf("invocation %s timed out\n%s", inv.id, r.Output())
	}
}

func (r *Runtime) next(w http.ResponseWriter, req *http.Request) {
	select {
	case inv := <-r.queue:
		deadline := time.Now().Add(r.Timeout).UnixMilli()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline, 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:test-function")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
	case <-req.Context().Done():
	}
}

func (r *Runtime) respond(isErr bool) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		id := req.PathValue("id")
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		inv := r.pending[id]
		delete(r.pending, id)
		r.mu.Unlock()
		if inv == nil {
			http.Error(w, "unknown request id", http.StatusBadRequest)
			return
		}
		res := Result{Payload: body}
		if isErr {
			res = Result{Error: &ErrorResponse{}}
			if err := json.Unmarshal(body, res.Error); err != nil {
				res.Error.ErrorMessage = string(body)
			}
		}
		inv.result <- res
		w.WriteHeader(http.StatusAccepted)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RunWithMoto is a TestMain body: it starts moto_server, stores it in
// *dst, runs the tests and stops the server. Use it as
// `func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }`.
func RunWithMoto(m *testing.M, dst **Moto) int {
	moto, err := StartMoto()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	*dst = moto
	defer moto.Close()
	return m.Run()
}
