package gate

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The policy stays pure: the standard library and termsafe, nothing of Terraform, the SDK or
// the lifecycle table (the caller passes its answers in).
func TestImportsOnlyTheStandardLibraryAndTermsafe(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		n++
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") && path != "github.com/hsslabs/terraform-provider-hss/internal/termsafe" {
				t.Errorf("%s imports %s", e.Name(), path)
			}
		}
	}
	if n < 3 {
		t.Errorf("%d source files read", n)
	}
}
