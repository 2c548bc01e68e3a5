package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	imageScope
	OSName types.String `tfsdk:"os_name"`
}

var imageBasicImageSpec = &listSpec[imageBasicImageDataSourceModel, hss.BasicImage]{
	typeName: "image_basic_image",
	subject:  "HSS basic image information",
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
	attrs := imageScopeAttributes(imageTypeValidator, "`private_image` (private repository), `shared_image` (shared repository), "+
		"`instance_image` (enterprise image), `cicd` (CI/CD image) or `harbor` (Harbor repository image)")
	attrs["os_name"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only return base images whose OS name matches.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	return attrs
}

// validateImageBasicImage requires what identifies a repository image, which a schema cannot
// express.
func validateImageBasicImage(_ context.Context, m *imageBasicImageDataSourceModel, diags *diag.Diagnostics) {
	m.validate(hss.ImageTypes, diags)
}

func readImageBasicImage(ctx context.Context, d *providerData, m *imageBasicImageDataSourceModel) (*queryResult[hss.BasicImage], error) {
	if err := m.resolve(); err != nil {
		return nil, err
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
	return &queryResult[hss.BasicImage]{res: res, idParts: []string{q.Region, q.ImageID}, key: q.Key(), query: query}, nil
}
