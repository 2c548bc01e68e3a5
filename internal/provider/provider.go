// Package provider is the Terraform glue: schemas, configuration, state and diagnostics. It
// makes no HTTP calls of its own; internal/hss does.
package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

var _ provider.Provider = (*hssProvider)(nil)

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return newWithEnv(version, osEnv{})
}

// newWithEnv reads environment fallbacks from env, so tests do not depend on the caller's.
func newWithEnv(version string, env environment) func() provider.Provider {
	return func() provider.Provider {
		return &hssProvider{version: version, env: env}
	}
}

type hssProvider struct {
	version string
	env     environment
}

// hssProviderModel is the provider block.
type hssProviderModel struct {
	Region              types.String  `tfsdk:"region"`
	ProjectID           types.String  `tfsdk:"project_id"`
	EnterpriseProjectID types.String  `tfsdk:"enterprise_project_id"`
	AccessKey           types.String  `tfsdk:"access_key"`
	SecretKey           types.String  `tfsdk:"secret_key"`
	SecurityToken       types.String  `tfsdk:"security_token"`
	Token               types.String  `tfsdk:"token"`
	UserName            types.String  `tfsdk:"user_name"`
	Password            types.String  `tfsdk:"password"`
	DomainName          types.String  `tfsdk:"domain_name"`
	AuthURL             types.String  `tfsdk:"auth_url"`
	Cloud               types.String  `tfsdk:"cloud"`
	Endpoints           types.Map     `tfsdk:"endpoints"`
	Insecure            types.Bool    `tfsdk:"insecure"`
	CACertFile          types.String  `tfsdk:"cacert_file"`
	MaxRetries          types.Int64   `tfsdk:"max_retries"`
	RateLimit           types.Float64 `tfsdk:"rate_limit"`
	PageConcurrency     types.Int64   `tfsdk:"page_concurrency"`
}

// providerData is what data sources receive: immutable after Configure.
type providerData struct {
	client              *hss.Client
	region              string
	enterpriseProjectID string
	secrets             []string
}

// withMasking hides every configured secret from log output written through ctx.
func (p *providerData) withMasking(ctx context.Context) context.Context {
	return maskSecrets(ctx, p.secrets)
}

func maskSecrets(ctx context.Context, secrets []string) context.Context {
	var nonEmpty []string
	for _, s := range secrets {
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(nonEmpty) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty...)
	return tflog.MaskMessageStrings(ctx, nonEmpty...)
}

func (p *hssProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hss"
	resp.Version = p.version
}

func envNote(env string) string {
	return fmt.Sprintf(" Can also be set with the `%s` environment variable.", env)
}

func (p *hssProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The HSS provider reads Huawei Cloud Host Security Service (HSS) data. " +
			"Configure a region and exactly one authentication method: AK/SK (optionally temporary, with a security token), an IAM token, or IAM user name and password.",
		Attributes: map[string]schema.Attribute{
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region of the HSS and IAM endpoints, e.g. `cn-north-4`. Required here or in the environment." + envNote(EnvRegion),
				Validators:          []validator.String{regionValidator},
			},
			"project_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Project ID of `region`. When unset it is resolved once through IAM (`GET /v3/projects?name=<region>`)." + envNote(EnvProjectID),
				Validators:          []validator.String{projectIDValidator},
			},
			"enterprise_project_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Default enterprise project for data sources: an enterprise project ID, `0` for the default project, or `all_granted_eps` for every project the caller is granted." +
					envNote(EnvEnterpriseProjectID),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key ID for AK/SK request signing; requires `secret_key`." + envNote(EnvAccessKey),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret access key for AK/SK request signing; requires `access_key`." + envNote(EnvSecretKey),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"security_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Security token of temporary AK/SK credentials; requires `access_key` and `secret_key`." + envNote(EnvSecurityToken),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "A ready IAM token, sent as `X-Auth-Token`." + envNote(EnvToken),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"user_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IAM user name for password authentication; requires `password` and `domain_name`." + envNote(EnvUserName),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "IAM user password for password authentication." + envNote(EnvPassword),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account (domain) name of the IAM user for password authentication." + envNote(EnvDomainName),
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "IAM endpoint, e.g. `https://iam.cn-north-4.myhuaweicloud.com/v3`. Defaults to `https://iam.<region>.<cloud>`." + envNote(EnvAuthURL),
				Validators:          []validator.String{endpointValidator},
			},
			"cloud": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: fmt.Sprintf("Domain suffix of the service endpoints. Defaults to `%s`.", hss.DefaultCloud) + envNote(EnvCloud),
				Validators:          []validator.String{cloudValidator},
			},
			"endpoints": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Endpoint overrides by service, used for every region. Keys: `hss`, `iam`.",
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.OneOf(endpointKeys...)),
					mapvalidator.ValueStringsAre(endpointValidator),
				},
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. For test endpoints only; a warning is shown when set." + envNote(EnvInsecure),
			},
			"cacert_file": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Path to a PEM file of CA certificates trusted in addition to the system's, e.g. for a private endpoint." +
					fmt.Sprintf(" Can also be set with the `%s` or `%s` environment variable.", EnvCACertFile, EnvOSCACert),
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a read is retried after throttling, a server error or a broken connection; 0 disables retries. Defaults to %d.", DefaultMaxRetries) +
					envNote(EnvMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
			},
			"rate_limit": schema.Float64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("Most HSS requests per second this provider sends, shared by every read and page, "+
					"so large plans pace themselves instead of being throttled. 0 turns pacing off. Defaults to %g.", hss.DefaultRateLimit) +
					envNote(EnvRateLimit),
				Validators: []validator.Float64{float64validator.Between(0, maxRateLimit)},
			},
			"page_concurrency": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many pages of one result are fetched at once after the first. Defaults to %d.", hss.DefaultPageConcurrency) +
					envNote(EnvPageConcurrency),
				Validators: []validator.Int64{int64validator.Between(1, maxPageConcurrency)},
			},
		},
	}
}

var endpointKeys = []string{"hss", "iam"}

const (
	maxRetriesLimit    = 20
	maxRateLimit       = 1000
	maxPageConcurrency = 32
)

func (p *hssProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m hssProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, epsID := resolveConfig(ctx, m, p.env, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = userAgent(p.version, req.TerraformVersion)
	secrets := []string{cfg.Credentials.SecretKey, cfg.Credentials.SecurityToken, cfg.Credentials.Token, cfg.Credentials.Password}
	ctx = maskSecrets(ctx, secrets)

	client, err := hss.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the HSS client", err.Error())
		return
	}
	tflog.Debug(ctx, "HSS provider configured", map[string]any{
		"region": cfg.Region, "auth_method": cfg.Credentials.Method.String(), "project_id": cfg.ProjectID,
	})
	data := &providerData{client: client, region: cfg.Region, enterpriseProjectID: epsID, secrets: secrets}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func userAgent(providerVersion, terraformVersion string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-hss/%s (terraform/%s)", providerVersion, terraformVersion)
}

func (p *hssProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *hssProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewImageBasicImageDataSource,
	}
}
