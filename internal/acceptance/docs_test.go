package acceptance

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
)

// The first-plan guide lists the regions the client knows, no more and no fewer.
func TestGuideListsTheKnownRegions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(exampleRoot(), "..", "templates", "guides", "before-the-first-plan.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(b), "nearest\nof the SDK's HSS regions: ")
	line, _, _ := strings.Cut(after, ".\n")
	var got []string
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(line, -1) {
		got = append(got, m[1])
	}
	if !slices.Equal(got, endpoints.KnownRegions) {
		t.Fatalf("the guide lists %v, the client knows %v", got, endpoints.KnownRegions)
	}
}
