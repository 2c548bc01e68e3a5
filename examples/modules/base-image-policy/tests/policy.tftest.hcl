# `terraform test` of the policy with a mocked provider (mocks need Terraform 1.7, provider
# functions 1.8): override_data gives the data source the answer each run needs, while
# provider::hss::os_lifecycle runs for real, from the provider's own table. `at` is fixed, so
# the answers do not change with the day the tests run.

mock_provider "hss" {}

variables {
  images = {
    app = { id = "111", type = "cicd" }
  }
  at = "2026-12-02T00:00:00Z"
}

run "supported_base_passes" {
  command = plan

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [
        { os_name = "AlmaLinux", os_version = "9.4", layer_digest = "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca" },
      ]
    }
  }

  assert {
    condition     = output.base_os["app"] == ["AlmaLinux 9.4"] && length(output.refused["app"]) == 0
    error_message = "A supported base was refused: ${jsonencode(output.refused)}."
  }
}

run "end_of_life_base_fails" {
  command = plan

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 2
      data_list = [
        { os_name = "Debian", os_version = "9", layer_digest = "sha256:27833a3ba0a545deda33bb01eaf95a14d05d43bf30bce9267d92d17f069fe897" },
        { os_name = "AlmaLinux", os_version = "9.4", layer_digest = "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca" },
      ]
    }
  }

  expect_failures = [output.base_os]
}

run "end_of_life_reason" {
  command = plan

  variables {
    enforce = false
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "Debian", os_version = "9", layer_digest = "sha256:27833a3ba0a545deda33bb01eaf95a14d05d43bf30bce9267d92d17f069fe897" }]
    }
  }

  assert {
    condition     = output.refused["app"] == tolist(["Debian 9 reached its end of life on 2020-07-18"])
    error_message = "Unexpected reasons: ${jsonencode(output.refused)}."
  }
}

# An empty answer (a typo, or an image not scanned yet) must not pass the policy.
run "no_base_image_fails" {
  command = plan

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 0
      data_list = []
    }
  }

  expect_failures = [output.base_os]
}

run "no_base_image_reason" {
  command = plan

  variables {
    enforce = false
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 0
      data_list = []
    }
  }

  assert {
    condition     = output.refused["app"] == tolist(["HSS knows no base image for it (not scanned yet, or a wrong ID or type)"])
    error_message = "Unexpected reasons: ${jsonencode(output.refused)}."
  }
}

# A release the lifecycle table does not know fails, unless the module is told to accept it.
run "unknown_base_fails" {
  command = plan

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "Huawei Cloud EulerOS", os_version = "2.0", layer_digest = "sha256:9b1e1f0a7c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef0" }]
    }
  }

  expect_failures = [output.base_os]
}

run "unknown_base_allowed" {
  command = plan

  variables {
    allow_unknown = ["Huawei Cloud EulerOS 2.0"]
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "Huawei Cloud EulerOS", os_version = "2.0", layer_digest = "sha256:9b1e1f0a7c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef0" }]
    }
  }

  assert {
    condition     = length(output.refused["app"]) == 0
    error_message = "An allowed release was refused: ${jsonencode(output.refused)}."
  }
}

# Ubuntu 22.04's standard support ends on 2027-04-01, 120 days after `at`.
run "ending_soon_fails" {
  command = plan

  variables {
    min_days_left = 180
    enforce       = false
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "Ubuntu", os_version = "22.04.3", layer_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222" }]
    }
  }

  assert {
    condition     = output.refused["app"] == tolist(["Ubuntu 22.04.3 ends standard support on 2027-04-01, in 120 days (fewer than 180)"])
    error_message = "Unexpected reasons: ${jsonencode(output.refused)}."
  }
}

run "ending_later_passes" {
  command = plan

  variables {
    min_days_left = 120
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "Ubuntu", os_version = "22.04.3", layer_digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222" }]
    }
  }

  assert {
    condition     = length(output.refused["app"]) == 0
    error_message = "Refused: ${jsonencode(output.refused)}."
  }
}

# A repository image HSS has not scanned is refused, whatever its base: its findings are unknown.
run "unscanned_repository_image_is_refused" {
  command = plan

  variables {
    images = {
      agent = { id = "7a1e0c5d3b9f2468", type = "private_image", reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.6.0-x86_64" }
    }
    enforce = false
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "AlmaLinux", os_version = "9.4", layer_digest = "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca" }]
    }
  }

  override_data {
    target = data.hss_images.image
    values = {
      total_num = 1
      data_list = [{
        image_id     = "7a1e0c5d3b9f2468", namespace = "scc_hss_container", image_name = "proxy-agent", image_version = "24.6.0-x86_64",
        image_digest = "", image_type = "private_image", scan_status = "unscan", scan_failed_desc = "", latest_scan_time = "",
        vul_num      = 0, unsafe_setting_num = 0, malicious_file_num = 0
      }]
    }
  }

  assert {
    condition     = output.refused["agent"] == tolist(["HSS has not scanned it successfully (scan_status unscan)"])
    error_message = "Unexpected reasons: ${jsonencode(output.refused)}."
  }
}

# An unhandled vulnerability of a refused severity refuses the image; a lower one does not.
run "urgent_vulnerability_is_refused" {
  command = plan

  variables {
    enforce = false
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "AlmaLinux", os_version = "9.4", layer_digest = "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca" }]
    }
  }

  override_data {
    target = data.hss_image_vulnerabilities.image
    values = {
      total_num = 2
      data_list = [
        { vul_id = "CVE-2024-6387", repair_necessity = "immediate_repair", description = "", position = "", app_name = "openssh-server", app_path = "", version = "8.9p1", solution = "", url = "" },
        { vul_id = "CVE-2024-45490", repair_necessity = "delay_repair", description = "", position = "", app_name = "expat", app_path = "", version = "2.5.0", solution = "", url = "" },
      ]
    }
  }

  assert {
    condition     = output.refused["app"] == tolist(["CVE-2024-6387 (immediate_repair) in openssh-server 8.9p1 is unhandled"])
    error_message = "Unexpected reasons: ${jsonencode(output.refused)}."
  }
}

run "refused_severities_are_an_input" {
  command = plan

  variables {
    refuse_vulnerabilities = []
  }

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [{ os_name = "AlmaLinux", os_version = "9.4", layer_digest = "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca" }]
    }
  }

  override_data {
    target = data.hss_image_vulnerabilities.image
    values = {
      total_num = 1
      data_list = [{ vul_id = "CVE-2024-6387", repair_necessity = "immediate_repair", description = "", position = "", app_name = "openssh-server", app_path = "", version = "8.9p1", solution = "", url = "" }]
    }
  }

  assert {
    condition     = length(output.refused["app"]) == 0
    error_message = "Refused with no severity refused: ${jsonencode(output.refused)}."
  }
}
