package workspacedouble

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) grafana(w http.ResponseWriter, r *http.Request, body []byte) {
	route := r.Method + " " + r.URL.Path
	auth := r.Header.Get("Authorization")
	key, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || s.tokens[key] == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "invalid API key"})
		return
	}
	var in map[string]any
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			s.violate("%s: Content-Type %q, want application/json", route, ct)
		}
		if err := json.Unmarshal(body, &in); err != nil {
			s.violate("%s: body is not a JSON object: %v", route, err)
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "bad request data"})
			return
		}
	}
	rest, _ := strings.CutPrefix(r.URL.Path, "/api/")
	parts := strings.Split(rest, "/")
	switch {
	case rest == "datasources" && r.Method == http.MethodPost:
		s.postDataSource(w, in)
	case len(parts) == 3 && parts[0] == "datasources" && parts[1] == "uid" && r.Method == http.MethodGet:
		s.get(w, s.dataSources, parts[2], func(o *object) any { return o.view() })
	case len(parts) == 3 && parts[0] == "datasources" && parts[1] == "uid" && r.Method == http.MethodDelete:
		s.del(w, s.dataSources, parts[2])
	case len(parts) == 2 && parts[0] == "datasources" && r.Method == http.MethodPut:
		s.putDataSource(w, parts[1], in)
	case rest == "folders" && r.Method == http.MethodPost:
		s.postFolder(w, in)
	case len(parts) == 2 && parts[0] == "folders" && r.Method == http.MethodGet:
		s.get(w, s.folders, parts[1], func(o *object) any { return o.view() })
	case len(parts) == 2 && parts[0] == "folders" && r.Method == http.MethodPut:
		s.putFolder(w, parts[1], in)
	case len(parts) == 2 && parts[0] == "folders" && r.Method == http.MethodDelete:
		// Like Grafana, deleting a folder deletes the dashboards in it.
		if _, ok := s.folders[parts[1]]; ok {
			for uid, d := range s.dashboards {
				if d.FolderUID == parts[1] {
					delete(s.dashboards, uid)
				}
			}
		}
		s.del(w, s.folders, parts[1])
	case rest == "search" && r.Method == http.MethodGet:
		s.search(w, r)
	case rest == "dashboards/db" && r.Method == http.MethodPost:
		s.postDashboard(w, in)
	case len(parts) == 3 && parts[0] == "dashboards" && parts[1] == "uid" && r.Method == http.MethodGet:
		s.get(w, s.dashboards, parts[2], func(o *object) any {
			folderID := int64(0)
			if f := s.folders[o.FolderUID]; f != nil {
				folderID = f.ID
			}
			return map[string]any{"dashboard": o.view(), "meta": map[string]any{"folderUid": o.FolderUID, "folderId": folderID, "version": o.Version}}
		})
	case len(parts) == 3 && parts[0] == "dashboards" && parts[1] == "uid" && r.Method == http.MethodDelete:
		s.del(w, s.dashboards, parts[2])
	default:
		s.violate("unexpected Grafana request %s", route)
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not found"})
	}
}

func (s *Server) get(w http.ResponseWriter, m map[string]*object, uid string, view func(*object) any) {
	o, ok := m[uid]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "not found"})
		return
	}
	writeJSON(w, http.StatusOK, view(o))
}

func (s *Server) del(w http.ResponseWriter, m map[string]*object, uid string) {
	o, ok := m[uid]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "not found"})
		return
	}
	delete(m, uid)
	writeJSON(w, http.StatusOK, map[string]any{"message": "deleted", "id": o.ID})
}

// checkDataSource enforces what the provisioner promises: workspace-role
// auth, a default region, no stored secrets, and a known plugin type.
func (s *Server) checkDataSource(in map[string]any) bool {
	uid, _ := in["uid"].(string)
	name, _ := in["name"].(string)
	typ, _ := in["type"].(string)
	jd, _ := in["jsonData"].(map[string]any)
	problems := []string{}
	if uid == "" || name == "" {
		problems = append(problems, "uid and name are required")
	}
	if in["access"] != "proxy" {
		problems = append(problems, "access must be proxy")
	}
	switch typ {
	case "cloudwatch", "grafana-x-ray-datasource":
		if jd["authType"] != "ec2_iam_role" {
			problems = append(problems, "jsonData.authType must be ec2_iam_role (workspace IAM role)")
		}
		if r, _ := jd["defaultRegion"].(string); r == "" {
			problems = append(problems, "jsonData.defaultRegion is required")
		}
	case "grafana-opensearch-datasource":
		// A serverless collection signed by the workspace role for "aoss".
		if u, _ := in["url"].(string); !strings.HasPrefix(u, "https://") {
			problems = append(problems, "url must be the collection's https endpoint, got "+u)
		}
		if jd["serverless"] != true || jd["sigV4Auth"] != true || jd["sigV4AuthType"] != "ec2_iam_role" {
			problems = append(problems, "jsonData must set serverless, sigV4Auth and sigV4AuthType ec2_iam_role")
		}
		for _, k := range []string{"sigV4Region", "database", "timeField", "flavor", "version"} {
			if v, _ := jd[k].(string); v == "" {
				problems = append(problems, "jsonData."+k+" is required")
			}
		}
	default:
		problems = append(problems, "type "+typ+" is not cloudwatch, grafana-x-ray-datasource or grafana-opensearch-datasource")
	}
	if _, ok := in["secureJsonData"]; ok {
		problems = append(problems, "secureJsonData must not be sent")
	}
	if len(problems) > 0 {
		s.violate("data source %q: %s", uid, strings.Join(problems, "; "))
		return false
	}
	return true
}

func (s *Server) nameTaken(name, exceptUID string) bool {
	for uid, o := range s.dataSources {
		if uid != exceptUID && o.Body["name"] == name {
			return true
		}
	}
	return false
}

func (s *Server) postDataSource(w http.ResponseWriter, in map[string]any) {
	if !s.checkDataSource(in) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid data source"})
		return
	}
	uid := in["uid"].(string)
	if _, ok := s.dataSources[uid]; ok || s.nameTaken(in["name"].(string), "") {
		writeJSON(w, http.StatusConflict, map[string]any{"message": "data source with the same uid or name already exists"})
		return
	}
	delete(in, "id")
	o := &object{ID: s.newID(), Version: 1, Body: in}
	s.dataSources[uid] = o
	writeJSON(w, http.StatusOK, map[string]any{"id": o.ID, "message": "Datasource added", "datasource": o.view()})
}

func (s *Server) putDataSource(w http.ResponseWriter, idText string, in map[string]any) {
	id, _ := strconv.ParseInt(idText, 10, 64)
	for uid, o := range s.dataSources {
		if o.ID != id {
			continue
		}
		if !s.checkDataSource(in) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid data source"})
			return
		}
		if in["uid"] != uid {
			s.violate("PUT /api/datasources/%d changes uid %s to %v", id, uid, in["uid"])
		}
		if s.nameTaken(in["name"].(string), uid) {
			writeJSON(w, http.StatusConflict, map[string]any{"message": "data source with the same name already exists"})
			return
		}
		delete(in, "id")
		o.Body, o.Version = in, o.Version+1
		writeJSON(w, http.StatusOK, map[string]any{"id": o.ID, "message": "Datasource updated", "datasource": o.view()})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "Data source not found"})
}

func (s *Server) postFolder(w http.ResponseWriter, in map[string]any) {
	uid, _ := in["uid"].(string)
	title, _ := in["title"].(string)
	if uid == "" || title == "" {
		s.violate("POST /api/folders without uid or title: %v", in)
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "uid and title required"})
		return
	}
	if _, ok := s.folders[uid]; ok {
		writeJSON(w, http.StatusConflict, map[string]any{"message": "a folder with the same uid already exists"})
		return
	}
	o := &object{ID: s.newID(), Version: 1, Body: map[string]any{"uid": uid, "title": title}}
	s.folders[uid] = o
	writeJSON(w, http.StatusOK, o.view())
}

func (s *Server) putFolder(w http.ResponseWriter, uid string, in map[string]any) {
	o, ok := s.folders[uid]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "folder not found"})
		return
	}
	title, _ := in["title"].(string)
	version, _ := in["version"].(float64)
	if title == "" || (in["overwrite"] != true && int(version) != o.Version) {
		writeJSON(w, http.StatusPreconditionFailed, map[string]any{"message": "the folder has been changed by someone else"})
		return
	}
	o.Body["title"], o.Version = title, o.Version+1
	writeJSON(w, http.StatusOK, o.view())
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	ids := r.URL.Query()["folderIds"]
	if len(ids) == 0 {
		s.violate("GET /api/search without folderIds lists the whole workspace")
	}
	out := []map[string]any{}
	for _, uid := range slices.Sorted(maps.Keys(s.dashboards)) {
		d := s.dashboards[uid]
		if f := s.folders[d.FolderUID]; f != nil && slices.Contains(ids, strconv.FormatInt(f.ID, 10)) {
			out = append(out, map[string]any{"uid": uid, "type": "dash-db", "title": d.Body["title"]})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) postDashboard(w http.ResponseWriter, in map[string]any) {
	d, _ := in["dashboard"].(map[string]any)
	folderUID, _ := in["folderUid"].(string)
	uid, _ := d["uid"].(string)
	switch {
	case d == nil || uid == "":
		s.violate("POST /api/dashboards/db without dashboard.uid")
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "dashboard uid required"})
		return
	case d["id"] != nil:
		s.violate("POST /api/dashboards/db %s sends id %v; Grafana assigns ids", uid, d["id"])
	case in["overwrite"] != true:
		s.violate("POST /api/dashboards/db %s without overwrite", uid)
	}
	if folderUID != "" && s.folders[folderUID] == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "folder not found"})
		return
	}
	o, ok := s.dashboards[uid]
	if !ok {
		o = &object{ID: s.newID()}
		s.dashboards[uid] = o
	}
	delete(d, "id")
	delete(d, "version")
	o.Body, o.FolderUID, o.Version = d, folderUID, o.Version+1
	writeJSON(w, http.StatusOK, map[string]any{"id": o.ID, "uid": uid, "status": "success", "version": o.Version, "url": "/d/" + uid})
}
