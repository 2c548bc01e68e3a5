package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// checkValidator runs one of the client's own checks at `terraform validate`, so the schema
// and the client can never disagree on what is accepted.
type checkValidator struct {
	summary     string
	description string
	check       func(string) error
}

func (v checkValidator) Description(context.Context) string { return v.description }

func (v checkValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v checkValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, sentence(err.Error()))
	}
}

// sentence ends s with a full stop unless it ends with a question mark or one already.
func sentence(s string) string {
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

var (
	regionValidator    = checkValidator{"Invalid region", "must be a region name: " + endpoints.RegionForm, endpoints.ValidateRegion}
	cloudValidator     = checkValidator{"Invalid cloud", "must be " + endpoints.CloudForm, endpoints.ValidateCloud}
	projectIDValidator = checkValidator{"Invalid project ID", "must be a project ID: " + endpoints.ProjectIDForm, endpoints.ValidateProjectID}
	imageIDValidator   = checkValidator{"Invalid image ID", "must be " + hss.ImageIDForm, hss.ValidateImageID}
	endpointValidator  = checkValidator{"Invalid endpoint URL", "must be an absolute https:// or http:// URL without user information, query or fragment",
		func(s string) error {
			if err := endpoints.ValidateEndpoint(s); err != nil {
				return fmt.Errorf("%q must be an absolute https:// or http:// URL: %w", redact.URL(s), err)
			}
			return nil
		}}
	schemelessEndpointValidator = checkValidator{"Invalid endpoint URL", "must be an http(s) URL, or a host name that gets https://",
		func(s string) error { return endpointValidator.check(endpoints.NormalizeEndpoint(s)) }}
	imageTypeValidator         = checkValidator{"Invalid image type", "must be one of " + hss.ImageTypeForm, hss.ValidateImageType}
	enterpriseProjectValidator = checkValidator{"Invalid enterprise project", "must be " + hss.EnterpriseProjectForm, hss.ValidateEnterpriseProjectID}
	signingAlgorithmValidator  = checkValidator{"Invalid signing algorithm", "must be " + transport.SigningHMACSHA256 + " or " + transport.SigningHMACSM3,
		transport.ValidateSigningAlgorithm}
	imageReferenceValidator = checkValidator{"Invalid image reference", "must be an image reference with a tag: " + hss.ImageReferenceForm,
		func(s string) error {
			_, err := hss.ParseImageReference(s)
			return err
		}}
)

// oneOfValidator accepts one of values, with a did-you-mean for a near miss; what names a value
// in messages ("scan status").
func oneOfValidator(what string, values []string) checkValidator {
	return checkValidator{"Invalid " + what, fmt.Sprintf("must be one of %q", values),
		func(s string) error { return hss.ValidateOneOf(what, s, values) }}
}
