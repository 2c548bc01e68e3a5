package resolve_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
)

func TestParseImageReference(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	ok := map[string]resolve.RepositoryImage{
		"swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64": {"scc_hss_container", "proxy-agent", "24.5.0-x86_64", "swr.cn-north-4.myhuaweicloud.com", ""},
		"harbor.example.com/team/app:1.2":                                              {"team", "app", "1.2", "harbor.example.com", ""},
		"harbor.example.com:8443/team/sub/app:v2":                                      {"team", "sub/app", "v2", "harbor.example.com:8443", ""},
		" team/app:1.2 ": {"team", "app", "1.2", "docker.io", ""},
		// An organization literally named library, in a registry of its own, is one.
		"harbor.example.com/library/nginx:1.27": {"library", "nginx", "1.27", "harbor.example.com", ""},
		"harbor.example.com/team/app:1.2@" + d:  {"team", "app", "1.2", "harbor.example.com", d},
		"localhost:5000/team/app:1.2":           {"team", "app", "1.2", "localhost:5000", ""},
		// By digest alone.
		"harbor.example.com/team/app@" + d: {"team", "app", "", "harbor.example.com", d},
		"team/app@" + d:                    {"team", "app", "", "docker.io", d},
		// The host normalised: lower case, the default port dropped, another kept.
		"Harbor.Example.COM/team/app:1":      {"team", "app", "1", "harbor.example.com", ""},
		"harbor.example.com:443/team/app:1":  {"team", "app", "1", "harbor.example.com", ""},
		"harbor.example.com:0443/team/app:1": {"team", "app", "1", "harbor.example.com", ""},
		"harbor.example.com:80/team/app:1":   {"team", "app", "1", "harbor.example.com:80", ""},
		"HARBOR.EXAMPLE.COM:8443/team/app:1": {"team", "app", "1", "harbor.example.com:8443", ""},
		"[::1]:443/team/app:1":               {"team", "app", "1", "[::1]", ""},
		"[FE80::1]:5000/team/app:1":          {"team", "app", "1", "[fe80::1]:5000", ""},
		"10.0.0.1:5000/team/app:1":           {"team", "app", "1", "10.0.0.1:5000", ""},
	}
	for in, want := range ok {
		got, err := resolve.ParseImageReference(in)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"harbor.example.com/team/app":          "has neither a tag nor a digest",
		"Harbor.example.com/Team/App:1":        "not a valid image reference",
		"":                                     "not a valid image reference",
		"team/app:":                            "not a valid image reference",
		"team//app:1":                          "not a valid image reference",
		"proxy-agent:24.5.0-x86_64":            "names no organization",
		"docker.io/library/nginx:1.27":         "names no organization",
		"user@harbor.example.com/team/app:1":   "not a valid image reference",
		"harbor.example.com./team/app:1":       "not a valid image reference",
		"harbör.example.com/team/app:1":        "not a valid image reference",
		"harbor.example.com:99999/team/app:1":  "not a registry host",
		"harbor.example.com:0/team/app:1":      "not a registry host",
		"harbor.example.com/team/app@sha256:x": "not a valid image reference",
		"harbor.example.com/team/app@md5:" + strings.Repeat("a", 32): "not a valid image reference",
		"harbor.example.com/team/app:1\nx":                           "not a valid image reference",
		strings.Repeat("a", resolve.MaxReferenceLength+1):            "more than the 1024",
	}
	for in, want := range bad {
		_, err := resolve.ParseImageReference(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "swr.cn-north-4") || len(err.Error()) > 1000 {
			t.Errorf("%q: err %v, want one containing %q and the expected form", in, err, want)
		}
	}
	// A reference that must carry a tag, as HSS's image APIs identify one.
	if _, err := resolve.ParseTaggedImageReference("harbor.example.com/team/app@" + d); err == nil || !strings.Contains(err.Error(), "by digest only") {
		t.Errorf("digest only: %v", err)
	}
	if img, err := resolve.ParseTaggedImageReference("HARBOR.example.com:443/team/app:1@" + d); err != nil || img.Version != "1" || img.Registry != "harbor.example.com" {
		t.Errorf("tagged: %+v %v", img, err)
	}
	// Where a tag is required, the error says so, and shows only the tagged form.
	if _, err := resolve.ParseTaggedImageReference("team/app"); err == nil || !strings.Contains(err.Error(), "has no tag") || strings.Contains(err.Error(), "@digest") {
		t.Errorf("no tag: %v", err)
	}
	if _, err := resolve.ParseTaggedImageReference("app:1"); err == nil || !strings.Contains(err.Error(), "names no organization") || strings.Contains(err.Error(), "@digest") {
		t.Errorf("no organization: %v", err)
	}
}

// Addresses HSS reports for registries and SWR Enterprise instances name their host in any of
// the forms a registry is written, normalised as a reference's host; nothing else names one.
func TestNormalizeRegistryHost(t *testing.T) {
	for in, want := range map[string]string{
		"harbor.example.com": "harbor.example.com", "HARBOR.example.com:443": "harbor.example.com", "harbor.example.com:8443": "harbor.example.com:8443",
		"localhost": "localhost", "[::1]:443": "[::1]",
	} {
		if got, err := resolve.NormalizeRegistryHost(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "user@harbor.example.com", "harbor.example.com.", "harbör.example.com", "harbor.example.com/x", "harbor.example.com:",
		"harbor.example.com:65536", "https://harbor.example.com", "harbor example.com", "-harbor.example.com", "harbor.example.com\x00"} {
		if got, err := resolve.NormalizeRegistryHost(in); err == nil {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
}
