package sdkmodel

import (
	"slices"
	"testing"
)

func TestRequest(t *testing.T) {
	cases := []struct {
		model, field string
		values       []string
		min, max     int
		hasRange     bool
	}{
		{"ListImageBasicImageRequest", "image_type", []string{"private_image", "shared_image", "instance_image", "cicd", "harbor"}, 0, 0, false},
		{"ListImageVulnerabilitiesRequest", "image_type", []string{"private_image", "shared_image", "instance_image", "cicd", "harbor", "jfrog"}, 0, 0, false},
		{"ListImageVulnerabilitiesRequest", "limit", nil, 10, 200, true},
		{"ListImageVulnerabilitiesRequest", "offset", nil, 0, 2000000, true},
		{"ListRegistryImagesRequest", "limit", nil, 1, 200, true},
		{"ListRegistryImagesRequest", "scan_status", []string{"unscan", "success", "scanning", "failed", "waiting_for_scan"}, 0, 0, false},
	}
	for _, c := range cases {
		fields, err := Request("hss/v5", c.model)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := fields[c.field]
		if !ok {
			t.Fatalf("%s has no %s", c.model, c.field)
		}
		if !slices.Equal(f.Values, c.values) || f.HasRange != c.hasRange || f.Min != c.min || f.Max != c.max {
			t.Errorf("%s.%s = %+v, want values %v range %v %d-%d", c.model, c.field, f, c.values, c.hasRange, c.min, c.max)
		}
	}
	if _, err := Request("hss/v5", "NoSuchRequest"); err == nil {
		t.Error("a model that does not exist was found")
	}
}

func TestSnake(t *testing.T) {
	if got := snake("ListImageBasicImageRequest"); got != "list_image_basic_image_request" {
		t.Error(got)
	}
}
