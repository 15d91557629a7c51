// Package otlp checks the export side of the collector configuration that
// constructs/sampling generates against the real OpenTelemetry Collector
// components: the otlphttp exporter (core) and the sigv4auth extension
// (contrib). It is its own module because no sigv4authextension version is
// served that matches the tailsamplingprocessor v0.160.0 of test/otel
// (sigv4authextension v0.165.1 needs collector v0.165 / v1.71).
package otlp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/sigv4authextension"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/exporter/otlphttpexporter"
	"go.opentelemetry.io/collector/extension/extensiontest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"gopkg.in/yaml.v3"

	"github.com/o11yscale/o11yscale/constructs/sampling"
)

// Test credentials: the sigv4auth extension reads them from the
// environment like any AWS SDK client, and the verifier signs with them.
const (
	accessKey = "AKIDEXAMPLE"
	secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func withCredentials(t *testing.T) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", accessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secretKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// doc is the generated configuration, as the collector reads it.
type doc struct {
	Exporters  map[string]map[string]any `yaml:"exporters"`
	Extensions map[string]map[string]any `yaml:"extensions"`
	Service    struct {
		Extensions []string `yaml:"extensions"`
		Pipelines  map[string]struct {
			Receivers  []string `yaml:"receivers"`
			Processors []string `yaml:"processors"`
			Exporters  []string `yaml:"exporters"`
		} `yaml:"pipelines"`
	} `yaml:"service"`
}

func generate(t *testing.T, p sampling.Props) doc {
	t.Helper()
	b, err := sampling.CollectorConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	var d doc
	if err := yaml.Unmarshal(b, &d); err != nil {
		t.Fatalf("generated configuration is not YAML: %v\n%s", err, b)
	}
	return d
}

func withLogs(region string) sampling.Props {
	return sampling.Props{TailSampling: sampling.TailSamplingProps{Region: region,
		Logs: sampling.LogsExportProps{Enabled: true, LogGroupName: "/o11yscale/checkout-api/warn"}}}
}

// componentID parses a configuration key such as "otlphttp/xray" and
// checks it names a component of the factory: its type or the deprecated
// alias it still accepts. Collector v0.165 renamed otlphttp to otlp_http and
// keeps otlphttp as an alias; the generated config uses otlphttp, the name
// that older ADOT Collector releases know too.
func componentID(t *testing.T, key string, f component.Factory) component.ID {
	t.Helper()
	var id component.ID
	if err := id.UnmarshalText([]byte(key)); err != nil {
		t.Fatalf("%q is not a component ID: %v", key, err)
	}
	ok := id.Type() == f.Type()
	if a, has := f.(interface{ DeprecatedAlias() component.Type }); has && id.Type() == a.DeprecatedAlias() {
		ok = true
	}
	if !ok {
		t.Fatalf("%q is a %s, which the %s factory does not accept", key, id.Type(), f.Type())
	}
	return id
}

// load unmarshals one component section strictly (an unknown key is an
// error) into the real component's Config and validates it recursively, as
// the collector does at startup.
func load[C component.Config](t *testing.T, f component.Factory, sections map[string]map[string]any, key string) C {
	t.Helper()
	componentID(t, key, f)
	section, ok := sections[key]
	if !ok {
		t.Fatalf("no %s in %v", key, sections)
	}
	cfg := f.CreateDefaultConfig().(C)
	if err := confmap.NewFromStringMap(section).Unmarshal(cfg); err != nil {
		t.Fatalf("%s does not unmarshal into the %s Config: %v", key, f.Type(), err)
	}
	if err := confmap.Validate(cfg); err != nil {
		t.Fatalf("%s does not validate: %v", key, err)
	}
	return cfg
}

func loadExporter(t *testing.T, d doc, key string) *otlphttpexporter.Config {
	t.Helper()
	return load[*otlphttpexporter.Config](t, otlphttpexporter.NewFactory(), d.Exporters, key)
}

func loadSigV4(t *testing.T, d doc, key string) *sigv4authextension.Config {
	t.Helper()
	return load[*sigv4authextension.Config](t, sigv4authextension.NewFactory(), d.Extensions, key)
}

func TestGeneratedExportLoadsAndValidatesWithTheRealComponents(t *testing.T) {
	withCredentials(t)
	d := generate(t, withLogs("us-west-2"))

	xr := loadExporter(t, d, "otlphttp/xray")
	if xr.TracesEndpoint != "https://xray.us-west-2.amazonaws.com/v1/traces" {
		t.Errorf("traces_endpoint = %s", xr.TracesEndpoint)
	}
	logs := loadExporter(t, d, "otlphttp/logs")
	if logs.LogsEndpoint != "https://logs.us-west-2.amazonaws.com/v1/logs" {
		t.Errorf("logs_endpoint = %s", logs.LogsEndpoint)
	}
	group, _ := logs.ClientConfig.Headers.Get("x-aws-log-group")
	stream, _ := logs.ClientConfig.Headers.Get("x-aws-log-stream")
	if string(group) != "/o11yscale/checkout-api/warn" || string(stream) != sampling.DefaultLogStreamName {
		t.Errorf("logs headers = %v", logs.ClientConfig.Headers)
	}
	for key, service := range map[string]string{"sigv4auth/xray": "xray", "sigv4auth/logs": "logs"} {
		cfg := loadSigV4(t, d, key)
		if cfg.Region != "us-west-2" || cfg.Service != service {
			t.Errorf("%s: region %q service %q, want us-west-2 %s", key, cfg.Region, cfg.Service, service)
		}
	}
	// Each exporter's authenticator is a configured extension that the
	// service starts, and each pipeline's exporters exist.
	started := map[string]bool{}
	for _, e := range d.Service.Extensions {
		started[e] = true
		if _, ok := d.Extensions[e]; !ok {
			t.Errorf("service.extensions names %s, which is not configured", e)
		}
	}
	for key, cfg := range map[string]*otlphttpexporter.Config{"otlphttp/xray": xr, "otlphttp/logs": logs} {
		auth := cfg.ClientConfig.Auth
		if !auth.HasValue() {
			t.Errorf("%s has no auth", key)
			continue
		}
		if id := auth.Get().AuthenticatorID.String(); !started[id] {
			t.Errorf("%s authenticates with %s, which the service does not start", key, id)
		}
	}
	for name, p := range d.Service.Pipelines {
		for _, e := range p.Exporters {
			if _, ok := d.Exporters[e]; !ok {
				t.Errorf("pipeline %s exports to %s, which is not configured", name, e)
			}
		}
	}
	if got := d.Service.Pipelines["logs"].Exporters; len(got) != 1 || got[0] != "otlphttp/logs" {
		t.Errorf("logs pipeline exporters = %v", got)
	}
}

// host gives components the extensions the collector would have started.
type host map[component.ID]component.Component

func (h host) GetExtensions() map[component.ID]component.Component { return h }

// verifier stands in for the X-Ray and CloudWatch Logs OTLP endpoints,
// which moto does not emulate: it accepts a request only when it carries a
// SigV4 signature, made with the test credentials for region and service,
// that it can recompute over the bytes received. Whatever it refuses gets
// HTTP 403, as AWS answers a bad signature.
type verifier struct {
	region, service string
	got             []string // one line per request: "ok" or why it was refused
}

func (v *verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if why := v.check(r, body); why != "" {
		v.got = append(v.got, why)
		http.Error(w, why, http.StatusForbidden)
		return
	}
	v.got = append(v.got, "ok")
	w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	w.WriteHeader(http.StatusOK) // an empty Export*ServiceResponse
}

func (v *verifier) check(r *http.Request, body []byte) string {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return "unsigned request"
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil {
		return "no X-Amz-Date"
	}
	wantScope := fmt.Sprintf("Credential=%s/%s/%s/%s/aws4_request", accessKey, when.Format("20060102"), v.region, v.service)
	if !strings.Contains(auth, wantScope) {
		return "credential scope is not " + wantScope + ": " + auth
	}
	signed := ""
	for _, part := range strings.Split(strings.TrimPrefix(auth, "AWS4-HMAC-SHA256 "), ", ") {
		if s, ok := strings.CutPrefix(part, "SignedHeaders="); ok {
			signed = s
		}
	}
	// Recompute the signature over the same headers and body.
	again, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	for _, h := range strings.Split(signed, ";") {
		if h != "host" && h != "x-amz-date" {
			again.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), v.service, v.region, when); err != nil {
		return "cannot recompute: " + err.Error()
	}
	if again.Header.Get("Authorization") != auth {
		return "signature does not match the body and headers received"
	}
	return ""
}

// startAuth creates and starts the real sigv4auth extensions the config
// declares, keyed by their IDs.
func startAuth(t *testing.T, d doc, keys ...string) host {
	t.Helper()
	h := host{}
	f := sigv4authextension.NewFactory()
	for _, key := range keys {
		id := componentID(t, key, f)
		ext, err := f.Create(context.Background(), extensiontest.NewNopSettings(f.Type()), loadSigV4(t, d, key))
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
		if err := ext.Start(context.Background(), h); err != nil {
			t.Fatalf("start %s: %v", key, err)
		}
		t.Cleanup(func() { _ = ext.Shutdown(context.Background()) })
		h[id] = ext
	}
	return h
}

// synchronous makes the exporter report each request's outcome from
// ConsumeTraces: the generated config keeps the exporter's sending queue
// and retries, which would hide it from the test.
func synchronous(cfg *otlphttpexporter.Config) {
	cfg.QueueConfig = configoptional.None[exporterhelper.QueueBatchConfig]()
	cfg.RetryConfig.Enabled = false
}

func startExporter(t *testing.T, cfg *otlphttpexporter.Config, key string, h host, signal string) (exporter.Traces, exporter.Logs, error) {
	t.Helper()
	f := otlphttpexporter.NewFactory()
	set := exportertest.NewNopSettings(f.Type())
	set.ID = componentID(t, key, f)
	ctx := context.Background()
	if signal == "logs" {
		exp, err := f.CreateLogs(ctx, set, cfg)
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
		err = exp.Start(ctx, h)
		t.Cleanup(func() { _ = exp.Shutdown(ctx) })
		return nil, exp, err
	}
	exp, err := f.CreateTraces(ctx, set, cfg)
	if err != nil {
		t.Fatalf("create %s: %v", key, err)
	}
	err = exp.Start(ctx, h)
	t.Cleanup(func() { _ = exp.Shutdown(ctx) })
	return exp, nil, err
}

func oneTrace() ptrace.Traces {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "checkout-api")
	sp := rs.ScopeSpans().AppendEmpty().Spans().AppendEmpty()
	sp.SetName("POST /orders")
	sp.SetTraceID([16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	sp.SetSpanID([8]byte{1, 2, 3, 4, 5, 6, 7, 8})
	return td
}

func oneLog() plog.Logs {
	ld := plog.NewLogs()
	ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Body().SetStr("order placed")
	return ld
}

// exportTraces sends one trace with the exporter and extension the config
// generated for configRegion declares, to a verifier that expects
// verifierRegion. The traces endpoint is the verifier's (the real one is
// not reachable from a test); region and service come only from the
// generated extension config.
func exportTraces(t *testing.T, configRegion, verifierRegion string, edit func(*otlphttpexporter.Config)) (error, []string) {
	t.Helper()
	withCredentials(t)
	v := &verifier{region: verifierRegion, service: "xray"}
	srv := httptest.NewServer(v)
	defer srv.Close()
	d := generate(t, sampling.Props{TailSampling: sampling.TailSamplingProps{Region: configRegion}})
	cfg := loadExporter(t, d, "otlphttp/xray")
	cfg.TracesEndpoint = srv.URL + "/v1/traces"
	synchronous(cfg)
	if edit != nil {
		edit(cfg)
	}
	exp, _, err := startExporter(t, cfg, "otlphttp/xray", startAuth(t, d, "sigv4auth/xray"), "traces")
	if err != nil {
		t.Fatalf("start exporter: %v", err)
	}
	return exp.ConsumeTraces(context.Background(), oneTrace()), v.got
}

func TestTracesAreSignedForXRayInTheConfiguredRegion(t *testing.T) {
	err, got := exportTraces(t, "us-west-2", "us-west-2", nil)
	if err != nil || len(got) != 1 || got[0] != "ok" {
		t.Fatalf("export: %v; endpoint saw %v", err, got)
	}
}

func TestAWrongRegionIsRefusedAndTheExporterReportsIt(t *testing.T) {
	// A config generated for eu-west-1 signs for eu-west-1, which the
	// us-west-2 endpoint refuses; the exporter returns the failure.
	err, got := exportTraces(t, "eu-west-1", "us-west-2", nil)
	if err == nil {
		t.Fatalf("export succeeded against a wrong region; endpoint saw %v", got)
	}
	if len(got) != 1 || !strings.Contains(got[0], "credential scope is not") || !strings.Contains(got[0], "/eu-west-1/xray/") {
		t.Errorf("endpoint saw %v, want a signature scoped to eu-west-1", got)
	}
	if !strings.Contains(err.Error(), "403") && !strings.Contains(err.Error(), "Forbidden") {
		t.Errorf("exporter error %v does not carry the 403", err)
	}
}

func TestMissingAuthIsRejected(t *testing.T) {
	t.Run("the authenticator extension is not started: the exporter refuses to start", func(t *testing.T) {
		withCredentials(t)
		d := generate(t, sampling.Props{TailSampling: sampling.TailSamplingProps{Region: "us-west-2"}})
		cfg := loadExporter(t, d, "otlphttp/xray")
		synchronous(cfg)
		_, _, err := startExporter(t, cfg, "otlphttp/xray", host{}, "traces")
		if err == nil || !strings.Contains(err.Error(), "sigv4auth/xray") {
			t.Fatalf("start without the sigv4auth/xray extension: %v, want an error naming it", err)
		}
	})
	t.Run("no auth at all: requests go unsigned and are refused", func(t *testing.T) {
		err, got := exportTraces(t, "us-west-2", "us-west-2", func(cfg *otlphttpexporter.Config) {
			cfg.ClientConfig.Auth = configoptional.None[configauth.Config]()
		})
		if err == nil || len(got) != 1 || got[0] != "unsigned request" {
			t.Fatalf("unsigned export: %v; endpoint saw %v", err, got)
		}
	})
	t.Run("the extension cannot find credentials: it does not validate", func(t *testing.T) {
		t.Setenv("AWS_ACCESS_KEY_ID", "")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "")
		t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
		t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
		t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
		d := generate(t, sampling.Props{TailSampling: sampling.TailSamplingProps{Region: "us-west-2"}})
		f := sigv4authextension.NewFactory()
		cfg := f.CreateDefaultConfig().(*sigv4authextension.Config)
		if err := confmap.NewFromStringMap(d.Extensions["sigv4auth/xray"]).Unmarshal(cfg); err != nil {
			t.Fatal(err)
		}
		// The extension retrieves credentials while validating, so a
		// collector without a role fails at startup instead of sending
		// unsigned requests.
		if err := confmap.Validate(cfg); err == nil {
			t.Fatal("sigv4auth validated without any credentials")
		}
	})
}

func TestLogsAreSignedForCloudWatchLogsWithGroupAndStreamHeaders(t *testing.T) {
	withCredentials(t)
	v := &verifier{region: "us-west-2", service: "logs"}
	var headers http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers = r.Header.Clone()
		v.ServeHTTP(w, r)
	}))
	defer srv.Close()
	d := generate(t, withLogs("us-west-2"))
	cfg := loadExporter(t, d, "otlphttp/logs")
	cfg.LogsEndpoint = srv.URL + "/v1/logs"
	synchronous(cfg)
	_, exp, err := startExporter(t, cfg, "otlphttp/logs", startAuth(t, d, "sigv4auth/logs"), "logs")
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := exp.ConsumeLogs(context.Background(), oneLog()); err != nil || len(v.got) != 1 || v.got[0] != "ok" {
		t.Fatalf("export logs: %v; endpoint saw %v", err, v.got)
	}
	if headers.Get("X-Aws-Log-Group") != "/o11yscale/checkout-api/warn" || headers.Get("X-Aws-Log-Stream") != sampling.DefaultLogStreamName {
		t.Errorf("headers = %v", headers)
	}
}
