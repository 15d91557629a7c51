package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/o11yscale/o11yscale/internal/lambdatest"
	"github.com/o11yscale/o11yscale/lambdas/oamsink/contract"
)

var moto *lambdatest.Moto

func TestMain(m *testing.M) { os.Exit(lambdatest.RunWithMoto(m, &moto)) }

const (
	monitoringAccount = "111122223333"
	region            = "eu-west-1"
)

// The real bootstrap, under the test-served Runtime API, against moto:
// moto emulates STS AssumeRole across accounts (the assumed credentials act
// in the role's account) and SSM, but not OAM, so the sink ARN in the
// parameter is written by the test as the monitoring stack would.
type harness struct {
	t       *testing.T
	rt      *lambdatest.Runtime
	mu      sync.Mutex
	answers []map[string]any
	cfn     *httptest.Server
	seq     int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	moto.Reset(t)
	h := &harness{t: t}
	h.cfn = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var a map[string]any
		if r.Method != http.MethodPut || json.Unmarshal(b, &a) != nil {
			t.Errorf("answer %s %s is not a JSON PUT", r.Method, b)
		}
		h.mu.Lock()
		h.answers = append(h.answers, a)
		h.mu.Unlock()
	}))
	t.Cleanup(h.cfn.Close)
	bin := lambdatest.Build(t, "github.com/o11yscale/o11yscale/lambdas/oamsink")
	// The Lambda runs in the workload account (moto's default 123456789012).
	h.rt = lambdatest.StartRuntime(t, bin, moto.Env("us-west-2"))
	return h
}

// putParameter writes the parameter inside the monitoring account, through
// an assumed role there, as the monitoring stack does.
func putParameter(t *testing.T, account, name, value string) {
	t.Helper()
	ctx := context.Background()
	for k, v := range moto.Env(region) {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+account+":role/admin"))
	if _, err := ssm.NewFromConfig(cfg).PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String(value), Type: ssmtypes.ParameterTypeString,
	}); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) invoke(ev map[string]any) (lambdatest.Result, map[string]any) {
	h.t.Helper()
	h.mu.Lock()
	before := len(h.answers)
	h.mu.Unlock()
	b, _ := json.Marshal(ev)
	res, err := h.rt.Invoke(b)
	if err != nil {
		h.t.Fatal(err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.answers) == before {
		return res, nil
	}
	return res, h.answers[len(h.answers)-1]
}

func (h *harness) event(requestType string, props map[string]any) map[string]any {
	h.seq++
	ev := map[string]any{
		"RequestType": requestType, "ResponseURL": fmt.Sprintf("%s/answer/%d", h.cfn.URL, h.seq),
		"StackId": "arn:aws:cloudformation:us-west-2:123456789012:stack/o11yscale-payments-us-west-2/1", "RequestId": fmt.Sprint(h.seq),
		"LogicalResourceId": "OamSinkArn", "ResourceType": contract.ResourceType,
	}
	if props != nil {
		ev["ResourceProperties"] = props
	}
	if requestType != "Create" {
		ev["PhysicalResourceId"] = "oam-sink-arn-" + region
	}
	return ev
}

func props() map[string]any {
	return map[string]any{
		"ServiceToken":  "arn:aws:lambda:us-west-2:123456789012:function:lookup",
		"ReaderRoleArn": "arn:aws:iam::" + monitoringAccount + ":role/" + contract.ReaderRoleName("o11yscale"),
		"ParameterName": contract.ParameterName("o11yscale"),
		"Region":        region,
	}
}

func TestBootstrapReadsTheSinkArnFromTheMonitoringAccount(t *testing.T) {
	h := newHarness(t)
	sink := "arn:aws:oam:" + region + ":" + monitoringAccount + ":sink/5f2c9b8e-1d4a-4c3b-9e7f-0a1b2c3d4e5f"
	putParameter(t, monitoringAccount, contract.ParameterName("o11yscale"), sink)
	for _, rt := range []string{"Create", "Update"} {
		res, a := h.invoke(h.event(rt, props()))
		if res.Error != nil || a == nil {
			t.Fatalf("%s: invocation error %+v, answer %v\n%s", rt, res.Error, a, h.rt.Output())
		}
		data, _ := a["Data"].(map[string]any)
		if a["Status"] != "SUCCESS" || data[contract.AttrSinkArn] != sink {
			t.Fatalf("%s answered %v; want SUCCESS with SinkArn %s\n%s", rt, a, sink, h.rt.Output())
		}
		if a["PhysicalResourceId"] != "oam-sink-arn-"+region {
			t.Errorf("%s: physical id %v", rt, a["PhysicalResourceId"])
		}
	}
	res, a := h.invoke(h.event("Delete", props()))
	if res.Error != nil || a["Status"] != "SUCCESS" {
		t.Fatalf("Delete: %+v %v", res.Error, a)
	}
}

// A parameter in the Lambda's own account is not the monitoring account's:
// the lookup goes through the assumed role, so it is not found.
func TestBootstrapDoesNotReadTheWorkloadAccountsOwnParameter(t *testing.T) {
	h := newHarness(t)
	putParameter(t, "123456789012", contract.ParameterName("o11yscale"), "arn:aws:oam:"+region+":123456789012:sink/abc")
	res, a := h.invoke(h.event("Create", props()))
	if res.Error != nil || a == nil {
		t.Fatalf("invocation error %+v (an answerable failure must be answered, not raised)", res.Error)
	}
	if a["Status"] != "FAILED" || !strings.Contains(fmt.Sprint(a["Reason"]), "ParameterNotFound") {
		t.Fatalf("answered %v; want FAILED naming ParameterNotFound", a)
	}
}

func TestBootstrapRefusesAParameterThatIsNotTheMonitoringAccountsSink(t *testing.T) {
	h := newHarness(t)
	putParameter(t, monitoringAccount, contract.ParameterName("o11yscale"), "arn:aws:oam:"+region+":999999999999:sink/abc")
	_, a := h.invoke(h.event("Create", props()))
	if a["Status"] != "FAILED" || !strings.Contains(fmt.Sprint(a["Reason"]), "not the monitoring account "+monitoringAccount) {
		t.Fatalf("answered %v; want FAILED naming the account mismatch", a)
	}
}

func TestBootstrapAnswersMalformedEventsWithoutPanicking(t *testing.T) {
	h := newHarness(t)
	bad := props()
	bad["ReaderRoleArn"] = "arn:aws:iam::*:role/anything"
	delete(bad, "Region")
	_, a := h.invoke(h.event("Create", bad))
	reason := fmt.Sprint(a["Reason"])
	if a["Status"] != "FAILED" || !strings.Contains(reason, "ReaderRoleArn") || !strings.Contains(reason, "Region") {
		t.Fatalf("answered %v; want FAILED naming ReaderRoleArn and Region", a)
	}
	// Wrong JSON types: still answered on the ResponseURL that decoded.
	ev := h.event("Create", props())
	ev["RequestId"] = 42
	_, a = h.invoke(ev)
	if a["Status"] != "FAILED" || !strings.Contains(fmt.Sprint(a["Reason"]), "decoding") {
		t.Fatalf("answered %v; want FAILED naming the decoding error", a)
	}
	// Deleting a resource whose Create failed on bad properties succeeds.
	_, a = h.invoke(h.event("Delete", bad))
	if a["Status"] != "SUCCESS" {
		t.Fatalf("Delete with bad properties answered %v; want SUCCESS", a)
	}
	// Without a ResponseURL nothing can be answered: the invocation fails,
	// so Lambda retries and then sends the event to the failure queue.
	ev = h.event("Create", props())
	delete(ev, "ResponseURL")
	res, a := h.invoke(ev)
	if res.Error == nil || a != nil {
		t.Fatalf("unanswerable event: error %+v, answer %v; want an invocation error and no answer", res.Error, a)
	}
	if strings.Contains(h.rt.Output(), "panic") {
		t.Fatalf("the binary panicked:\n%s", h.rt.Output())
	}
}
