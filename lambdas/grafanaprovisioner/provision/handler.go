package provision

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/grafana"
	"github.com/aws/aws-sdk-go-v2/service/grafana/types"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
	"github.com/o11yscale/o11yscale/lambdas/internal/cfnresponse"
	"github.com/o11yscale/o11yscale/telemetry/emf"
)

// FunctionName is the Function dimension of this Lambda's metrics.
const FunctionName = contract.FunctionName

// TokenSecondsToLive is the lifetime of the provisioning token: the
// Lambda's maximum run time, so a token whose deletion failed expires soon.
const TokenSecondsToLive = contract.TokenSecondsToLive

// ControlPlane is the part of the Managed Grafana control-plane API the
// provisioner uses (satisfied by *grafana.Client).
type ControlPlane interface {
	ListWorkspaceServiceAccounts(ctx context.Context, in *grafana.ListWorkspaceServiceAccountsInput, optFns ...func(*grafana.Options)) (*grafana.ListWorkspaceServiceAccountsOutput, error)
	CreateWorkspaceServiceAccount(ctx context.Context, in *grafana.CreateWorkspaceServiceAccountInput, optFns ...func(*grafana.Options)) (*grafana.CreateWorkspaceServiceAccountOutput, error)
	CreateWorkspaceServiceAccountToken(ctx context.Context, in *grafana.CreateWorkspaceServiceAccountTokenInput, optFns ...func(*grafana.Options)) (*grafana.CreateWorkspaceServiceAccountTokenOutput, error)
	DeleteWorkspaceServiceAccountToken(ctx context.Context, in *grafana.DeleteWorkspaceServiceAccountTokenInput, optFns ...func(*grafana.Options)) (*grafana.DeleteWorkspaceServiceAccountTokenOutput, error)
	DeleteWorkspaceServiceAccount(ctx context.Context, in *grafana.DeleteWorkspaceServiceAccountInput, optFns ...func(*grafana.Options)) (*grafana.DeleteWorkspaceServiceAccountOutput, error)
}

// MetricEmitter writes EMF metrics (satisfied by *emf.Logger).
type MetricEmitter interface {
	Emit(dims map[string]string, metrics ...emf.Metric) error
}

// Handler handles CloudFormation custom resource events.
type Handler struct {
	// ControlPlane returns the control-plane client for a workspace region.
	ControlPlane func(region string) ControlPlane
	// Collections returns the OpenSearch Serverless client of a region,
	// for the endpoints of the OpenSearch data sources. Needed only when
	// the properties list one.
	Collections func(region string) Collections
	// HTTP sends Grafana API calls and the CloudFormation response.
	// Default: a client with a 30s timeout per request.
	HTTP *http.Client
	// Scheme of the workspace endpoint. Default: "https".
	Scheme string
	// HostSuffix, when set, is required at the end of WorkspaceEndpoint so
	// the token is only ever sent to a Managed Grafana host.
	HostSuffix string
	// Retry bounds Grafana API retries. Default: see Retry.
	Retry Retry
	// ResponseReserve is kept free before the Lambda deadline to delete
	// the token and answer CloudFormation. Default: 10s.
	ResponseReserve time.Duration
	Log             *slog.Logger
	Metrics         MetricEmitter
}

// run is one invocation's state.
type run struct {
	h         *Handler
	ev        Event
	stats     Stats
	retries   atomic.Int64
	accountID string // the service account withToken used
}

// Handle processes one event and always answers CloudFormation, also on
// errors and before the deadline, so a stack never waits an hour for a
// timeout. It returns an error only when the answer could not be sent, so
// Lambda's retry of an asynchronous invocation does not answer twice.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) error {
	start := time.Now()
	r := &run{h: h}
	ev, err := DecodeEvent(raw)
	r.ev = ev
	log := h.logger().With("request_type", ev.RequestType, "request_id", ev.RequestID, "logical_id", ev.LogicalResourceID)
	if err != nil && checkResponseURL(ev.ResponseURL) != nil {
		log.Error("event cannot be answered: no usable ResponseURL", "error", err)
		h.emit(r, false, start)
		return fmt.Errorf("grafanaprovisioner: %w", err)
	}
	resp := Response{
		StackID: ev.StackID, RequestID: ev.RequestID, LogicalResourceID: ev.LogicalResourceID,
		PhysicalResourceID: ev.PhysicalResourceID,
	}
	if err == nil {
		workCtx, cancel := h.workContext(ctx)
		resp.PhysicalResourceID, resp.Data, err = r.dispatch(workCtx, ctx, log)
		cancel()
	}
	if resp.PhysicalResourceID == "" {
		resp.PhysicalResourceID = "grafana-provisioning-" + safeID(ev.LogicalResourceID)
	}
	resp.Status = StatusSuccess
	if err != nil {
		resp.Status, resp.Reason = StatusFailed, err.Error()
		log.Error("provisioning failed", "error", resp.Reason)
	}
	log.Info("answering CloudFormation", "status", resp.Status, "physical_id", resp.PhysicalResourceID,
		"written", r.stats.Written, "unchanged", r.stats.Unchanged, "deleted", r.stats.Deleted, "kept", r.stats.Kept)
	sendErr := cfnresponse.Put(ctx, h.httpClient(), ev.ResponseURL, resp, nil)
	h.emit(r, err == nil && sendErr == nil, start)
	if sendErr != nil {
		log.Error("could not answer CloudFormation", "error", sendErr)
		return fmt.Errorf("grafanaprovisioner: %w", sendErr)
	}
	return nil
}

// workContext ends the work early enough to clean up and answer.
func (h *Handler) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := h.ResponseReserve
	if reserve <= 0 {
		reserve = 10 * time.Second
	}
	if left := time.Until(deadline); reserve > left/2 {
		reserve = left / 2
	}
	return context.WithDeadline(ctx, deadline.Add(-reserve))
}

// dispatch runs the request and returns the physical id and output data.
func (r *run) dispatch(ctx, outer context.Context, log *slog.Logger) (string, map[string]string, error) {
	ev := r.ev
	switch ev.RequestType {
	case RequestDelete:
		want, err := DecodeProperties(ev.ResourceProperties)
		if err != nil {
			// Nothing can have been created from properties that never
			// decoded (Create failed on them), and failing here would leave
			// the stack in DELETE_FAILED.
			log.Warn("delete with invalid properties: nothing to remove", "error", err)
			return ev.PhysicalResourceID, nil, nil
		}
		return ev.PhysicalResourceID, nil, r.remove(ctx, outer, want, log)
	default:
		want, err := DecodeProperties(ev.ResourceProperties)
		if err != nil {
			id := ev.PhysicalResourceID
			if id == "" && contract.IsWorkspaceID(want.WorkspaceID) {
				id = PhysicalID(want.WorkspaceID)
			}
			return id, nil, fmt.Errorf("invalid ResourceProperties: %w", err)
		}
		if err := r.checkEndpoint(want.Endpoint); err != nil {
			return PhysicalID(want.WorkspaceID), nil, err
		}
		var old Desired
		if ev.RequestType == RequestUpdate {
			if old, err = DecodeProperties(ev.OldResourceProperties); err != nil {
				log.Warn("old properties do not decode; nothing will be removed", "error", err)
				old = Desired{}
			}
		}
		err = r.apply(ctx, outer, want, old, log)
		data := map[string]string{
			"WorkspaceId": want.WorkspaceID, "ContentHash": want.ContentHash,
			"DataSources": fmt.Sprint(len(want.DataSources)), "Dashboards": fmt.Sprint(len(want.Dashboards)),
		}
		if len(r.stats.Pending) > 0 {
			data["PendingDataSources"] = strings.Join(r.stats.Pending, ",")
		}
		return PhysicalID(want.WorkspaceID), data, err
	}
}

func (r *run) checkEndpoint(host string) error {
	if s := r.h.HostSuffix; s != "" && !strings.HasSuffix(host, s) {
		return fmt.Errorf("WorkspaceEndpoint %q: must end with %q (a Managed Grafana workspace host)", host, s)
	}
	return nil
}

// apply upserts want and, when Update stays in the same workspace, removes
// what old had and want no longer has.
func (r *run) apply(ctx, outer context.Context, want, old Desired, log *slog.Logger) error {
	// Before any token exists, so a lookup error leaves the workspace
	// untouched.
	endpoints, pending, err := r.collectionEndpoints(ctx, want.DataSources)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		log.Warn("OpenSearch data sources pending until a later run (the platform's <name>-grafana-datasources stack runs once the collections exist)", "collections", pending)
	}
	return r.withToken(ctx, outer, want, log, func(g *grafanaAPI) error {
		for _, ds := range want.DataSources {
			if ds.Type == dashboard.OpenSearchType && endpoints[ds.Region][ds.Collection] == "" {
				// Left as it is: an existing one keeps its last endpoint,
				// a new one is created by a later run.
				r.stats.Pending = append(r.stats.Pending, ds.UID)
				continue
			}
			if err := g.upsertDataSource(ctx, ds, endpoints[ds.Region][ds.Collection], &r.stats); err != nil {
				return err
			}
		}
		for _, f := range want.Folders {
			if err := g.upsertFolder(ctx, f, &r.stats); err != nil {
				return err
			}
		}
		for _, d := range want.Dashboards {
			if err := g.upsertDashboard(ctx, d, want.ContentHash, &r.stats); err != nil {
				return err
			}
		}
		if old.WorkspaceID != want.WorkspaceID {
			// A new workspace: CloudFormation deletes the old physical
			// resource with the old properties.
			return nil
		}
		return r.removeObjects(ctx, g, difference(old, want))
	})
}

// difference is what a has and b does not, by uid.
func difference(a, b Desired) Desired {
	out := Desired{WorkspaceID: a.WorkspaceID}
	for _, d := range a.Dashboards {
		if !slices.ContainsFunc(b.Dashboards, func(x DashboardSpec) bool { return x.UID == d.UID }) {
			out.Dashboards = append(out.Dashboards, d)
		}
	}
	for _, f := range a.Folders {
		if !slices.ContainsFunc(b.Folders, func(x dashboard.Folder) bool { return x.UID == f.UID }) {
			out.Folders = append(out.Folders, f)
		}
	}
	for _, ds := range a.DataSources {
		if !slices.ContainsFunc(b.DataSources, func(x dashboard.DataSource) bool { return x.UID == ds.UID }) {
			out.DataSources = append(out.DataSources, ds)
		}
	}
	return out
}

// removeObjects deletes dashboards, then folders (only if empty), then
// data sources, all by uid.
func (r *run) removeObjects(ctx context.Context, g *grafanaAPI, d Desired) error {
	for _, db := range d.Dashboards {
		if err := g.remove(ctx, fmt.Sprintf("dashboard %q", db.UID), "/api/dashboards/uid/"+db.UID, &r.stats); err != nil {
			return err
		}
	}
	for _, f := range d.Folders {
		if err := g.removeFolder(ctx, f.UID, &r.stats); err != nil {
			return err
		}
	}
	for _, ds := range d.DataSources {
		if err := g.remove(ctx, fmt.Sprintf("data source %q", ds.UID), "/api/datasources/uid/"+ds.UID, &r.stats); err != nil {
			return err
		}
	}
	return nil
}

// remove deletes everything the properties list and then the service
// account. A workspace that no longer exists has nothing left to remove.
func (r *run) remove(ctx, outer context.Context, want Desired, log *slog.Logger) error {
	err := r.withToken(ctx, outer, want, log, func(g *grafanaAPI) error {
		return r.removeObjects(ctx, g, want)
	})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		log.Warn("workspace or service account not found; nothing to remove", "workspace", want.WorkspaceID)
		return nil
	}
	if err != nil {
		return err
	}
	id := r.accountID
	_, err = r.h.ControlPlane(want.Region).DeleteWorkspaceServiceAccount(ctx, &grafana.DeleteWorkspaceServiceAccountInput{
		WorkspaceId: aws.String(want.WorkspaceID), ServiceAccountId: aws.String(id),
	})
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting service account %s: %w", id, err)
	}
	r.stats.Deleted++
	return nil
}

// ServiceAccountName is the provisioner's service account in a workspace:
// one per custom resource, so two stacks sharing a workspace do not delete
// each other's account.
func ServiceAccountName(stackID, logicalID string) string {
	sum := sha256.Sum256([]byte(stackID + "/" + logicalID))
	return "o11yscale-provisioner-" + hex.EncodeToString(sum[:4])
}

func (r *run) findServiceAccount(ctx context.Context, cp ControlPlane, workspaceID string) (string, error) {
	name := ServiceAccountName(r.ev.StackID, r.ev.LogicalResourceID)
	p := grafana.NewListWorkspaceServiceAccountsPaginator(cp, &grafana.ListWorkspaceServiceAccountsInput{WorkspaceId: aws.String(workspaceID)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("listing service accounts of workspace %s: %w", workspaceID, err)
		}
		for _, sa := range page.ServiceAccounts {
			if aws.ToString(sa.Name) == name {
				return aws.ToString(sa.Id), nil
			}
		}
	}
	return "", nil
}

// withToken finds or creates the service account, creates a short-lived
// token, runs fn with a Grafana client using it, and deletes the token
// afterwards, also when fn fails or the deadline passed.
func (r *run) withToken(ctx, outer context.Context, want Desired, log *slog.Logger, fn func(*grafanaAPI) error) (err error) {
	cp := r.h.ControlPlane(want.Region)
	ws := aws.String(want.WorkspaceID)
	id, err := r.findServiceAccount(ctx, cp, want.WorkspaceID)
	if err != nil {
		return err
	}
	if id == "" {
		out, err := cp.CreateWorkspaceServiceAccount(ctx, &grafana.CreateWorkspaceServiceAccountInput{
			WorkspaceId: ws, Name: aws.String(ServiceAccountName(r.ev.StackID, r.ev.LogicalResourceID)), GrafanaRole: types.RoleAdmin,
		})
		if err != nil {
			return fmt.Errorf("creating service account in workspace %s: %w", want.WorkspaceID, err)
		}
		id = aws.ToString(out.Id)
	}
	r.accountID = id
	tok, err := cp.CreateWorkspaceServiceAccountToken(ctx, &grafana.CreateWorkspaceServiceAccountTokenInput{
		WorkspaceId: ws, ServiceAccountId: aws.String(id), Name: aws.String(tokenName()), SecondsToLive: aws.Int32(TokenSecondsToLive),
	})
	if err != nil {
		return fmt.Errorf("creating service account token in workspace %s: %w", want.WorkspaceID, err)
	}
	if tok.ServiceAccountToken == nil || aws.ToString(tok.ServiceAccountToken.Key) == "" {
		return fmt.Errorf("creating service account token in workspace %s: the answer holds no key", want.WorkspaceID)
	}
	key, tokenID := aws.ToString(tok.ServiceAccountToken.Key), aws.ToString(tok.ServiceAccountToken.Id)
	defer func() {
		// The work context may be spent; the reserve before the Lambda
		// deadline is for this and the answer.
		dctx, cancel := context.WithTimeout(outer, 5*time.Second)
		defer cancel()
		_, derr := cp.DeleteWorkspaceServiceAccountToken(dctx, &grafana.DeleteWorkspaceServiceAccountTokenInput{
			WorkspaceId: ws, ServiceAccountId: aws.String(id), TokenId: aws.String(tokenID),
		})
		if derr != nil {
			log.Error("could not delete the provisioning token; it expires by itself", "token_id", tokenID, "seconds_to_live", TokenSecondsToLive, "error", derr)
			if err == nil {
				err = fmt.Errorf("deleting provisioning token %s: %w", tokenID, derr)
			}
		}
	}()
	g := &grafanaAPI{
		base: r.h.scheme() + "://" + want.Endpoint, token: key, client: r.h.httpClient(),
		retry: r.h.Retry.withDefaults(), log: log, retries: &r.retries,
	}
	if err := fn(g); err != nil {
		return errors.New(g.scrub(err.Error()))
	}
	return nil
}

// tokenName is unique per invocation, so a replay never collides with a
// token an interrupted run left behind.
func tokenName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "provision-" + hex.EncodeToString(b)
}

func safeID(s string) string {
	if s == "" {
		return "unknown"
	}
	return shorten(s, 200)
}

func (h *Handler) logger() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

func (h *Handler) httpClient() *http.Client {
	if h.HTTP == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return h.HTTP
}

func (h *Handler) scheme() string {
	if h.Scheme == "" {
		return contract.DefaultEndpointScheme
	}
	return h.Scheme
}

func (h *Handler) emit(r *run, ok bool, start time.Time) {
	if h.Metrics == nil {
		return
	}
	failed := 1.0
	if ok {
		failed = 0
	}
	err := h.Metrics.Emit(map[string]string{contract.DimensionFunction: FunctionName},
		emf.Metric{Name: contract.MetricProvisioningFailed, Unit: emf.Count, Value: failed},
		emf.Metric{Name: contract.MetricObjectsWritten, Unit: emf.Count, Value: float64(r.stats.Written)},
		emf.Metric{Name: contract.MetricObjectsUnchanged, Unit: emf.Count, Value: float64(r.stats.Unchanged)},
		emf.Metric{Name: contract.MetricObjectsDeleted, Unit: emf.Count, Value: float64(r.stats.Deleted)},
		emf.Metric{Name: contract.MetricDataSourcesPending, Unit: emf.Count, Value: float64(len(r.stats.Pending))},
		emf.Metric{Name: contract.MetricGrafanaRetries, Unit: emf.Count, Value: float64(r.retries.Load())},
		emf.Metric{Name: contract.MetricDurationMs, Unit: emf.Milliseconds, Value: float64(time.Since(start).Milliseconds())},
	)
	if err != nil {
		h.logger().Error("emitting metrics", "error", err)
	}
}
