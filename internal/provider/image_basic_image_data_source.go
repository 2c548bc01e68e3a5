package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// NewImageBasicImageDataSource is the hss_image_basic_image data source.
func NewImageBasicImageDataSource() datasource.DataSource {
	return &listDataSource[imageBasicImageDataSourceModel, *imageBasicImageDataSourceModel, hss.BasicImage]{spec: imageBasicImageSpec}
}

type imageBasicImageDataSourceModel struct {
	listCommon
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	ImageID             types.String `tfsdk:"image_id"`
	ImageType           types.String `tfsdk:"image_type"`
	ImageReference      types.String `tfsdk:"image_reference"`
	Namespace           types.String `tfsdk:"namespace"`
	ImageName           types.String `tfsdk:"image_name"`
	ImageVersion        types.String `tfsdk:"image_version"`
	OSName              types.String `tfsdk:"os_name"`
}

var imageBasicImageSpec = &listSpec[imageBasicImageDataSourceModel, hss.BasicImage]{
	typeName: "image_basic_image",
	what:     "HSS basic image information",
	description: "Reads the base image (OS name, OS version, layer digest) a container image is built on, " +
		"through the HSS API `GET /v5/{project_id}/image/{image_id}/basic-image`. Every page of the result is read.\n\n" +
		"A CI/CD image (`image_type = \"cicd\"`) is identified by `image_id` alone; a repository image (every other type) " +
		"also needs `namespace`, `image_name` and `image_version`.",
	attributes:       imageBasicImageAttributes,
	entryDescription: "base-image entry",
	entry: []entryField[hss.BasicImage]{
		stringField("os_name", "the base image's OS, e.g. `Debian`", func(b hss.BasicImage) string { return b.OSName }),
		stringField("os_version", "its version, e.g. `9`", func(b hss.BasicImage) string { return b.OSVersion }),
		stringField("layer_digest", "the digest of the base image's layer, e.g. `sha256:27833a3b…`", func(b hss.BasicImage) string { return b.LayerDigest }),
	},
	validate: validateImageBasicImage,
	read:     readImageBasicImage,
	// The API answers a query that matches no scanned image with an empty list, not an error.
	emptySummary: "HSS knows no base image for this query",
	emptyCauses: "HSS has not scanned the image yet; image_id or image_type is wrong (for a repository image, also namespace, " +
		"image_name and image_version); or the image belongs to another enterprise project than the one queried " +
		"(all_granted_eps queries every one you are granted).",
}

func imageBasicImageAttributes(context.Context) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	return map[string]schema.Attribute{
		"region":                regionAttribute(),
		"enterprise_project_id": enterpriseProjectAttribute(),
		"image_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "HSS's ID of the image, not its digest or tag: shown in the HSS console under Risk Management > " +
				"Container Images (Image View), and listed with each repository image by `GET /v5/{project_id}/image/swr-repository`. " +
				"The guide *Before the first plan* says where to find it, and which permissions a read needs.",
			Validators: []validator.String{imageIDValidator},
		},
		"image_type": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Image type: `private_image` (private repository), `shared_image` (shared repository), " +
				"`instance_image` (enterprise image), `cicd` (CI/CD image) or `harbor` (Harbor repository image).",
			Validators: []validator.String{imageTypeValidator},
		},
		"image_reference": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A repository image as you would pull it, e.g. `swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64` " +
				"or `harbor.example.com/team/app:1.2`. Fills `namespace` (the first path component), `image_name` (the rest of the path) and " +
				"`image_version` (the tag); conflicts with setting those directly. A digest may follow the tag but cannot replace it.",
			Validators: []validator.String{
				imageReferenceValidator,
				stringvalidator.ConflictsWith(path.MatchRoot("namespace"), path.MatchRoot("image_name"), path.MatchRoot("image_version")),
			},
		},
		"namespace": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Organization (namespace) of a repository image. Required unless `image_type` is `cicd` or `image_reference` is set.",
			Validators:          nonEmpty,
		},
		"image_name": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Name of a repository image. Required unless `image_type` is `cicd` or `image_reference` is set.",
			Validators:          nonEmpty,
		},
		"image_version": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: "Tag of a repository image. Required unless `image_type` is `cicd` or `image_reference` is set.",
			Validators:          nonEmpty,
		},
		"os_name": schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only return base images whose OS name matches.",
			Validators:          nonEmpty,
		},
	}
}

// validateImageBasicImage requires what identifies a repository image, which a schema cannot
// express.
func validateImageBasicImage(_ context.Context, m *imageBasicImageDataSourceModel, diags *diag.Diagnostics) {
	if m.ImageType.IsNull() || m.ImageType.IsUnknown() {
		return
	}
	t := m.ImageType.ValueString()
	if !slices.Contains(hss.ImageTypes, t) {
		return // image_type's own validator names the allowed values; nothing else applies yet
	}
	if t == hss.ImageTypeCICD || !m.ImageReference.IsNull() {
		return
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"namespace", m.Namespace}, {"image_name", m.ImageName}, {"image_version", m.ImageVersion}} {
		if a.v.IsNull() {
			diags.AddAttributeError(path.Root(a.name), "Missing required argument",
				fmt.Sprintf("image_type %q is a repository image, identified by its organization, name and tag: "+
					"set namespace, image_name and image_version (%s is missing), or image_reference. Only image_type \"cicd\" is identified by image_id alone.", t, a.name))
		}
	}
}

func readImageBasicImage(ctx context.Context, d *providerData, m *imageBasicImageDataSourceModel) (*listed[hss.BasicImage], error) {
	if !m.ImageReference.IsNull() {
		ref, err := hss.ParseImageReference(m.ImageReference.ValueString())
		if err != nil {
			return nil, &attributeError{path.Root("image_reference"), "Invalid image reference", err.Error()}
		}
		m.Namespace, m.ImageName, m.ImageVersion = types.StringValue(ref.Namespace), types.StringValue(ref.Name), types.StringValue(ref.Version)
	}
	q := hss.BasicImageQuery{
		Region:              orDefault(m.Region, d.region),
		ImageID:             m.ImageID.ValueString(),
		ImageType:           m.ImageType.ValueString(),
		Namespace:           m.Namespace.ValueString(),
		ImageName:           m.ImageName.ValueString(),
		ImageVersion:        m.ImageVersion.ValueString(),
		OSName:              m.OSName.ValueString(),
		EnterpriseProjectID: orDefault(m.EnterpriseProjectID, d.enterpriseProjectID),
	}
	tflog.Debug(ctx, "Reading HSS basic image information", map[string]any{"region": q.Region, "image_id": q.ImageID, "image_type": q.ImageType})
	res, err := d.client.ListBasicImages(ctx, q)
	if err != nil {
		return nil, err
	}
	m.Region = types.StringValue(res.Region)
	// The ID and state name the enterprise project the API assumed.
	if q.EnterpriseProjectID == "" {
		q.EnterpriseProjectID = hss.DefaultEnterpriseProject
	}
	m.EnterpriseProjectID = types.StringValue(q.EnterpriseProjectID)
	query := fmt.Sprintf("The query for image_id %q (image_type %q", q.ImageID, q.ImageType)
	if q.ImageType != hss.ImageTypeCICD {
		query += fmt.Sprintf(", %s/%s:%s", q.Namespace, q.ImageName, q.ImageVersion)
	}
	if q.OSName != "" {
		query += fmt.Sprintf(", os_name %q", q.OSName)
	}
	query += fmt.Sprintf(") in enterprise project %q of region %s", q.EnterpriseProjectID, q.Region)
	return &listed[hss.BasicImage]{res: res, idParts: []string{q.Region, q.ImageID}, key: q.Key(), query: query}, nil
}
