package datasources_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Many images in one read: each answer under its key, the same answer a singular read gives,
// one HSS request per image, identical images read once.
func TestReadImageBasicImages(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	images := map[string]any{
		"ci":    map[string]any{"image_id": "111", "image_type": "cicd"},
		"ci-2":  map[string]any{"image_id": "111", "image_type": "cicd"},
		"app":   map[string]any{"image_id": "222", "image_type": "cicd"},
		"agent": map[string]any{"image_id": "5f7c3b2a19e04d8c", "image_type": "private_image", "image_reference": proxyAgent},
		"multi": map[string]any{"image_id": "multi-os-0001", "image_type": "cicd", "os_name": "ubuntu"},
		"none":  map[string]any{"image_id": "no-such-image", "image_type": "cicd"},
	}
	attrs, d := p.ReadData("hss_image_basic_images", map[string]any{"images": images})
	if d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	got := results(t, attrs)
	want := map[string][]emulator.BasicImage{
		"ci": {emulator.SpecDebian}, "ci-2": {emulator.SpecDebian}, "app": {emulator.SupportedBase}, "agent": {emulator.ProxyAgentBase},
		"multi": {{OSName: "Ubuntu", OSVersion: "22.04", LayerDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"},
			{OSName: "Ubuntu", OSVersion: "20.04", LayerDigest: "sha256:4444444444444444444444444444444444444444444444444444444444444444"}},
		"none": {},
	}
	for k, w := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(w) {
			t.Errorf("%s: %v, want %v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("keys %v", got)
	}
	if n := e.Count(emulator.KindHSS); n != 5 {
		t.Fatalf("%d HSS requests for 5 distinct images", n)
	}
	if !strings.Contains(d.String(), `1 of 6 images matched nothing: "none"`) {
		t.Fatalf("no warning for the empty answer: %s", d)
	}
	id := str(t, attrs, "id")
	again, _ := p.ReadData("hss_image_basic_images", map[string]any{"images": images})
	if str(t, again, "id") != id || e.Count(emulator.KindHSS) != 5 {
		t.Fatalf("id %s then %s; %d requests", id, str(t, again, "id"), e.Count(emulator.KindHSS))
	}
}

// One failing image fails the read, and the error lists every image that failed, by key.
func TestImageBasicImagesErrorsNameTheirKeys(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, merged(akskArgs, map[string]any{"max_retries": 0}))
	e.AddFault(emulator.Fault{Status: 403, Code: "HSS.0013", Message: "no permission",
		Match: func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/refused-") }})
	images := map[string]any{"good": map[string]any{"image_id": "111", "image_type": "cicd"}}
	for i := range 3 {
		images[fmt.Sprintf("bad-%d", i)] = map[string]any{"image_id": fmt.Sprintf("refused-%d", i), "image_type": "cicd"}
	}
	_, d := p.ReadData("hss_image_basic_images", map[string]any{"images": images})
	if d.Errors() != 1 || !strings.Contains(d.String(), `3 of 4 images failed: "bad-0", "bad-1" and "bad-2"`) || !strings.Contains(d.String(), "HSS.0013") {
		t.Fatalf("%s", d)
	}
}

// Each image is checked as hss_image_basic_image checks one, blamed on its key.
func TestImageBasicImagesValidation(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for name, c := range map[string]struct {
		images map[string]any
		want   string
	}{
		"no image":   {map[string]any{}, "map must contain at least 1 elements"},
		"bad type":   {map[string]any{"x": map[string]any{"image_id": "1", "image_type": "cicdd"}}, `did you mean "cicd"?`},
		"bad id":     {map[string]any{"x": map[string]any{"image_id": "..", "image_type": "cicd"}}, "Invalid image ID"},
		"no tag":     {map[string]any{"web": map[string]any{"image_id": "1", "image_type": "private_image", "namespace": "a", "image_name": "b"}}, `images["web"].image_version: Missing required argument: image_type "private_image" is a repository image`},
		"both forms": {map[string]any{"web": map[string]any{"image_id": "1", "image_type": "private_image", "image_reference": proxyAgent, "namespace": "a"}}, `images["web"].image_reference: Invalid Attribute Combination: image_reference fills namespace`},
	} {
		if _, d := p.ReadData("hss_image_basic_images", map[string]any{"images": c.images}); d.Errors() < 1 || !strings.Contains(d.String(), c.want) {
			t.Errorf("%s: %s", name, d)
		}
	}
	if n := e.Count(emulator.KindHSS); n != 0 {
		t.Fatalf("%d requests for invalid arguments", n)
	}
}

// Keys are the user's: any text is a key, kept as given; an empty key and more images than a
// batch holds are refused before any request.
func TestImageBasicImagesHostileKeys(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	keys := []string{`quote"d`, "new\nline", "ünïcødé", "a/b/../c", "${interpolation}", strings.Repeat("k", 500)}
	images := map[string]any{}
	for _, k := range keys {
		images[k] = map[string]any{"image_id": "111", "image_type": "cicd"}
	}
	attrs, d := p.ReadData("hss_image_basic_images", map[string]any{"images": images})
	if d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	got := results(t, attrs)
	for _, k := range keys {
		if len(got[k]) != 1 || got[k][0] != emulator.SpecDebian {
			t.Errorf("%q: %v", k, got[k])
		}
	}
	if n := e.Count(emulator.KindHSS); n != 1 {
		t.Fatalf("%d requests for one image under %d keys", n, len(keys))
	}
	e.Reset()
	if _, d := p.ReadData("hss_image_basic_images", map[string]any{"images": map[string]any{"": map[string]any{"image_id": "111", "image_type": "cicd"}}}); d.Errors() != 1 {
		t.Fatalf("an empty key: %s", d)
	}
	many := map[string]any{}
	for i := range 5000 + 1 { // one over the bound
		many[fmt.Sprint(i)] = map[string]any{"image_id": "111", "image_type": "cicd"}
	}
	if _, d := p.ReadData("hss_image_basic_images", map[string]any{"images": many}); d.Errors() != 1 || !strings.Contains(d.String(), "5000") {
		t.Fatalf("%d images: %s", len(many), d)
	}
	if n := e.Count(emulator.KindHSS); n != 0 {
		t.Fatalf("%d requests for refused batches", n)
	}
}
