# Functions need no provider block and no credentials: the table is inside the provider.
terraform {
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

# Debian 12.5 falls in release cycle 12, whose security support ended on 2026-07-11.
output "debian_12" {
  value = provider::hss::os_lifecycle("Debian GNU/Linux", "12.5", plantimestamp())
}

# Will Rocky Linux 9.4 still be supported in 90 days?
output "rocky_9_in_90_days" {
  value = provider::hss::os_lifecycle("Rocky Linux", "9.4", timeadd(plantimestamp(), "2160h")).supported
}

# A release the table does not hold is not an error, and never supported.
output "unknown" {
  value = provider::hss::os_lifecycle("Plan 9", "4", plantimestamp())
}
