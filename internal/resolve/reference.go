package resolve

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/distribution/reference"
)

// ImageReferenceForm is the shape of a reference with a tag, for error messages.
const ImageReferenceForm = "[registry/]organization/name:tag, e.g. swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"

// AnyImageReferenceForm is every shape ParseImageReference accepts, for error messages.
const AnyImageReferenceForm = "[registry/]organization/name:tag, organization/name@digest or organization/name:tag@digest, " +
	"e.g. swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"

// MaxReferenceLength bounds a reference: a repository name of 255 bytes, a registry host, a
// tag of 128 and a digest fit well within it.
const MaxReferenceLength = 1024

// RepositoryImage is what identifies a repository image to HSS (Namespace, Name, Version), and
// the rest of its reference: the registry host, normalised (docker.io when the reference names
// none), and the digest that may follow the tag or replace it ("" when none does). Version is
// "" for a reference by digest alone.
type RepositoryImage struct {
	Namespace string
	Name      string
	Version   string
	Registry  string
	Digest    string
}

// ParseImageReference splits a container image reference into organization (the first path
// component), image name (the rest of the path), tag and digest: a tag, a digest or both. The
// registry is returned normalised (NormalizeRegistryHost).
func ParseImageReference(s string) (RepositoryImage, error) {
	return parseReference(s, AnyImageReferenceForm, false)
}

// ParseTaggedImageReference is ParseImageReference for a reference that must carry a tag: HSS
// identifies a repository image by organization, name and tag.
func ParseTaggedImageReference(s string) (RepositoryImage, error) {
	return parseReference(s, ImageReferenceForm, true)
}

// parseReference parses s, and says what is expected in form; tagged requires a tag.
func parseReference(s, form string, tagged bool) (RepositoryImage, error) {
	if len(s) > MaxReferenceLength {
		return RepositoryImage{}, fmt.Errorf("the image reference is %d bytes long, more than the %d a reference may be; expected %s",
			len(s), MaxReferenceLength, form)
	}
	named, err := reference.ParseNormalizedNamed(strings.TrimSpace(s))
	if err != nil {
		return RepositoryImage{}, fmt.Errorf("%s is not a valid image reference (%w); expected %s", quote(s), err, form)
	}
	img := RepositoryImage{}
	if t, ok := named.(reference.Tagged); ok {
		img.Version = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		img.Digest = d.Digest().String()
	}
	switch {
	case tagged && img.Version == "" && img.Digest != "":
		return RepositoryImage{}, fmt.Errorf("%s names an image by digest only; HSS identifies repository images by tag: expected %s", quote(s), form)
	case tagged && img.Version == "":
		return RepositoryImage{}, fmt.Errorf("%s has no tag; expected %s", quote(s), form)
	case img.Version == "" && img.Digest == "":
		return RepositoryImage{}, fmt.Errorf("%s has neither a tag nor a digest; expected %s", quote(s), form)
	}
	// A bare name gets Docker Hub's "library" organization from the parser; SWR and Harbor
	// have no such default, so the reference must name its organization itself.
	if !strings.Contains(reference.FamiliarName(named), "/") {
		return RepositoryImage{}, fmt.Errorf("%s names no organization (a bare name means Docker Hub's library, which SWR and Harbor do not have); expected %s",
			quote(s), form)
	}
	org, name, found := strings.Cut(reference.Path(named), "/")
	if !found || org == "" || name == "" {
		return RepositoryImage{}, fmt.Errorf("%s needs an organization and a name; expected %s", quote(s), form)
	}
	host, err := NormalizeRegistryHost(reference.Domain(named))
	if err != nil {
		return RepositoryImage{}, fmt.Errorf("%s: %w; expected %s", quote(s), err, form)
	}
	img.Namespace, img.Name, img.Registry = org, name, host
	return img, nil
}

// NormalizeRegistryHost is a registry host as a reference names it, in the one form hosts are
// compared in: lower case (DNS names are), without the default port 443, which names the same
// registry; any other port is kept, as it names another. A host the reference grammar does
// not accept (user information, a trailing dot, non-ASCII, a bad port) is an error.
func NormalizeRegistryHost(host string) (string, error) {
	// The grammar's own domain rule, through a reference with this host and a fixed path.
	named, err := reference.ParseNamed(host + "/a/b")
	if err != nil || reference.Domain(named) != host {
		return "", fmt.Errorf("%s is not a registry host", quote(host))
	}
	name, port := host, ""
	if h, p, err := net.SplitHostPort(host); err == nil {
		name, port = h, p
		if strings.Contains(h, ":") {
			name = "[" + h + "]"
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%s is not a registry host: port %s", quote(host), quote(port))
		}
		port = strconv.Itoa(n)
		if n == 443 {
			port = ""
		}
	}
	name = strings.ToLower(name)
	if port != "" {
		return name + ":" + port, nil
	}
	return name, nil
}

// registryHostOf is the normalised host of an address HSS reports for a registry or an SWR
// Enterprise instance: a host, host:port or URL, any path ignored. ok is false when it names
// none, or names one with user information.
func registryHostOf(addr string) (string, bool) {
	addr = strings.TrimSpace(addr)
	if strings.Contains(addr, "://") {
		u, err := url.Parse(addr)
		if err != nil || u.User != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return "", false
		}
		addr = u.Host
	} else if i := strings.IndexByte(addr, '/'); i >= 0 {
		addr = addr[:i]
	}
	host, err := NormalizeRegistryHost(addr)
	return host, err == nil
}

// quote is user or server text quoted for a message: bounded, and with every character a
// terminal would act on escaped.
func quote(s string) string {
	const limit = 300
	if len(s) <= limit {
		return strconv.Quote(s)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
