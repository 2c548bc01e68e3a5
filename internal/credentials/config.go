package credentials

import "time"

// Renewal and the host credential services.
const (
	// tokenMargin is how long before its expiry an issued token is replaced.
	tokenMargin = 5 * time.Minute
	// minTrust is how long credentials are reused after they were obtained whatever their
	// expiry says.
	minTrust = time.Minute
	// MaxTokenFileBytes caps an ID token or pod token file the user names.
	MaxTokenFileBytes = 64 << 10
)

const (
	// metadataTokenTTL is what a metadata session token is asked to last, as the SDK asks.
	metadataTokenTTL = 6 * time.Hour
)

// Temporary-credential defaults.
const (
	// DefaultAssumeRoleDuration is what an agency's or a federated user's temporary
	// credentials are asked to last.
	DefaultAssumeRoleDuration = time.Hour
	// metadataAttemptTimeout is short: off an ECS host nothing answers, and that must show at once.
	metadataAttemptTimeout = 2 * time.Second
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

// Config holds one authentication method's secrets, and optionally an agency to assume
// with them.
type Config struct {
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

// Secrets lists every secret value of c, for redaction.
func (c Config) Secrets() []string {
	return []string{c.SecretKey, c.SecurityToken, c.Token, c.Password, c.OIDC.IDToken}
}
