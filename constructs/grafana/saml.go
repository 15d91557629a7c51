package grafana

import (
	"net/url"
	"strings"
	"time"

	"github.com/o11yscale/o11yscale/constructs/validation"
)

// SAMLSettings configure SAML sign-in to the workspace.
type SAMLSettings struct {
	// MetadataURL is the IdP metadata URL (https). Exactly one of
	// MetadataURL and MetadataXML is required.
	MetadataURL string
	// MetadataXML is the IdP metadata document.
	MetadataXML string
	// Assertions name the SAML assertion attributes Grafana reads.
	Assertions SAMLAssertions
	// AdminRoleValues are values of the role attribute that make a user a
	// Grafana Admin. Required: without one, nobody can administer the
	// workspace.
	AdminRoleValues []string
	// EditorRoleValues make a user an Editor. Default: none.
	EditorRoleValues []string
	// AllowedOrganizations restricts sign-in to users whose org attribute
	// holds one of these. Default: no restriction.
	AllowedOrganizations []string
	// LoginValidity is how long a sign-in lasts, in whole minutes.
	// Default: Grafana's (2h).
	LoginValidity time.Duration
}

// SAMLAssertions name assertion attributes. Role is required (it carries
// the admin and editor role values); the others are optional.
type SAMLAssertions struct {
	Role   string
	Email  string
	Login  string
	Name   string
	Groups string
	Org    string
}

func (s SAMLSettings) isZero() bool {
	return s.MetadataURL == "" && s.MetadataXML == "" && s.Assertions == (SAMLAssertions{}) &&
		len(s.AdminRoleValues) == 0 && len(s.EditorRoleValues) == 0 && len(s.AllowedOrganizations) == 0 && s.LoginValidity == 0
}

func (s SAMLSettings) validate(v *validation.Errors) {
	switch {
	case s.MetadataURL == "" && s.MetadataXML == "":
		v.Add("saml.metadataUrl", nil, "the IdP metadata URL, or saml.metadataXml, when authentication includes SAML")
	case s.MetadataURL != "" && s.MetadataXML != "":
		v.Add("saml.metadataXml", "<xml>", "empty when saml.metadataUrl is set (give one of them)")
	}
	if s.MetadataURL != "" {
		u, err := url.Parse(s.MetadataURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(s.MetadataURL) > 2048 {
			v.Add("saml.metadataUrl", s.MetadataURL, "an absolute https URL of at most 2048 characters")
		}
	}
	if s.MetadataXML != "" && !strings.HasPrefix(strings.TrimSpace(s.MetadataXML), "<") {
		v.Add("saml.metadataXml", shorten(s.MetadataXML), "an XML IdP metadata document")
	}
	if s.Assertions.Role == "" {
		v.Add("saml.assertions.role", nil, "the assertion attribute holding the user's role, which adminRoleValues match")
	}
	for _, a := range []struct{ name, value string }{
		{"role", s.Assertions.Role}, {"email", s.Assertions.Email}, {"login", s.Assertions.Login},
		{"name", s.Assertions.Name}, {"groups", s.Assertions.Groups}, {"org", s.Assertions.Org},
	} {
		if len(a.value) > 256 {
			v.Add("saml.assertions."+a.name, shorten(a.value), "at most 256 characters")
		}
	}
	if len(s.AdminRoleValues) == 0 {
		v.Add("saml.adminRoleValues", nil, "at least one role value that makes a user Admin; otherwise nobody can administer the workspace")
	}
	valueOK := func(s string) bool { return s != "" && len(s) <= 256 }
	eachOnce(v, "saml.adminRoleValues", s.AdminRoleValues, valueOK, "1-256 characters")
	eachOnce(v, "saml.editorRoleValues", s.EditorRoleValues, valueOK, "1-256 characters")
	eachOnce(v, "saml.allowedOrganizations", s.AllowedOrganizations, valueOK, "1-256 characters")
	if s.LoginValidity < 0 || s.LoginValidity%time.Minute != 0 {
		v.Add("saml.loginValidity", s.LoginValidity.String(), "a positive whole number of minutes, e.g. 2h (empty for Grafana's default)")
	}
}
