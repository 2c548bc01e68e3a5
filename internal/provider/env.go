package provider

// Environment variables the provider reads, shared with the long-standing Huawei Cloud
// provider so existing environments work unchanged. Attribute descriptions quote these
// constants, so docs and code cannot disagree.
const (
	EnvRegion              = "HW_REGION_NAME"
	EnvProjectID           = "HW_PROJECT_ID"
	EnvEnterpriseProjectID = "HW_ENTERPRISE_PROJECT_ID"
	EnvAccessKey           = "HW_ACCESS_KEY"
	EnvSecretKey           = "HW_SECRET_KEY"
	EnvSecurityToken       = "HW_SECURITY_TOKEN"
	EnvToken               = "HW_AUTH_TOKEN"
	EnvUserName            = "HW_USER_NAME"
	EnvPassword            = "HW_USER_PASSWORD"
	EnvDomainName          = "HW_DOMAIN_NAME"
	EnvAuthURL             = "HW_AUTH_URL"
	EnvCloud               = "HW_CLOUD"
	EnvInsecure            = "HW_INSECURE"
	EnvMaxRetries          = "HW_MAX_RETRIES"
	EnvCACertFile          = "HW_CACERT_FILE"
	EnvRateLimit           = "HW_RATE_LIMIT"
	EnvPageConcurrency     = "HW_PAGE_CONCURRENCY"
	// EnvOSCACert is the OpenStack-style fallback the Huawei Cloud provider also reads.
	EnvOSCACert = "OS_CACERT"
)

// DefaultMaxRetries is used when max_retries is set nowhere.
const DefaultMaxRetries = 5
