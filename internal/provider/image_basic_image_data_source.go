package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

var (
	_ datasource.DataSource                   = (*imageBasicImageDataSource)(nil)
	_ datasource.DataSourceWithConfigure      = (*imageBasicImageDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*imageBasicImageDataSource)(nil)
)

// NewImageBasicImageDataSource is the hss_image_basic_image data source.
func NewImageBasicImageDataSource() datasource.DataSource {
	return &imageBasicImageDataSource{}
}

type imageBasicImageDataSource struct {
	data *providerData
}

type imageBasicImageDataSourceModel struct {
	ID                  types.String   `tfsdk:"id"`
	Region              types.String   `tfsdk:"region"`
	EnterpriseProjectID types.String   `tfsdk:"enterprise_project_id"`
	ImageID             types.String   `tfsdk:"image_id"`
	ImageType           types.String   `tfsdk:"image_type"`
	ImageReference      types.String   `tfsdk:"image_reference"`
	Namespace           types.String   `tfsdk:"namespace"`
	ImageName           types.String   `tfsdk:"image_name"`
	ImageVersion        types.String   `tfsdk:"image_version"`
	OSName              types.String   `tfsdk:"os_name"`
	TotalNum            types.Int64    `tfsdk:"total_num"`
	DataList            types.List     `tfsdk:"data_list"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// basicImageAttrs are the fields of one data_list entry.
var basicImageAttrs = map[string]attr.Type{
	"os_name":      types.StringType,
	"os_version":   types.StringType,
	"layer_digest": types.StringType,
}

// defaultReadTimeout bounds a whole read, retries and back-off included.
const defaultReadTimeout = 5 * time.Minute

// defaultEnterpriseProject is what the API assumes when no enterprise project is sent.
const defaultEnterpriseProject = "0"

func (d *imageBasicImageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_basic_image"
}

func (d *imageBasicImageDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the base image (OS name, OS version, layer digest) a container image is built on, " +
			"through the HSS API `GET /v5/{project_id}/image/{image_id}/basic-image`. Every page of the result is read.\n\n" +
			"A CI/CD image (`image_type = \"cicd\"`) is identified by `image_id` alone; a repository image (every other type) " +
			"also needs `namespace`, `image_name` and `image_version`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Identifier derived from the query: the same query always has the same ID.",
			},
			"region": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Region to query. Defaults to the provider's `region`; another region is queried at its own endpoint " +
					"with its own project ID, resolved through IAM.",
				Validators: []validator.String{regionValidator},
			},
			"enterprise_project_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Enterprise project to query: an ID, `0` for the default project, or `all_granted_eps` for every granted one. " +
					"Defaults to the provider's `enterprise_project_id`, else `0`.",
				Validators: nonEmpty,
			},
			"image_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Image ID.",
				Validators:          []validator.String{imageIDValidator},
			},
			"image_type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Image type: `private_image` (private repository), `shared_image` (shared repository), " +
					"`instance_image` (enterprise image), `cicd` (CI/CD image) or `harbor` (Harbor repository image).",
				Validators: []validator.String{stringvalidator.OneOf(hss.ImageTypes...)},
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
			"total_num": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "Total number of matching base-image entries, as reported by the API.",
			},
			"timeouts": timeoutsAttribute(ctx),
			// A list of objects rather than a nested attribute: Terraform's test mocks
			// (mock_provider, override_data) accept values for it, and the provider builds it
			// without reflection.
			"data_list": schema.ListAttribute{
				Computed:    true,
				ElementType: types.ObjectType{AttrTypes: basicImageAttrs},
				MarkdownDescription: "Every matching base-image entry, in API order; empty when nothing matches. Each entry is an object of " +
					"`os_name` (the base image's OS, e.g. `Debian`), `os_version` (its version, e.g. `9`) and " +
					"`layer_digest` (the digest of the base image's layer, e.g. `sha256:27833a3b…`).",
			},
		},
	}
}

// timeoutsAttribute is the timeouts block's attribute, described itself too: registries and
// `terraform providers schema -json` show every attribute's description.
func timeoutsAttribute(ctx context.Context) schema.Attribute {
	a := timeouts.AttributesWithOpts(ctx, timeouts.Opts{ReadDescription: fmt.Sprintf(
		"How long a read may take, retries and back-off included, as a duration such as \"30s\" or \"2m\". Defaults to %s.", defaultReadTimeout)})
	if n, ok := a.(schema.SingleNestedAttribute); ok {
		n.MarkdownDescription = "Time limits of this data source's operations."
		return n
	}
	return a
}

// ValidateConfig requires what identifies a repository image, which a schema cannot express.
func (d *imageBasicImageDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m imageBasicImageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.ImageType.IsNull() || m.ImageType.IsUnknown() {
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
			resp.Diagnostics.AddAttributeError(path.Root(a.name), "Missing required argument",
				fmt.Sprintf("image_type %q is a repository image, identified by its organization, name and tag: "+
					"set namespace, image_name and image_version (%s is missing), or image_reference. Only image_type \"cicd\" is identified by image_id alone.", t, a.name))
		}
	}
}

func (d *imageBasicImageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *imageBasicImageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m imageBasicImageDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.AddError("Provider not configured", "The hss provider was not configured before reading hss_image_basic_image.")
		return
	}
	ctx = d.data.withMasking(ctx)
	readTimeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()

	if !m.ImageReference.IsNull() {
		ref, err := hss.ParseImageReference(m.ImageReference.ValueString())
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("image_reference"), "Invalid image reference", err.Error())
			return
		}
		m.Namespace, m.ImageName, m.ImageVersion = types.StringValue(ref.Namespace), types.StringValue(ref.Name), types.StringValue(ref.Version)
	}
	q := hss.Query{
		Region:              orDefault(m.Region, d.data.region),
		ImageID:             m.ImageID.ValueString(),
		ImageType:           m.ImageType.ValueString(),
		Namespace:           m.Namespace.ValueString(),
		ImageName:           m.ImageName.ValueString(),
		ImageVersion:        m.ImageVersion.ValueString(),
		OSName:              m.OSName.ValueString(),
		EnterpriseProjectID: orDefault(m.EnterpriseProjectID, d.data.enterpriseProjectID),
	}
	tflog.Debug(ctx, "Reading HSS basic image information", map[string]any{"region": q.Region, "image_id": q.ImageID, "image_type": q.ImageType})
	res, err := d.data.client.ListBasicImages(ctx, q)
	if err != nil {
		resp.Diagnostics.Append(readError(err, readTimeout, d.data.client.Redact))
		return
	}

	for _, w := range res.Warnings {
		resp.Diagnostics.Append(redactedDiagnostic(diag.SeverityWarning, "Inconsistent HSS basic image result", w, d.data.client.Redact))
	}
	m.ID = types.StringValue(queryID(q))
	m.Region = types.StringValue(res.Region)
	eps := q.EnterpriseProjectID
	if eps == "" {
		eps = defaultEnterpriseProject
	}
	m.EnterpriseProjectID = types.StringValue(eps)
	m.TotalNum = types.Int64Value(int64(res.TotalNum))
	// data_list is set on its own, below: the model's reflection would cost ten times more.
	m.DataList = types.ListNull(types.ObjectType{AttrTypes: basicImageAttrs})
	tflog.Debug(ctx, "Read HSS basic image information", map[string]any{"entries": len(res.Items), "total_num": res.TotalNum, "requests": res.Requests})
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(setBasicImages(&resp.State, res.Items)...)
	}
}

// setBasicImages puts items into state as data_list, built as Terraform values directly: for
// 20,000 entries that takes a tenth of the time and memory of the framework's reflection.
func setBasicImages(state *tfsdk.State, items []hss.BasicImage) diag.Diagnostics {
	elemType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"os_name": tftypes.String, "os_version": tftypes.String, "layer_digest": tftypes.String,
	}}
	elems := make([]tftypes.Value, len(items))
	for i, it := range items {
		elems[i] = tftypes.NewValue(elemType, map[string]tftypes.Value{
			"os_name":      tftypes.NewValue(tftypes.String, it.OSName),
			"os_version":   tftypes.NewValue(tftypes.String, it.OSVersion),
			"layer_digest": tftypes.NewValue(tftypes.String, it.LayerDigest),
		})
	}
	var attrs map[string]tftypes.Value
	if err := state.Raw.As(&attrs); err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Unable to set data_list", err.Error())}
	}
	attrs["data_list"] = tftypes.NewValue(tftypes.List{ElementType: elemType}, elems)
	state.Raw = tftypes.NewValue(state.Raw.Type(), attrs)
	return nil
}

// orDefault is the data source's own value when set, else the provider's default.
func orDefault(v types.String, def string) string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return def
	}
	return v.ValueString()
}

// queryID is a stable identifier of everything that selects the result.
func queryID(q hss.Query) string {
	if q.EnterpriseProjectID == "" {
		q.EnterpriseProjectID = defaultEnterpriseProject
	}
	sum := sha256.Sum256([]byte(q.Key()))
	return strings.Join([]string{q.Region, q.ImageID, hex.EncodeToString(sum[:8])}, "/")
}
