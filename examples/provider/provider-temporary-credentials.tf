# Temporary AK/SK credentials (e.g. from an agency): the security token travels with every
# signed request. Prefer HW_ACCESS_KEY, HW_SECRET_KEY and HW_SECURITY_TOKEN over literals.
variable "temporary_access_key" {
  type      = string
  sensitive = true
  default   = null
}

variable "temporary_secret_key" {
  type      = string
  sensitive = true
  default   = null
}

variable "security_token" {
  type      = string
  sensitive = true
  default   = null
}

provider "hss" {
  alias          = "temporary"
  region         = "cn-north-4"
  access_key     = var.temporary_access_key
  secret_key     = var.temporary_secret_key
  security_token = var.security_token
}
