package hss

import (
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// A multi-arch entry is a value: the same answer decoded twice gives equal entries, so the
// engine sees a repeated page or an entry on both sides of a page boundary; a different child
// makes a different entry; and the children's bytes count against a read's memory.
func TestAssociationImagesAreAValue(t *testing.T) {
	s := func(v string) *string { return &v }
	children := []model.AssociateImagesInfo{{ImageId: s("c1"), ImageDigest: s("sha256:" + strings.Repeat("a", 64))}, {ImageId: s("c2")}}
	it := model.RegistryImagesInfo{ImageId: s("i1"), AssociationImages: &children}
	a, b := registryImage(it), registryImage(it)
	if a != b || len(a.AssociationImages()) != 2 || a.AssociationImages()[0].ImageID != "c1" {
		t.Fatalf("%+v %+v", a, b)
	}
	changed := append([]model.AssociateImagesInfo(nil), children...)
	changed[1].ImageDigest = s("sha256:" + strings.Repeat("b", 64))
	it.AssociationImages = &changed
	if registryImage(it) == a {
		t.Fatal("another child, the same entry")
	}
	big := a.WithAssociationImages([]AssociationImage{{ImageDigest: strings.Repeat("a", 5000)}})
	if entrySize(big) < entrySize(RegistryImage{})+5000 {
		t.Fatalf("children counted as %d bytes", entrySize(big))
	}
	if (RegistryImage{}).AssociationImages() != nil || a.WithAssociationImages(nil).AssociationImages() != nil {
		t.Fatal("an image without children has some")
	}
}
