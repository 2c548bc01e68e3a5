# `terraform test` of the configuration that uses the gate, without a cloud account: the hss
# provider is mocked, and override_data gives the gate the verdict each run needs.

mock_provider "hss" {}

run "a_refused_image_stops_the_deployment" {
  command = plan

  override_data {
    target = data.hss_image_gate.release
    values = {
      allowed = false
      results = {
        app = {
          allowed          = false
          refusals         = ["base OS Debian 9 ended standard support on 2020-07-18"]
          suppressed       = []
          reference        = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
          pinned_reference = "swr.cn-north-4.myhuaweicloud.com/team/app@sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
          image_id         = "3e5d7f9a1b2c4d6e"
          image_digest     = "sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
          registry_type    = "SwrPrivate"
          scan_status      = "success"
          latest_scan_time = "2026-12-01T08:00:00Z"
          base_os          = [{ os_name = "Debian", os_version = "9", known = true, eol_date = "2020-07-18", days_left = -2332, supported = false }]
          vulnerabilities  = []
        }
      }
    }
  }

  expect_failures = [terraform_data.deployment]
}

run "an_allowed_image_deploys_its_pinned_reference" {
  command = plan

  override_data {
    target = data.hss_image_gate.release
    values = {
      allowed = true
      results = {
        app = {
          allowed          = true
          refusals         = []
          suppressed       = []
          reference        = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
          pinned_reference = "swr.cn-north-4.myhuaweicloud.com/team/app@sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
          image_id         = "3e5d7f9a1b2c4d6e"
          image_digest     = "sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
          registry_type    = "SwrPrivate"
          scan_status      = "success"
          latest_scan_time = "2026-12-01T08:00:00Z"
          base_os          = [{ os_name = "AlmaLinux", os_version = "9.4", known = true, eol_date = "2032-05-31", days_left = 2003, supported = true }]
          vulnerabilities = [{ vul_id = "CVE-2024-45490", repair_necessity = "delay_repair", cvss = null, app_name = "expat", version = "2.5.0",
          refuses = false, excepted = false }]
        }
      }
    }
  }

  assert {
    condition     = output.deploy["app"] == "swr.cn-north-4.myhuaweicloud.com/team/app@sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
    error_message = "The deployment does not pull the digest HSS scanned: ${jsonencode(output.deploy)}."
  }
}
