package hss

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultCloud is the domain suffix of the public Huawei Cloud endpoints.
const DefaultCloud = "myhuaweicloud.com"

// Pacing and paging defaults.
const (
	DefaultRateLimit       = 20.0
	DefaultPageConcurrency = 4
)

// AuthMethod is how requests are authenticated.
type AuthMethod int

const (
	AuthAKSK AuthMethod = iota + 1
	AuthToken
	AuthPassword
)

func (m AuthMethod) String() string {
	switch m {
	case AuthAKSK:
		return "AK/SK"
	case AuthToken:
		return "token"
	case AuthPassword:
		return "password"
	}
	return "none"
}

// Credentials holds exactly one authentication method's secrets.
type Credentials struct {
	Method AuthMethod

	AccessKey     string
	SecretKey     string
	SecurityToken string

	Token string

	UserName   string
	Password   string
	DomainName string
}

// Config is everything a Client needs. Validation of user input happens in the provider; New
// only rejects what would make the client unusable.
type Config struct {
	Region    string
	ProjectID string
	Cloud     string
	// AuthURL overrides the IAM endpoint (a trailing /v3 is accepted).
	AuthURL string
	// HSSEndpoint and IAMEndpoint override the per-region defaults for every region.
	HSSEndpoint string
	IAMEndpoint string

	Credentials Credentials

	Insecure bool
	// CACertPEM adds trusted CA certificates to the system's.
	CACertPEM  []byte
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the back-off between attempts (defaults apply when zero).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	UserAgent    string
	// MaxPages caps the pages one read may fetch (DefaultMaxPages when zero).
	MaxPages int
	// RateLimit paces HSS requests of this client, shared by every read and page, in requests
	// per second; zero or less means no pacing.
	RateLimit float64
	// PageConcurrency bounds how many pages of one read are fetched at once
	// (DefaultPageConcurrency when zero).
	PageConcurrency int

	// Transport replaces the default HTTP transport; tests use it to count connections.
	Transport http.RoundTripper
}

func (c *Config) cloud() string {
	if c.Cloud == "" {
		return DefaultCloud
	}
	return c.Cloud
}

func (c *Config) hssEndpoint(region string) string {
	if c.HSSEndpoint != "" {
		return strings.TrimRight(c.HSSEndpoint, "/")
	}
	return fmt.Sprintf("https://hss.%s.%s", region, c.cloud())
}

func (c *Config) iamEndpoint(region string) string {
	switch {
	case c.IAMEndpoint != "":
		return trimIAM(c.IAMEndpoint)
	case c.AuthURL != "":
		return trimIAM(c.AuthURL)
	}
	return fmt.Sprintf("https://iam.%s.%s", region, c.cloud())
}

// trimIAM accepts both "https://iam.example.com" and the Keystone-style ".../v3".
func trimIAM(u string) string {
	u = strings.TrimRight(u, "/")
	return strings.TrimSuffix(u, "/v3")
}

// ValidateEndpoint reports whether s is an absolute http(s) URL without query or fragment.
func ValidateEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return fmt.Errorf("scheme must be https or http, got %q", u.Scheme)
	}
	if u.Host == "" {
		return fmt.Errorf("missing host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must not have a query or fragment")
	}
	return nil
}

// ValidCACerts reports whether pem holds at least one certificate.
func ValidCACerts(pem []byte) bool {
	return x509.NewCertPool().AppendCertsFromPEM(pem)
}
