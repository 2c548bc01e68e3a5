package hss_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// Every filter the registry image list is given is held to each entry exactly.
func TestRegistryImageMismatch(t *testing.T) {
	s := func(v string) *string { return &v }
	yes, no := true, false
	entry := hss.RegistryImage{Namespace: "team", ImageName: "app", ImageVersion: "1.4.2", RegistryName: "harbor-prod", InstanceID: "i1",
		InstanceName: "prod", ImageType: "harbor", ScanStatus: "success", SeverityLevel: "Low", LatestVersion: true}
	for name, c := range map[string]struct {
		req  model.ListRegistryImagesRequest
		want string
	}{
		"no filter":      {model.ListRegistryImagesRequest{}, ""},
		"every filter":   {model.ListRegistryImagesRequest{Namespace: s("team"), ImageName: s("app"), ImageVersion: s("1.4.2"), RegistryName: s("harbor-prod"), InstanceId: s("i1"), InstanceName: s("prod"), ImageType: s("harbor"), ScanStatus: s("success"), SeverityLevel: s("Low"), LatestVersion: &yes, IsMultarch: &no}, ""},
		"tag prefix":     {model.ListRegistryImagesRequest{ImageVersion: s("1.4")}, "image_version"},
		"tag longer":     {model.ListRegistryImagesRequest{ImageVersion: s("1.4.2-r")}, "image_version"},
		"namespace case": {model.ListRegistryImagesRequest{Namespace: s("Team")}, "namespace"},
		"name substring": {model.ListRegistryImagesRequest{ImageName: s("ap")}, "image_name"},
		"registry":       {model.ListRegistryImagesRequest{RegistryName: s("harbor")}, "registry_name"},
		"instance":       {model.ListRegistryImagesRequest{InstanceId: s("i")}, "instance_id"},
		"instance name":  {model.ListRegistryImagesRequest{InstanceName: s("pro")}, "instance_name"},
		"image type":     {model.ListRegistryImagesRequest{ImageType: s("jfrog")}, "image_type"},
		"scan status":    {model.ListRegistryImagesRequest{ScanStatus: s("failed")}, "scan_status"},
		"severity":       {model.ListRegistryImagesRequest{SeverityLevel: s("low")}, "severity_level"},
		"multi-arch":     {model.ListRegistryImagesRequest{IsMultarch: &yes}, "is_multiple_arch"},
		"empty filter":   {model.ListRegistryImagesRequest{Namespace: s("")}, ""}, // sent as no filter
	} {
		got := hss.RegistryImages.Mismatch(&c.req, entry)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
	old := entry
	old.LatestVersion = false
	if hss.RegistryImages.Mismatch(&model.ListRegistryImagesRequest{LatestVersion: &yes}, old) == "" ||
		hss.RegistryImages.Mismatch(&model.ListRegistryImagesRequest{LatestVersion: &no}, old) != "" {
		t.Error("latest_version")
	}
	reg := hss.Registry{ID: "r1", Name: "harbor-prod", Type: "Harbor", Addr: "harbor.example.com", Status: "success"}
	for name, c := range map[string]struct {
		req  model.ListRegistryRequest
		want string
	}{
		"every filter": {model.ListRegistryRequest{RegistryName: s("harbor-prod"), RegistryId: s("r1"), RegistryType: s("Jfrog,Harbor"), RegistryAddr: s("harbor.example.com"), Status: s("success")}, ""},
		"name prefix":  {model.ListRegistryRequest{RegistryName: s("harbor")}, "registry_name"},
		"id":           {model.ListRegistryRequest{RegistryId: s("r")}, "registry_id"},
		"type":         {model.ListRegistryRequest{RegistryType: s("Jfrog,Harbo")}, "registry_type"},
		"addr":         {model.ListRegistryRequest{RegistryAddr: s("harbor.example")}, "registry_addr"},
		"status":       {model.ListRegistryRequest{Status: s("fail")}, "status"},
	} {
		got := hss.Registries.Mismatch(&c.req, reg)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}
