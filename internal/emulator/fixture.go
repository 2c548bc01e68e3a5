package emulator

import (
	"fmt"
	"strconv"
)

// Fixture is the emulated cloud: accounts with their projects and users, and the images HSS
// knows in each project.
type Fixture struct {
	Domains []Domain
	Images  []Image
	// Registries are the image registries connected to HSS (ListRegistry); an image names
	// its own by RegistryID.
	Registries []Registry
}

// Registry is an image registry connected to HSS in a project.
type Registry struct {
	ProjectID, EnterpriseProject string
	ID, Name, Type               string
	// Addr is registry_addr as HSS has it: a host, host:port or URL.
	Addr string
	// Protocol "" is https, Status "" success.
	Protocol, Status string
}

// ChildImage is one platform image of a multi-arch image (association_images).
type ChildImage struct {
	ID, Digest string
	// ScanStatus "" is "success".
	ScanStatus                                 string
	VulNum, UnsafeSettingNum, MaliciousFileNum int
}

// Domain is an account. Projects maps region to project ID.
type Domain struct {
	ID                string
	Name              string
	Projects          map[string]string
	Users             []User
	Agencies          []Agency
	IdentityProviders []IdentityProvider
}

// User is an IAM user with the enterprise projects it may read ("*" grants every one).
type User struct {
	Name               string
	Password           string
	AccessKeys         []AccessKey
	EnterpriseProjects []string
}

// AccessKey is a permanent key, or a temporary one when SecurityToken is set.
type AccessKey struct {
	AK, SK        string
	SecurityToken string
}

// Image is one image HSS has scanned, with the base-image entries it reports for it.
type Image struct {
	ProjectID         string
	Type              string
	ID                string
	Namespace         string
	Name              string
	Version           string
	EnterpriseProject string
	BasicImages       []BasicImage
	// The scan HSS made of a repository image: ScanStatus "" is "success", as most are.
	Digest, ScanStatus, ScanFailedDesc string
	// LatestScanTime is in milliseconds since the epoch, 0 when never scanned.
	LatestScanTime                             int64
	VulNum, UnsafeSettingNum, MaliciousFileNum int
	Vulnerabilities                            []Vulnerability
	// Where the registry image list says the image is: RegistryID names a Registry (an image
	// without one is not in that list), Instance* an SWR Enterprise instance, DomainName the
	// account that shares a shared image.
	RegistryID, InstanceID, InstanceName, InstanceURL, DomainName, SharedStatus string
	// ScanFailedCode says why a scan failed; SeverityLevel is the risk a scan found.
	ScanFailedCode, SeverityLevel string
	// NotLatest marks an image that is not the latest of its repository.
	NotLatest bool
	// Children are the platform images of a multi-arch image.
	Children []ChildImage
}

// Vulnerability is one vulnerability HSS found in an image.
type Vulnerability struct {
	VulID, RepairNecessity, Description, Position, AppName, AppPath, Version, Solution, URL string
	// Type is linux_vul or app_vul; HandleStatus unhandled or handled.
	Type, HandleStatus string
	// CVEs are the CVEs the vulnerability stands for, with their CVSS scores.
	CVEs []CVE
}

// CVE is one CVE of a vulnerability; Score is nil when HSS knows no CVSS score for it.
type CVE struct {
	ID    string
	Score *float32
}

func score(s float32) *float32 { return &s }

// ProxyAgentVulnerabilities are the vulnerabilities of the API page's private repository
// image: one of each severity, one of them handled.
var ProxyAgentVulnerabilities = []Vulnerability{
	{VulID: "CVE-2024-6387", RepairNecessity: "immediate_repair", Description: "OpenSSH signal handler race condition (regreSSHion).",
		Position: "/usr/sbin/sshd", AppName: "openssh-server", AppPath: "/usr/sbin/sshd", Version: "8.9p1", Solution: "Upgrade openssh-server to 9.8p1 or later.",
		URL: "https://nvd.nist.gov/vuln/detail/CVE-2024-6387", Type: "linux_vul", HandleStatus: "unhandled",
		CVEs: []CVE{{ID: "CVE-2024-6387", Score: score(8.1)}}},
	{VulID: "CVE-2023-44487", RepairNecessity: "delay_repair", Description: "HTTP/2 rapid reset.",
		Position: "/opt/agent/bin/agent", AppName: "golang.org/x/net", AppPath: "/opt/agent/bin/agent", Version: "0.15.0", Solution: "Upgrade golang.org/x/net to 0.17.0 or later.",
		URL: "https://nvd.nist.gov/vuln/detail/CVE-2023-44487", Type: "app_vul", HandleStatus: "unhandled",
		CVEs: []CVE{{ID: "CVE-2023-44487", Score: score(7.5)}}},
	{VulID: "CVE-2022-3715", RepairNecessity: "not_needed_repair", Description: "bash heap buffer overflow in valid_parameter_transform.",
		Position: "/bin/bash", AppName: "bash", AppPath: "/bin/bash", Version: "5.1", Solution: "Upgrade bash.",
		URL: "https://nvd.nist.gov/vuln/detail/CVE-2022-3715", Type: "linux_vul", HandleStatus: "handled",
		CVEs: []CVE{{ID: "CVE-2022-3715", Score: score(7.8)}}},
}

// ManyVulnerabilities is the vulnerability list of ManyVulnsImageID, long enough to page.
func ManyVulnerabilities() []Vulnerability {
	out := make([]Vulnerability, ManyVulns)
	for i := range out {
		out[i] = Vulnerability{VulID: fmt.Sprintf("CVE-2025-%05d", i), RepairNecessity: RepairNecessities[i%3], AppName: fmt.Sprintf("app-%d", i%7),
			Type: "app_vul", HandleStatus: "unhandled", Version: "1.0"}
	}
	return out
}

// RepairNecessities are the severities of the vulnerability API, most urgent first.
var RepairNecessities = []string{"immediate_repair", "delay_repair", "not_needed_repair"}

// BasicImage is one entry of data_list.
type BasicImage struct {
	OSName      string `json:"os_name"`
	OSVersion   string `json:"os_version"`
	LayerDigest string `json:"layer_digest"`
}

// Well-known fixture values. They are throwaway values for a local emulator, not secrets.
const (
	Region        = "cn-north-4"
	OtherRegion   = "ap-southeast-1"
	DomainName    = "hsslabs-dev"
	ProjectID     = "0b5c1a2f9e8d4c7b8a6f5e4d3c2b1a00"
	OtherProject  = "7e2d9c4b1a0f4e3d9c8b7a6f5e4d3c22"
	ForeignDomain = "someone-else"
	ForeignProjID = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"

	AccessKeyID     = "HSSEMULATORAK000001"
	SecretAccessKey = "emulator-secret-key-0001-do-not-use"
	TempAccessKeyID = "HSSEMULATORTMPAK0002"
	TempSecretKey   = "emulator-temp-secret-0002"
	TempSecurityTok = "emulator-security-token-0002"
	LimitedAK       = "HSSEMULATORLIMAK0003"
	LimitedSK       = "emulator-limited-secret-0003"
	ForeignAK       = "HSSEMULATORFORAK0004"
	ForeignSK       = "emulator-foreign-secret-0004"

	UserName     = "hss-operator"
	UserPassword = "emulator-password-0001"

	// GrantedEP is the enterprise project the limited user may read; RefusedEP it may not.
	GrantedEP = "4d7c7e2a-1f3b-4c5d-9e8f-000000000001"
	RefusedEP = "4d7c7e2a-1f3b-4c5d-9e8f-000000000002"

	// CICDImageID is the spec's example CI/CD image.
	CICDImageID = "111"
	// SupportedImageID is a CI/CD image built on a release supported until 2032.
	SupportedImageID = "222"
	// ManyImageID is a CI/CD image whose result spans several pages.
	ManyImageID = "many-layers-450"
	ManyEntries = 450
	// UnscannedImageID is a repository image HSS has not scanned; FailedScanImageID one whose
	// scan failed. ScannedAt is when the others were scanned (2025-11-30T08:00:00Z).
	UnscannedImageID = "7a1e0c5d3b9f2468"
	// AppImageID is team/app:1.4.2, a repository image a gate lets through: scanned, on AlmaLinux
	// 9.4, with one vulnerability that can wait.
	AppImageID = "3e5d7f9a1b2c4d6e"
	// ManyVulnsImageID is a CI/CD image with ManyVulns vulnerabilities, more than a page.
	ManyVulnsImageID  = "many-vulns-250"
	ManyVulns         = 250
	FailedScanImageID = "9c2b4e6f8a0d1357"
	ScannedAt         = 1764489600000
	// SyntheticPrefix: an image ID "synthetic-N" reports N generated entries.
	SyntheticPrefix = "synthetic-"
)

// Registries and the images in them, for the registry image list and reference resolution.
// Hosts are as a reference names them; digests as HSS reports them.
const (
	// SWRHost is SWR's registry in Region; SWR's own registries in HSS are these two.
	SWRHost              = "swr.cn-north-4.myhuaweicloud.com"
	SWRPrivateRegistryID = "swr-private-0001"
	SWRPrivateRegistry   = "swr-private"
	SWRSharedRegistryID  = "swr-shared-0001"
	SWRSharedRegistry    = "swr-shared"
	// EnterpriseHost is the SWR Enterprise instance EnterpriseInstance, whose instance_url is
	// EnterpriseURL.
	EnterpriseRegistryID = "swr-ee-0001"
	EnterpriseRegistry   = "swr-ee-prod"
	EnterpriseInstanceID = "a3c1e5f7-2b4d-4f60-8e1a-3c5e7f9b1d20"
	EnterpriseInstance   = "prod"
	EnterpriseHost       = "prod-a3c1e5f7.swr-ee.cn-north-4.myhuaweicloud.com"
	EnterpriseURL        = "https://" + EnterpriseHost
	// HarborRegistry is at HarborHost (its registry_addr a URL), HarborDRRegistry at
	// HarborDRHost (a port of its own); both hold team/app:1.4.2, as SWR does.
	HarborRegistryID   = "7d1a5e3c-0b2f-4e6a-9c8d-1f3e5a7c9b01"
	HarborRegistry     = "harbor-prod"
	HarborHost         = "harbor.example.com"
	HarborDRRegistryID = "7d1a5e3c-0b2f-4e6a-9c8d-1f3e5a7c9b02"
	HarborDRRegistry   = "harbor-dr"
	HarborDRHost       = "harbor-dr.example.com:8443"
	JfrogRegistryID    = "7d1a5e3c-0b2f-4e6a-9c8d-1f3e5a7c9b03"
	JfrogRegistry      = "jfrog-main"
	JfrogHost          = "jfrog.example.com"

	// AppDigest is team/app:1.4.2 in SWR (AppImageID).
	AppDigest = "sha256:3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e3e5d7f9a1b2c4d6e"
	// SharedImageID is partner/base:3.1, shared with this account by PartnerDomain.
	SharedImageID = "5a4e3c2b1a09f8e7"
	SharedDigest  = "sha256:5a4e3c2b1a09f8e75a4e3c2b1a09f8e75a4e3c2b1a09f8e75a4e3c2b1a09f8e7"
	PartnerDomain = "partner-account"
	// EnterpriseImageID is team/api:2.0.0 in the SWR Enterprise instance.
	EnterpriseImageID = "e1e2e3e4e5e6e7e8"
	EnterpriseDigest  = "sha256:e1e2e3e4e5e6e7e8e1e2e3e4e5e6e7e8e1e2e3e4e5e6e7e8e1e2e3e4e5e6e7e8"
	// HarborAppImageID and HarborDRAppImageID are team/app:1.4.2 in the two Harbor
	// registries: entries that differ only by registry, with one digest, HarborAppDigest.
	HarborAppImageID   = "h0a1b2c3d4e5f601"
	HarborDRAppImageID = "h0a1b2c3d4e5f602"
	HarborAppDigest    = "sha256:4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a"
	// MultiArchImageID is team/multi:1.0 in SWR, a multi-arch image (index MultiArchDigest) of
	// two platform images.
	MultiArchImageID     = "m1a2b3c4d5e6f708"
	MultiArchDigest      = "sha256:6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d"
	MultiArchAMD64ID     = "m1a2b3c4d5e6f708-amd64"
	MultiArchAMD64Digest = "sha256:a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6a6"
	MultiArchARM64ID     = "m1a2b3c4d5e6f708-arm64"
	MultiArchARM64Digest = "sha256:a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8a8"
	// DupPrivateImageID and DupSharedImageID are team/dup:1.0 in SWR, private and shared,
	// with different digests: a tag-only reference to it is ambiguous.
	DupPrivateImageID = "d0d1d2d3d4d5d601"
	DupPrivateDigest  = "sha256:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1"
	DupSharedImageID  = "d0d1d2d3d4d5d602"
	DupSharedDigest   = "sha256:d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2"
	// OversizedImageID is team/big:1.0, which HSS did not scan: image_oversized, with the
	// failure code image_over_sized.
	OversizedImageID = "b1b2b3b4b5b6b7b8"
	OversizedDigest  = "sha256:b1b2b3b4b5b6b7b8b1b2b3b4b5b6b7b8b1b2b3b4b5b6b7b8b1b2b3b4b5b6b7b8"
	// JfrogImageID is docker-local/tool:3.0 in the JFrog registry.
	JfrogImageID = "j1j2j3j4j5j6j7j8"
	JfrogDigest  = "sha256:f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0"
	// OddImageID is team/odd:1.0 in SWR: on a supported base, with one unhandled vulnerability
	// whose repair necessity is a value HSS does not document.
	OddImageID = "0dd0dd0dd0dd0dd0"
	OddDigest  = "sha256:0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d"
	// OtherRegionAppImageID is team/app:1.4.2 in SWR of OtherRegion.
	OtherRegionAppImageID = "o1o2o3o4o5o6o7o8"
	OtherRegionAppDigest  = "sha256:0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e"
)

// HarborAppBase is the base of team/app:1.4.2 in Harbor: Debian 12, past its standard support
// (2026-07-11) and within Debian LTS (to 2028-06-30).
var HarborAppBase = BasicImage{OSName: "Debian GNU/Linux", OSVersion: "12", LayerDigest: "sha256:4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b4b"}

// EnterpriseBase is the base of team/api:2.0.0: Ubuntu 22.04, supported until 2027-04-01.
var EnterpriseBase = BasicImage{OSName: "Ubuntu", OSVersion: "22.04", LayerDigest: "sha256:5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b"}

// EnterpriseVulnerabilities are team/api:2.0.0's: one of each documented severity, unhandled.
var EnterpriseVulnerabilities = []Vulnerability{
	{VulID: "CVE-2023-4911", RepairNecessity: "immediate_repair", Description: "glibc ld.so buffer overflow (Looney Tunables).", AppName: "libc6",
		Version: "2.35-0ubuntu3.3", Type: "linux_vul", HandleStatus: "unhandled", CVEs: []CVE{{ID: "CVE-2023-4911", Score: score(7.8)}}},
	{VulID: "CVE-2024-2961", RepairNecessity: "delay_repair", Description: "glibc iconv out-of-bounds write.", AppName: "libc6",
		Version: "2.35-0ubuntu3.3", Type: "linux_vul", HandleStatus: "unhandled", CVEs: []CVE{{ID: "CVE-2024-2961", Score: score(7.3)}}},
}

// SpecDebian is the base image from the API's example response.
var SpecDebian = BasicImage{
	OSName:      "Debian",
	OSVersion:   "9",
	LayerDigest: "sha256:27833a3ba0a545deda33bb01eaf95a14d05d43bf30bce9267d92d17f069fe897",
}

// SupportedBase is the base image of SupportedImageID: AlmaLinux 9, supported until 2032-05-31.
var SupportedBase = BasicImage{
	OSName:      "AlmaLinux",
	OSVersion:   "9.4",
	LayerDigest: "sha256:a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca9a1ca",
}

// ProxyAgentBase is the base image of the API page's private repository example,
// scc_hss_container/proxy-agent:24.5.0-x86_64.
var ProxyAgentBase = BasicImage{
	OSName:      "Huawei Cloud EulerOS",
	OSVersion:   "2.0",
	LayerDigest: "sha256:9b1e1f0a7c3d4e5f60718293a4b5c6d7e8f9012345678901234567890abcdef0",
}

// WorkloadBase is the base image of image 111 in the workload account, where a chain of
// agencies ends.
var WorkloadBase = BasicImage{
	OSName:      "openEuler",
	OSVersion:   "24.03",
	LayerDigest: "sha256:8888888888888888888888888888888888888888888888888888888888888888",
}

// ManyEntry is entry i of ManyImageID, so tests can check every one.
func ManyEntry(i int) BasicImage {
	return BasicImage{
		OSName:      []string{"Ubuntu", "Alpine", "CentOS"}[i%3],
		OSVersion:   strconv.Itoa(10 + i%7),
		LayerDigest: fmt.Sprintf("sha256:%064x", i+1),
	}
}

// DefaultFixture is the cloud the acceptance tests and the demo run against.
func DefaultFixture() *Fixture {
	return &Fixture{Domains: fixtureDomains(), Images: append(fixtureImages(), registryImages()...), Registries: fixtureRegistries()}
}

// fixtureRegistries are the registries connected to HSS: SWR's own, an SWR Enterprise
// instance, two Harbor registries and a JFrog one in Region, SWR in OtherRegion.
func fixtureRegistries() []Registry {
	return []Registry{
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: SWRPrivateRegistryID, Name: SWRPrivateRegistry, Type: "SwrPrivate", Addr: SWRHost},
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: SWRSharedRegistryID, Name: SWRSharedRegistry, Type: "SwrShared", Addr: SWRHost},
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: EnterpriseRegistryID, Name: EnterpriseRegistry, Type: "SwrEnterprise", Addr: EnterpriseURL},
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: HarborRegistryID, Name: HarborRegistry, Type: "Harbor", Addr: "https://" + HarborHost},
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: HarborDRRegistryID, Name: HarborDRRegistry, Type: "Harbor", Addr: HarborDRHost},
		{ProjectID: ProjectID, EnterpriseProject: "0", ID: JfrogRegistryID, Name: JfrogRegistry, Type: "Jfrog", Addr: JfrogHost},
		{ProjectID: OtherProject, EnterpriseProject: "0", ID: SWRPrivateRegistryID, Name: SWRPrivateRegistry, Type: "SwrPrivate", Addr: "swr." + OtherRegion + ".myhuaweicloud.com"},
	}
}

// registryImages are the images only the registry image list reports: one of each registry,
// a multi-arch image, a tag two registries hold, an ambiguous tag and a scan that failed.
func registryImages() []Image {
	scanned := func(img Image) Image {
		img.EnterpriseProject, img.LatestScanTime = "0", ScannedAt
		if img.ProjectID == "" {
			img.ProjectID = ProjectID
		}
		if img.SeverityLevel == "" && img.ScanStatus == "" {
			img.SeverityLevel = "Security"
		}
		return img
	}
	return []Image{
		scanned(Image{Type: "shared_image", ID: SharedImageID, Namespace: "partner", Name: "base", Version: "3.1", Digest: SharedDigest,
			RegistryID: SWRSharedRegistryID, DomainName: PartnerDomain, SharedStatus: "effective"}),
		scanned(Image{Type: "instance_image", ID: EnterpriseImageID, Namespace: "team", Name: "api", Version: "2.0.0", Digest: EnterpriseDigest,
			RegistryID: EnterpriseRegistryID, InstanceID: EnterpriseInstanceID, InstanceName: EnterpriseInstance, InstanceURL: EnterpriseURL,
			VulNum: 2, MaliciousFileNum: 1, SeverityLevel: "Medium", BasicImages: []BasicImage{EnterpriseBase}, Vulnerabilities: EnterpriseVulnerabilities}),
		scanned(Image{Type: "harbor", ID: HarborAppImageID, Namespace: "team", Name: "app", Version: "1.4.2", Digest: HarborAppDigest,
			RegistryID: HarborRegistryID, BasicImages: []BasicImage{HarborAppBase}}),
		scanned(Image{Type: "private_image", ID: OddImageID, Namespace: "team", Name: "odd", Version: "1.0", Digest: OddDigest,
			RegistryID: SWRPrivateRegistryID, VulNum: 1, BasicImages: []BasicImage{SupportedBase},
			Vulnerabilities: []Vulnerability{{VulID: "CVE-2025-0001", RepairNecessity: "Critical", AppName: "odd-lib", Version: "1.0",
				Type: "app_vul", HandleStatus: "unhandled", CVEs: []CVE{{ID: "CVE-2025-0001", Score: score(5)}}}}}),
		scanned(Image{Type: "harbor", ID: HarborDRAppImageID, Namespace: "team", Name: "app", Version: "1.4.2", Digest: HarborAppDigest,
			RegistryID: HarborDRRegistryID}),
		scanned(Image{Type: "private_image", ID: MultiArchImageID, Namespace: "team", Name: "multi", Version: "1.0", Digest: MultiArchDigest,
			RegistryID: SWRPrivateRegistryID, VulNum: 2, SeverityLevel: "Low", Children: []ChildImage{
				{ID: MultiArchAMD64ID, Digest: MultiArchAMD64Digest, VulNum: 2, UnsafeSettingNum: 1, MaliciousFileNum: 2},
				{ID: MultiArchARM64ID, Digest: MultiArchARM64Digest, ScanStatus: "failed"},
			}}),
		scanned(Image{Type: "private_image", ID: DupPrivateImageID, Namespace: "team", Name: "dup", Version: "1.0", Digest: DupPrivateDigest,
			RegistryID: SWRPrivateRegistryID}),
		scanned(Image{Type: "shared_image", ID: DupSharedImageID, Namespace: "team", Name: "dup", Version: "1.0", Digest: DupSharedDigest,
			RegistryID: SWRSharedRegistryID, DomainName: PartnerDomain, SharedStatus: "effective"}),
		{ProjectID: ProjectID, EnterpriseProject: "0", Type: "private_image", ID: OversizedImageID, Namespace: "team", Name: "big", Version: "1.0",
			Digest: OversizedDigest, RegistryID: SWRPrivateRegistryID, ScanStatus: "image_oversized", ScanFailedCode: "image_over_sized",
			ScanFailedDesc: "The image is larger than HSS scans."},
		scanned(Image{Type: "jfrog", ID: JfrogImageID, Namespace: "docker-local", Name: "tool", Version: "3.0", Digest: JfrogDigest,
			RegistryID: JfrogRegistryID}),
		scanned(Image{ProjectID: OtherProject, Type: "private_image", ID: OtherRegionAppImageID, Namespace: "team", Name: "app", Version: "1.4.2",
			Digest: OtherRegionAppDigest, RegistryID: SWRPrivateRegistryID}),
	}
}

// fixtureDomains are the accounts: the default one with its users, agencies and identity
// provider, the workload account at the end of an agency chain, and a foreign account.
func fixtureDomains() []Domain {
	return []Domain{
		{
			ID:       DomainID,
			Name:     DomainName,
			Projects: map[string]string{Region: ProjectID, OtherRegion: OtherProject},
			Agencies: []Agency{
				{Name: AgencyName, TrustedDomains: []string{DomainID, ForeignDomainID}},
				{Name: HostAgencyName},
			},
			IdentityProviders: []IdentityProvider{{ID: IdpID, Issuer: IdpIssuer, Audience: IdpAudience}},
			Users: []User{
				{
					Name: UserName, Password: UserPassword,
					AccessKeys: []AccessKey{
						{AK: AccessKeyID, SK: SecretAccessKey},
						{AK: TempAccessKeyID, SK: TempSecretKey, SecurityToken: TempSecurityTok},
					},
					EnterpriseProjects: []string{"*"},
				},
				{
					Name:               "hss-auditor",
					Password:           "emulator-password-0003",
					AccessKeys:         []AccessKey{{AK: LimitedAK, SK: LimitedSK}},
					EnterpriseProjects: []string{"0", GrantedEP},
				},
			},
		},
		{
			ID:       WorkloadDomainID,
			Name:     WorkloadDomain,
			Projects: map[string]string{Region: WorkloadProjectID},
			Agencies: []Agency{{Name: WorkloadAgencyName, TrustedDomains: []string{DomainID}}},
		},
		{
			ID:       ForeignDomainID,
			Name:     ForeignDomain,
			Projects: map[string]string{Region: ForeignProjID},
			Users: []User{{
				Name: "other-user", Password: "emulator-password-0004",
				AccessKeys:         []AccessKey{{AK: ForeignAK, SK: ForeignSK}},
				EnterpriseProjects: []string{"*"},
			}},
		},
	}
}

// fixtureImages are the images HSS knows: the API page's examples, repository images with and
// without a scan, and images that exercise paging, enterprise projects and odd names.
func fixtureImages() []Image {
	many := make([]BasicImage, ManyEntries)
	for i := range many {
		many[i] = ManyEntry(i)
	}
	return []Image{
		{ProjectID: ProjectID, Type: "cicd", ID: CICDImageID, EnterpriseProject: "0", BasicImages: []BasicImage{SpecDebian}},
		{ProjectID: ProjectID, Type: "cicd", ID: SupportedImageID, EnterpriseProject: "0", BasicImages: []BasicImage{SupportedBase}},
		{ProjectID: WorkloadProjectID, Type: "cicd", ID: CICDImageID, EnterpriseProject: "0", BasicImages: []BasicImage{WorkloadBase}},
		{
			ProjectID: ProjectID, Type: "private_image", ID: "5f7c3b2a19e04d8c", EnterpriseProject: "0",
			Namespace: "scc_hss_container", Name: "proxy-agent", Version: "24.5.0-x86_64",
			BasicImages: []BasicImage{
				ProxyAgentBase,
			},
			Digest:         "sha256:5f7c3b2a19e04d8c5f7c3b2a19e04d8c5f7c3b2a19e04d8c5f7c3b2a19e04d8c",
			LatestScanTime: ScannedAt, VulNum: 3, UnsafeSettingNum: 1, Vulnerabilities: ProxyAgentVulnerabilities,
			RegistryID: SWRPrivateRegistryID, SeverityLevel: "High",
		},
		{ProjectID: ProjectID, Type: "cicd", ID: ManyVulnsImageID, EnterpriseProject: "0", Vulnerabilities: ManyVulnerabilities()},
		{
			ProjectID: ProjectID, Type: "private_image", ID: AppImageID, EnterpriseProject: "0",
			Namespace: "team", Name: "app", Version: "1.4.2", BasicImages: []BasicImage{SupportedBase},
			Digest:         AppDigest,
			LatestScanTime: ScannedAt, VulNum: 1, RegistryID: SWRPrivateRegistryID, SeverityLevel: "Low",
			Vulnerabilities: []Vulnerability{{VulID: "CVE-2024-45490", RepairNecessity: "delay_repair", Description: "libexpat negative length in XML_ParseBuffer.",
				AppName: "expat", Version: "2.5.0", Solution: "Upgrade expat to 2.6.3 or later.", Type: "linux_vul", HandleStatus: "unhandled",
				// Two CVEs, one of them without a score.
				CVEs: []CVE{{ID: "CVE-2024-45490", Score: score(9.8)}, {ID: "CVE-2024-45491"}}}},
		},
		{
			ProjectID: ProjectID, Type: "private_image", ID: UnscannedImageID, EnterpriseProject: "0",
			Namespace: "scc_hss_container", Name: "proxy-agent", Version: "24.6.0-x86_64",
			Digest: "sha256:7a1e0c5d3b9f24687a1e0c5d3b9f24687a1e0c5d3b9f24687a1e0c5d3b9f2468", ScanStatus: "unscan",
			RegistryID: SWRPrivateRegistryID, NotLatest: true,
		},
		{
			ProjectID: ProjectID, Type: "private_image", ID: FailedScanImageID, EnterpriseProject: "0",
			Namespace: "team", Name: "web", Version: "2.0",
			Digest: "sha256:9c2b4e6f8a0d13579c2b4e6f8a0d13579c2b4e6f8a0d13579c2b4e6f8a0d1357", ScanStatus: "failed", ScanFailedDesc: "download_failed",
			ScanFailedCode: "download_failed", RegistryID: SWRPrivateRegistryID,
		},
		{
			ProjectID: ProjectID, Type: "harbor", ID: "harbor-0001", EnterpriseProject: "0",
			Namespace: "team a&b/x+y", Name: "web app", Version: "1.2 beta", RegistryID: HarborRegistryID,
			BasicImages: []BasicImage{
				{OSName: "Alpine", OSVersion: "3.19", LayerDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"},
			},
		},
		{
			ProjectID: ProjectID, Type: "cicd", ID: "multi-os-0001", EnterpriseProject: "0",
			BasicImages: []BasicImage{
				{OSName: "Ubuntu", OSVersion: "22.04", LayerDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"},
				{OSName: "Debian", OSVersion: "12", LayerDigest: "sha256:3333333333333333333333333333333333333333333333333333333333333333"},
				{OSName: "Ubuntu", OSVersion: "20.04", LayerDigest: "sha256:4444444444444444444444444444444444444444444444444444444444444444"},
			},
		},
		{ProjectID: ProjectID, Type: "cicd", ID: ManyImageID, EnterpriseProject: "0", BasicImages: many},
		{
			ProjectID: ProjectID, Type: "cicd", ID: "ep-granted-0001", EnterpriseProject: GrantedEP,
			BasicImages: []BasicImage{{OSName: "CentOS", OSVersion: "7", LayerDigest: "sha256:5555555555555555555555555555555555555555555555555555555555555555"}},
		},
		{
			ProjectID: ProjectID, Type: "cicd", ID: "ep-refused-0001", EnterpriseProject: RefusedEP,
			BasicImages: []BasicImage{{OSName: "Rocky Linux", OSVersion: "9", LayerDigest: "sha256:6666666666666666666666666666666666666666666666666666666666666666"}},
		},
		{
			ProjectID: OtherProject, Type: "cicd", ID: CICDImageID, EnterpriseProject: "0",
			BasicImages: []BasicImage{{OSName: "openEuler", OSVersion: "22.03", LayerDigest: "sha256:7777777777777777777777777777777777777777777777777777777777777777"}},
		},
	}
}
