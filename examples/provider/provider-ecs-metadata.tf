# On an ECS or CCE host with an agency bound, no credentials at all: the provider reads the
# agency's temporary AK/SK from the ECS metadata service and renews them before they expire.
provider "hss" {
  alias  = "ecs"
  region = "cn-north-4"
}
