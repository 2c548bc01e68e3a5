package hss

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/agext/levenshtein"
)

// Every default of the client lives here.
const (
	// DefaultCloud is the domain suffix of the public Huawei Cloud endpoints.
	DefaultCloud = "myhuaweicloud.com"

	// DefaultPageConcurrency bounds the pages of one read fetched at once after the first: as
	// many as the connection pool holds, so a 5,000-entry read costs two round trips; the
	// adaptive rate limiter, not a small worker count, keeps that polite.
	DefaultPageConcurrency = maxConnsPerHost
	// DefaultResultCacheBytes bounds the results kept for identical queries later in the same
	// run, counted as the entries' bytes (see MaxReadBytes).
	DefaultResultCacheBytes = 64 << 20
	// DefaultMaxReadBytes bounds one read's entries, counted as the heap holds them (see
	// memsize.go): a server cannot make a read hold more, whatever its pages say.
	DefaultMaxReadBytes = 64 << 20
	// DefaultMaxPages caps one read at 1,000 pages (200,000 entries) whatever total_num claims.
	DefaultMaxPages = 1000
	// DefaultListAttempts is how many times a list that changes while being read is read
	// from the start before giving up.
	DefaultListAttempts = 3

	// DefaultMaxRetries is how often a failed request is retried when max_retries is unset.
	DefaultMaxRetries = 5
	// DefaultRetryBudget is the capacity of the retry budget every request of a client shares
	// (see retryBudget): 100 retries of a service that answers nothing but errors.
	DefaultRetryBudget = 500
	// throttleMaxTokens and throttleTokenRatio are gRPC's retry throttling: retries stop once
	// half the tokens are gone, a success gives a tenth of one back. 64 rather than gRPC's
	// example of 10: while nothing succeeds, 31 failures are retried, which carries three
	// rounds of ten parallel reads through a blip without Retry-After, and an outage costs 200
	// reads about 231 requests.
	throttleMaxTokens  = 64.0
	throttleTokenRatio = 0.1
	// DefaultReadTimeout bounds a whole read, retries and back-off included, when the data
	// source's timeouts.read is unset.
	DefaultReadTimeout = 5 * time.Minute

	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the back-off: seconds, not the
	// minutes some providers sleep on a 429.
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 5 * time.Second
	// maxRetryAfter caps a server's Retry-After so one answer cannot stall a plan for long.
	maxRetryAfter = 60 * time.Second

	// DefaultAttemptTimeout bounds one HTTP exchange; the caller's context bounds the whole read.
	DefaultAttemptTimeout = 60 * time.Second
	// DefaultResponseHeaderTimeout bounds the wait for a response's headers once the request
	// is sent, so a server that trickles them cannot hold a connection for the whole attempt.
	DefaultResponseHeaderTimeout = 30 * time.Second

	// tokenMargin is how long before its expiry an issued token is replaced.
	tokenMargin = 5 * time.Minute
	// minTrust is how long credentials are reused after they were obtained whatever their
	// expiry says.
	minTrust = time.Minute
	// sharedWorkLimit bounds work shared between reads (a token, a project lookup, a read),
	// which runs detached from any one caller's deadline.
	sharedWorkLimit = 30 * time.Minute

	// Back-off between probes of a host that refuses connections: gRPC's connection
	// back-off (1 s, times 1.6, jittered by a fifth), capped at 5 s rather than 2 minutes, as
	// a read waits on it.
	probeBase       = time.Second
	probeMax        = 5 * time.Second
	probeMultiplier = 1.6
	probeJitter     = 0.2

	// MaxTokenFileBytes caps an ID token or pod token file the user names.
	MaxTokenFileBytes = 64 << 10
	// MaxConfigFileBytes caps a CLI config file or a PEM bundle the user names.
	MaxConfigFileBytes = 1 << 20

	// maxConnsPerHost bounds connections so parallel reads queue for kept-alive ones.
	maxConnsPerHost = 32
	// maxBody bounds what one response may make the provider hold in memory: a page of 200
	// entries is tens of kilobytes.
	maxBody = 4 << 20
)

// AuthMethod is how requests are authenticated.
type AuthMethod int

const (
	AuthAKSK AuthMethod = iota + 1
	AuthToken
	AuthPassword
	// AuthOIDC trades an OIDC ID token for temporary AK/SK.
	AuthOIDC
	// AuthMetadata reads the temporary AK/SK of the agency bound to the ECS host.
	AuthMetadata
	// AuthPodIdentity reads the temporary AK/SK of a CCE pod's identity.
	AuthPodIdentity
)

func (m AuthMethod) String() string {
	switch m {
	case AuthAKSK:
		return "AK/SK"
	case AuthToken:
		return "token"
	case AuthPassword:
		return "password"
	case AuthOIDC:
		return "OIDC"
	case AuthMetadata:
		return "ECS metadata"
	case AuthPodIdentity:
		return "CCE pod identity"
	}
	return "none"
}

// Credentials holds one authentication method's secrets, and optionally an agency to assume
// with them.
type Credentials struct {
	Method AuthMethod

	AccessKey     string
	SecretKey     string
	SecurityToken string

	Token string

	// Password authentication: a user by ID, or by name within a domain named or identified.
	// DomainID is also the account of AK/SK, sent as X-Domain-Id when they sign a global IAM
	// call; it is looked up when empty.
	UserName   string
	UserID     string
	Password   string
	DomainName string
	DomainID   string

	OIDC        OIDC
	PodIdentity PodIdentity
	// AssumeRoles are agencies assumed in order: the first with the credentials above, each
	// next with the temporary keys of the one before.
	AssumeRoles []AssumeRole
}

// PodIdentity is where a CCE pod asks for its identity's temporary keys, and the file holding
// the token it asks with, which the platform rotates.
type PodIdentity struct {
	URI       string
	TokenFile string
}

// OIDC is a CI job's (or workload's) OIDC ID token and the IAM identity provider that trusts it.
type OIDC struct {
	IdpID string
	// IDToken, or else IDTokenFile, read afresh whenever new credentials are needed.
	IDToken     string
	IDTokenFile string
	// AgencyName and DomainID, when set, name an agency the federated user assumes.
	AgencyName string
	DomainID   string
	Duration   time.Duration
}

// AssumeRole names an agency, in a domain given by name (assumed through IAM v3) or by ID
// (through IAM v5).
type AssumeRole struct {
	AgencyName string
	DomainName string
	DomainID   string
	Duration   time.Duration
}

// secrets lists every secret value of c, for redaction.
func (c Credentials) secrets() []string {
	return []string{c.SecretKey, c.SecurityToken, c.Token, c.Password, c.OIDC.IDToken}
}

// Secrets lists every secret value of c, for redaction and log masking: the credentials', and
// the client key and certificate, whole and line by line, so a quoted line of either is
// caught too.
func (c *Config) Secrets() []string {
	out := c.Credentials.secrets()
	for _, pem := range [][]byte{c.ClientKeyPEM, c.ClientCertPEM} {
		out = append(out, pemSecrets(pem)...)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// pemSecrets are a PEM text, trimmed, and each line of its blocks' bodies.
func pemSecrets(b []byte) []string {
	text := strings.TrimSpace(string(b))
	if text == "" {
		return nil
	}
	out := []string{text}
	inBlock := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "-----BEGIN "):
			inBlock = true
		case strings.HasPrefix(line, "-----END "):
			inBlock = false
		case inBlock && len(line) >= 8 && !strings.Contains(line, ":"):
			out = append(out, line)
		}
	}
	return out
}

// Host credential services.
const (
	// metadataTokenTTL is what a metadata session token is asked to last, as the SDK asks.
	metadataTokenTTL = 6 * time.Hour
)

// DefaultMetadataEndpoint is the ECS metadata service, reachable from ECS and CCE hosts only.
const DefaultMetadataEndpoint = "http://169.254.169.254"

// Temporary-credential defaults.
const (
	// DefaultAssumeRoleDuration is what an agency's or a federated user's temporary
	// credentials are asked to last.
	DefaultAssumeRoleDuration = time.Hour
	// metadataAttemptTimeout is short: off an ECS host nothing answers, and that must show at once.
	metadataAttemptTimeout = 2 * time.Second
)

// Config is everything a Client needs. The provider validates user input with the Validate*
// functions below so errors name the attribute; New checks again, because a value that
// reaches a host name or a path must be safe whatever the caller.
type Config struct {
	Region    string
	ProjectID string
	// ProjectName is the IAM project name of Region (Region when empty).
	ProjectName string
	Cloud       string
	// AuthURL overrides the IAM endpoint (a trailing /v3 is accepted).
	AuthURL string
	// HSSEndpoint, IAMEndpoint and STSEndpoint override the per-region defaults for every
	// region.
	HSSEndpoint string
	IAMEndpoint string
	STSEndpoint string
	// MetadataEndpoint overrides DefaultMetadataEndpoint.
	MetadataEndpoint string

	Credentials Credentials

	Insecure bool
	// CACertPEM adds trusted CA certificates to the system's.
	CACertPEM []byte
	// ClientCertPEM and ClientKeyPEM are a client certificate for mutual TLS.
	ClientCertPEM []byte
	ClientKeyPEM  []byte
	// SigningAlgorithm signs AK/SK requests: SigningHMACSHA256 (when empty) or SigningHMACSM3.
	SigningAlgorithm string
	MaxRetries       int
	// RetryWaitMin and RetryWaitMax bound the back-off between attempts (defaults apply when zero).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RetryBudget is the capacity of the retry budget every request shares
	// (DefaultRetryBudget when zero).
	RetryBudget int
	// AttemptTimeout bounds one HTTP exchange (DefaultAttemptTimeout when zero).
	AttemptTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for headers (DefaultResponseHeaderTimeout when zero).
	ResponseHeaderTimeout time.Duration
	UserAgent             string
	// MaxPages caps the pages one read may fetch (DefaultMaxPages when zero).
	MaxPages int
	// ListAttempts is how often a list that changed while being read is read again from the
	// start, in all (DefaultListAttempts when zero).
	ListAttempts int
	// RateLimit paces HSS requests of this client, shared by every read and page: 0 (the
	// default) paces adaptively, only once the service throttles; more than 0 is a fixed
	// ceiling in requests per second, adaptive below it; less than 0 turns pacing off.
	RateLimit float64
	// ResultCacheBytes bounds the results kept for identical later queries
	// (DefaultResultCacheBytes when zero; less than zero keeps none).
	ResultCacheBytes int
	// MaxReadBytes bounds one read's entries (DefaultMaxReadBytes when zero).
	MaxReadBytes int
	// PageConcurrency bounds how many pages of one read are fetched at once
	// (DefaultPageConcurrency when zero).
	PageConcurrency int

	// Transport replaces the default HTTP transport; tests use it to count connections.
	Transport http.RoundTripper
}

// validate checks every value that becomes part of a URL.
func (c *Config) validate() error {
	if err := ValidateRegion(c.Region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if c.ProjectID != "" {
		if err := ValidateProjectID(c.ProjectID); err != nil {
			return fmt.Errorf("project_id: %w", err)
		}
	}
	if c.Cloud != "" {
		if err := ValidateCloud(c.Cloud); err != nil {
			return fmt.Errorf("cloud: %w", err)
		}
	}
	for name, u := range map[string]string{"auth_url": c.AuthURL, "endpoints.hss": c.HSSEndpoint, "endpoints.iam": c.IAMEndpoint,
		"endpoints.sts": c.STSEndpoint, "endpoints.metadata": c.MetadataEndpoint} {
		if u == "" {
			continue
		}
		if err := ValidateEndpoint(u); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	if u := c.Credentials.PodIdentity.URI; u != "" {
		if err := ValidatePodIdentityURI(u); err != nil {
			return fmt.Errorf("HC_CONTAINER_CREDENTIALS_FULL_URI: %w", err)
		}
	}
	if err := ValidateSigningAlgorithm(c.SigningAlgorithm); c.SigningAlgorithm != "" && err != nil {
		return fmt.Errorf("signing_algorithm: %w", err)
	}
	if math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
		return fmt.Errorf("rate_limit: %v is not a number of requests per second", c.RateLimit)
	}
	return nil
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

// origin says which configuration made endpoint's host: an override, or a region's default.
func (c *Config) origin(endpoint string) string {
	for _, o := range []struct{ name, url string }{{"endpoints.hss", c.HSSEndpoint}, {"endpoints.iam", c.IAMEndpoint},
		{"endpoints.sts", c.STSEndpoint}, {"auth_url", c.AuthURL}, {"endpoints.metadata", c.MetadataEndpoint}} {
		if o.url != "" && hostOf(o.url) == hostOf(endpoint) {
			return o.name
		}
	}
	// Default hosts are <service>.<region>.<cloud>.
	labels := strings.SplitN(hostOf(endpoint), ".", 3)
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

func (c *Config) cloud(region string) string {
	switch {
	case c.Cloud != "":
		return c.Cloud
	case strings.HasPrefix(region, "eu-west-1"):
		return EuropeCloud
	}
	return DefaultCloud
}

func (c *Config) metadataEndpoint() string {
	if c.MetadataEndpoint != "" {
		return strings.TrimRight(c.MetadataEndpoint, "/")
	}
	return DefaultMetadataEndpoint
}

// projectName is the IAM project that holds region's resources.
func (c *Config) projectName(region string) string {
	if region == c.Region && c.ProjectName != "" {
		return c.ProjectName
	}
	return region
}

// hssEndpoint and iamEndpoint build URLs from values validate accepted, and a region that
// ValidateRegion accepted: the host is the configured one or hss.<region>.<cloud>.
func (c *Config) hssEndpoint(region string) string {
	if c.HSSEndpoint != "" {
		return strings.TrimRight(c.HSSEndpoint, "/")
	}
	return "https://hss." + region + "." + c.cloud(region)
}

func (c *Config) stsEndpoint(region string) string {
	if c.STSEndpoint != "" {
		return strings.TrimRight(c.STSEndpoint, "/")
	}
	if cloud := c.cloud(region); cloud != DefaultCloud {
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

func (c *Config) iamEndpoint(region string) string {
	switch {
	case c.IAMEndpoint != "":
		return trimIAM(c.IAMEndpoint)
	case c.AuthURL != "":
		return trimIAM(c.AuthURL)
	}
	return "https://iam." + region + "." + c.cloud(region)
}

// trimIAM accepts both "https://iam.example.com" and the Keystone-style ".../v3".
func trimIAM(u string) string {
	u = strings.TrimRight(u, "/")
	return strings.TrimSuffix(u, "/v3")
}

// Signing algorithms of AK/SK requests, named as the Huawei Cloud provider and the SDK name them.
const (
	SigningHMACSHA256 = "HmacSHA256"
	SigningHMACSM3    = "HmacSM3"
)

// SigningAlgorithms are the algorithms AK/SK requests can be signed with.
var SigningAlgorithms = []string{SigningHMACSHA256, SigningHMACSM3}

// ValidateSigningAlgorithm accepts the algorithms the provider signs with and tests.
func ValidateSigningAlgorithm(s string) error {
	switch s {
	case SigningHMACSHA256, SigningHMACSM3:
		return nil
	case "EcdsaP256SHA256", "SM2SM3":
		return fmt.Errorf("%q is not supported yet: use %s or %s", s, SigningHMACSHA256, SigningHMACSM3)
	}
	return fmt.Errorf("%q is not a signing algorithm: use %s or %s", s, SigningHMACSHA256, SigningHMACSM3)
}

// RegionForm and the patterns below say what each value may look like, for error messages.
const (
	RegionForm    = "lower-case letters, digits and single hyphens, e.g. cn-north-4"
	CloudForm     = "a DNS name such as myhuaweicloud.com"
	ProjectIDForm = "letters, digits, '-' and '_' only, e.g. 0b5c1a2f9e8d4c7b8a6f5e4d3c2b1a00"
)

var (
	regionPattern    = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	dnsLabelPattern  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	projectIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
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

// Enterprise projects a query may name besides an enterprise project's ID.
const (
	DefaultEnterpriseProject = "0"
	AllGrantedEPs            = "all_granted_eps"
)

// EnterpriseProjectForm says what enterprise_project_id may be, for error messages.
const EnterpriseProjectForm = `"0" (the default enterprise project), "all_granted_eps" (every one the caller is granted) or an enterprise project ID (a UUID)`

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// ImageTypeForm lists the image types for messages.
var ImageTypeForm = `"` + strings.Join(ImageTypes, `", "`) + `"`

// ValidateImageType accepts the image types the API does, and says which was probably meant by
// a near miss such as "cicdd" or "Private_Image".
func ValidateImageType(s string) error { return ValidateOneOf("image type", s, ImageTypes) }

// ValidateOneOf accepts one of values, and says which was probably meant by a near miss: a
// different case, a dash for an underscore, a typo or two, or a prefix of four characters or more.
func ValidateOneOf(what, s string, values []string) error {
	if slices.Contains(values, s) {
		return nil
	}
	form := `"` + strings.Join(values, `", "`) + `"`
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	best, dist := "", 3
	for _, t := range values {
		if d := levenshtein.Distance(norm, t, nil); d < dist {
			best, dist = t, d
		} else if best == "" && len(norm) >= 4 && strings.HasPrefix(t, norm) {
			best = t
		}
	}
	if best != "" {
		return fmt.Errorf("%q is not a%s %s: did you mean %q? The %ss are %s", s, article(what), what, best, what, form)
	}
	return fmt.Errorf("%q is not a%s %s: use one of %s", s, article(what), what, form)
}

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "n"
	}
	return ""
}

// ValidateEnterpriseProjectID accepts the forms the API does, and says what was probably meant
// by a near miss such as "all_granted_ep".
func ValidateEnterpriseProjectID(s string) error {
	if s == DefaultEnterpriseProject || s == AllGrantedEPs || uuidPattern.MatchString(s) {
		return nil
	}
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s)))
	if norm == AllGrantedEPs || levenshtein.Distance(norm, AllGrantedEPs, nil) <= 3 || (len(norm) >= 3 && strings.HasPrefix(AllGrantedEPs, norm)) {
		return fmt.Errorf("%q is not an enterprise project: did you mean %q?", s, AllGrantedEPs)
	}
	return fmt.Errorf("%q is not an enterprise project: use %s", s, EnterpriseProjectForm)
}

// RedactURL hides the user information of a URL, parseable or not, so a password written into
// an endpoint ("https://admin:secret@iam.example.com") never reaches a message.
func RedactURL(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	} else {
		scheme += "://"
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		return scheme + Redacted + rest[at:]
	}
	return s
}

// ImageIDForm says what an image ID may not hold, for error messages.
const ImageIDForm = "a single path segment: not empty, not only dots, and without '/', '\\', '{', '}' or control characters"

// ValidateImageID accepts image IDs that stay one path segment: the SDK substitutes them into
// the path as they are, so "..", "/" or "{project_id}" would address another resource.
func ValidateImageID(s string) error {
	if s == "" || strings.Trim(s, ".") == "" {
		return fmt.Errorf("%q is not an image ID: use %s", s, ImageIDForm)
	}
	for _, r := range s {
		if r == '/' || r == '\\' || r == '{' || r == '}' || unicode.IsControl(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%q is not an image ID: use %s", s, ImageIDForm)
		}
	}
	return nil
}

// ValidCACerts reports whether pem holds at least one certificate.
func ValidCACerts(pem []byte) bool {
	return x509.NewCertPool().AppendCertsFromPEM(pem)
}
