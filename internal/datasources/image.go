package datasources

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// NewImageDataSource is the hss_image data source: the one image HSS scanned that a reference
// you pull stands for, bound by registry host and digest.
func NewImageDataSource() datasource.DataSource {
	return &dataSource[imageModel, *imageModel]{spec: imageSpec}
}

type imageModel struct {
	base
	Reference           types.String `tfsdk:"reference"`
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	boundImage
}

// boundImage is what a reference resolved to, as hss_image and hss_image_gate show it.
type boundImage struct {
	ImageID          types.String `tfsdk:"image_id"`
	ImageType        types.String `tfsdk:"image_type"`
	RegistryType     types.String `tfsdk:"registry_type"`
	RegistryName     types.String `tfsdk:"registry_name"`
	Namespace        types.String `tfsdk:"namespace"`
	ImageName        types.String `tfsdk:"image_name"`
	ImageVersion     types.String `tfsdk:"image_version"`
	ImageDigest      types.String `tfsdk:"image_digest"`
	PinnedReference  types.String `tfsdk:"pinned_reference"`
	ScanStatus       types.String `tfsdk:"scan_status"`
	ScanFailedCode   types.String `tfsdk:"scan_failed_code"`
	ScanFailedDesc   types.String `tfsdk:"scan_failed_desc"`
	LatestScanTime   types.String `tfsdk:"latest_scan_time"`
	SeverityLevel    types.String `tfsdk:"severity_level"`
	VulNum           types.Int64  `tfsdk:"vul_num"`
	UnsafeSettingNum types.Int64  `tfsdk:"unsafe_setting_num"`
	MaliciousFileNum types.Int64  `tfsdk:"malicious_file_num"`
}

var imageSpec = &spec[imageModel]{
	typeName: "image",
	subject:  "the HSS image of a reference",
	description: "Finds the one image HSS scanned that a reference you pull stands for, across every registry HSS is connected to, and " +
		"binds it by registry host and digest: `pinned_reference` is what a deployment should pull to run exactly that image.\n\n" +
		"The registry host of the reference decides where to look: `swr.<region>.<cloud>` is SWR (a private or shared image, in the " +
		"region read), the host of an SWR Enterprise instance its images, any other host the registry HSS has at that address " +
		"(`GET /v5/{project_id}/image/registries`). A host HSS has no registry for is an error that names the registries it has, never a " +
		"match by name alone. Organization, name and tag must match exactly; a digest in the reference must equal the image's (or, for a " +
		"multi-arch image, one platform image's). Reads `GET /v5/{project_id}/image/registries/images` once per distinct reference.\n\n" +
		"An image found but not scanned is not an error here: **only `scan_status = \"success\"` means the counts mean anything**. " +
		"`hss_image_gate` refuses the rest.",
	attributes: func(context.Context) map[string]schema.Attribute {
		attrs := scopeAttributes(boundImageAttributes())
		attrs["reference"] = schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The image as you pull it: `registry/organization/name:tag`, `…@sha256:…` or both, e.g. " +
				"`swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2`. A reference by digest alone is found by listing the repository.",
			Validators: []validator.String{validators.AnyImageReference},
		}
		return attrs
	},
	read: readImage,
}

// boundImageAttributes are the computed attributes of boundImage.
func boundImageAttributes() map[string]schema.Attribute {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: description}
	}
	count := func(description string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: description + " Meaningful only when `scan_status` is `success`."}
	}
	return map[string]schema.Attribute{
		"image_id":           computed("HSS's ID of the image, the `image_id` of the other data sources; a multi-arch image's platform image's when the reference's digest named one."),
		"image_type":         computed("Where HSS has it: " + imageTypesDescription(hss.RegistryImageTypes) + "."),
		"registry_type":      computed("The kind of registry, e.g. `SwrPrivate`, `SwrShared`, `SwrEnterprise`, `Harbor` or `Jfrog`, as HSS reports it."),
		"registry_name":      computed("The registry's name in HSS."),
		"namespace":          computed("The image's organization."),
		"image_name":         computed("The image's name."),
		"image_version":      computed("The image's tag."),
		"image_digest":       computed("The digest HSS scanned: the platform image's when the reference's digest named one of a multi-arch image."),
		"pinned_reference":   computed("`host/namespace/name@digest`: what a deployment should pull to run exactly the image HSS scanned, whatever the tag points to later."),
		"scan_status":        computed("`success` only when HSS scanned the image; otherwise `unscan`, `scanning`, `waiting_for_scan`, `failed`, `download_failed`, `image_oversized`, or a value HSS added since, kept as received."),
		"scan_failed_code":   computed("Why the scan failed, e.g. `download_failed`; `\"\"` otherwise."),
		"scan_failed_desc":   computed("Why the scan failed, in words; `\"\"` otherwise."),
		"latest_scan_time":   computed("When HSS last scanned the image, RFC 3339; `\"\"` when never."),
		"severity_level":     computed("The image's risk after a scan: `Security`, `Low`, `Medium` or `High`, as received."),
		"vul_num":            count("Vulnerabilities found."),
		"unsafe_setting_num": count("Unsafe settings found."),
		"malicious_file_num": count("Malicious files found."),
	}
}

func readImage(ctx context.Context, d *Data, m *imageModel) (*outcome, error) {
	region, ep := where(d, m.Region, m.EnterpriseProjectID)
	ref := m.Reference.ValueString()
	res, err := resolve.Resolve(ctx, d.Client, resolve.Query{Region: region, EnterpriseProjectID: ep, References: []string{ref}})
	if err != nil {
		return nil, err
	}
	r := res[0]
	if r.Failure != nil {
		return nil, &attributeError{path.Root("reference"), "Reference not resolved", r.Failure.Message}
	}
	readIn(&m.Region, &m.EnterpriseProjectID, region, ep)
	m.boundImage = bind(r)
	return &outcome{idParts: []string{region}, key: region + "\n" + ep + "\n" + ref}, nil
}

// bind is the image a reference resolved to, its multi-arch platform image's scan when the
// reference's digest named one: that scan is the one that applies.
func bind(r resolve.Resolution) boundImage {
	img := r.Image
	b := boundImage{
		ImageID: types.StringValue(img.ImageID), ImageType: types.StringValue(img.ImageType), RegistryType: types.StringValue(img.RegistryType),
		RegistryName: types.StringValue(img.RegistryName), Namespace: types.StringValue(img.Namespace), ImageName: types.StringValue(img.ImageName),
		ImageVersion: types.StringValue(img.ImageVersion), ImageDigest: types.StringValue(r.Digest), PinnedReference: types.StringValue(r.Pinned),
		ScanStatus: types.StringValue(img.ScanStatus), ScanFailedCode: types.StringValue(img.ScanFailedCode),
		ScanFailedDesc: types.StringValue(img.ScanFailedDesc), LatestScanTime: types.StringValue(img.LatestScanTime),
		SeverityLevel: types.StringValue(img.SeverityLevel), VulNum: types.Int64Value(img.VulNum),
		UnsafeSettingNum: types.Int64Value(img.UnsafeSettingNum), MaliciousFileNum: types.Int64Value(img.MaliciousFileNum),
	}
	if c := r.Child; c != nil {
		b.ImageID, b.ScanStatus = types.StringValue(c.ImageID), types.StringValue(c.ScanStatus)
		b.VulNum, b.UnsafeSettingNum, b.MaliciousFileNum = types.Int64Value(c.VulNum), types.Int64Value(c.UnsafeSettingNum), types.Int64Value(c.MaliciousFileNum)
	}
	return b
}
