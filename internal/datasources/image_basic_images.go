package datasources

import (
	"context"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// The base images of many images in one data source: each image is read as
// hss_image_basic_image reads one (the same request, coalesced with it, paged, paced and retried
// alike), without Terraform's cost of one data source instance per image.

// maxBatchImages bounds one batch; a plan needing more uses several.
const maxBatchImages = 5000

// NewImageBasicImagesDataSource is the hss_image_basic_images data source.
func NewImageBasicImagesDataSource() datasource.DataSource {
	return &dataSource[imageBasicImagesModel, *imageBasicImagesModel]{spec: imageBasicImagesSpec}
}

// imageBasicImagesModel is the configuration as the read uses it. images and results are
// Terraform values read and built directly: the framework's reflection over a map of 1,000
// objects cost a third of a batch read's CPU and of its validation (BenchmarkReadBatch,
// BenchmarkValidateBatch).
type imageBasicImagesModel struct {
	base
	Region              types.String  `tfsdk:"region"`
	EnterpriseProjectID types.String  `tfsdk:"enterprise_project_id"`
	Images              tftypes.Value `tfsdk:"images"`
	Results             tftypes.Value `tfsdk:"results"`
}

// batchImage is one value of images: an image as hss_image_basic_image identifies it.
type batchImage struct {
	imageRef
	OSName types.String
}

var imageBasicImagesSpec = &spec[imageBasicImagesModel]{
	typeName: "image_basic_images",
	subject:  imageBasicImageSpec.subject,
	description: "Reads the base images of many container images in one data source: each entry of `images` is read as " +
		"`hss_image_basic_image` reads one, through `GET /v5/{project_id}/image/{image_id}/basic-image`, and `results` holds each " +
		"answer under the same key. One data source of 1,000 images costs the same 1,000 HSS requests as 1,000 instances of " +
		"`hss_image_basic_image`, without Terraform's cost per instance.",
	attributes: imageBasicImagesAttributes,
	validate:   validateImageBasicImages,
	read:       readImageBasicImages,
}

func imageBasicImagesAttributes(context.Context) map[string]schema.Attribute {
	// In a batch an image's own attributes are configuration only.
	image := basicImageAttributes(imageRefAttributes(hss.ImageTypes, false))
	return scopeAttributes(map[string]schema.Attribute{
		"images": schema.MapNestedAttribute{
			Required: true,
			MarkdownDescription: fmt.Sprintf("The images to read, under keys of your choosing (at most %d): each with the arguments of "+
				"`hss_image_basic_image` that identify an image.", maxBatchImages),
			NestedObject: schema.NestedAttributeObject{Attributes: image},
			Validators:   []validator.Map{mapvalidator.SizeBetween(1, maxBatchImages), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
		},
		"results": schema.MapAttribute{
			Computed:    true,
			ElementType: basicImagesResultType(),
			MarkdownDescription: "Each image's answer under its key: `total_num` and `data_list`, as `hss_image_basic_image` has them. " +
				"An image HSS knows no base image for has an empty `data_list` (and a warning names it).",
		},
	})
}

// basicImagesResultType is the type of one value of results.
func basicImagesResultType() types.ObjectType {
	entry := tfvalue.ObjectType(imageBasicImageSpec.entry)
	return types.ObjectType{AttrTypes: map[string]attr.Type{"total_num": types.Int64Type, "data_list": types.ListType{ElemType: entry}}}
}

// batchImages are the known values of images by key; unknown says some are not known yet.
func batchImages(raw tftypes.Value) (images map[string]batchImage, unknown bool, err error) {
	if !raw.IsKnown() {
		return nil, true, nil
	}
	var elems map[string]tftypes.Value
	if err := raw.As(&elems); err != nil {
		return nil, false, fmt.Errorf("images: %w", err)
	}
	images = make(map[string]batchImage, len(elems))
	for k, e := range elems {
		if !e.IsKnown() {
			unknown = true
			continue
		}
		var f map[string]tftypes.Value
		if err := e.As(&f); err != nil {
			return nil, false, fmt.Errorf("images[%q]: %w", k, err)
		}
		images[k] = batchImage{imageRef: imageRef{ImageID: tfvalue.FrameworkString(f["image_id"]), ImageType: tfvalue.FrameworkString(f["image_type"]),
			ImageReference: tfvalue.FrameworkString(f["image_reference"]), Namespace: tfvalue.FrameworkString(f["namespace"]), ImageName: tfvalue.FrameworkString(f["image_name"]),
			ImageVersion: tfvalue.FrameworkString(f["image_version"])}, OSName: tfvalue.FrameworkString(f["os_name"])}
	}
	return images, unknown, nil
}

func validateImageBasicImages(_ context.Context, m *imageBasicImagesModel, diags *diag.Diagnostics) {
	images, _, err := batchImages(m.Images)
	if err != nil {
		diags.AddError("Unable to read the configuration", validators.Sentence(err.Error()))
		return
	}
	for _, k := range slices.Sorted(maps.Keys(images)) {
		img := images[k]
		img.validate(path.Root("images").AtMapKey(k), hss.ImageTypes, diags)
	}
}

// readImageBasicImages reads every image as the singular data source does, and sets results.
func readImageBasicImages(ctx context.Context, d *Data, m *imageBasicImagesModel) (*outcome, error) {
	images, unknown, err := batchImages(m.Images)
	switch {
	case err != nil:
		return nil, err
	case unknown:
		// Terraform reads a data source only once its configuration is known.
		return nil, fmt.Errorf("hss_image_basic_images was read before images was known")
	}
	keys := slices.Sorted(maps.Keys(images))
	found := make([]*queryResult[hss.BasicImage], len(keys))
	err = forEachKey(ctx, "images", keys, func(ctx context.Context, i int) error {
		one := imageBasicImageModel{imageScope: imageScope{Region: m.Region, EnterpriseProjectID: m.EnterpriseProjectID,
			imageRef: images[keys[i]].imageRef}, OSName: images[keys[i]].OSName}
		if err := one.resolve(path.Root("images").AtMapKey(keys[i])); err != nil {
			return err
		}
		r, err := imageBasicImageSpec.read(ctx, d, &one)
		found[i] = r
		return err
	})
	if err != nil {
		return nil, err
	}
	entries := 0
	for _, r := range found {
		entries += len(r.res.Items)
	}
	held, err := d.Client.Reserve(stateCost(entries, len(imageBasicImageSpec.entry)))
	if err != nil {
		return nil, err
	}
	region, ep := where(d, m.Region, m.EnterpriseProjectID)
	readIn(&m.Region, &m.EnterpriseProjectID, region, ep)
	m.Results = basicImagesResults(keys, found)
	out := &outcome{idParts: []string{m.Region.ValueString()}}
	queries := make([]string, len(found))
	var empty []string
	for i, r := range found {
		queries[i] = r.key
		if len(r.res.Items) == 0 {
			empty = append(empty, keys[i])
		}
		out.release = append(out.release, r.res.Release)
	}
	out.key = strings.Join(queries, "\n")
	out.release = append(out.release, held.Release)
	if len(empty) > 0 {
		out.warnings = append(out.warnings, warning{"HSS knows no base image for some images", fmt.Sprintf(
			"%d of %d images matched nothing: %s. Their results have an empty data_list.\n\nLikely causes: %s\n\n"+
				"A condition that reads data_list passes on an empty list: test length(...) > 0 to make an empty answer a refusal.",
			len(empty), len(keys), quoteAll(empty), imageBasicImageSpec.emptyCauses)})
	}
	return out, nil
}

// basicImagesResults is results: each image's total_num and data_list under its key.
func basicImagesResults(keys []string, found []*queryResult[hss.BasicImage]) tftypes.Value {
	rt := basicImagesResultType().TerraformType(context.Background())
	values := make(map[string]tftypes.Value, len(keys))
	for i, r := range found {
		values[keys[i]] = tftypes.NewValue(rt, map[string]tftypes.Value{
			"total_num": tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(int64(r.res.TotalNum))),
			"data_list": tfvalue.ListValue(imageBasicImageSpec.entry, r.res.Items),
		})
	}
	return tftypes.NewValue(tftypes.Map{ElementType: rt}, values)
}
