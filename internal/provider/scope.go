package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// Attributes every HSS data source has, with the same meaning and defaults, and the image scope
// of those that read about one image.

// imageScope is the image a data source reads about, as HSS identifies it: a CI/CD image by its
// ID, a repository image also by organization, name and tag, or by the reference you pull.
type imageScope struct {
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	ImageID             types.String `tfsdk:"image_id"`
	ImageType           types.String `tfsdk:"image_type"`
	ImageReference      types.String `tfsdk:"image_reference"`
	Namespace           types.String `tfsdk:"namespace"`
	ImageName           types.String `tfsdk:"image_name"`
	ImageVersion        types.String `tfsdk:"image_version"`
}

// imageScopeAttributes are the attributes of imageScope; types says which image types the API
// takes, for image_type's description, and typeValidator checks them.
func imageScopeAttributes(typeValidator validator.String, types string) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	return map[string]schema.Attribute{
		"region":                regionAttribute(),
		"enterprise_project_id": enterpriseProjectAttribute(),
		"image_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "HSS's ID of the image, not its digest or tag: shown in the HSS console under Risk Management > " +
				"Container Images (Image View), and listed with each repository image by the `hss_images` data source. " +
				"The guide *Before the first plan* says where to find it, and which permissions a read needs.",
			Validators: []validator.String{imageIDValidator},
		},
		"image_type": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Image type: " + types + ".",
			Validators:          []validator.String{typeValidator},
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
	}
}

// validate requires what identifies a repository image, which a schema cannot express; allowed
// are the API's image types, which image_type's own validator names.
func (s *imageScope) validate(allowed []string, diags *diag.Diagnostics) {
	if s.ImageType.IsNull() || s.ImageType.IsUnknown() {
		return
	}
	t := s.ImageType.ValueString()
	if !slices.Contains(allowed, t) || t == hss.ImageTypeCICD || !s.ImageReference.IsNull() {
		return
	}
	for _, a := range []struct {
		name string
		v    types.String
	}{{"namespace", s.Namespace}, {"image_name", s.ImageName}, {"image_version", s.ImageVersion}} {
		if a.v.IsNull() {
			diags.AddAttributeError(path.Root(a.name), "Missing required argument",
				fmt.Sprintf("image_type %q is a repository image, identified by its organization, name and tag: "+
					"set namespace, image_name and image_version (%s is missing), or image_reference. Only image_type \"cicd\" is identified by image_id alone.", t, a.name))
		}
	}
}

// resolve fills namespace, name and tag from image_reference when it is set.
func (s *imageScope) resolve() error {
	if s.ImageReference.IsNull() {
		return nil
	}
	ref, err := hss.ParseImageReference(s.ImageReference.ValueString())
	if err != nil {
		return &attributeError{path.Root("image_reference"), "Invalid image reference", err.Error()}
	}
	s.Namespace, s.ImageName, s.ImageVersion = types.StringValue(ref.Namespace), types.StringValue(ref.Name), types.StringValue(ref.Version)
	return nil
}

func regionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Region to query. Defaults to the provider's `region`; another region is queried at its own endpoint " +
			"with its own project ID, resolved through IAM.",
		Validators: []validator.String{regionValidator},
	}
}

func enterpriseProjectAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Enterprise project to query: an ID, `0` for the default project, or `all_granted_eps` for every granted one. " +
			"Defaults to the provider's `enterprise_project_id`, else `0`.",
		Validators: []validator.String{enterpriseProjectValidator},
	}
}

// optional is s for an SDK request's optional field: nil when empty, so it is left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listIn reads the request build makes, given the enterprise project to ask for, through
// decl in the data source's region: both as the configuration names them, else the
// provider's. It sets both in the model as read, the enterprise project as the API assumes it
// ("0" when none is given), and describe names the query in messages and makes the ID's parts.
func listIn[R, P, I any, E comparable](ctx context.Context, d *providerData, region, ep *types.String, decl *hss.Declaration[R, P, I, E],
	build func(ep *string) R, describe func(req R, ep, region string) (query string, idParts []string),
) (*queryResult[E], error) {
	asked := orDefault(*ep, d.enterpriseProjectID)
	req := build(optional(asked))
	in := orDefault(*region, d.region)
	res, err := hss.List(ctx, d.client, decl, in, req)
	if err != nil {
		return nil, err
	}
	*region, *ep = types.StringValue(res.Region), types.StringValue(cmp.Or(asked, hss.DefaultEnterpriseProject))
	query, idParts := describe(req, ep.ValueString(), res.Region)
	return &queryResult[E]{res: res, idParts: idParts, key: decl.Key(in, req), query: query}, nil
}
