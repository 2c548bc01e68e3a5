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
)

// NewImageBasicImageDataSource is the hss_image_basic_image data source.
func NewImageBasicImageDataSource() datasource.DataSource {
	return newList[imageBasicImageModel, *imageBasicImageModel](imageBasicImageSpec)
}

type imageBasicImageModel struct {
	listCommon
	imageScope
	OSName types.String `tfsdk:"os_name"`
}

var imageBasicImageSpec = &listSpec[imageBasicImageModel, hss.BasicImage]{
	typeName: "image_basic_image",
	subject:  "HSS basic image information",
	description: "Reads the base image (OS name, OS version, layer digest) a container image is built on, " +
		"through the HSS API `GET /v5/{project_id}/image/{image_id}/basic-image`. Every page of the result is read.\n\n" +
		"A CI/CD image (`image_type = \"cicd\"`) is identified by `image_id` alone; a repository image (every other type) " +
		"also needs `namespace`, `image_name` and `image_version`.",
	attributes: func(context.Context) map[string]schema.Attribute {
		return basicImageAttributes(imageScopeAttributes(hss.ImageTypes))
	},
	entryDescription: "base-image entry",
	entry: []tfvalue.Field[hss.BasicImage]{
		tfvalue.String("os_name", "the base image's OS, e.g. `Debian`", func(b hss.BasicImage) string { return b.OSName }),
		tfvalue.String("os_version", "its version, e.g. `9`", func(b hss.BasicImage) string { return b.OSVersion }),
		tfvalue.String("layer_digest", "the digest of the base image's layer, e.g. `sha256:27833a3b…`", func(b hss.BasicImage) string { return b.LayerDigest }),
	},
	validate: func(_ context.Context, m *imageBasicImageModel, diags *diag.Diagnostics) {
		m.validate(path.Empty(), hss.ImageTypes, diags)
	},
	read: func(ctx context.Context, d *Data, m *imageBasicImageModel) (*queryResult[hss.BasicImage], error) {
		if err := m.resolve(path.Empty()); err != nil {
			return nil, err
		}
		return listIn(ctx, d, &m.Region, &m.EnterpriseProjectID, hss.BasicImages, func(ep *string) model.ListImageBasicImageRequest {
			return basicImageRequest(m.imageRef, m.OSName, ep)
		}, describeBasicImageQuery)
	},
	// The API answers a query that matches no scanned image with an empty list, not an error.
	emptySummary: "HSS knows no base image for this query",
	emptyCauses: "HSS has not scanned the image yet; image_id or image_type is wrong (for a repository image, also namespace, " +
		"image_name and image_version); or the image belongs to another enterprise project than the one queried " +
		"(all_granted_eps queries every one you are granted).",
}

// basicImageAttributes adds the API's own filter to the attributes that identify an image.
func basicImageAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["os_name"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only return base images whose OS name matches.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	return attrs
}

// basicImageRequest is the API's request for an image and an OS name filter.
func basicImageRequest(img imageRef, osName types.String, ep *string) model.ListImageBasicImageRequest {
	return hss.BasicImageQuery{ImageID: img.ImageID.ValueString(), ImageType: img.ImageType.ValueString(), Namespace: img.Namespace.ValueString(),
		ImageName: img.ImageName.ValueString(), ImageVersion: img.ImageVersion.ValueString(), OSName: osName.ValueString(),
		EnterpriseProjectID: deref(ep)}.Request()
}

func describeBasicImageQuery(r model.ListImageBasicImageRequest, ep, region string) (string, []string) {
	query := fmt.Sprintf("The query for image_id %q (image_type %q", r.ImageId, r.ImageType)
	if r.ImageType != hss.ImageTypeCICD {
		query += fmt.Sprintf(", %s/%s:%s", deref(r.Namespace), deref(r.ImageName), deref(r.ImageVersion))
	}
	if r.OsName != nil {
		query += fmt.Sprintf(", os_name %q", *r.OsName)
	}
	return query + fmt.Sprintf(") in enterprise project %q of region %s", ep, region), []string{region, r.ImageId}
}
