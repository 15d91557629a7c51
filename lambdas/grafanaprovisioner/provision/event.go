// Package provision is the logic of the grafanaprovisioner Lambda, a
// CloudFormation custom resource that provisions Managed Grafana data
// sources, folders and dashboards through the workspace's HTTP API with a
// short-lived service account token.
package provision

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"github.com/o11yscale/o11yscale/constructs/grafana/dashboard"
	"github.com/o11yscale/o11yscale/constructs/validation"
	"github.com/o11yscale/o11yscale/lambdas/grafanaprovisioner/contract"
	"github.com/o11yscale/o11yscale/lambdas/internal/cfnresponse"
)

// Request types CloudFormation sends.
const (
	RequestCreate = cfnresponse.RequestCreate
	RequestUpdate = cfnresponse.RequestUpdate
	RequestDelete = cfnresponse.RequestDelete
)

// Event is the CloudFormation custom resource request.
type Event = cfnresponse.Request

// ResourceProperties are the custom resource's properties, as the
// construct writes them (see contract.ResourceProperties).
type ResourceProperties = contract.ResourceProperties

// JSONText holds a JSON document passed either as a string or inline.
type JSONText = contract.JSONText

// DashboardSpec is one dashboard to provision.
type DashboardSpec = contract.DashboardSpec

// Desired is what one set of properties asks for, decoded and validated.
type Desired struct {
	WorkspaceID string
	Endpoint    string
	Region      string
	DataSources []dashboard.DataSource
	Folders     []dashboard.Folder
	Dashboards  []DashboardSpec
	ContentHash string
}

var (
	uidPattern        = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)
	collectionPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{2,31}$`)
	indexPattern      = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,254}$`)
)

// DecodeEvent decodes and checks a CloudFormation request. On error the
// returned Event still holds whatever decoded, so a usable ResponseURL can
// carry the failure back to CloudFormation.
func DecodeEvent(raw []byte) (Event, error) {
	var ev Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		// A shape error on one field leaves the others usable.
		var loose struct {
			ResponseURL, StackId, RequestId, LogicalResourceId, PhysicalResourceId, RequestType any
		}
		_ = json.Unmarshal(raw, &loose)
		ev = Event{
			ResponseURL: str(loose.ResponseURL), StackID: str(loose.StackId), RequestID: str(loose.RequestId),
			LogicalResourceID: str(loose.LogicalResourceId), PhysicalResourceID: str(loose.PhysicalResourceId),
			RequestType: str(loose.RequestType),
		}
		return ev, fmt.Errorf("decoding CloudFormation event: %w", err)
	}
	var v validation.Errors
	if !slices.Contains([]string{RequestCreate, RequestUpdate, RequestDelete}, ev.RequestType) {
		v.Add("RequestType", ev.RequestType, "Create, Update or Delete")
	}
	if err := checkResponseURL(ev.ResponseURL); err != nil {
		v.Add("ResponseURL", ev.ResponseURL, "%v", err)
	}
	for _, f := range []struct{ name, value string }{
		{"StackId", ev.StackID}, {"RequestId", ev.RequestID}, {"LogicalResourceId", ev.LogicalResourceID},
	} {
		if f.value == "" {
			v.Add(f.name, nil, "a non-empty string")
		}
	}
	if (ev.RequestType == RequestUpdate || ev.RequestType == RequestDelete) && ev.PhysicalResourceID == "" {
		v.Add("PhysicalResourceId", nil, "the id returned by Create, on %s", ev.RequestType)
	}
	if err := v.Err(); err != nil {
		return ev, fmt.Errorf("invalid CloudFormation event: %w", err)
	}
	return ev, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func checkResponseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case s == "":
		return fmt.Errorf("the pre-signed URL CloudFormation waits on")
	case err != nil:
		return fmt.Errorf("a URL (%v)", err)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("an absolute http(s) URL")
	}
	return nil
}

// DecodeProperties decodes raw resource properties and validates them into
// a Desired state; every problem is reported at once.
func DecodeProperties(raw json.RawMessage) (Desired, error) {
	var rp ResourceProperties
	if len(bytes.TrimSpace(raw)) == 0 {
		return Desired{}, fmt.Errorf("ResourceProperties: missing; WorkspaceId, WorkspaceEndpoint, Region and DataSources are required")
	}
	if err := json.Unmarshal(raw, &rp); err != nil {
		return Desired{}, fmt.Errorf("ResourceProperties: %w", err)
	}
	return desired(rp)
}

// desired validates rp and decodes its JSON lists.
func desired(rp ResourceProperties) (Desired, error) {
	var v validation.Errors
	d := Desired{WorkspaceID: rp.WorkspaceID, Endpoint: rp.WorkspaceEndpoint, Region: rp.Region, ContentHash: rp.ContentHash}
	v.Merge("", rp.Validate())
	decodeList(&v, "DataSources", rp.DataSources, &d.DataSources)
	decodeList(&v, "Folders", rp.Folders, &d.Folders)
	decodeList(&v, "Dashboards", rp.Dashboards, &d.Dashboards)
	if rp.Platform != "" {
		var wire contract.Platform
		if err := json.Unmarshal([]byte(rp.Platform), &wire); err != nil {
			v.Add("Platform", string(rp.Platform), "a JSON platform object (%v)", err)
		} else if generated, err := dashboard.All(dashboard.FromContract(wire)); err != nil {
			v.Merge("Platform", err)
		} else {
			for _, g := range generated {
				model, err := dashboard.Render(g)
				if err != nil {
					v.Add("Platform", g.UID, "%v", err)
					continue
				}
				d.Dashboards = append(d.Dashboards, DashboardSpec{UID: g.UID, Folder: g.Folder, Model: model})
			}
		}
	}
	checkDataSources(&v, d.DataSources)
	checkFolders(&v, d.Folders)
	checkDashboards(&v, d.Dashboards, d.Folders)
	if err := v.Err(); err != nil {
		return d, err
	}
	return d, nil
}

func decodeList[T any](v *validation.Errors, field string, text JSONText, out *[]T) {
	if text == "" {
		return
	}
	if err := json.Unmarshal([]byte(text), out); err != nil {
		v.Add(field, shorten(string(text), 80), "a JSON list (%v)", err)
	}
}

func checkDataSources(v *validation.Errors, list []dashboard.DataSource) {
	if len(list) == 0 {
		v.Add("DataSources", nil, "at least one data source {uid, name, type, region}")
	}
	uids, names := map[string]bool{}, map[string]bool{}
	for i, ds := range list {
		path := validation.Index("DataSources", i)
		if !uidPattern.MatchString(ds.UID) || uids[ds.UID] {
			v.Add(path+".uid", ds.UID, "a unique uid of 1-40 letters, digits, '-' or '_'")
		}
		if ds.Name == "" || len(ds.Name) > 190 || names[ds.Name] {
			v.Add(path+".name", ds.Name, "a unique name of 1-190 characters (Grafana requires unique names)")
		}
		switch ds.Type {
		case dashboard.CloudWatchType, dashboard.XRayType:
		case dashboard.OpenSearchType:
			if !collectionPattern.MatchString(ds.Collection) {
				v.Add(path+".collection", ds.Collection, "the OpenSearch Serverless collection's name (3-32 lowercase letters, digits or '-', starting with a letter)")
			}
			if !indexPattern.MatchString(ds.Index) {
				v.Add(path+".index", ds.Index, "the index searched: lowercase letters, digits, '_', '.' or '-'")
			}
			if ds.TimeField == "" {
				v.Add(path+".timeField", nil, "the documents' time field, e.g. timestamp")
			}
		default:
			v.Add(path+".type", ds.Type, "%s, %s or %s", dashboard.CloudWatchType, dashboard.XRayType, dashboard.OpenSearchType)
		}
		if !contract.IsRegion(ds.Region) {
			v.Add(path+".region", ds.Region, "an AWS region code, the data source's default region")
		}
		uids[ds.UID], names[ds.Name] = true, true
	}
}

func checkFolders(v *validation.Errors, list []dashboard.Folder) {
	seen := map[string]bool{}
	for i, f := range list {
		path := validation.Index("Folders", i)
		if !uidPattern.MatchString(f.UID) || seen[f.UID] {
			v.Add(path+".uid", f.UID, "a unique uid of 1-40 letters, digits, '-' or '_'")
		}
		if f.Title == "" {
			v.Add(path+".title", nil, "a non-empty folder title")
		}
		seen[f.UID] = true
	}
}

func checkDashboards(v *validation.Errors, list []DashboardSpec, folders []dashboard.Folder) {
	seen := map[string]bool{}
	for i, d := range list {
		path := validation.Index("Dashboards", i)
		if !uidPattern.MatchString(d.UID) || seen[d.UID] {
			v.Add(path+".uid", d.UID, "a unique uid of 1-40 letters, digits, '-' or '_' (generated and explicit dashboards share one namespace)")
		}
		seen[d.UID] = true
		if d.Folder != "" && !slices.ContainsFunc(folders, func(f dashboard.Folder) bool { return f.UID == d.Folder }) {
			v.Add(path+".folder", d.Folder, "the uid of a folder listed in Folders, or empty for General")
		}
		var model struct {
			UID   *string `json:"uid"`
			Title string  `json:"title"`
		}
		if err := json.Unmarshal(d.Model, &model); err != nil {
			v.Add(path+".model", shorten(string(d.Model), 80), "a JSON dashboard model object (%v)", err)
			continue
		}
		if model.UID != nil && *model.UID != d.UID {
			v.Add(path+".model.uid", *model.UID, "the dashboard's uid %q or no uid", d.UID)
		}
		if model.Title == "" {
			v.Add(path+".model.title", nil, "a non-empty dashboard title")
		}
	}
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// PhysicalID is the custom resource's physical id: stable per workspace,
// so updates keep it and moving to another workspace replaces the
// resource (CloudFormation then deletes from the old workspace).
func PhysicalID(workspaceID string) string { return contract.PhysicalID(workspaceID) }
