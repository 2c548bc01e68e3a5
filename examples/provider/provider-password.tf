# IAM user name and password: the provider fetches a project-scoped token once per region and
# reuses it. Prefer HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME over literals.
variable "iam_password" {
  type      = string
  sensitive = true
  default   = null
}

provider "hss" {
  alias       = "password"
  region      = "cn-north-4"
  user_name   = "hss-operator"
  password    = var.iam_password
  domain_name = "my-account"
}
