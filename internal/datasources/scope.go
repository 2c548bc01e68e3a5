package datasources

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
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

// Attributes every HSS data source has, with the same meaning and defaults, and the image scope
// of those that read about one image. Each is declared here once.

// imageTypeMeanings say what each image type of the HSS APIs is, for descriptions. Which types
// a data source takes is its API's list (hss), since the APIs differ.
var imageTypeMeanings = map[string]string{
	"private_image":  "SWR private repository",
	"shared_image":   "shared with you in SWR",
	"instance_image": "SWR enterprise edition",
	"cicd":           "CI/CD image",
	"harbor":         "Harbor repository",
	"jfrog":          "JFrog repository",
}

// imageTypesDescription lists image types with their meanings: "`private_image` (SWR private
// repository), … or `harbor` (Harbor repository)".
func imageTypesDescription(imageTypes []string) string {
	items := make([]string, len(imageTypes))
	for i, t := range imageTypes {
		items[i] = fmt.Sprintf("`%s` (%s)", t, imageTypeMeanings[t])
	}
	return termsafe.JoinOr(items)
}

// imageScope is the image a data source reads about, as HSS identifies it: a CI/CD image by its
// ID, a repository image also by organization, name and tag, or by the reference you pull.
type imageScope struct {
	Region              types.String `tfsdk:"region"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	imageRef
}

// imageRef is what identifies one image within a region and enterprise project.
type imageRef struct {
	ImageID        types.String `tfsdk:"image_id"`
	ImageType      types.String `tfsdk:"image_type"`
	ImageReference types.String `tfsdk:"image_reference"`
	Namespace      types.String `tfsdk:"namespace"`
	ImageName      types.String `tfsdk:"image_name"`
	ImageVersion   types.String `tfsdk:"image_version"`
}

// imageScopeAttributes are the attributes of imageScope, for an API that takes imageTypes.
func imageScopeAttributes(imageTypes []string) map[string]schema.Attribute {
	return scopeAttributes(imageRefAttributes(imageTypes, true))
}

// imageRefAttributes are the attributes of imageRef; computed says whether namespace, name and
// tag are set from image_reference when read.
func imageRefAttributes(imageTypes []string, computed bool) map[string]schema.Attribute {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	repo := func(what string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: computed, Validators: nonEmpty,
			MarkdownDescription: what + " of a repository image. Required unless `image_type` is `cicd` or `image_reference` is set.",
		}
	}
	return map[string]schema.Attribute{
		"image_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "HSS's ID of the image, not its digest or tag: shown in the HSS console under Risk Management > " +
				"Container Images (Image View), and listed with each repository image by the `hss_images` data source. " +
				"The guide *Before the first plan* says where to find it, and which permissions a read needs.",
			Validators: []validator.String{validators.ImageID},
		},
		"image_type": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "Image type: " + imageTypesDescription(imageTypes) + ".",
			Validators:          []validator.String{validators.OneOf("image type", imageTypes)},
		},
		"image_reference": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "A repository image as you would pull it, e.g. `swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64` " +
				"or `harbor.example.com/team/app:1.2`. Fills `namespace` (the first path component), `image_name` (the rest of the path) and " +
				"`image_version` (the tag); conflicts with setting those directly. A digest may follow the tag but cannot replace it.",
			Validators: []validator.String{validators.ImageReference},
		},
		"namespace":     repo("Organization (namespace)"),
		"image_name":    repo("Name"),
		"image_version": repo("Tag"),
	}
}

// validate checks what a schema cannot express, reporting at the attributes under at: that a
// repository image is identified (allowed are the API's image types, which image_type's own
// validator names), and that image_reference is not set beside what it fills.
func (s *imageRef) validate(at path.Path, allowed []string, diags *diag.Diagnostics) {
	if !s.ImageReference.IsNull() && (!s.Namespace.IsNull() || !s.ImageName.IsNull() || !s.ImageVersion.IsNull()) {
		diags.AddAttributeError(at.AtName("image_reference"), "Invalid Attribute Combination",
			"image_reference fills namespace, image_name and image_version: set either, not both.")
	}
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
			diags.AddAttributeError(at.AtName(a.name), "Missing required argument",
				fmt.Sprintf("image_type %q is a repository image, identified by its organization, name and tag: "+
					"set namespace, image_name and image_version (%s is missing), or image_reference. Only image_type \"cicd\" is identified by image_id alone.", t, a.name))
		}
	}
}

// resolve fills namespace, name and tag from image_reference when it is set; at is where the
// reference is.
func (s *imageRef) resolve(at path.Path) error {
	if s.ImageReference.IsNull() {
		return nil
	}
	ref, err := resolve.ParseTaggedImageReference(s.ImageReference.ValueString())
	if err != nil {
		return &attributeError{at.AtName("image_reference"), "Invalid image reference", err.Error()}
	}
	s.Namespace, s.ImageName, s.ImageVersion = types.StringValue(ref.Namespace), types.StringValue(ref.Name), types.StringValue(ref.Version)
	return nil
}

// scopeAttributes are region and enterprise_project_id.
func scopeAttributes(attrs map[string]schema.Attribute) map[string]schema.Attribute {
	attrs["region"] = regionAttribute()
	attrs["enterprise_project_id"] = enterpriseProjectAttribute()
	return attrs
}

func regionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Region to query. Defaults to the provider's `region`; another region is queried at its own endpoint " +
			"with its own project ID, resolved through IAM.",
		Validators: []validator.String{validators.Region},
	}
}

func enterpriseProjectAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Enterprise project to query: an ID, `0` for the default project, or `all_granted_eps` for every granted one. " +
			"Defaults to the provider's `enterprise_project_id`, else `0`.",
		Validators: []validator.String{validators.EnterpriseProject},
	}
}

// optional is s for an SDK request's optional field: nil when empty, so it is left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// where is the region and enterprise project a read goes to: the data source's own, else the
// provider's. ep is "" when neither names one, and the API assumes the default.
func where(d *Data, region, ep types.String) (string, string) {
	return orDefault(region, d.Region), orDefault(ep, d.EnterpriseProjectID)
}

// readIn records in the model where a read went: the region, and the enterprise project as the
// API assumes it ("0" when none was given).
func readIn(region, ep *types.String, readRegion, askedEP string) {
	*region, *ep = types.StringValue(readRegion), types.StringValue(cmp.Or(askedEP, hss.DefaultEnterpriseProject))
}

// listIn reads the request build makes, given the enterprise project to ask for, through
// decl in the data source's region: both as the configuration names them, else the
// provider's. It sets both in the model as read, and describe names the query in messages and
// makes the ID's parts.
func listIn[R, P, I any, E comparable](ctx context.Context, d *Data, region, ep *types.String, decl *hss.Declaration[R, P, I, E],
	build func(ep *string) R, describe func(req R, ep, region string) (query string, idParts []string),
) (*queryResult[E], error) {
	in, asked := where(d, *region, *ep)
	req := build(optional(asked))
	res, err := hss.List(ctx, d.Client, decl, in, req)
	if err != nil {
		return nil, err
	}
	readIn(region, ep, res.Region, asked)
	query, idParts := describe(req, ep.ValueString(), res.Region)
	return &queryResult[E]{res: res, idParts: idParts, key: decl.Key(in, req), query: query}, nil
}
