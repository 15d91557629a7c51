// Package workspacedouble is an in-test Amazon Managed Grafana workspace:
// the control-plane REST API (service accounts and tokens, as the AWS SDK
// calls it) and the workspace's Grafana HTTP API (data sources, folders,
// dashboards, search), on one httptest server. moto does not emulate
// Grafana, so this double is what the provisioner's tests run against.
//
// It is strict: each request must carry the right credentials (SigV4 on
// the control plane, "Authorization: Bearer <live token>" on Grafana), and
// payloads are checked as Grafana would; anything else is recorded as a
// violation that the tests fail on. Faults can be injected per route.
package workspacedouble

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Server is the double. All fields are guarded by mu; read them through
// Snapshot.
type Server struct {
	*httptest.Server
	WorkspaceID string

	mu          sync.Mutex
	nextID      int64
	accounts    map[string]*account // by id
	tokens      map[string]*token   // by key
	dataSources map[string]*object  // by uid
	folders     map[string]*object  // by uid
	dashboards  map[string]*object  // by uid
	faults      []fault
	violations  []string
	log         []Request
	issued      []string // every token key ever issued
}

type account struct {
	ID, Name, Role string
	tokenNames     map[string]bool
}

type token struct {
	ID, AccountID, Name, Key string
	SecondsToLive            int
}

// object is a stored Grafana object: its JSON plus Grafana's bookkeeping.
type object struct {
	ID        int64
	Version   int
	FolderUID string
	Body      map[string]any
}

type fault struct {
	route  string // "METHOD /path/prefix"
	status int
	hang   bool
	echo   bool // echo the request's Authorization header in the error
}

// New starts a double for workspaceID. Close it when done.
func New(workspaceID string) *Server {
	s := &Server{
		WorkspaceID: workspaceID,
		accounts:    map[string]*account{}, tokens: map[string]*token{},
		dataSources: map[string]*object{}, folders: map[string]*object{}, dashboards: map[string]*object{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Host is the workspace endpoint (host:port) to put in the properties.
func (s *Server) Host() string { return strings.TrimPrefix(s.URL, "http://") }

// Fail makes the next requests matching route ("POST /api/dashboards/db",
// prefix match on the path) answer with the given statuses, in order.
func (s *Server) Fail(route string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range statuses {
		s.faults = append(s.faults, fault{route: route, status: st})
	}
}

// FailEchoingAuth makes the next request matching route fail with status
// and an error message that repeats the request's Authorization header, as
// a careless proxy might; the provisioner must not pass it on.
func (s *Server) FailEchoingAuth(route string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{route: route, status: status, echo: true})
}

// Hang makes the next request matching route block until the client gives
// up, as an overloaded workspace would.
func (s *Server) Hang(route string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{route: route, hang: true})
}

// RevokeTokens invalidates every token, so Grafana answers 401.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.tokens {
		s.tokens[k].Key = "revoked-" + k
	}
}

// AddDashboard stores a dashboard as a person would, e.g. in our folder.
func (s *Server) AddDashboard(uid, folderUID, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	s.dashboards[uid] = &object{ID: s.nextID, Version: 1, FolderUID: folderUID, Body: map[string]any{"uid": uid, "title": title}}
}

// Violations lists every protocol error the double saw.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// IssuedKeys lists every token key the double handed out, deleted or not.
func (s *Server) IssuedKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.issued)
}

// Request is one request the double answered.
type Request struct {
	Method, Path string
	Status       int // 0 when the client gave up first
}

func (r Request) String() string { return r.Method + " " + r.Path }

// Requests lists every request, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// State is a deep copy of what the workspace holds.
type State struct {
	ServiceAccounts []string                  // names
	Tokens          []Token                   // live tokens
	DataSources     map[string]map[string]any // by uid, with id and version
	Folders         map[string]map[string]any // by uid
	Dashboards      map[string]map[string]any // by uid: {"folderUid", "version", "dashboard"}
}

// Token is a live token (the key is included so tests can look for it in
// logs and answers).
type Token struct {
	Name, Key     string
	SecondsToLive int
}

// Snapshot returns the current state.
func (s *Server) Snapshot() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{DataSources: map[string]map[string]any{}, Folders: map[string]map[string]any{}, Dashboards: map[string]map[string]any{}}
	for _, a := range s.accounts {
		st.ServiceAccounts = append(st.ServiceAccounts, a.Name)
	}
	slices.Sort(st.ServiceAccounts)
	for _, t := range s.tokens {
		if !strings.HasPrefix(t.Key, "revoked-") {
			st.Tokens = append(st.Tokens, Token{Name: t.Name, Key: t.Key, SecondsToLive: t.SecondsToLive})
		}
	}
	for uid, o := range s.dataSources {
		st.DataSources[uid] = o.view()
	}
	for uid, o := range s.folders {
		st.Folders[uid] = o.view()
	}
	for uid, o := range s.dashboards {
		st.Dashboards[uid] = map[string]any{"folderUid": o.FolderUID, "version": o.Version, "dashboard": o.view()}
	}
	return st
}

func (o *object) view() map[string]any {
	v := deepCopy(o.Body)
	v["id"], v["version"] = float64(o.ID), float64(o.Version)
	return v
}

func deepCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (s *Server) violate(format string, args ...any) {
	s.violations = append(s.violations, fmt.Sprintf(format, args...))
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w := &statusWriter{ResponseWriter: rw}
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.log = append(s.log, Request{Method: r.Method, Path: r.URL.Path, Status: w.status})
	}()
	s.mu.Lock()
	for i, f := range s.faults {
		if route := r.Method + " " + r.URL.Path; strings.HasPrefix(route, f.route) {
			s.faults = slices.Delete(s.faults, i, i+1)
			s.mu.Unlock()
			if f.hang {
				<-r.Context().Done()
				return
			}
			if f.status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "0")
			}
			msg := "injected fault"
			if f.echo {
				msg += "; request had Authorization: " + r.Header.Get("Authorization")
			}
			writeJSON(w, f.status, map[string]any{"message": msg})
			return
		}
	}
	defer s.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/workspaces/") {
		s.controlPlane(w, r, body)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.grafana(w, r, body)
		return
	}
	s.violate("unexpected request %s %s", r.Method, r.URL.Path)
	writeJSON(w, http.StatusNotFound, map[string]any{"message": "no such route"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// awsError answers like an AWS REST-JSON service.
func awsError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("X-Amzn-Errortype", code)
	writeJSON(w, status, map[string]any{"message": msg})
}

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

func (s *Server) controlPlane(w http.ResponseWriter, r *http.Request, body []byte) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		s.violate("%s %s: control-plane call without a SigV4 Authorization header", r.Method, r.URL.Path)
		awsError(w, http.StatusForbidden, "AccessDeniedException", "missing SigV4 signature")
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/") // workspaces {id} serviceaccounts [{sa} [tokens [{tok}]]]
	if len(parts) < 3 || parts[2] != "serviceaccounts" {
		s.violate("unexpected control-plane request %s %s", r.Method, r.URL.Path)
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "no such route")
		return
	}
	if parts[1] != s.WorkspaceID {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "workspace "+parts[1]+" not found")
		return
	}
	var in map[string]any
	if len(body) > 0 && json.Unmarshal(body, &in) != nil {
		s.violate("%s %s: body is not JSON", r.Method, r.URL.Path)
	}
	switch {
	case len(parts) == 3 && r.Method == http.MethodGet:
		s.listAccounts(w, r)
	case len(parts) == 3 && r.Method == http.MethodPost:
		name, _ := in["name"].(string)
		role, _ := in["grafanaRole"].(string)
		if name == "" || !slices.Contains([]string{"ADMIN", "EDITOR", "VIEWER"}, role) {
			s.violate("create service account: name %q role %q", name, role)
			awsError(w, http.StatusBadRequest, "ValidationException", "name and grafanaRole are required")
			return
		}
		for _, a := range s.accounts {
			if a.Name == name {
				awsError(w, http.StatusConflict, "ConflictException", "service account "+name+" exists")
				return
			}
		}
		a := &account{ID: strconv.FormatInt(s.newID(), 10), Name: name, Role: role, tokenNames: map[string]bool{}}
		s.accounts[a.ID] = a
		writeJSON(w, http.StatusOK, map[string]any{"id": a.ID, "name": a.Name, "grafanaRole": a.Role, "workspaceId": s.WorkspaceID})
	case len(parts) == 4 && r.Method == http.MethodDelete:
		a, ok := s.accounts[parts[3]]
		if !ok {
			awsError(w, http.StatusNotFound, "ResourceNotFoundException", "service account not found")
			return
		}
		for k, t := range s.tokens {
			if t.AccountID == a.ID {
				delete(s.tokens, k)
			}
		}
		delete(s.accounts, a.ID)
		writeJSON(w, http.StatusOK, map[string]any{"serviceAccountId": a.ID, "workspaceId": s.WorkspaceID})
	case len(parts) == 5 && parts[4] == "tokens" && r.Method == http.MethodPost:
		s.createToken(w, parts[3], in)
	case len(parts) == 6 && parts[4] == "tokens" && r.Method == http.MethodDelete:
		for k, t := range s.tokens {
			if t.AccountID == parts[3] && t.ID == parts[5] {
				delete(s.tokens, k)
				delete(s.accounts[t.AccountID].tokenNames, t.Name)
				writeJSON(w, http.StatusOK, map[string]any{"serviceAccountId": t.AccountID, "tokenId": t.ID, "workspaceId": s.WorkspaceID})
				return
			}
		}
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "token not found")
	default:
		s.violate("unexpected control-plane request %s %s", r.Method, r.URL.Path)
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "no such route")
	}
}

// listAccounts pages two accounts at a time, so callers must paginate.
func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	ids := slices.Sorted(maps.Keys(s.accounts))
	start, _ := strconv.Atoi(r.URL.Query().Get("nextToken"))
	var page []map[string]any
	end := min(start+2, len(ids))
	for _, id := range ids[min(start, end):end] {
		a := s.accounts[id]
		page = append(page, map[string]any{"id": a.ID, "name": a.Name, "grafanaRole": a.Role, "isDisabled": "false"})
	}
	out := map[string]any{"serviceAccounts": page, "workspaceId": s.WorkspaceID}
	if page == nil {
		out["serviceAccounts"] = []any{}
	}
	if end < len(ids) {
		out["nextToken"] = strconv.Itoa(end)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createToken(w http.ResponseWriter, accountID string, in map[string]any) {
	a, ok := s.accounts[accountID]
	if !ok {
		awsError(w, http.StatusNotFound, "ResourceNotFoundException", "service account not found")
		return
	}
	name, _ := in["name"].(string)
	ttl, _ := in["secondsToLive"].(float64)
	if name == "" || ttl < 1 || ttl > 2592000 {
		s.violate("create token: name %q secondsToLive %v (1-2592000)", name, ttl)
		awsError(w, http.StatusBadRequest, "ValidationException", "name and secondsToLive 1-2592000 are required")
		return
	}
	if a.tokenNames[name] {
		awsError(w, http.StatusConflict, "ConflictException", "token name "+name+" exists")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	t := &token{ID: strconv.FormatInt(s.newID(), 10), AccountID: a.ID, Name: name, Key: "glsa_" + hex.EncodeToString(b), SecondsToLive: int(ttl)}
	s.tokens[t.Key] = t
	s.issued = append(s.issued, t.Key)
	a.tokenNames[name] = true
	writeJSON(w, http.StatusOK, map[string]any{
		"serviceAccountId": a.ID, "workspaceId": s.WorkspaceID,
		"serviceAccountToken": map[string]any{"id": t.ID, "name": t.Name, "key": t.Key},
	})
}
