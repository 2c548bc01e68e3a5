package provider

import (
	"fmt"
	"strings"
)

// Environment variables the provider reads, the same as the Huawei Cloud provider's so existing
// environments work unchanged (the OS_* names are its OpenStack-style aliases). Attribute
// descriptions are built from argEnv, so docs and code cannot disagree.
const (
	EnvRegion              = "HW_REGION_NAME"
	EnvProjectID           = "HW_PROJECT_ID"
	EnvProjectName         = "HW_PROJECT_NAME"
	EnvEnterpriseProjectID = "HW_ENTERPRISE_PROJECT_ID"
	EnvAccessKey           = "HW_ACCESS_KEY"
	EnvSecretKey           = "HW_SECRET_KEY"
	EnvSecurityToken       = "HW_SECURITY_TOKEN"
	EnvToken               = "HW_AUTH_TOKEN"
	EnvUserName            = "HW_USER_NAME"
	EnvUserID              = "HW_USER_ID"
	EnvPassword            = "HW_USER_PASSWORD"
	EnvDomainName          = "HW_DOMAIN_NAME"
	EnvDomainID            = "HW_DOMAIN_ID"
	EnvAuthURL             = "HW_AUTH_URL"
	EnvCloud               = "HW_CLOUD"
	EnvInsecure            = "HW_INSECURE"
	EnvMaxRetries          = "HW_MAX_RETRIES"
	EnvCACertFile          = "HW_CACERT_FILE"
	EnvRateLimit           = "HW_RATE_LIMIT"
	EnvPageConcurrency     = "HW_PAGE_CONCURRENCY"
	EnvMaxMemoryMB         = "HW_HSS_MAX_MEMORY_MB"
	EnvSharedConfigFile    = "HW_SHARED_CONFIG_FILE"
	EnvProfile             = "HW_PROFILE"
	EnvAssumeRoleAgency    = "HW_ASSUME_ROLE_AGENCY_NAME"
	EnvAssumeRoleDomain    = "HW_ASSUME_ROLE_DOMAIN_NAME"
	EnvAssumeRoleDomainID  = "HW_ASSUME_ROLE_DOMAIN_ID"
	EnvAssumeRoleDuration  = "HW_ASSUME_ROLE_DURATION"
	EnvIdpID               = "HW_ASSUME_ROLE_IDP_ID"
	EnvIDToken             = "HW_ASSUME_ROLE_ID_TOKEN"
	EnvIDTokenFile         = "HW_ASSUME_ROLE_ID_TOKEN_FILE"
	// EnvOSCACert is the OpenStack-style CA bundle variable the Huawei Cloud provider reads.
	EnvOSCACert = "OS_CACERT"
	// EnvCert and EnvKey are the client certificate and key the Huawei Cloud provider reads.
	EnvCert             = "OS_CERT"
	EnvKey              = "OS_KEY"
	EnvSigningAlgorithm = "HW_SIGNING_ALGORITHM"
	// EnvPodIdentityURI and EnvPodIdentityTokenFile are set by CCE in a pod that has been
	// given an identity; the SDK reads them.
	EnvPodIdentityURI       = "HC_CONTAINER_CREDENTIALS_FULL_URI"
	EnvPodIdentityTokenFile = "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE"
	// The official SDK's own variables (core/auth/provider/env_provider.go), read last.
	EnvSDKAccessKey     = "HUAWEICLOUD_SDK_AK"
	EnvSDKSecretKey     = "HUAWEICLOUD_SDK_SK"
	EnvSDKSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	EnvSDKProjectID     = "HUAWEICLOUD_SDK_PROJECT_ID"
	EnvSDKDomainID      = "HUAWEICLOUD_SDK_DOMAIN_ID"
	EnvSDKIdpID         = "HUAWEICLOUD_SDK_IDP_ID"
	EnvSDKIDTokenFile   = "HUAWEICLOUD_SDK_ID_TOKEN_FILE"
	// The Huawei Cloud provider's legacy agency variables (its agency_name, agency_domain_name
	// and delegated_project arguments): an agency assumed with the configured credentials.
	EnvLegacyAgencyName       = "OS_AGENCY_NAME"
	EnvLegacyAgencyDomainName = "OS_AGENCY_DOMAIN_NAME"
	EnvLegacyDelegatedProject = "OS_DELEGATED_PROJECT"
	// EnvSampleAccessKey and EnvSampleSecretKey are read by the API pages' code samples only.
	EnvSampleAccessKey = "CLOUD_SDK_AK"
	EnvSampleSecretKey = "CLOUD_SDK_SK"
)

// argEnv lists, for each argument, the environment variables it falls back to, first set wins.
var argEnv = map[string][]string{
	"region":                              {EnvRegion, "OS_REGION_NAME"},
	"project_id":                          {EnvProjectID, "OS_PROJECT_ID", "OS_TENANT_ID", EnvSDKProjectID},
	"project_name":                        {EnvProjectName, "OS_PROJECT_NAME", "OS_TENANT_NAME"},
	"enterprise_project_id":               {EnvEnterpriseProjectID},
	"access_key":                          {EnvAccessKey, "OS_ACCESS_KEY", EnvSDKAccessKey},
	"secret_key":                          {EnvSecretKey, "OS_SECRET_KEY", EnvSDKSecretKey},
	"security_token":                      {EnvSecurityToken, EnvSDKSecurityToken},
	"token":                               {EnvToken, "OS_AUTH_TOKEN"},
	"user_name":                           {EnvUserName, "OS_USERNAME"},
	"user_id":                             {EnvUserID, "OS_USER_ID"},
	"password":                            {EnvPassword, "OS_PASSWORD"},
	"domain_name":                         {EnvDomainName, "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME", "OS_PROJECT_DOMAIN_NAME"},
	"domain_id":                           {EnvDomainID, "OS_DOMAIN_ID", "OS_USER_DOMAIN_ID", "OS_PROJECT_DOMAIN_ID", EnvSDKDomainID},
	"auth_url":                            {EnvAuthURL, "OS_AUTH_URL"},
	"cloud":                               {EnvCloud},
	"insecure":                            {EnvInsecure, "OS_INSECURE"},
	"cacert_file":                         {EnvCACertFile, EnvOSCACert},
	"cert":                                {EnvCert},
	"key":                                 {EnvKey},
	"signing_algorithm":                   {EnvSigningAlgorithm},
	"pod_identity.uri":                    {EnvPodIdentityURI},
	"pod_identity.token_file":             {EnvPodIdentityTokenFile},
	"max_retries":                         {EnvMaxRetries},
	"rate_limit":                          {EnvRateLimit},
	"page_concurrency":                    {EnvPageConcurrency},
	"max_memory_mb":                       {EnvMaxMemoryMB},
	"shared_config_file":                  {EnvSharedConfigFile},
	"profile":                             {EnvProfile},
	"assume_role.agency_name":             {EnvAssumeRoleAgency, EnvLegacyAgencyName},
	"assume_role.domain_name":             {EnvAssumeRoleDomain, EnvLegacyAgencyDomainName},
	"assume_role.domain_id":               {EnvAssumeRoleDomainID},
	"assume_role.duration":                {EnvAssumeRoleDuration},
	"assume_role_with_oidc.idp_id":        {EnvIdpID, EnvSDKIdpID},
	"assume_role_with_oidc.id_token":      {EnvIDToken},
	"assume_role_with_oidc.id_token_file": {EnvIDTokenFile, EnvSDKIDTokenFile},
}

// envNote is the sentence a description ends with, naming attr's environment variables.
func envNote(attr string) string {
	names := argEnv[attr]
	if len(names) == 0 {
		return ""
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	if len(quoted) == 1 {
		return fmt.Sprintf(" Can also be set with the %s environment variable.", quoted[0])
	}
	return fmt.Sprintf(" Can also be set with the %s or %s environment variables, first set wins.",
		strings.Join(quoted[:len(quoted)-1], ", "), quoted[len(quoted)-1])
}
