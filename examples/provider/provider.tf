terraform {
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

# AK/SK signing. Keep secrets out of files: export HW_ACCESS_KEY and HW_SECRET_KEY instead
# of setting access_key and secret_key here.
provider "hss" {
  region = "cn-north-4"

  # Optional: resolved once through IAM from the region when unset.
  # project_id = "0b5c1a2f9e8d4c7b8a6f5e4d3c2b1a00"

  # Default enterprise project of every data source.
  enterprise_project_id = "all_granted_eps"
}
