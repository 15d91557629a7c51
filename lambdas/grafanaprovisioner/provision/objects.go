package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
)

// Stats counts what one invocation did in Grafana.
type Stats struct {
	Written   int // created or changed objects
	Unchanged int // objects already as desired (no write, so replays change nothing)
	Deleted   int // objects removed
	Kept      int // folders left in place because they hold dashboards we did not create
	// Pending are the uids of OpenSearch data sources whose collection was
	// not found or not usable yet.
	Pending []string
}

// dataSourceBody is a data source as Grafana's HTTP API reads and writes it.
type dataSourceBody struct {
	ID        int64          `json:"id,omitempty"`
	UID       string         `json:"uid"`
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	Access    string         `json:"access"`
	URL       string         `json:"url,omitempty"`
	IsDefault bool           `json:"isDefault"`
	JSONData  map[string]any `json:"jsonData"`
}

// desiredDataSource authenticates with the workspace's IAM role: Managed
// Grafana calls this auth type "ec2_iam_role", and signs requests with
// SigV4 itself. No keys are stored. url is the endpoint of an OpenSearch
// data source's collection.
func desiredDataSource(ds dashboard.DataSource, url string) dataSourceBody {
	if ds.Type == dashboard.OpenSearchType {
		return openSearchDataSource(ds, url)
	}
	return dataSourceBody{
		UID: ds.UID, Name: ds.Name, Type: ds.Type, Access: "proxy",
		JSONData: map[string]any{"authType": "ec2_iam_role", "defaultRegion": ds.Region},
	}
}

// sameDataSource compares the fields we own; jsonData keys set by others
// (e.g. custom namespaces added in the UI) do not force a write.
func sameDataSource(have, want dataSourceBody) bool {
	if have.Name != want.Name || have.Type != want.Type || have.Access != want.Access || have.IsDefault != want.IsDefault || have.URL != want.URL {
		return false
	}
	for k, v := range want.JSONData {
		if have.JSONData[k] != v {
			return false
		}
	}
	return true
}

func (g *grafanaAPI) upsertDataSource(ctx context.Context, ds dashboard.DataSource, endpoint string, st *Stats) error {
	want := desiredDataSource(ds, endpoint)
	var have dataSourceBody
	err := g.call(ctx, "GET", "/api/datasources/uid/"+url.PathEscape(ds.UID), nil, &have)
	switch {
	case errors.Is(err, errNotFound):
		err = g.call(ctx, "POST", "/api/datasources", want, nil)
	case err != nil:
	case sameDataSource(have, want):
		st.Unchanged++
		return nil
	default:
		// PUT by numeric id works on every Grafana version Managed Grafana
		// runs; PUT by uid needs Grafana 9.
		want.ID = have.ID
		err = g.call(ctx, "PUT", fmt.Sprintf("/api/datasources/%d", have.ID), want, nil)
	}
	if err != nil {
		return fmt.Errorf("data source %q: %w", ds.UID, err)
	}
	st.Written++
	return nil
}

// openSearchDataSource is an OpenSearch Serverless collection signed with
// SigV4 for service "aoss" by the workspace role: the plugin's jsonData
// keys serverless, sigV4Auth, sigV4AuthType, sigV4Region, database (the
// index), timeField, flavor and version, as its provisioning docs list them
// (https://grafana.com/docs/plugins/grafana-opensearch-datasource/latest/configure.md;
// Managed Grafana:
// https://docs.aws.amazon.com/grafana/latest/userguide/using-Amazon-OpenSearch-in-AMG.html).
// A serverless collection reports no cluster version, so flavor and
// version are set here rather than detected.
func openSearchDataSource(ds dashboard.DataSource, url string) dataSourceBody {
	return dataSourceBody{
		UID: ds.UID, Name: ds.Name, Type: ds.Type, Access: "proxy", URL: url,
		JSONData: map[string]any{
			"serverless": true, "sigV4Auth": true, "sigV4AuthType": "ec2_iam_role", "sigV4Region": ds.Region,
			"database": ds.Index, "timeField": ds.TimeField, "flavor": "opensearch", "version": "1.0.0",
			"logMessageField": "message", "logLevelField": "tier",
		},
	}
}

type folderBody struct {
	ID        int64  `json:"id,omitempty"`
	UID       string `json:"uid"`
	Title     string `json:"title"`
	Version   int    `json:"version,omitempty"`
	Overwrite bool   `json:"overwrite,omitempty"`
}

func (g *grafanaAPI) upsertFolder(ctx context.Context, f dashboard.Folder, st *Stats) error {
	var have folderBody
	path := "/api/folders/" + url.PathEscape(f.UID)
	err := g.call(ctx, "GET", path, nil, &have)
	switch {
	case errors.Is(err, errNotFound):
		err = g.call(ctx, "POST", "/api/folders", folderBody{UID: f.UID, Title: f.Title}, nil)
	case err != nil:
	case have.Title == f.Title:
		st.Unchanged++
		return nil
	default:
		err = g.call(ctx, "PUT", path, folderBody{UID: f.UID, Title: f.Title, Version: have.Version, Overwrite: true}, nil)
	}
	if err != nil {
		return fmt.Errorf("folder %q: %w", f.UID, err)
	}
	st.Written++
	return nil
}

type dashboardGet struct {
	Dashboard map[string]any `json:"dashboard"`
	Meta      struct {
		FolderUID string `json:"folderUid"`
	} `json:"meta"`
}

type dashboardPost struct {
	Dashboard map[string]any `json:"dashboard"`
	FolderUID string         `json:"folderUid"`
	Overwrite bool           `json:"overwrite"`
	Message   string         `json:"message"`
}

// upsertDashboard writes the dashboard unless Grafana already holds the
// same model in the same folder, so a replay adds no dashboard version.
func (g *grafanaAPI) upsertDashboard(ctx context.Context, d DashboardSpec, contentHash string, st *Stats) error {
	var want map[string]any
	if err := json.Unmarshal(d.Model, &want); err != nil {
		return fmt.Errorf("dashboard %q: model: %w", d.UID, err)
	}
	// Grafana assigns id and version; sending a stale id would fail.
	delete(want, "id")
	delete(want, "version")
	want["uid"] = d.UID
	var have dashboardGet
	err := g.call(ctx, "GET", "/api/dashboards/uid/"+url.PathEscape(d.UID), nil, &have)
	switch {
	case errors.Is(err, errNotFound):
	case err != nil:
		return fmt.Errorf("dashboard %q: %w", d.UID, err)
	default:
		delete(have.Dashboard, "id")
		delete(have.Dashboard, "version")
		if have.Meta.FolderUID == d.Folder && reflect.DeepEqual(have.Dashboard, want) {
			st.Unchanged++
			return nil
		}
	}
	msg := "o11yscale provisioning"
	if contentHash != "" {
		msg += " " + shorten(contentHash, 64)
	}
	if err := g.call(ctx, "POST", "/api/dashboards/db", dashboardPost{Dashboard: want, FolderUID: d.Folder, Overwrite: true, Message: msg}, nil); err != nil {
		return fmt.Errorf("dashboard %q: %w", d.UID, err)
	}
	st.Written++
	return nil
}

// remove deletes path, counting it; absent objects are fine.
func (g *grafanaAPI) remove(ctx context.Context, what, path string, st *Stats) error {
	err := g.call(ctx, "DELETE", path, nil, nil)
	switch {
	case errors.Is(err, errNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("deleting %s: %w", what, err)
	}
	st.Deleted++
	return nil
}

// removeFolder deletes a folder only when it is empty: deleting a folder
// deletes its dashboards, and some may have been added by people.
func (g *grafanaAPI) removeFolder(ctx context.Context, uid string, st *Stats) error {
	var have folderBody
	path := "/api/folders/" + url.PathEscape(uid)
	err := g.call(ctx, "GET", path, nil, &have)
	switch {
	case errors.Is(err, errNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("folder %q: %w", uid, err)
	}
	var hits []json.RawMessage
	if err := g.call(ctx, "GET", fmt.Sprintf("/api/search?folderIds=%d&limit=1", have.ID), nil, &hits); err != nil {
		return fmt.Errorf("folder %q: listing its contents: %w", uid, err)
	}
	if len(hits) > 0 {
		g.log.Warn("keeping folder that still holds dashboards not created by this provisioner", "folder", uid)
		st.Kept++
		return nil
	}
	return g.remove(ctx, fmt.Sprintf("folder %q", uid), path, st)
}
