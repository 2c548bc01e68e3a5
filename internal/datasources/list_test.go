package datasources

import (
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// Every image type of every API has a meaning to describe it with, and every meaning an API
// that takes it.
func TestImageTypesHaveMeanings(t *testing.T) {
	used := map[string]bool{}
	for _, list := range [][]string{hss.ImageTypes, hss.VulnerabilityImageTypes, hss.RegistryImageTypes} {
		for _, typ := range list {
			if imageTypeMeanings[typ] == "" {
				t.Errorf("image type %q has no meaning", typ)
			}
			used[typ] = true
		}
	}
	for typ := range imageTypeMeanings {
		if !used[typ] {
			t.Errorf("no API takes image type %q", typ)
		}
	}
}
