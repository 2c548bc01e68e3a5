# Every image of the Harbor registry HSS has as "harbor-prod" that HSS could not scan.
data "hss_images" "harbor" {
  registry_name = "harbor-prod"
}

output "not_scanned" {
  value = [
    for i in data.hss_images.harbor.data_list :
    "${i.namespace}/${i.image_name}:${i.image_version} (${i.scan_status} ${i.scan_failed_code})"
    if i.scan_status != "success"
  ]
}
