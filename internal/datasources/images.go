package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// NewImagesDataSource is the hss_images data source: repository images with their scans.
func NewImagesDataSource() datasource.DataSource {
	return newList[imagesDataSourceModel, *imagesDataSourceModel](imagesSpec)
}

type imagesDataSourceModel struct {
	listCommon
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	ImageType           types.String `tfsdk:"image_type"`
	Namespace           types.String `tfsdk:"namespace"`
	ImageName           types.String `tfsdk:"image_name"`
	ImageVersion        types.String `tfsdk:"image_version"`
	ScanStatus          types.String `tfsdk:"scan_status"`
	LatestVersion       types.Bool   `tfsdk:"latest_version"`
	InstanceID          types.String `tfsdk:"instance_id"`
}

var imagesSpec = &listSpec[imagesDataSourceModel, hss.SWRImage]{
	typeName: "images",
	subject:  "HSS repository images",
	description: "Lists the repository images HSS knows, with their IDs and scan status, through the HSS API " +
		"`GET /v5/{project_id}/image/swr-repository`. Every page of the result is read. Use it to find the `image_id` of an image " +
		"you pull, and to refuse one that was not scanned successfully.",
	attributes:       imagesAttributes,
	entryDescription: "repository image",
	entry: []entryField[hss.SWRImage]{
		stringField("image_id", "HSS's ID of the image, the `image_id` of the other data sources", func(i hss.SWRImage) string { return i.ImageID }),
		stringField("namespace", "its organization", func(i hss.SWRImage) string { return i.Namespace }),
		stringField("image_name", "its name", func(i hss.SWRImage) string { return i.ImageName }),
		stringField("image_version", "its tag", func(i hss.SWRImage) string { return i.ImageVersion }),
		stringField("image_digest", "its digest", func(i hss.SWRImage) string { return i.ImageDigest }),
		stringField("image_type", "where HSS has it", func(i hss.SWRImage) string { return i.ImageType }),
		stringField("scan_status", "`success` only when it was scanned: otherwise `unscan`, `scanning`, `failed` or `waiting_for_scan`",
			func(i hss.SWRImage) string { return i.ScanStatus }),
		stringField("scan_failed_desc", "why the scan failed, e.g. `download_failed`", func(i hss.SWRImage) string { return i.ScanFailedDesc }),
		stringField("latest_scan_time", "when it was last scanned, RFC 3339; `\"\"` when never", func(i hss.SWRImage) string { return i.LatestScanTime }),
		int64Field("vul_num", "vulnerabilities found", func(i hss.SWRImage) int64 { return i.VulNum }),
		int64Field("unsafe_setting_num", "unsafe settings found", func(i hss.SWRImage) int64 { return i.UnsafeSettingNum }),
		int64Field("malicious_file_num", "malicious files found", func(i hss.SWRImage) int64 { return i.MaliciousFileNum }),
	},
	read:         readImages,
	emptySummary: "HSS knows no repository image for this query",
	emptyCauses: "no image of this type matches the filters in the region and enterprise project queried (all_granted_eps queries every " +
		"one you are granted); HSS lists SWR images once it has synchronised them, and needs its container edition to scan them.",
}

func imagesAttributes(context.Context) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	optional := func(description string, v ...validator.String) schema.StringAttribute {
		if len(v) == 0 {
			v = nonEmpty
		}
		return schema.StringAttribute{Optional: true, MarkdownDescription: description, Validators: v}
	}
	return map[string]schema.Attribute{
		"region":                regionAttribute(),
		"enterprise_project_id": enterpriseProjectAttribute(),
		"image_type": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Where the images are: `private_image` (SWR private repository), `shared_image` (shared with you), " +
				"`local_image` (on your servers) or `instance_image` (SWR enterprise edition).",
			Validators: []validator.String{validators.OneOf("image type", hss.SWRImageTypes)},
		},
		"namespace":     optional("Only images of this organization."),
		"image_name":    optional("Only images of this name."),
		"image_version": optional("Only images of this tag."),
		"scan_status":   optional("Only images in this scan state: `unscan`, `success`, `scanning`, `failed` or `waiting_for_scan`.", validators.OneOf("scan status", hss.ScanStatuses)),
		"latest_version": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Only the newest tag of each image.",
		},
		"instance_id": optional("Only images of this SWR enterprise instance (with `image_type = \"instance_image\"`)."),
	}
}

func readImages(ctx context.Context, d *Data, m *imagesDataSourceModel) (*queryResult[hss.SWRImage], error) {
	return listIn(ctx, d, &m.Region, &m.EnterpriseProjectID, hss.SWRImages, func(ep *string) model.ListSwrImageRepositoryRequest {
		return model.ListSwrImageRepositoryRequest{
			EnterpriseProjectId: ep,
			ImageType:           m.ImageType.ValueString(),
			Namespace:           optional(m.Namespace.ValueString()),
			ImageName:           optional(m.ImageName.ValueString()),
			ImageVersion:        optional(m.ImageVersion.ValueString()),
			ScanStatus:          optional(m.ScanStatus.ValueString()),
			LatestVersion:       m.LatestVersion.ValueBoolPointer(),
			InstanceId:          optional(m.InstanceID.ValueString()),
		}
	}, func(r model.ListSwrImageRepositoryRequest, ep, region string) (string, []string) {
		return fmt.Sprintf("The query for %s images in enterprise project %q of region %s", r.ImageType, ep, region), []string{region, r.ImageType}
	})
}
