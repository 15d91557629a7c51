// Package naming derives the names of the platform's resources from the
// platform name, so that every construct spells them the same way.
package naming

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Title is name with its first letter in upper case, as metric namespaces
// spell the platform: "o11yscale" -> "O11yscale", "acme" -> "Acme".
func Title(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return name
	}
	return string(unicode.ToUpper(r)) + name[size:]
}

// Namespace is the CloudWatch metric namespace <Title(name)>/<kind>, e.g.
// Namespace("acme", "Logs") = "Acme/Logs".
func Namespace(name, kind string) string {
	return strings.Join([]string{Title(name), kind}, "/")
}

// PipelineNamespace is the namespace of the pipeline Lambdas' self-metrics
// for the platform name: "<Title(name)>/Pipeline", e.g. "O11yscale/Pipeline".
func PipelineNamespace(name string) string { return Namespace(name, "Pipeline") }
