// Package validators are the schema validators of the provider and its data sources: each runs
// one of the client's own checks at `terraform validate`, so the schema and the client can never
// disagree on what is accepted.
package validators

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Check runs one of the client's own checks at `terraform validate`, so the schema
// and the client can never disagree on what is accepted.
type Check struct {
	summary     string
	description string
	check       func(string) error
}

func (v Check) Description(context.Context) string { return v.description }

// Err is what the check says of s, nil when s is accepted.
func (v Check) Err(s string) error { return v.check(s) }

func (v Check) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v Check) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, Sentence(err.Error()))
	}
}

// Sentence ends s with a full stop unless it ends with a question mark or one already.
func Sentence(s string) string {
	if strings.HasSuffix(s, "?") || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

var (
	Region    = Check{"Invalid region", "must be a region name: " + endpoints.RegionForm, endpoints.ValidateRegion}
	Cloud     = Check{"Invalid cloud", "must be " + endpoints.CloudForm, endpoints.ValidateCloud}
	ProjectID = Check{"Invalid project ID", "must be a project ID: " + endpoints.ProjectIDForm, endpoints.ValidateProjectID}
	ImageID   = Check{"Invalid image ID", "must be " + hss.ImageIDForm, hss.ValidateImageID}
	Endpoint  = Check{"Invalid endpoint URL", "must be an absolute https:// or http:// URL without user information, query or fragment",
		func(s string) error {
			if err := endpoints.ValidateEndpoint(s); err != nil {
				return fmt.Errorf("%q must be an absolute https:// or http:// URL: %w", redact.URL(s), err)
			}
			return nil
		}}
	SchemelessEndpoint = Check{"Invalid endpoint URL", "must be an http(s) URL, or a host name that gets https://",
		func(s string) error { return Endpoint.check(endpoints.NormalizeEndpoint(s)) }}
	EnterpriseProject = Check{"Invalid enterprise project", "must be " + hss.EnterpriseProjectForm, hss.ValidateEnterpriseProjectID}
	SigningAlgorithm  = Check{"Invalid signing algorithm", "must be " + transport.SigningHMACSHA256 + " or " + transport.SigningHMACSM3,
		transport.ValidateSigningAlgorithm}
	ImageReference = Check{"Invalid image reference", "must be an image reference with a tag: " + resolve.ImageReferenceForm,
		func(s string) error {
			_, err := resolve.ParseTaggedImageReference(s)
			return err
		}}
	Timestamp = Check{"Invalid timestamp", "must be an RFC 3339 timestamp such as 2026-12-06T00:00:00Z",
		func(s string) error {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				return fmt.Errorf("%q is not an RFC 3339 timestamp such as 2026-12-06T00:00:00Z; plantimestamp() gives one", s)
			}
			return nil
		}}
	AnyImageReference = Check{"Invalid image reference", "must be an image reference with a tag, a digest or both: " + resolve.AnyImageReferenceForm,
		func(s string) error {
			_, err := resolve.ParseImageReference(s)
			return err
		}}
)

// OneOf accepts one of values, with a did-you-mean for a near miss; what names a value
// in messages ("scan status").
func OneOf(what string, values []string) Check {
	return Check{"Invalid " + what, fmt.Sprintf("must be one of %q", values),
		func(s string) error { return hss.ValidateOneOf(what, s, values) }}
}
