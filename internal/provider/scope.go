package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Attributes every HSS data source has, with the same meaning and defaults.

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
