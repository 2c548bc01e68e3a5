# A CI job's OIDC ID token, traded for temporary AK/SK through an IAM identity provider that
# trusts the CI's issuer. HW_ASSUME_ROLE_IDP_ID and HW_ASSUME_ROLE_ID_TOKEN_FILE work too.
provider "hss" {
  alias  = "oidc"
  region = "cn-north-4"

  assume_role_with_oidc {
    idp_id        = "github-actions"
    id_token_file = "/tmp/oidc-token"
    # Optional: assume an agency of the identity provider's account.
    agency_name = "hss-readonly-agency"
    domain_id   = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
  }
}
