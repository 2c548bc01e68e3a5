# May these images be deployed? The plan stops on a refusal, listing every reason.
data "hss_image_gate" "release" {
  images = {
    api    = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
    worker = "harbor.example.com/team/app:1.4.2"
  }

  policy = {
    os_min_days_left = 90
    os_support       = "extended"
    max_scan_age     = "30d"
    exceptions = [
      { vul_id = "CVE-2024-6387", reason = "no sshd in the image", expires = "2027-01-31", images = ["worker"] },
    ]
  }
}

# Deploy exactly what HSS judged.
output "deploy" {
  value = { for k, r in data.hss_image_gate.release.results : k => r.pinned_reference }
}
