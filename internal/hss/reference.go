package hss

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// ImageReferenceForm is the shape ParseImageReference expects, for error messages.
const ImageReferenceForm = "[registry/]organization/name:tag, e.g. swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"

// RepositoryImage is what identifies a repository image to HSS (Namespace, Name, Version), and
// the rest of its reference: the registry (docker.io when the reference names none) and the
// digest that may follow the tag ("" when none does).
type RepositoryImage struct {
	Namespace string
	Name      string
	Version   string
	Registry  string
	Digest    string
}

// ParseImageReference splits a container image reference into organization (the first path
// component), image name (the rest of the path) and tag. A digest may accompany the tag but
// cannot replace it: HSS identifies repository images by tag.
func ParseImageReference(s string) (RepositoryImage, error) {
	named, err := reference.ParseNormalizedNamed(strings.TrimSpace(s))
	if err != nil {
		return RepositoryImage{}, fmt.Errorf("%q is not a valid image reference (%w); expected %s", s, err, ImageReferenceForm)
	}
	tagged, ok := named.(reference.Tagged)
	if !ok {
		if _, digested := named.(reference.Digested); digested {
			return RepositoryImage{}, fmt.Errorf("%q names an image by digest only; HSS identifies repository images by tag: expected %s", s, ImageReferenceForm)
		}
		return RepositoryImage{}, fmt.Errorf("%q has no tag; expected %s", s, ImageReferenceForm)
	}
	// A bare name gets Docker Hub's "library" organization from the parser; SWR and Harbor
	// have no such default, so the reference must name its organization itself.
	if !strings.Contains(reference.FamiliarName(named), "/") {
		return RepositoryImage{}, fmt.Errorf("%q names no organization (a bare name means Docker Hub's library, which SWR and Harbor do not have); expected %s",
			s, ImageReferenceForm)
	}
	org, name, found := strings.Cut(reference.Path(named), "/")
	if !found || org == "" || name == "" {
		return RepositoryImage{}, fmt.Errorf("%q needs an organization and a name; expected %s", s, ImageReferenceForm)
	}
	img := RepositoryImage{Namespace: org, Name: name, Version: tagged.Tag(), Registry: reference.Domain(named)}
	if d, ok := named.(reference.Digested); ok {
		img.Digest = d.Digest().String()
	}
	return img, nil
}
