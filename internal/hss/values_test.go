package hss_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/sdkmodel"
)

// Every value list the client declares is the SDK's, in its order, for every model that
// documents the field: requests for what a filter takes, responses for what an entry holds.
func TestValueListsAreTheSDKs(t *testing.T) {
	for _, c := range []struct {
		name   string
		values []string
		fields []string // model.field
	}{
		{"ImageTypes", hss.ImageTypes, []string{"ListImageBasicImageRequest.image_type"}},
		{"VulnerabilityImageTypes", hss.VulnerabilityImageTypes, []string{"ListImageVulnerabilitiesRequest.image_type"}},
		{"RepairNecessities", hss.RepairNecessities, []string{"ListImageVulnerabilitiesRequest.repair_necessity"}},
		{"VulnerabilityKinds", hss.VulnerabilityKinds, []string{"ListImageVulnerabilitiesRequest.type"}},
		{"HandleStatuses", hss.HandleStatuses, []string{"ListImageVulnerabilitiesRequest.handle_status"}},
		{"RegistryImageTypes", hss.RegistryImageTypes, []string{"ListRegistryImagesRequest.image_type", "RegistryImagesInfo.image_type",
			"AssociateImagesInfo.image_type"}},
		{"RegistryScanStatusFilters", hss.RegistryScanStatusFilters, []string{"ListRegistryImagesRequest.scan_status"}},
		{"RegistryScanStatuses", hss.RegistryScanStatuses, []string{"RegistryImagesInfo.scan_status", "AssociateImagesInfo.scan_status"}},
		{"ScanFailedCodes", hss.ScanFailedCodes, []string{"RegistryImagesInfo.scan_failed_code"}},
		{"SeverityLevels", hss.SeverityLevels, []string{"ListRegistryImagesRequest.severity_level", "RegistryImagesInfo.severity_level"}},
		{"SharedStatuses", hss.SharedStatuses, []string{"RegistryImagesInfo.shared_status"}},
		// The image's list writes them in another order than the registry's.
		{"RegistryTypes", hss.RegistryTypes, []string{"RegistryImagesInfo.registry_type"}},
		{"RegistryTypes", sortedAs(hss.RegistryTypes, []string{"Harbor", "Jfrog", "SwrPrivate", "SwrShared", "SwrEnterprise", "Other"}),
			[]string{"ListRegistryRequest.registry_type", "RegistryInfo.registry_type"}},
		{"RegistryStatuses", hss.RegistryStatuses, []string{"ListRegistryRequest.status", "RegistryInfo.status"}},
		{"RegistryProtocols", hss.RegistryProtocols, []string{"RegistryInfo.protocol"}},
	} {
		for _, mf := range c.fields {
			model, field, _ := strings.Cut(mf, ".")
			fields, err := sdkmodel.Model("hss/v5", model)
			if err != nil {
				t.Fatal(err)
			}
			if got := fields[field].Values; len(got) == 0 || !slices.Equal(got, c.values) {
				t.Errorf("%s is %v; %s documents %v", c.name, c.values, mf, got)
			}
		}
	}
	// The filter's scan states are the answer's, less the two only an answer holds.
	if !slices.Equal(slices.DeleteFunc(slices.Clone(hss.RegistryScanStatuses), func(s string) bool {
		return s == "download_failed" || s == "image_oversized"
	}), hss.RegistryScanStatusFilters) {
		t.Error("the filter's scan states are not the answer's")
	}
}

// sortedAs is values when it holds exactly order's values, in order's order; nil otherwise.
func sortedAs(values, order []string) []string {
	if !slices.Equal(slices.Sorted(slices.Values(values)), slices.Sorted(slices.Values(order))) {
		return nil
	}
	return order
}
