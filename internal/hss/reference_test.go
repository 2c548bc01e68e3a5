package hss_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

func TestParseImageReference(t *testing.T) {
	ok := map[string]hss.RepositoryImage{
		"swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64": {"scc_hss_container", "proxy-agent", "24.5.0-x86_64", "swr.cn-north-4.myhuaweicloud.com", ""},
		"harbor.example.com/team/app:1.2":                                              {"team", "app", "1.2", "harbor.example.com", ""},
		"harbor.example.com:8443/team/sub/app:v2":                                      {"team", "sub/app", "v2", "harbor.example.com:8443", ""},
		" team/app:1.2 ": {"team", "app", "1.2", "docker.io", ""},
		// An organization literally named library, in a registry of its own, is one.
		"harbor.example.com/library/nginx:1.27":                             {"library", "nginx", "1.27", "harbor.example.com", ""},
		"harbor.example.com/team/app:1.2@sha256:" + strings.Repeat("a", 64): {"team", "app", "1.2", "harbor.example.com", "sha256:" + strings.Repeat("a", 64)},
		"localhost:5000/team/app:1.2":                                       {"team", "app", "1.2", "localhost:5000", ""},
	}
	for in, want := range ok {
		got, err := hss.ParseImageReference(in)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"harbor.example.com/team/app":                                   "has no tag",
		"harbor.example.com/team/app@sha256:" + strings.Repeat("b", 64): "by digest only",
		"Harbor.example.com/Team/App:1":                                 "not a valid image reference",
		"":                                                              "not a valid image reference",
		"team/app:":                                                     "not a valid image reference",
		"team//app:1":                                                   "not a valid image reference",
		"proxy-agent:24.5.0-x86_64":                                     "names no organization",
		"docker.io/library/nginx:1.27":                                  "names no organization",
	}
	for in, want := range bad {
		_, err := hss.ParseImageReference(in)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "swr.cn-north-4") {
			t.Errorf("%q: err %v, want one containing %q and the expected form", in, err, want)
		}
	}
}
