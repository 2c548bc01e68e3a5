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
		{"ListRegistryImagesRequest", "namespace", nil, 0, 0, false},
		{"ListRegistryRequest", "limit", nil, 10, 200, true},
		// Written "- Harbor harbor - Jfrog jfrog …", without colons.
		{"ListRegistryRequest", "registry_type", []string{"Harbor", "Jfrog", "SwrPrivate", "SwrShared", "SwrEnterprise", "Other"}, 0, 0, false},
		{"ListRegistryRequest", "registry_addr", nil, 0, 0, false},
		// Response models too.
		{"RegistryImagesInfo", "scan_status", []string{"unscan", "success", "scanning", "failed", "download_failed", "image_oversized", "waiting_for_scan"}, 0, 0, false},
		{"RegistryInfo", "registry_type", []string{"Harbor", "Jfrog", "SwrPrivate", "SwrShared", "SwrEnterprise", "Other"}, 0, 0, false},
		{"RegistryImagesInfo", "image_digest", nil, 0, 0, false},
	}
	for _, c := range cases {
		fields, err := Model("hss/v5", c.model)
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

// The bare form ("- Harbor harbor仓库") is read only where no value has a colon, and only from
// the documented values, never from prose with a dash in it.
func TestParseDoc(t *testing.T) {
	for doc, want := range map[string][]string{
		"**取值范围**: - Harbor harbor - Other  其他仓库": {"Harbor", "Other"},
		"**取值范围**: - a：甲。 - B b":                  {"a"},
		"**取值范围**: 字符长度1-128位":                    nil,
		"镜像仓类型 - Harbor harbor":                   nil,
		"**取值范围**: - x : 一 **默认取值**: - y : 二":     {"x"},
	} {
		if got := parseDoc(doc).Values; !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", doc, got, want)
		}
	}
}

func TestSnake(t *testing.T) {
	if got := snake("ListImageBasicImageRequest"); got != "list_image_basic_image_request" {
		t.Error(got)
	}
}
