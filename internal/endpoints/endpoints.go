// Package endpoints is where requests go: the host of each service in a region, or the
// override the configuration gives, and the checks that keep a region, a cloud or an endpoint
// from making a host or a path other than the one it names.
package endpoints

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
)

// DefaultCloud is the domain suffix of the public Huawei Cloud endpoints.
const DefaultCloud = "myhuaweicloud.com"

// DefaultMetadataEndpoint is the ECS metadata service, reachable from ECS and CCE hosts only.
const DefaultMetadataEndpoint = "http://169.254.169.254"

// Set is the configured endpoints: each override, when given, serves every region.
type Set struct {
	// Cloud replaces the domain suffix of default hosts.
	Cloud string
	// AuthURL overrides the IAM endpoint (a trailing /v3 is accepted).
	AuthURL string
	// HSS, IAM and STS override the per-region defaults for every region.
	HSS string
	IAM string
	STS string
	// Metadata overrides DefaultMetadataEndpoint.
	Metadata string
}

// Validate checks every override, naming the argument that gave it.
func (s Set) Validate() error {
	if s.Cloud != "" {
		if err := ValidateCloud(s.Cloud); err != nil {
			return fmt.Errorf("cloud: %w", err)
		}
	}
	for _, o := range s.overrides() {
		if o.url == "" {
			continue
		}
		if err := ValidateEndpoint(o.url); err != nil {
			return fmt.Errorf("%s: %w", o.name, err)
		}
	}
	return nil
}

type override struct{ name, url string }

func (s Set) overrides() []override {
	return []override{{"endpoints.hss", s.HSS}, {"endpoints.iam", s.IAM}, {"endpoints.sts", s.STS}, {"auth_url", s.AuthURL}, {"endpoints.metadata", s.Metadata}}
}

// KnownRegions are the HSS regions of the SDK's region table (services/hss/v5/region,
// v0.1.207), for suggesting what a mistyped region name meant.
var KnownRegions = []string{
	"ae-ad-1", "af-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "cn-east-2", "cn-east-3",
	"cn-east-4", "cn-east-5", "cn-north-1", "cn-north-11", "cn-north-12", "cn-north-2", "cn-north-4", "cn-north-9", "cn-south-1",
	"cn-south-2", "cn-south-4", "cn-southwest-2", "cn-southwest-3", "eu-west-101", "la-north-2", "la-south-2", "me-east-1",
	"my-kualalumpur-1", "na-mexico-1", "ru-moscow-1", "sa-brazil-1", "tr-west-1",
}

// nearestRegion is the known region closest to name, "" when none is close or name is one.
func nearestRegion(name string) string {
	best, dist := "", 4
	for _, r := range KnownRegions {
		if r == name {
			return ""
		}
		if d := levenshtein.Distance(name, r, nil); d < dist {
			best, dist = r, d
		}
	}
	return best
}

// Origin says which configuration made endpoint's host: an override, or a region's default.
func (s Set) Origin(endpoint string) string {
	for _, o := range s.overrides() {
		if o.url != "" && HostOf(o.url) == HostOf(endpoint) {
			return o.name
		}
	}
	// Default hosts are <service>.<region>.<cloud>.
	labels := strings.SplitN(HostOf(endpoint), ".", 3)
	if len(labels) == 3 {
		region := labels[1]
		msg := fmt.Sprintf("region %q (with cloud %q)", region, labels[2])
		if near := nearestRegion(region); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		return msg
	}
	return "the configuration"
}

// EuropeCloud is the domain suffix of the eu-west-1xx regions, as the Huawei Cloud provider
// has it.
const EuropeCloud = "myhuaweicloud.eu"

func (s Set) cloud(region string) string {
	switch {
	case s.Cloud != "":
		return s.Cloud
	case strings.HasPrefix(region, "eu-west-1"):
		return EuropeCloud
	}
	return DefaultCloud
}

// MetadataURL is the ECS metadata service.
func (s Set) MetadataURL() string {
	if s.Metadata != "" {
		return strings.TrimRight(s.Metadata, "/")
	}
	return DefaultMetadataEndpoint
}

// HSSURL, STSURL and IAMURL build URLs from values Validate accepted, and a region that
// ValidateRegion accepted: the host is the configured one or <service>.<region>.<cloud>.
func (s Set) HSSURL(region string) string {
	if s.HSS != "" {
		return strings.TrimRight(s.HSS, "/")
	}
	return "https://hss." + region + "." + s.cloud(region)
}

// STSURL is the STS host of region: the SDK has one in a few regions only (see STSRegion).
func (s Set) STSURL(region string) string {
	if s.STS != "" {
		return strings.TrimRight(s.STS, "/")
	}
	if cloud := s.cloud(region); cloud != DefaultCloud {
		return "https://sts." + region + "." + cloud
	}
	return "https://sts." + STSRegion(region) + "." + DefaultCloud
}

// STSRegions are the regions of the SDK's STS tables (services/sts/v1/region and
// core/auth/internal/sts_endpoint.go, v0.1.207), in the SDK's order. Elsewhere the SDK has no
// STS host: it refuses the region.
var STSRegions = []string{
	"cn-north-4", "cn-south-1", "cn-east-3", "cn-southwest-2", "ap-southeast-1", "ap-southeast-3", "ap-southeast-2",
	"sa-brazil-1", "la-south-2", "af-south-1", "ap-southeast-4", "tr-west-1",
}

// STSRegion is the region whose STS host serves region: region itself when the SDK lists it,
// else the listed region sharing the longest run of leading name parts (cn-east-2 → cn-east-3,
// cn-north-1 → cn-north-4, la-north-2 → la-south-2), else ap-southeast-1. The keys STS issues
// are valid in every region of its cloud, so a listed region's host serves an unlisted one.
func STSRegion(region string) string {
	if slices.Contains(STSRegions, region) {
		return region
	}
	best, bestParts := "ap-southeast-1", 0
	parts := strings.Split(region, "-")
	for _, r := range STSRegions {
		n := 0
		for i, p := range strings.Split(r, "-") {
			if i >= len(parts) || parts[i] != p {
				break
			}
			n++
		}
		if n > bestParts {
			best, bestParts = r, n
		}
	}
	return best
}

// IAMURL is the IAM endpoint of region: iam.<region>.<cloud>, except in the SDK's HSS regions
// that its IAM table leaves out (cn-north-11, cn-south-4, cn-southwest-3), where the SDK calls
// the global IAM, GlobalIAMHost. A region neither table knows keeps its own host, so a mistyped
// region fails on its name, with a suggestion, rather than at the global IAM.
func (s Set) IAMURL(region string) string {
	switch {
	case s.IAM != "":
		return trimIAM(s.IAM)
	case s.AuthURL != "":
		return trimIAM(s.AuthURL)
	}
	cloud := s.cloud(region)
	if cloud == DefaultCloud && slices.Contains(KnownRegions, region) && !slices.Contains(IAMRegions, region) {
		return "https://" + GlobalIAMHost
	}
	return "https://iam." + region + "." + cloud
}

// GlobalIAMHost is the IAM the SDK calls for a region its IAM table does not list
// (core/auth/internal/iam_helper.go, DefaultIamEndpoint).
const GlobalIAMHost = "iam." + DefaultCloud

// IAMRegions are the regions of the SDK's IAM tables (services/iam/v3/region and
// core/auth/internal/iam_endpoint.go, v0.1.207; eu-west-101 is in the first only, on the
// Europe cloud).
var IAMRegions = []string{
	"cn-north-2", "cn-north-4", "cn-north-1", "cn-east-2", "cn-east-3", "cn-south-1", "cn-south-2", "cn-southwest-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "af-south-1", "sa-brazil-1", "la-south-2", "na-mexico-1",
	"la-north-2", "cn-north-9", "eu-west-101", "eu-west-0", "my-kualalumpur-1", "ru-moscow-1", "me-east-1",
	"ap-southeast-4", "ae-ad-1", "cn-east-4", "cn-east-5", "tr-west-1", "cn-north-12",
}

// SWRHost is the host of SWR's registry in region, as images are pulled from it:
// swr.<region>.<cloud>.
func (s Set) SWRHost(region string) string { return "swr." + region + "." + s.cloud(region) }

// SWRRegion is the region whose SWR registry host is host (lower case, without a port), ""
// when host is no SWR host: only swr.<region>.<the cloud of that region> is one, so a longer
// name, another cloud's suffix or a port never is.
func (s Set) SWRRegion(host string) string {
	rest, ok := strings.CutPrefix(host, "swr.")
	if !ok {
		return ""
	}
	region, _, ok := strings.Cut(rest, ".")
	if !ok || ValidateRegion(region) != nil || s.SWRHost(region) != host {
		return ""
	}
	return region
}

// trimIAM accepts both "https://iam.example.com" and the Keystone-style ".../v3".
func trimIAM(u string) string {
	u = strings.TrimRight(u, "/")
	return strings.TrimSuffix(u, "/v3")
}

// RegionForm and the patterns below say what each value may look like, for error messages.
const (
	RegionForm = "lower-case letters, digits and single hyphens, e.g. cn-north-4"
	CloudForm  = "a DNS name such as myhuaweicloud.com"
)

var (
	regionPattern   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dnsLabelPattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
)

// ValidateRegion accepts plain region names, which become part of a host name.
func ValidateRegion(s string) error {
	if len(s) > 63 || !regionPattern.MatchString(s) {
		return fmt.Errorf("%q is not a region name: use %s", s, RegionForm)
	}
	return nil
}

// ValidateCloud accepts DNS names of at least two labels, which become a host-name suffix.
func ValidateCloud(s string) error {
	labels := strings.Split(s, ".")
	ok := len(s) <= 253 && len(labels) >= 2
	for _, l := range labels {
		ok = ok && dnsLabelPattern.MatchString(l)
	}
	if !ok {
		return fmt.Errorf("%q is not %s", s, CloudForm)
	}
	return nil
}

// ProjectIDForm says what a project ID may look like, for error messages.
const ProjectIDForm = "letters, digits, '-' and '_' only, e.g. 0b5c1a2f9e8d4c7b8a6f5e4d3c2b1a00"

var projectIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidateProjectID accepts project IDs, which become a path segment.
func ValidateProjectID(s string) error {
	if !projectIDPattern.MatchString(s) {
		return fmt.Errorf("%q is not a project ID: use %s", s, ProjectIDForm)
	}
	return nil
}

// NormalizeEndpoint gives an endpoint written without a scheme ("hss.example.com") https://,
// as the Huawei Cloud provider does.
func NormalizeEndpoint(s string) string {
	if s != "" && !strings.Contains(s, "://") {
		return "https://" + s
	}
	return s
}

// NormalizeMetadataEndpoint gives a metadata endpoint written without a scheme
// ("169.254.169.254") http://: the ECS metadata service speaks plain HTTP on its link-local
// address, as the SDK reaches it.
func NormalizeMetadataEndpoint(s string) string {
	if s != "" && !strings.Contains(s, "://") {
		return "http://" + s
	}
	return s
}

// ValidateEndpoint accepts absolute http(s) URLs with a host and without user info, query or
// fragment, so nothing but the host and path it names can change where requests go.
func ValidateEndpoint(s string) error { return validateURL(s, false) }

// ValidatePodIdentityURI checks the URI CCE gives a pod's identity, which is posted to as
// given, as the SDK does: a query is kept, but user information, which Go would send as Basic
// authentication beside the pod's token, and a fragment are refused, as for an endpoint.
func ValidatePodIdentityURI(s string) error { return validateURL(s, true) }

func validateURL(s string, query bool) error {
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a URL")
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("scheme must be https or http, got %q", u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return errors.New("missing host")
	case u.User != nil:
		return errors.New("must not carry user information (user@host)")
	case query && (u.Fragment != "" || strings.Contains(s, "#")):
		return errors.New("must not have a fragment")
	case !query && (u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(s, "?#")):
		return errors.New("must not have a query or fragment")
	}
	host := u.Hostname()
	if net.ParseIP(host) == nil {
		for _, l := range strings.Split(host, ".") {
			if !dnsLabelPattern.MatchString(l) {
				return fmt.Errorf("%q is not a host name", host)
			}
		}
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return errors.New("path must not contain . or .. segments")
		}
	}
	return nil
}

// HostOf is the host an endpoint URL names.
func HostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		return u.Host
	}
	return endpoint
}
