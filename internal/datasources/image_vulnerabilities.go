package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// NewImageVulnerabilitiesDataSource is the hss_image_vulnerabilities data source.
func NewImageVulnerabilitiesDataSource() datasource.DataSource {
	return newList[imageVulnerabilitiesModel, *imageVulnerabilitiesModel](imageVulnerabilitiesSpec)
}

type imageVulnerabilitiesModel struct {
	listCommon
	imageScope
	RepairNecessity types.String `tfsdk:"repair_necessity"`
	VulID           types.String `tfsdk:"vul_id"`
	AppName         types.String `tfsdk:"app_name"`
	Type            types.String `tfsdk:"type"`
	HandleStatus    types.String `tfsdk:"handle_status"`
}

var imageVulnerabilitiesSpec = &listSpec[imageVulnerabilitiesModel, hss.ImageVulnerability]{
	typeName: "image_vulnerabilities",
	subject:  "HSS image vulnerabilities",
	description: "Reads the vulnerabilities HSS found in a container image, through the HSS API " +
		"`GET /v5/{project_id}/image/{image_id}/vulnerabilities`. Every page of the result is read. An image HSS has not scanned has " +
		"none: check its `scan_status` with `hss_images` before reading no vulnerabilities as clean.",
	attributes:       imageVulnerabilitiesAttributes,
	entryDescription: "vulnerability",
	entry: []tfvalue.Field[hss.ImageVulnerability]{
		tfvalue.String("vul_id", "its ID, e.g. `CVE-2024-6387`", func(v hss.ImageVulnerability) string { return v.VulID }),
		tfvalue.String("repair_necessity", "`immediate_repair` (high), `delay_repair` (medium) or `not_needed_repair` (low)",
			func(v hss.ImageVulnerability) string { return v.RepairNecessity }),
		tfvalue.String("description", "what it is", func(v hss.ImageVulnerability) string { return v.Description }),
		tfvalue.String("position", "where in the image it was found", func(v hss.ImageVulnerability) string { return v.Position }),
		tfvalue.String("app_name", "the affected software", func(v hss.ImageVulnerability) string { return v.AppName }),
		tfvalue.String("app_path", "its path", func(v hss.ImageVulnerability) string { return v.AppPath }),
		tfvalue.String("version", "its version", func(v hss.ImageVulnerability) string { return v.Version }),
		tfvalue.String("solution", "how to fix it", func(v hss.ImageVulnerability) string { return v.Solution }),
		tfvalue.String("url", "a page about it", func(v hss.ImageVulnerability) string { return v.URL }),
	},
	validate: func(_ context.Context, m *imageVulnerabilitiesModel, diags *diag.Diagnostics) {
		m.validate(path.Empty(), hss.VulnerabilityImageTypes, diags)
	},
	// No vulnerability in a scanned image is good news, so an empty list has no warning; the
	// description says to check the scan first.
	read: readImageVulnerabilities,
}

func imageVulnerabilitiesAttributes(context.Context) map[string]schema.Attribute {
	attrs := imageScopeAttributes(hss.VulnerabilityImageTypes)
	filter := func(description string, v validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: description, Validators: []validator.String{v}}
	}
	attrs["repair_necessity"] = filter("Only vulnerabilities of this severity: `immediate_repair`, `delay_repair` or `not_needed_repair`.",
		validators.OneOf("repair necessity", hss.RepairNecessities))
	attrs["vul_id"] = filter("Only vulnerabilities whose ID contains this.", stringvalidator.LengthAtLeast(1))
	attrs["app_name"] = filter("Only vulnerabilities of this software.", stringvalidator.LengthAtLeast(1))
	attrs["type"] = filter("Only `linux_vul` (OS packages) or `app_vul` (applications).", validators.OneOf("vulnerability type", hss.VulnerabilityKinds))
	attrs["handle_status"] = filter("Only `unhandled` or `handled` ones.", validators.OneOf("handle status", hss.HandleStatuses))
	return attrs
}

func readImageVulnerabilities(ctx context.Context, d *Data, m *imageVulnerabilitiesModel) (*queryResult[hss.ImageVulnerability], error) {
	if err := m.resolve(path.Empty()); err != nil {
		return nil, err
	}
	return listIn(ctx, d, &m.Region, &m.EnterpriseProjectID, hss.ImageVulnerabilities, func(ep *string) model.ListImageVulnerabilitiesRequest {
		return hss.VulnerabilityQuery{ImageID: m.ImageID.ValueString(), ImageType: m.ImageType.ValueString(), Namespace: m.Namespace.ValueString(),
			ImageName: m.ImageName.ValueString(), ImageVersion: m.ImageVersion.ValueString(), RepairNecessity: m.RepairNecessity.ValueString(),
			VulID: m.VulID.ValueString(), AppName: m.AppName.ValueString(), Type: m.Type.ValueString(), HandleStatus: m.HandleStatus.ValueString(),
			EnterpriseProjectID: deref(ep)}.Request()
	}, func(r model.ListImageVulnerabilitiesRequest, ep, region string) (string, []string) {
		return fmt.Sprintf("The query for the vulnerabilities of image_id %q (image_type %q) in enterprise project %q of region %s",
			r.ImageId, r.ImageType, ep, region), []string{region, r.ImageId}
	})
}
