# Images built on Huawei Cloud EulerOS 2.0, which the lifecycle table cannot date, may be deployed;
# every other rule still applies to them.
data "hss_image_gate" "agent" {
  images = {
    agent = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
  }

  policy = {
    os_allow = ["Huawei Cloud EulerOS 2.0"]
  }
}
