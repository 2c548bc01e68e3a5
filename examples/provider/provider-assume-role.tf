# Assume an agency: the configured credentials (here AK/SK from HW_ACCESS_KEY and
# HW_SECRET_KEY) are traded for the agency's temporary AK/SK, renewed before they expire.
provider "hss" {
  alias  = "agency"
  region = "cn-north-4"

  assume_role {
    agency_name = "hss-readonly-agency"
    domain_name = "central-security-account"
    duration    = 3600
  }
}
