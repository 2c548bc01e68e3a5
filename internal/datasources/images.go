package datasources

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// NewImagesDataSource is the hss_images data source: the images of every registry HSS is
// connected to, with their scans.
func NewImagesDataSource() datasource.DataSource {
	return newList[imagesModel, *imagesModel](imagesSpec)
}

type imagesModel struct {
	listCommon
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	ImageType           types.String `tfsdk:"image_type"`
	Namespace           types.String `tfsdk:"namespace"`
	ImageName           types.String `tfsdk:"image_name"`
	ImageVersion        types.String `tfsdk:"image_version"`
	RegistryName        types.String `tfsdk:"registry_name"`
	InstanceID          types.String `tfsdk:"instance_id"`
	InstanceName        types.String `tfsdk:"instance_name"`
	ScanStatus          types.String `tfsdk:"scan_status"`
	SeverityLevel       types.String `tfsdk:"severity_level"`
	LatestVersion       types.Bool   `tfsdk:"latest_version"`
	HasVul              types.Bool   `tfsdk:"has_vul"`
	HasMaliciousFile    types.Bool   `tfsdk:"has_malicious_file"`
	HasUnsafeSetting    types.Bool   `tfsdk:"has_unsafe_setting"`
	Risky               types.Bool   `tfsdk:"risky"`
}

// associationFields are the fields of a multi-arch image's platform image.
var associationFields = []tfvalue.Field[hss.AssociationImage]{
	tfvalue.String("image_id", "its HSS ID", func(a hss.AssociationImage) string { return a.ImageID }),
	tfvalue.String("image_digest", "its digest", func(a hss.AssociationImage) string { return a.ImageDigest }),
	tfvalue.String("scan_status", "its scan status", func(a hss.AssociationImage) string { return a.ScanStatus }),
	tfvalue.Int64("vul_num", "vulnerabilities found", func(a hss.AssociationImage) int64 { return a.VulNum }),
	tfvalue.Int64("unsafe_setting_num", "unsafe settings found", func(a hss.AssociationImage) int64 { return a.UnsafeSettingNum }),
	tfvalue.Int64("malicious_file_num", "malicious files found", func(a hss.AssociationImage) int64 { return a.MaliciousFileNum }),
}

// registryImageFields are the attributes of an image of a registry HSS is connected to, as
// hss_images lists them.
var registryImageFields = []tfvalue.Field[hss.RegistryImage]{
	tfvalue.String("image_id", "HSS's ID of the image, the `image_id` of the other data sources", func(i hss.RegistryImage) string { return i.ImageID }),
	tfvalue.String("image_type", "where HSS has it: "+imageTypesDescription(hss.RegistryImageTypes), func(i hss.RegistryImage) string { return i.ImageType }),
	tfvalue.String("namespace", "its organization", func(i hss.RegistryImage) string { return i.Namespace }),
	tfvalue.String("image_name", "its name", func(i hss.RegistryImage) string { return i.ImageName }),
	tfvalue.String("image_version", "its tag", func(i hss.RegistryImage) string { return i.ImageVersion }),
	tfvalue.String("image_digest", "its digest", func(i hss.RegistryImage) string { return i.ImageDigest }),
	tfvalue.String("registry_type", "the kind of registry, e.g. `SwrPrivate`, `SwrEnterprise`, `Harbor`, `Jfrog`", func(i hss.RegistryImage) string { return i.RegistryType }),
	tfvalue.String("registry_name", "the registry's name in HSS", func(i hss.RegistryImage) string { return i.RegistryName }),
	tfvalue.String("registry_id", "the registry's ID in HSS", func(i hss.RegistryImage) string { return i.RegistryID }),
	tfvalue.String("instance_id", "the SWR enterprise instance, for `instance_image`", func(i hss.RegistryImage) string { return i.InstanceID }),
	tfvalue.String("instance_url", "the SWR enterprise instance's address", func(i hss.RegistryImage) string { return i.InstanceURL }),
	tfvalue.String("domain_name", "the account that shares a `shared_image`", func(i hss.RegistryImage) string { return i.DomainName }),
	tfvalue.String("scan_status", "`success` only when it was scanned: otherwise `unscan`, `scanning`, `waiting_for_scan`, `failed`, "+
		"`download_failed`, `image_oversized`, or a value HSS added since, kept as received", func(i hss.RegistryImage) string { return i.ScanStatus }),
	tfvalue.String("scan_failed_code", "why the scan failed, e.g. `download_failed`", func(i hss.RegistryImage) string { return i.ScanFailedCode }),
	tfvalue.String("scan_failed_desc", "why the scan failed, in words", func(i hss.RegistryImage) string { return i.ScanFailedDesc }),
	tfvalue.String("latest_scan_time", "when it was last scanned, RFC 3339; `\"\"` when never", func(i hss.RegistryImage) string { return i.LatestScanTime }),
	tfvalue.String("severity_level", "its risk after a scan: `Security`, `Low`, `Medium` or `High`, as received", func(i hss.RegistryImage) string { return i.SeverityLevel }),
	tfvalue.Bool("latest_version", "whether it is the newest tag of its image", func(i hss.RegistryImage) bool { return i.LatestVersion }),
	tfvalue.Bool("is_multiple_arch", "whether it is a multi-arch image (see `association_images`)", func(i hss.RegistryImage) bool { return i.IsMultipleArch }),
	tfvalue.Int64("vul_num", "vulnerabilities found", func(i hss.RegistryImage) int64 { return i.VulNum }),
	tfvalue.Int64("unsafe_setting_num", "unsafe settings found", func(i hss.RegistryImage) int64 { return i.UnsafeSettingNum }),
	tfvalue.Int64("malicious_file_num", "malicious files found", func(i hss.RegistryImage) int64 { return i.MaliciousFileNum }),
	tfvalue.List("association_images", "a multi-arch image's platform images, each with `image_id`, `image_digest`, `scan_status`, `vul_num`, "+
		"`unsafe_setting_num` and `malicious_file_num`", associationFields, func(i hss.RegistryImage) []hss.AssociationImage { return i.AssociationImages() }),
}

var imagesSpec = &listSpec[imagesModel, hss.RegistryImage]{
	typeName: "images",
	subject:  "HSS registry images",
	description: "Lists the images of every registry HSS is connected to — SWR (private, shared and enterprise), Harbor and JFrog — " +
		"with their IDs, digests and scans, through the HSS API `GET /v5/{project_id}/image/registries/images`. Every page of the result is " +
		"read. The API may match names loosely; this data source keeps only entries that match every name filter exactly.\n\n" +
		"To find the one image a reference you pull stands for, bound by registry and digest, use `hss_image`; to decide whether images may " +
		"be deployed, `hss_image_gate`. Only `scan_status = \"success\"` means an image's counts mean anything.",
	attributes:       imagesAttributes,
	entryDescription: "registry image",
	entry:            registryImageFields,
	read:             readImages,
	emptySummary:     "HSS knows no registry image for this query",
	emptyCauses: "no image matches the filters in the region and enterprise project queried (all_granted_eps queries every " +
		"one you are granted); HSS lists a registry's images once it has synchronised them, and needs its container edition to scan them.",
}

func imagesAttributes(context.Context) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	optional := func(description string, v ...validator.String) schema.StringAttribute {
		if len(v) == 0 {
			v = nonEmpty
		}
		return schema.StringAttribute{Optional: true, MarkdownDescription: description, Validators: v}
	}
	flag := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: description}
	}
	return scopeAttributes(map[string]schema.Attribute{
		"image_type":         optional("Only images of this type: "+imageTypesDescription(hss.RegistryImageTypes)+".", validators.OneOf("image type", hss.RegistryImageTypes)),
		"namespace":          optional("Only images of this organization, exactly."),
		"image_name":         optional("Only images of this name, exactly."),
		"image_version":      optional("Only images of this tag, exactly."),
		"registry_name":      optional("Only images of the registry HSS has under this name, exactly."),
		"instance_id":        optional("Only images of this SWR enterprise instance."),
		"instance_name":      optional("Only images of the SWR enterprise instance of this name."),
		"scan_status":        optional("Only images in this scan state: "+quotedList(hss.RegistryScanStatuses)+".", validators.OneOf("scan status", hss.RegistryScanStatuses)),
		"severity_level":     optional("Only images of this risk after a scan: "+quotedList(hss.SeverityLevels)+".", validators.OneOf("severity level", hss.SeverityLevels)),
		"latest_version":     flag("Only the newest tag of each image."),
		"has_vul":            flag("Only images with (`true`) or without (`false`) vulnerabilities."),
		"has_malicious_file": flag("Only images with (`true`) or without (`false`) malicious files."),
		"has_unsafe_setting": flag("Only images with (`true`) or without (`false`) unsafe settings."),
		"risky":              flag("Only images HSS rates at risk (`true`), or not (`false`)."),
	})
}

func readImages(ctx context.Context, d *Data, m *imagesModel) (*queryResult[hss.RegistryImage], error) {
	status := m.ScanStatus.ValueString()
	found, err := listIn(ctx, d, &m.Region, &m.EnterpriseProjectID, hss.RegistryImages, func(ep *string) model.ListRegistryImagesRequest {
		r := model.ListRegistryImagesRequest{
			EnterpriseProjectId: ep,
			ImageType:           optional(m.ImageType.ValueString()),
			Namespace:           optional(m.Namespace.ValueString()),
			ImageName:           optional(m.ImageName.ValueString()),
			ImageVersion:        optional(m.ImageVersion.ValueString()),
			RegistryName:        optional(m.RegistryName.ValueString()),
			InstanceId:          optional(m.InstanceID.ValueString()),
			InstanceName:        optional(m.InstanceName.ValueString()),
			SeverityLevel:       optional(m.SeverityLevel.ValueString()),
			LatestVersion:       m.LatestVersion.ValueBoolPointer(),
			HasVul:              m.HasVul.ValueBoolPointer(),
			HasMaliciousFile:    m.HasMaliciousFile.ValueBoolPointer(),
			HasUnsafeSetting:    m.HasUnsafeSetting.ValueBoolPointer(),
			Risky:               m.Risky.ValueBoolPointer(),
		}
		// States only an answer holds (download_failed, image_oversized) are no filter of the
		// API's: they are applied to the entries received instead.
		if slices.Contains(hss.RegistryScanStatusFilters, status) {
			r.ScanStatus = &status
		}
		return r
	}, func(r model.ListRegistryImagesRequest, ep, region string) (string, []string) {
		return fmt.Sprintf("The query for registry images in enterprise project %q of region %s", ep, region), []string{region}
	})
	if err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(hss.RegistryScanStatusFilters, status) {
		res := *found.res
		res.Items = slices.DeleteFunc(slices.Clone(res.Items), func(i hss.RegistryImage) bool { return i.ScanStatus != status })
		found.res = &res
		found.key += "\nscan_status=" + status
	}
	return found, nil
}

// quotedList is values as "`a`, `b` or `c`".
func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	return termsafe.JoinOr(q)
}
