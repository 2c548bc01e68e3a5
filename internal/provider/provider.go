// Package provider is the provider itself: its schema, Configure, the configuration resolver
// (environment and the CLI's profiles) and its diagnostics. It serves the data sources
// (internal/datasources) and the functions (internal/functions), and makes no HTTP call of its
// own.
package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/datasources"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/explain"
	"github.com/hsslabs/terraform-provider-hss/internal/functions"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

var _ provider.ProviderWithFunctions = (*hssProvider)(nil)

// New returns a provider factory for providerserver.
func New(version string) func() provider.Provider {
	return newWithEnv(version, osEnv{})
}

// NewWith is a provider factory that reads environment fallbacks from env only (nil: none) and
// adjusts the client's configuration with tune, for tests and benchmarks that must not depend
// on the caller's environment.
func NewWith(version string, env map[string]string, tune func(*hss.Config)) func() provider.Provider {
	return func() provider.Provider { return &hssProvider{version: version, env: mapEnv(env), tune: tune} }
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
	// tune, for tests, adjusts the client's configuration, e.g. to shorten back-off waits.
	tune func(*hss.Config)
}

// hssProviderModel is the provider block.
type hssProviderModel struct {
	Region              types.String `tfsdk:"region"`
	ProjectID           types.String `tfsdk:"project_id"`
	ProjectName         types.String `tfsdk:"project_name"`
	TenantID            types.String `tfsdk:"tenant_id"`
	TenantName          types.String `tfsdk:"tenant_name"`
	EnterpriseProjectID types.String `tfsdk:"enterprise_project_id"`
	AccessKey           types.String `tfsdk:"access_key"`
	SecretKey           types.String `tfsdk:"secret_key"`
	SecurityToken       types.String `tfsdk:"security_token"`
	Token               types.String `tfsdk:"token"`
	UserName            types.String `tfsdk:"user_name"`
	UserID              types.String `tfsdk:"user_id"`
	Password            types.String `tfsdk:"password"`
	DomainName          types.String `tfsdk:"domain_name"`
	DomainID            types.String `tfsdk:"domain_id"`
	SharedConfigFile    types.String `tfsdk:"shared_config_file"`
	Profile             types.String `tfsdk:"profile"`
	// The blocks are read as values, not Go structs, so a dynamic block whose for_each is not
	// known until apply reaches the provider as unknown instead of failing the conversion.
	AssumeRole         types.List    `tfsdk:"assume_role"`
	AssumeRoleWithOIDC types.Object  `tfsdk:"assume_role_with_oidc"`
	AuthURL            types.String  `tfsdk:"auth_url"`
	Cloud              types.String  `tfsdk:"cloud"`
	Endpoints          types.Map     `tfsdk:"endpoints"`
	Insecure           types.Bool    `tfsdk:"insecure"`
	CACertFile         types.String  `tfsdk:"cacert_file"`
	Cert               types.String  `tfsdk:"cert"`
	Key                types.String  `tfsdk:"key"`
	SigningAlgorithm   types.String  `tfsdk:"signing_algorithm"`
	MaxRetries         types.Int64   `tfsdk:"max_retries"`
	RateLimit          types.Float64 `tfsdk:"rate_limit"`
	PageConcurrency    types.Int64   `tfsdk:"page_concurrency"`
	MaxMemoryMB        types.Int64   `tfsdk:"max_memory_mb"`
}

// assumeRoleModel is one assume_role block, a hop of the chain.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	DomainID   types.String `tfsdk:"domain_id"`
	Duration   types.Int64  `tfsdk:"duration"`
}

var assumeRoleAttrTypes = map[string]attr.Type{
	"agency_name": types.StringType, "domain_name": types.StringType, "domain_id": types.StringType, "duration": types.Int64Type,
}

// oidcModel is the assume_role_with_oidc block.
type oidcModel struct {
	IdpID       types.String `tfsdk:"idp_id"`
	IDToken     types.String `tfsdk:"id_token"`
	IDTokenFile types.String `tfsdk:"id_token_file"`
	AgencyName  types.String `tfsdk:"agency_name"`
	DomainID    types.String `tfsdk:"domain_id"`
	Duration    types.Int64  `tfsdk:"duration"`
}

var oidcAttrTypes = map[string]attr.Type{
	"idp_id": types.StringType, "id_token": types.StringType, "id_token_file": types.StringType,
	"agency_name": types.StringType, "domain_id": types.StringType, "duration": types.Int64Type,
}

func (p *hssProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "hss"
	resp.Version = p.version
}

func (p *hssProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attributes := locationAttributes()
	for _, group := range []map[string]schema.Attribute{credentialAttributes(), connectionAttributes(), tuningAttributes()} {
		maps.Copy(attributes, group)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The HSS provider reads Huawei Cloud Host Security Service (HSS) data. " +
			"Configure a region and one authentication method: a token, AK/SK (optionally temporary), IAM user name and password, " +
			"an OIDC ID token (`assume_role_with_oidc`), a Huawei Cloud CLI profile, or — with none of these — the ECS metadata service. " +
			"`assume_role` trades any of them for an agency's credentials.",
		Attributes: attributes,
		Blocks:     agencyBlocks(),
	}
}

// optionalString is a provider argument with its environment variables in the description,
// non-empty unless validators say otherwise.
func optionalString(name, description string, sensitive bool, validators ...validator.String) schema.StringAttribute {
	if validators == nil {
		validators = []validator.String{stringvalidator.LengthAtLeast(1)}
	}
	return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: description + envNote(name), Validators: validators}
}

// durationAttribute is the lifetime asked for an agency's or a federated user's keys.
func durationAttribute(name string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: fmt.Sprintf("How long the temporary credentials last, in seconds, from %d to %d; they are renewed before they expire. Defaults to %d. "+
			"An agency named by `domain_id` (IAM v5) grants at most %d, and at most %d when the hop is signed with temporary keys: "+
			"every hop after the first, and a first hop on OIDC, the ECS metadata service, a pod identity, a token, a password or "+
			"`security_token`; the plan stops on a longer one.",
			minDurationSeconds, maxDurationSeconds, int(credentials.DefaultAssumeRoleDuration.Seconds()),
			int(maxV5Duration.Seconds()), int(maxV5TemporaryDuration.Seconds())) + envNote(name),
		Validators: []validator.Int64{int64validator.Between(minDurationSeconds, maxDurationSeconds)},
	}
}

// locationAttributes say where requests go: region, project and enterprise project.
func locationAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"region": optionalString("region", "Region of the HSS and IAM endpoints, e.g. `cn-north-4`. Required here, in the environment or in a shared config profile.", false, validators.Region),
		"project_id": optionalString("project_id", "Project ID of `region`. When unset it is resolved once through IAM (`GET /v3/projects?name=<project_name>`).",
			false, validators.ProjectID),
		"project_name": optionalString("project_name", "IAM project name of `region`, used to resolve `project_id` and to scope password tokens. Defaults to `region`.", false),
		"tenant_id": optionalString("tenant_id", "Alias of `project_id`, as in the Huawei Cloud provider; conflicts with it.", false,
			validators.ProjectID, stringvalidator.ConflictsWith(path.MatchRoot("project_id"))),
		"tenant_name": optionalString("tenant_name", "Alias of `project_name`, as in the Huawei Cloud provider; conflicts with it.", false,
			stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("project_name"))),
		"enterprise_project_id": optionalString("enterprise_project_id", "Default enterprise project for data sources: an enterprise project ID, `0` for the default project, "+
			"or `all_granted_eps` for every project the caller is granted.", false, validators.EnterpriseProject),
	}
}

// credentialAttributes are the authentication methods' arguments.
func credentialAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"access_key":     optionalString("access_key", "Access key ID for AK/SK request signing; with `secret_key`.", false),
		"secret_key":     optionalString("secret_key", "Secret access key for AK/SK request signing; with `access_key`.", true),
		"security_token": optionalString("security_token", "Security token of temporary AK/SK credentials, sent with every signed request.", true),
		"token":          optionalString("token", "A ready IAM token, sent as `X-Auth-Token`.", true),
		"user_name":      optionalString("user_name", "IAM user name for password authentication; with `password` and `domain_name` or `domain_id`.", false),
		"user_id":        optionalString("user_id", "IAM user ID for password authentication, instead of `user_name` and a domain.", false),
		"password":       optionalString("password", "IAM user password for password authentication.", true),
		"domain_name":    optionalString("domain_name", "Account (domain) name of the IAM user for password authentication.", false),
		"domain_id": optionalString("domain_id", "Account (domain) ID: of the IAM user for password authentication, instead of `domain_name`; "+
			"with AK/SK, the ECS metadata service or a CCE pod identity, the account of the keys, which spares looking it up before "+
			"an agency named by `domain_name`.", false),
		"shared_config_file": optionalString("shared_config_file", "Path of the Huawei Cloud CLI config file to read a profile from. Defaults to `~/.hcloud/config.json` "+
			"when `profile` is set.", false),
		"profile": optionalString("profile", "Profile of the shared config file to authenticate with (modes `AKSK`, `SSO` and `ecsAgency`); "+
			"the file's current profile when only `shared_config_file` is set.", false),
	}
}

// connectionAttributes shape the connection: endpoints, TLS, signing.
func connectionAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"auth_url": optionalString("auth_url", "IAM endpoint, e.g. `https://iam.cn-north-4.myhuaweicloud.com/v3`. Defaults to `https://iam.<region>.<cloud>`.",
			false, validators.Endpoint),
		"cloud": optionalString("cloud", fmt.Sprintf("Domain suffix of the service endpoints. Defaults to `%s`, and to `%s` in the `eu-west-1xx` regions.",
			endpoints.DefaultCloud, endpoints.EuropeCloud), false, validators.Cloud),
		"endpoints": schema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Endpoint overrides by service, used for every region. Keys: `hss`, `iam`, `sts` (IAM v5, which assumes agencies named by " +
				"domain ID; by default `https://sts.<region>.<cloud>` in the regions where STS has a host, and elsewhere the STS host of the region " +
				"nearest by name, e.g. `sts.cn-east-3` for `cn-east-2`) and `metadata` (the ECS metadata service, " +
				"`" + endpoints.DefaultMetadataEndpoint + "` by default). A value without a scheme gets `https://`, and `http://` for `metadata`, " +
				"which the metadata service speaks.",
			Validators: []validator.Map{
				mapvalidator.KeysAre(stringvalidator.OneOf(endpointKeys...)),
				mapvalidator.ValueStringsAre(validators.SchemelessEndpoint),
			},
		},
		"insecure": schema.BoolAttribute{
			Optional:            true,
			MarkdownDescription: "Skip TLS certificate verification. For test endpoints only; a warning is shown when set." + envNote("insecure"),
		},
		"cacert_file": optionalString("cacert_file", "Path to a PEM file of CA certificates trusted in addition to the system's, e.g. for a private endpoint.", false),
		"cert": optionalString("cert", "Client certificate for mutual TLS, presented on every HSS and IAM connection: a path to a PEM file, or the PEM text; with `key`. "+
			"For private and hybrid deployments behind a TLS-terminating gateway that requires one.", false),
		"key": optionalString("key", "Private key of `cert`: a path to a PEM file, or the PEM text.", true),
		"signing_algorithm": optionalString("signing_algorithm", fmt.Sprintf("Algorithm AK/SK requests are signed with: `%s` (SDK-HMAC-SHA256, the default) or `%s` "+
			"(SDK-HMAC-SM3, for compliance environments that require SM3). The SDK's asymmetric algorithms are not supported yet.",
			transport.SigningHMACSHA256, transport.SigningHMACSM3), false, validators.SigningAlgorithm),
	}
}

// tuningAttributes bound retries, pacing and concurrency.
func tuningAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"max_retries": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How many times a request is retried after throttling, a server error or a broken connection; 0 disables retries. Defaults to %d.", transport.DefaultMaxRetries) +
				envNote("max_retries"),
			Validators: []validator.Int64{int64validator.Between(0, maxRetriesLimit)},
		},
		"rate_limit": schema.Float64Attribute{
			Optional: true,
			MarkdownDescription: "Most HSS requests per second this provider sends, shared by every read and page. " +
				"Unset (the default), requests are not paced until the service throttles; then the provider paces itself " +
				"just below the rate the service accepted and probes upward again while nothing is throttled. " +
				"A number is a fixed ceiling, with the same adaptive slowing below it. " +
				"`0` turns pacing off entirely: throttled requests are still retried with back-off." +
				envNote("rate_limit"),
			Validators: []validator.Float64{float64validator.Between(0, maxRateLimit)},
		},
		"page_concurrency": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("How many pages of one result are fetched at once after the first. Defaults to %d, "+
				"the connection pool's size, so large results take few round trips; the rate limiter keeps that polite.", hss.DefaultPageConcurrency) +
				envNote("page_concurrency"),
			Validators: []validator.Int64{int64validator.Between(1, maxPageConcurrency)},
		},
		hss.MaxMemoryArgument: schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Most memory, in MiB, every read of this provider process holds at once, as the Go heap counts it: "+
				"entries read, results kept for identical reads, and the state built from them. A read that would need more fails, saying "+
				"how much it reached, rather than the process growing without bound. Defaults to %d (%d GiB).",
				hss.DefaultMaxMemoryBytes>>20, hss.DefaultMaxMemoryBytes>>30) + envNote(hss.MaxMemoryArgument),
			Validators: []validator.Int64{int64validator.Between(minMemoryMB, maxMemoryMB)},
		},
	}
}

// agencyBlocks trade the configured credentials for an agency's, or authenticate with OIDC.
func agencyBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"assume_role": schema.ListNestedBlock{
			MarkdownDescription: "Trade the configured credentials for the temporary AK/SK of an agency, renewed before they expire. " +
				"Several blocks form a chain, walked in order, each signed with the previous one's keys: from a CI account into an audit account " +
				"into a workload account, say. An agency named with `domain_id` is assumed through IAM v5 (`POST /v5/agencies/assume`), " +
				"one named with `domain_name` only through IAM v3 (`POST /v3.0/OS-CREDENTIAL/securitytokens`), as the Huawei Cloud provider does. " +
				"The `HW_ASSUME_ROLE_*` environment variables describe one agency, used when no block is written.",
			NestedObject: schema.NestedBlockObject{
				Attributes: map[string]schema.Attribute{
					"agency_name": optionalString("assume_role.agency_name", "Name of the agency to assume.", false),
					"domain_name": optionalString("assume_role.domain_name", "Name of the account (domain) that owns the agency (IAM v3).", false),
					"domain_id":   optionalString("assume_role.domain_id", "ID of the account (domain) that owns the agency (IAM v5), instead of `domain_name`.", false),
					"duration":    durationAttribute("assume_role.duration"),
				},
			},
		},
		"assume_role_with_oidc": schema.SingleNestedBlock{
			MarkdownDescription: "Authenticate with an OIDC ID token, e.g. a CI job's (GitHub Actions, GitLab CI, HCP Terraform workload identity): " +
				"it is exchanged for a federated user's token (`POST /v3.0/OS-AUTH/id-token/tokens`) and that for temporary AK/SK, " +
				"the agency's when `agency_name` is set. Renewed before they expire, reading `id_token_file` afresh.",
			Attributes: map[string]schema.Attribute{
				"idp_id":        optionalString("assume_role_with_oidc.idp_id", "ID of the IAM identity provider that trusts the token's issuer.", false),
				"id_token":      optionalString("assume_role_with_oidc.id_token", "The OIDC ID token (a JWT).", true),
				"id_token_file": optionalString("assume_role_with_oidc.id_token_file", "Path of a file holding the OIDC ID token, instead of `id_token`.", false),
				"agency_name":   optionalString("assume_role_with_oidc.agency_name", "An agency the federated user assumes; with `domain_id`.", false),
				"domain_id":     optionalString("assume_role_with_oidc.domain_id", "ID of the account (domain) of the identity provider and the agency.", false),
				"duration":      durationAttribute("assume_role_with_oidc.duration"),
			},
		},
	}
}

var endpointKeys = []string{"hss", "iam", "sts", "metadata"}

const (
	minMemoryMB, maxMemoryMB = 16, 1 << 20
	maxRetriesLimit          = 20
	maxRateLimit             = 1000
	maxPageConcurrency       = 32
)

func (p *hssProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m hssProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	res := resolveConfig(ctx, m, p.env, &resp.Diagnostics)
	switch {
	case resp.Diagnostics.HasError():
		if res.missingRegion {
			resp.Diagnostics.Append(missingRegion(true))
		}
		return
	case len(res.unknown) > 0 || res.missingRegion:
		// Configured all the same: a read deferred to apply meets the provider configured again,
		// with known values, and functions (which OpenTofu calls on a configured provider) need
		// none of it. A read that happens now fails with what is missing.
		notReady := unknownArguments(res.unknown)
		if len(res.unknown) == 0 {
			notReady = missingRegion(false)
		}
		tflog.Debug(ctx, "HSS provider configured without a client", map[string]any{"reason": notReady.Summary()})
		data := &datasources.Data{NotReady: notReady}
		resp.DataSourceData, resp.ResourceData = data, data
		return
	}
	cfg, epsID := res.cfg, res.eps
	cfg.UserAgent = userAgent(p.version, req.TerraformVersion)
	if p.tune != nil {
		p.tune(&cfg)
	}
	secrets := cfg.Secrets()
	ctx = datasources.MaskSecrets(ctx, secrets)

	client, err := hss.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the HSS client", validators.Sentence(err.Error()))
		return
	}
	tflog.Debug(ctx, "HSS provider configured", map[string]any{
		"region": cfg.Region, "auth_method": cfg.Credentials.Method.String(), "project_id": cfg.ProjectID,
	})
	data := &datasources.Data{Client: client, Region: cfg.Region, EnterpriseProjectID: epsID, Secrets: secrets, Hints: explain.Hints{
		UntrustedCertificate: fmt.Sprintf("Set cacert_file (%s) to the CA certificate that signed it, or, for a test endpoint only, insecure = true.", EnvCACertFile),
	}}
	if cfg.Credentials.Method == credentials.AuthMetadata {
		data.Hints.NoCredentials = noCredentialsHint(p.env)
	}
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
	return datasources.All()
}

func (p *hssProvider) Functions(context.Context) []func() function.Function {
	return functions.All()
}
