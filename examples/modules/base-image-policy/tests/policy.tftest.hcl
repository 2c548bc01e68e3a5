# `terraform test` of the policy with a mocked provider (mocks need Terraform 1.7 or later):
# override_data gives the data source the answer each run needs.

mock_provider "hss" {}

variables {
  images = {
    app = { id = "111", type = "cicd" }
  }
}

run "supported_base_passes" {
  command = plan

  override_data {
    target = data.hss_image_basic_image.image
    values = {
      total_num = 1
      data_list = [
        { os_name = "Huawei Cloud EulerOS", os_version = "2.0", layer_digest = "sha256:9b1e1f0a7c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef0" },
      ]
    }
  }

  assert {
    condition     = output.base_os["app"] == ["Huawei Cloud EulerOS 2.0"]
    error_message = "base_os does not hold the mocked base image."
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
        { os_name = "Alpine", os_version = "3.19", layer_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111" },
      ]
    }
  }

  expect_failures = [output.base_os]
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
