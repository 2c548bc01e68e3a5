package provider

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
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
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// The base images of many images in one data source: one read per image through the same
// engine as hss_image_basic_image (coalesced with it, paged, paced and retried alike), without
// Terraform's cost of one data source instance per image.

// maxBatchImages bounds one batch; a plan needing more uses several.
const maxBatchImages = 5000

// batchWorkers bounds the reads in flight at once: the transport's connections and the pacing
// bound what reaches the service; this bounds goroutines and memory.
const batchWorkers = 64

// NewImageBasicImagesDataSource is the hss_image_basic_images data source.
func NewImageBasicImagesDataSource() datasource.DataSource { return &imageBasicImagesDataSource{} }

type imageBasicImagesDataSource struct{ data *providerData }

type batchImage struct {
	ImageID        types.String `tfsdk:"image_id"`
	ImageType      types.String `tfsdk:"image_type"`
	ImageReference types.String `tfsdk:"image_reference"`
	Namespace      types.String `tfsdk:"namespace"`
	ImageName      types.String `tfsdk:"image_name"`
	ImageVersion   types.String `tfsdk:"image_version"`
	OSName         types.String `tfsdk:"os_name"`
}

// imageBasicImagesModel is the configuration as the read uses it. It is decoded from Terraform
// values directly, and the state is the configuration with the computed attributes set: the
// framework's reflection over a map of 1,000 objects cost a third of a batch read's CPU and
// of its validation (BenchmarkReadBatch, BenchmarkValidateBatch).
type imageBasicImagesModel struct {
	Region              types.String   `tfsdk:"region"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	// Images holds the known entries of images; unknown is set when images, or an entry of
	// it, is not known yet.
	Images  map[string]batchImage `tfsdk:"-"`
	unknown bool
}

// decodeBatch reads the configuration raw of the data source's schema.
func decodeBatch(ctx context.Context, raw tftypes.Value) (*imageBasicImagesModel, error) {
	var m imageBasicImagesModel
	if err := decodeModel(ctx, raw, batchScalarTypes, &m); err != nil {
		return nil, err
	}
	var attrs, elems map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return nil, err
	}
	if images := attrs["images"]; !images.IsKnown() {
		m.unknown = true
		return &m, nil
	} else if err := images.As(&elems); err != nil {
		return nil, fmt.Errorf("images: %w", err)
	}
	m.Images = make(map[string]batchImage, len(elems))
	for k, e := range elems {
		var f map[string]tftypes.Value
		if !e.IsKnown() {
			m.unknown = true
			continue
		}
		if err := e.As(&f); err != nil {
			return nil, fmt.Errorf("images[%q]: %w", k, err)
		}
		m.Images[k] = batchImage{ImageID: tfString(f["image_id"]), ImageType: tfString(f["image_type"]),
			ImageReference: tfString(f["image_reference"]), Namespace: tfString(f["namespace"]), ImageName: tfString(f["image_name"]),
			ImageVersion: tfString(f["image_version"]), OSName: tfString(f["os_name"])}
	}
	return &m, nil
}

// batchScalarTypes are the types of the attributes decodeModel reads.
var batchScalarTypes = map[string]attr.Type{
	"region": types.StringType, "enterprise_project_id": types.StringType, "timeouts": timeouts.Type{ObjectType: types.ObjectType{AttrTypes: map[string]attr.Type{"read": types.StringType}}},
}

// tfString is a Terraform string as a framework value: null, unknown or known.
func tfString(v tftypes.Value) types.String {
	var s string
	switch {
	case !v.IsKnown():
		return types.StringUnknown()
	case v.IsNull() || v.As(&s) != nil:
		return types.StringNull()
	}
	return types.StringValue(s)
}

var (
	_ datasource.DataSourceWithConfigure      = (*imageBasicImagesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageBasicImagesDataSource)(nil)
)

func (d *imageBasicImagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_basic_images"
}

var batchEntryFields = imageBasicImageSpec.entry

// resultType is the type of one value of results.
func resultType() types.ObjectType {
	attrs := make(map[string]attr.Type, len(batchEntryFields))
	for _, f := range batchEntryFields {
		attrs[f.name] = f.typ
	}
	return types.ObjectType{AttrTypes: map[string]attr.Type{"total_num": types.Int64Type, "data_list": types.ListType{ElemType: types.ObjectType{AttrTypes: attrs}}}}
}

func (d *imageBasicImagesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	scope := imageBasicImageAttributes(ctx)
	image := map[string]schema.Attribute{}
	for _, name := range []string{"image_id", "image_type", "image_reference", "namespace", "image_name", "image_version", "os_name"} {
		switch a := scope[name].(type) {
		case schema.StringAttribute:
			// In a batch an image's own attributes are configuration only.
			a.Computed = false
			if name == "image_reference" {
				a.Validators = []validator.String{imageReferenceValidator}
			}
			image[name] = a
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the base images of many container images in one data source: each entry of `images` is read as " +
			"`hss_image_basic_image` reads one, through `GET /v5/{project_id}/image/{image_id}/basic-image`, and `results` holds each " +
			"answer under the same key. One data source of 1,000 images costs the same 1,000 HSS requests as 1,000 instances of " +
			"`hss_image_basic_image`, without Terraform's cost per instance.",
		Attributes: map[string]schema.Attribute{
			"images": schema.MapNestedAttribute{
				Required: true,
				MarkdownDescription: fmt.Sprintf("The images to read, under keys of your choosing (at most %d): each with the arguments of "+
					"`hss_image_basic_image` that identify an image.", maxBatchImages),
				NestedObject: schema.NestedAttributeObject{Attributes: image},
				Validators:   []validator.Map{mapvalidator.SizeBetween(1, maxBatchImages), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
			},
			"region":                regionAttribute(),
			"enterprise_project_id": enterpriseProjectAttribute(),
			"results": schema.MapAttribute{
				Computed:    true,
				ElementType: resultType(),
				MarkdownDescription: "Each image's answer under its key: `total_num` and `data_list`, as `hss_image_basic_image` has them. " +
					"An image HSS knows no base image for has an empty `data_list` (and a warning names it).",
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the queries: the same images always have the same ID.",
			},
			"timeouts": timeoutsAttribute(ctx),
		},
	}
}

func (d *imageBasicImagesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	m, err := decodeBatch(ctx, req.Config.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Unable to read the configuration", err.Error())
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m.Images)) {
		img := m.Images[k]
		at := path.Root("images").AtMapKey(k)
		if !img.ImageReference.IsNull() && (!img.Namespace.IsNull() || !img.ImageName.IsNull() || !img.ImageVersion.IsNull()) {
			resp.Diagnostics.AddAttributeError(at.AtName("image_reference"), "Invalid Attribute Combination",
				fmt.Sprintf("images[%q]: image_reference fills namespace, image_name and image_version; set either, not both.", k))
		}
		var d diag.Diagnostics
		(&imageScope{ImageType: img.ImageType, ImageReference: img.ImageReference, Namespace: img.Namespace, ImageName: img.ImageName,
			ImageVersion: img.ImageVersion}).validate(hss.ImageTypes, &d)
		for _, e := range d {
			resp.Diagnostics.AddAttributeError(at, e.Summary(), fmt.Sprintf("images[%q]: %s", k, e.Detail()))
		}
	}
}

func (d *imageBasicImagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := configuredData(req, resp); data != nil {
		d.data = data
	}
}

// batchRead is one image's read.
type batchRead struct {
	key string
	q   hss.BasicImageQuery
	res *hss.Result[hss.BasicImage]
	err error
}

func (d *imageBasicImagesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, err := decodeBatch(ctx, req.Config.Raw)
	switch {
	case err != nil:
		resp.Diagnostics.AddError("Unable to read the configuration", err.Error())
		return
	case m.unknown:
		// Terraform reads a data source only once its configuration is known.
		resp.Diagnostics.AddError("Unknown images", "hss_image_basic_images was read before images was known.")
		return
	case d.data == nil:
		resp.Diagnostics.AddError("Provider not configured", "The hss provider was not configured before reading hss_image_basic_images.")
		return
	case d.data.notReady != nil:
		resp.Diagnostics.Append(d.data.notReady)
		return
	}
	ctx = d.data.withMasking(ctx)
	readTimeout, diags := m.Timeouts.Read(ctx, transport.DefaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(transport.WithReadTimeout(ctx, readTimeout), readTimeout)
	defer cancel()

	region, ep := orDefault(m.Region, d.data.region), orDefault(m.EnterpriseProjectID, d.data.enterpriseProjectID)
	reads := make([]*batchRead, 0, len(m.Images))
	for _, k := range slices.Sorted(maps.Keys(m.Images)) {
		img := m.Images[k]
		q := hss.BasicImageQuery{Region: region, ImageID: img.ImageID.ValueString(), ImageType: img.ImageType.ValueString(),
			Namespace: img.Namespace.ValueString(), ImageName: img.ImageName.ValueString(), ImageVersion: img.ImageVersion.ValueString(),
			OSName: img.OSName.ValueString(), EnterpriseProjectID: ep}
		if !img.ImageReference.IsNull() {
			ref, err := hss.ParseImageReference(img.ImageReference.ValueString())
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("images").AtMapKey(k).AtName("image_reference"), "Invalid image reference", err.Error())
				continue
			}
			q.Namespace, q.ImageName, q.ImageVersion = ref.Namespace, ref.Name, ref.Version
		}
		reads = append(reads, &batchRead{key: k, q: q})
	}
	if resp.Diagnostics.HasError() {
		return
	}
	work := make(chan *batchRead)
	var wg sync.WaitGroup
	for range min(batchWorkers, len(reads)) {
		wg.Go(func() {
			for r := range work {
				r.res, r.err = d.data.client.ListBasicImages(ctx, r.q)
			}
		})
	}
	for _, r := range reads {
		work <- r
	}
	close(work)
	wg.Wait()

	// One failing image fails the read, and the error names every image that failed.
	var failed []string
	var first error
	for _, r := range reads {
		if r.err != nil {
			failed = append(failed, r.key)
			if first == nil {
				first = r.err
			}
		}
	}
	if len(failed) > 0 {
		f := readFailure{timeout: readTimeout, subject: "HSS basic image information", redact: d.data.client.Redact, noCredentials: d.data.noCredentialsHint}
		detail := fmt.Sprintf("%d of %d images failed: %s.\n\nThe first, %q:\n\n%s", len(failed), len(reads), quoteAll(failed), failed[0], f.diagnostic(first).Detail())
		var others []string
		for _, r := range reads {
			if r.err != nil && r.key != failed[0] {
				others = append(others, fmt.Sprintf("%q: %s", r.key, r.err))
			}
		}
		if len(others) > 0 {
			detail += "\n\nThe others:\n" + strings.Join(others, "\n")
		}
		resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityError, "Unable to read HSS basic image information", detail, d.data.client.Redact))
		return
	}
	var empty []string
	for _, r := range reads {
		for _, w := range r.res.Warnings {
			resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityWarning, "Inconsistent HSS basic image information result", fmt.Sprintf("images[%q]: %s", r.key, w), d.data.client.Redact))
		}
		if len(r.res.Items) == 0 {
			empty = append(empty, r.key)
		}
	}
	if len(empty) > 0 {
		resp.Diagnostics.AddWarning("HSS knows no base image for some images", fmt.Sprintf("%d of %d images matched nothing: %s. Their results have an empty data_list.\n\n"+
			"Likely causes: %s\n\nA condition that reads data_list passes on an empty list: test length(...) > 0 to make an empty answer a refusal.",
			len(empty), len(reads), quoteAll(empty), imageBasicImageSpec.emptyCauses))
	}

	keys := make([]string, len(reads))
	for i, r := range reads {
		keys[i] = r.q.Key()
	}
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	id := region + "/" + hex.EncodeToString(sum[:8])
	// results is built as Terraform values directly, as data_list is elsewhere.
	entryAttrs := make(map[string]tftypes.Type, len(batchEntryFields))
	for _, f := range batchEntryFields {
		entryAttrs[f.name] = f.typ.TerraformType(ctx)
	}
	elemType := tftypes.Object{AttributeTypes: entryAttrs}
	listType := tftypes.List{ElementType: elemType}
	rt := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"total_num": tftypes.Number, "data_list": listType}}
	values := make(map[string]tftypes.Value, len(reads))
	for _, r := range reads {
		elems := make([]tftypes.Value, len(r.res.Items))
		for i, it := range r.res.Items {
			vals := make(map[string]tftypes.Value, len(batchEntryFields))
			for _, f := range batchEntryFields {
				vals[f.name] = f.value(it)
			}
			elems[i] = tftypes.NewValue(elemType, vals)
		}
		values[r.key] = tftypes.NewValue(rt, map[string]tftypes.Value{
			"total_num": tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(int64(r.res.TotalNum))),
			"data_list": tftypes.NewValue(listType, elems),
		})
	}
	// The state is the configuration with the computed attributes set.
	var attrs map[string]tftypes.Value
	if err := req.Config.Raw.As(&attrs); err != nil {
		resp.Diagnostics.AddError("Unable to set results", err.Error())
		return
	}
	attrs["id"] = tftypes.NewValue(tftypes.String, id)
	attrs["region"] = tftypes.NewValue(tftypes.String, region)
	attrs["enterprise_project_id"] = tftypes.NewValue(tftypes.String, cmp.Or(ep, hss.DefaultEnterpriseProject))
	attrs["results"] = tftypes.NewValue(tftypes.Map{ElementType: rt}, values)
	resp.State.Raw = tftypes.NewValue(req.Config.Raw.Type(), attrs)
}

func quoteAll(keys []string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = fmt.Sprintf("%q", k)
	}
	return joinAnd(q)
}
