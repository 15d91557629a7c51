package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/contract"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/forward"
	"github.com/o11yscale/o11yscale/lambdas/forwarder/internal/fwdtest"
)

const importPath = "github.com/o11yscale/o11yscale/lambdas/forwarder"

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

func centralKinesis(t *testing.T) *kinesis.Client {
	return kinesis.NewFromConfig(fwdtest.AWSConfig(t, moto, fwdtest.CentralRegion))
}

// binaryEnv is the bootstrap's environment for region, talking to moto.
func binaryEnv(region string) map[string]string {
	env := moto.Env(region)
	env[envCloudWatchProtocol] = "awsquery"
	return env
}

func TestBinaryForwardsEveryDatapointExactlyOnceAndRetriesWithTheSameIDs(t *testing.T) {
	const region, stream = "eu-west-1", "binary-central"
	stats := []string{"Average", "Maximum", "Minimum", "SampleCount", "Sum"}
	cfgEU := fwdtest.AWSConfig(t, moto, region)
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 4)
	ev, w := fwdtest.RecentEventTime()
	// 200 metrics x 5 statistics = 1,000 queries: two GetMetricData calls.
	samples := fwdtest.PutMetrics(t, fwdtest.CloudWatch(cfgEU), w, 200, 5, 3)

	// The config comes from SSM and names a role to assume for the put.
	cfg := fwdtest.Config(stream, 200, stats)
	cfg.RoleARN = "arn:aws:iam::" + fwdtest.Account + ":role/o11yscale-central-metrics-put"
	cfg.SessionName = "acme-forwarder"
	doc, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	param := "/o11yscale/forwarder/" + region
	if _, err := ssm.NewFromConfig(cfgEU).PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: &param, Value: aws.String(string(doc)), Type: ssmtypes.ParameterTypeString}); err != nil {
		t.Fatal(err)
	}
	env := binaryEnv(region)
	env[contract.EnvConfigParameter] = param
	rt := lambdatest.StartRuntime(t, lambdatest.Build(t, importPath), env)
	payload, _ := json.Marshal(fwdtest.ScheduledEvent(ev, region))

	invoke := func(attempt int) forward.Summary {
		res, err := rt.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		if res.Error != nil {
			t.Fatalf("invocation %d failed: %s\n%s", attempt, res.Error.ErrorMessage, rt.Output())
		}
		var sum forward.Summary
		if err := json.Unmarshal(res.Payload, &sum); err != nil {
			t.Fatal(err)
		}
		t.Logf("invocation %d: %+v", attempt, sum)
		if sum.DatapointsRead != 1000 || sum.RecordsPut != 200 || sum.RecordsFailed != 0 || sum.GetMetricDataCalls != 2 || sum.PutRecordsCalls != 1 {
			t.Fatalf("summary %+v: want 1,000 datapoints in 200 records, 2 GetMetricData calls, 1 PutRecords call", sum)
		}
		return sum
	}

	first := invoke(1)
	got := fwdtest.ReadStream(t, kin, stream)
	fwdtest.CheckExactlyOnce(t, got.Datapoints, w, map[string][]fwdtest.Sample{region: samples}, stats)
	if len(got.PerShard) != 4 {
		t.Fatalf("records landed on %d of 4 shards: %v", len(got.PerShard), got.PerShard)
	}

	// A retried delivery of the same event forwards the same window with
	// the same ids, so downstream can drop the repeats.
	again := invoke(2)
	if again.WindowStart != first.WindowStart || again.WindowEnd != first.WindowEnd {
		t.Fatalf("retry forwarded [%s, %s), first [%s, %s)", again.WindowStart, again.WindowEnd, first.WindowStart, first.WindowEnd)
	}
	perID := map[string]int{}
	for _, d := range fwdtest.ReadStream(t, kin, stream).Datapoints {
		perID[d.ID]++
	}
	if len(perID) != 1000 {
		t.Fatalf("after a retry the stream holds %d distinct ids, want 1,000", len(perID))
	}
	for id, n := range perID {
		if n != 2 {
			t.Fatalf("id %s appears %d times after one retry, want 2", id, n)
		}
	}

	// The role was assumed under the platform's session name and the
	// region (moto keeps every assumed-role session in its state).
	if sessions := assumedSessions(t); !slices.Contains(sessions, "acme-forwarder-"+region) {
		t.Errorf("assumed-role sessions %v, want acme-forwarder-%s", sessions, region)
	}

	out := rt.Output()
	for _, want := range []string{`"O11yscale/Pipeline"`, `"Function":"forwarder"`, `"DatapointsRead":1000`, `"RecordsPut":200`,
		`"RecordsRetried":0`, `"RecordsFailed":0`, `"GetMetricDataCalls":2`, `"PutRecordsCalls":1`, `"LagSeconds"`, `"msg":"forwarded window"`} {
		if !strings.Contains(out, want) {
			t.Errorf("function output lacks %s:\n%s", want, out)
		}
	}
}

// assumedSessions are the session names of every role moto saw assumed,
// from its state (/moto-api/data.json).
func assumedSessions(t *testing.T) []string {
	t.Helper()
	resp, err := http.Get(moto.Endpoint + "/moto-api/data.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		STS struct {
			AssumedRole []struct {
				SessionName string `json:"session_name"`
			}
		} `json:"sts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range state.STS.AssumedRole {
		out = append(out, r.SessionName)
	}
	return out
}

func TestBinaryReadsInlineConfigAndFailsEveryInvocationOnAnInvalidOne(t *testing.T) {
	const region, stream = "eu-central-1", "inline-central"
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 1)
	ev, w := fwdtest.RecentEventTime()
	samples := fwdtest.PutMetrics(t, fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region)), w, 20, 5, 1)
	bin := lambdatest.Build(t, importPath)
	payload, _ := json.Marshal(fwdtest.ScheduledEvent(ev, region))

	doc, _ := json.Marshal(fwdtest.Config(stream, 20, []string{"Sum"}))
	env := binaryEnv(region)
	env[contract.EnvConfig] = string(doc)
	res, err := lambdatest.StartRuntime(t, bin, env).Invoke(payload)
	if err != nil {
		t.Fatal(err)
	}
	if res.Error != nil {
		t.Fatalf("invocation failed: %s", res.Error.ErrorMessage)
	}
	fwdtest.CheckExactlyOnce(t, fwdtest.ReadStream(t, kin, stream).Datapoints, w, map[string][]fwdtest.Sample{region: samples}, []string{"Sum"})

	env[contract.EnvConfig] = `{"streamName":"inline-central","centralRegion":"us-east-1","metrics":[{"namespace":"App/Load","metricName":"Latency","statistics":["Median"]}]}`
	rt := lambdatest.StartRuntime(t, bin, env)
	for range 2 {
		res, err = rt.Invoke(payload)
		if err != nil {
			t.Fatal(err)
		}
		if res.Error == nil || !strings.Contains(res.Error.ErrorMessage, `metrics[0].statistics[0]: "Median" is not allowed`) {
			t.Fatalf("an invalid config should fail each invocation naming the field; got %+v", res)
		}
	}
}

func lambdaContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestRetriesDeliverEveryRecordExactlyOnceWhenKinesisThrottles(t *testing.T) {
	const region, stream = "ap-northeast-2", "throttled-central"
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 2)
	ev, w := fwdtest.RecentEventTime()
	cw := fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region))
	// 600 records: two PutRecords batches, 30% of entries failed per call.
	samples := fwdtest.PutMetrics(t, cw, w, 600, 5, 1)
	faulty := fwdtest.NewFailingKinesis(kin, 0.3, 5,
		"ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException", "InternalFailure")
	h := &forward.Handler{Config: fwdtest.Config(stream, 600, []string{"Sum"}), Region: region, CloudWatch: cw, Kinesis: faulty,
		Retry: forward.Retry{BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, MaxAttempts: 20}}
	sum, err := h.Handle(lambdaContext(t, 2*time.Minute), fwdtest.ScheduledEvent(ev, region))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d entries failed on purpose over %d PutRecords calls; summary %+v", faulty.Injected, faulty.Calls, sum)
	if sum.RecordsPut != 600 || sum.RecordsFailed != 0 || sum.RecordsRetried != faulty.Injected || faulty.Injected < 100 {
		t.Fatalf("summary %+v with %d injected failures: want 600 put, 0 failed, every injected failure retried", sum, faulty.Injected)
	}
	if sum.PutRecordsCalls != faulty.Calls {
		t.Fatalf("summary counts %d PutRecords calls, the client saw %d", sum.PutRecordsCalls, faulty.Calls)
	}
	fwdtest.CheckExactlyOnce(t, fwdtest.ReadStream(t, kin, stream).Datapoints, w, map[string][]fwdtest.Sample{region: samples}, []string{"Sum"})
}

func TestUndeliveredRecordsFailTheInvocationNamingCounts(t *testing.T) {
	const region, stream = "us-west-1", "failing-central"
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 1)
	ev, w := fwdtest.RecentEventTime()
	cw := fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region))
	fwdtest.PutMetrics(t, cw, w, 50, 5, 1)
	throttled := func(code string) func() forward.PutRecordsAPI {
		return func() forward.PutRecordsAPI { return fwdtest.NewFailingKinesis(kin, 1, 1, code) }
	}

	cases := []struct {
		name      string
		stream    string
		kinesis   func() forward.PutRecordsAPI
		retry     forward.Retry
		deadline  time.Duration
		wantCalls int64 // 0: not checked
		wantError []string
	}{
		{"throttled past the attempt limit", stream, throttled("ProvisionedThroughputExceededException"),
			forward.Retry{MaxAttempts: 3, BaseDelay: time.Millisecond}, time.Minute, 3,
			[]string{"50 of 50 records not delivered", "50 retries exhausted"}},
		{"throttled past the time budget", stream, throttled("ProvisionedThroughputExceededException"),
			forward.Retry{MaxAttempts: 1000, BaseDelay: 200 * time.Millisecond, MaxDelay: 400 * time.Millisecond, Reserve: time.Second}, 3 * time.Second, 0,
			[]string{"50 of 50 records not delivered", "50 time budget exhausted"}},
		{"a permanent entry error is not retried", stream, throttled("KMSAccessDeniedException"),
			forward.Retry{}, time.Minute, 1,
			[]string{"50 of 50 records not delivered", "50 KMSAccessDeniedException"}},
		{"a missing stream fails the whole call once", "no-such-stream", func() forward.PutRecordsAPI { return kin },
			forward.Retry{}, time.Minute, 1,
			[]string{"50 of 50 records not delivered to stream no-such-stream", "50 ResourceNotFoundException"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			counter := &fwdtest.CountingKinesis{PutRecordsAPI: c.kinesis()}
			h := &forward.Handler{Config: fwdtest.Config(c.stream, 50, []string{"Sum"}), Region: region, CloudWatch: cw, Kinesis: counter, Retry: c.retry}
			sum, err := h.Handle(lambdaContext(t, c.deadline), fwdtest.ScheduledEvent(ev, region))
			if err == nil {
				t.Fatalf("undelivered records did not fail the invocation: %+v", sum)
			}
			for _, want := range c.wantError {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if sum.RecordsFailed != 50 || sum.RecordsPut != 0 || sum.DatapointsRead != 250 {
				t.Fatalf("summary %+v: want 250 datapoints read and all 50 records counted as failed", sum)
			}
			if c.wantCalls > 0 && counter.Calls.Load() != c.wantCalls {
				t.Fatalf("%d PutRecords calls, want %d", counter.Calls.Load(), c.wantCalls)
			}
		})
	}
	if got := fwdtest.ReadStream(t, kin, stream); got.Records != 0 {
		t.Fatalf("%d records reached the stream although every entry failed", got.Records)
	}
}

func TestLoadConfigReadsTheSSMParameterOrInlineJSON(t *testing.T) {
	client := ssm.NewFromConfig(fwdtest.AWSConfig(t, moto, "eu-south-1"))
	doc, _ := json.Marshal(fwdtest.Config("s", 3, []string{"Sum"}))
	for name, value := range map[string]string{"/fwd/good": string(doc), "/fwd/bad": `{"streamName":"s"}`} {
		if _, err := client.PutParameter(context.Background(), &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeSecureString}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"inline", map[string]string{contract.EnvConfig: string(doc)}, ""},
		{"secure string parameter", map[string]string{contract.EnvConfigParameter: "/fwd/good"}, ""},
		{"both", map[string]string{contract.EnvConfig: string(doc), contract.EnvConfigParameter: "/fwd/good"}, "set exactly one"},
		{"neither", nil, "neither FORWARDER_CONFIG"},
		{"missing parameter", map[string]string{contract.EnvConfigParameter: "/fwd/nope"}, `SSM parameter "/fwd/nope"`},
		{"invalid parameter", map[string]string{contract.EnvConfigParameter: "/fwd/bad"}, `SSM parameter "/fwd/bad": forwarder config: centralRegion`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := forward.LoadConfig(context.Background(), func(k string) string { return c.env[k] }, client)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatal(err)
			case c.wantErr == "" && (got.StreamName != "s" || len(got.Metrics) != 3 || got.IntervalSeconds != 300):
				t.Fatalf("loaded %+v", got)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}

func TestHandlerTakesAccountFromTheFunctionARNAndTimeFromTheClockWhenTheEventLacksThem(t *testing.T) {
	const region, stream = "eu-west-3", "fallback-central"
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 1)
	ev, w := fwdtest.RecentEventTime()
	cw := fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region))
	fwdtest.PutMetrics(t, cw, w, 2, 5, 1)
	clock := ev.Add(90 * time.Second)
	withARN := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{
		InvokedFunctionArn: "arn:aws:lambda:" + region + ":210987654321:function:forwarder"})

	cases := []struct {
		name        string
		ctx         context.Context
		event       func() events.CloudWatchEvent
		wantAccount string
		wantErr     string
	}{
		{"account from the function ARN", withARN, func() events.CloudWatchEvent {
			e := fwdtest.ScheduledEvent(ev, region)
			e.AccountID = ""
			return e
		}, "210987654321", ""},
		{"window from the clock", context.Background(), func() events.CloudWatchEvent {
			e := fwdtest.ScheduledEvent(ev, region)
			e.Time = time.Time{}
			return e
		}, fwdtest.Account, ""},
		{"no account anywhere", context.Background(), func() events.CloudWatchEvent {
			e := fwdtest.ScheduledEvent(ev, region)
			e.AccountID = ""
			return e
		}, "", `the event has no "account"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(fwdtest.ReadStream(t, kin, stream).Datapoints)
			h := &forward.Handler{Config: fwdtest.Config(stream, 2, []string{"Sum"}), Region: region, CloudWatch: cw, Kinesis: kin,
				Now: func() time.Time { return clock }}
			sum, err := h.Handle(c.ctx, c.event())
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sum.WindowStart.Equal(w.Start) || sum.RecordsPut != 2 {
				t.Fatalf("summary %+v, want window from %s and 2 records", sum, w.Start)
			}
			got := fwdtest.ReadStream(t, kin, stream).Datapoints[before:]
			for _, d := range got {
				if d.Account != c.wantAccount {
					t.Fatalf("datapoint account %q, want %q", d.Account, c.wantAccount)
				}
			}
		})
	}
}

// failingCloudWatch wraps the real client: on call number failCall it
// returns an error, or marks the first result Forbidden if forbid is set,
// or ends the invocation's time budget (cancel) after answering.
type failingCloudWatch struct {
	forward.GetMetricDataAPI
	failCall, calls int
	forbid          bool
	cancel          context.CancelFunc
}

func (f *failingCloudWatch) GetMetricData(ctx context.Context, in *cloudwatch.GetMetricDataInput, o ...func(*cloudwatch.Options)) (*cloudwatch.GetMetricDataOutput, error) {
	f.calls++
	if f.calls == f.failCall && !f.forbid && f.cancel == nil {
		return nil, errors.New("injected GetMetricData failure")
	}
	out, err := f.GetMetricDataAPI.GetMetricData(ctx, in, o...)
	if err == nil && f.calls == f.failCall {
		if f.forbid {
			out.MetricDataResults[0].StatusCode = cwtypes.StatusCodeForbidden
		}
		if f.cancel != nil {
			f.cancel()
		}
	}
	return out, err
}

func TestFailedQueriesFailTheInvocationAfterForwardingTheRest(t *testing.T) {
	const region, stream = "ap-south-1", "queryfail-central"
	kin := centralKinesis(t)
	fwdtest.CreateStream(t, kin, stream, 1)
	ev, w := fwdtest.RecentEventTime()
	cw := fwdtest.CloudWatch(fwdtest.AWSConfig(t, moto, region))
	fwdtest.PutMetrics(t, cw, w, 600, 5, 1)
	cases := []struct {
		name                             string
		failCall                         int
		forbid, outOfTime                bool
		wantPut, wantFailed, wantQueries int
		wantError                        []string
	}{
		{"a failed call skips its 500 metrics", 1, false, false, 100, 0, 500,
			[]string{"GetMetricData call 1 of 2 (500 queries): injected GetMetricData failure"}},
		{"a forbidden query is reported", 2, true, false, 600, 0, 1,
			[]string{"1 queries failed: q0: Forbidden"}},
		{"running out of time skips the remaining calls and counts unsent records", 1, false, true, 0, 500, 100,
			[]string{"GetMetricData calls 2-2 of 2 (100 queries) not made: context canceled", "500 of 500 records not delivered"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			fcw := &failingCloudWatch{GetMetricDataAPI: cw, failCall: c.failCall, forbid: c.forbid}
			if c.outOfTime {
				fcw.cancel = cancel
			}
			h := &forward.Handler{Config: fwdtest.Config(stream, 600, []string{"Sum"}), Region: region, CloudWatch: fcw, Kinesis: kin}
			sum, err := h.Handle(ctx, fwdtest.ScheduledEvent(ev, region))
			for _, want := range c.wantError {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("error %v, want one containing %q", err, want)
				}
			}
			if sum.RecordsPut != c.wantPut || sum.RecordsFailed != c.wantFailed || sum.QueriesFailed != c.wantQueries {
				t.Fatalf("summary %+v: want %d records put, %d failed, %d queries failed", sum, c.wantPut, c.wantFailed, c.wantQueries)
			}
		})
	}
}
