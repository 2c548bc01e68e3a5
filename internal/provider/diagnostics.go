package provider

import (
	"fmt"
	"strings"
)

// credentialMethods lists the ways to authenticate, for messages.
var credentialMethods = strings.Join([]string{
	"  - token (" + EnvToken + ")",
	"  - access_key and secret_key (" + EnvAccessKey + ", " + EnvSecretKey + "), with security_token (" + EnvSecurityToken + ") for temporary keys",
	"  - user_name with domain_name, or user_id, and password (" + EnvUserName + ", " + EnvDomainName + ", " + EnvUserID + ", " + EnvPassword + ")",
	"  - assume_role_with_oidc with idp_id and id_token or id_token_file (" + EnvIdpID + ", " + EnvIDToken + ", " + EnvIDTokenFile + ")",
	"  - shared_config_file and/or profile of the Huawei Cloud CLI (" + EnvSharedConfigFile + ", " + EnvProfile + ")",
	"  - on CCE, a pod identity (" + EnvPodIdentityURI + ", " + EnvPodIdentityTokenFile + ")",
}, "\n")

// noCredentialsHint follows the error of a read that found no credentials: the methods to
// configure and, when only the API pages' sample variables are set, which variables to use.
func noCredentialsHint(env environment) string {
	hint := "Elsewhere, configure one of:\n" + credentialMethods
	_, ak := env.Lookup(EnvSampleAccessKey)
	_, sk := env.Lookup(EnvSampleSecretKey)
	if !ak && !sk {
		return hint
	}
	return hint + fmt.Sprintf("\n\n%s and %s are set, but only the API pages' code samples read them. Export the same keys as %s and %s "+
		"(or the SDK's %s and %s).", EnvSampleAccessKey, EnvSampleSecretKey, EnvAccessKey, EnvSecretKey, EnvSDKAccessKey, EnvSDKSecretKey)
}
