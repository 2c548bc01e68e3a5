package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The documented image gate against the emulator: a scanned image goes through, to its base OS
// read by the image_id HSS gave it; an unscanned one, one whose scan failed and one HSS does not
// know stop the plan.
func TestAccImagesGate(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	src, err := os.ReadFile(filepath.Join(exampleRoot(), "data-sources", "hss_images", "data-source.tf"))
	if err != nil {
		t.Fatal(err)
	}
	const ref = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
	if !strings.Contains(string(src), ref) {
		t.Fatal("the example no longer reads " + ref)
	}
	for _, c := range []struct{ ref, want string }{
		{ref, ""},
		{"swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.6.0-x86_64", `HSS has not scanned proxy-agent:24.6.0-x86_64 successfully (["unscan"])`},
		{"swr.cn-north-4.myhuaweicloud.com/team/web:2.0", `HSS has not scanned web:2.0 successfully (["failed"])`},
		{"swr.cn-north-4.myhuaweicloud.com/team/nothing:1.0", `HSS has not scanned nothing:1.0 successfully ([])`},
	} {
		t.Run(c.ref, func(t *testing.T) {
			dir := t.TempDir()
			config := requiredProviders + e.Provider(authAKSK) + strings.Replace(string(src), ref, c.ref, 1) +
				"\noutput \"base_os\" {\n  value = [for b in data.hss_image_basic_image.release.data_list : \"${b.os_name} ${b.os_version}\"]\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			skipWithoutFunctions(t, dir, plugins)
			out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
			flat := strings.Join(strings.Fields(out), " ")
			switch {
			case c.want == "" && (err != nil || !strings.Contains(flat, `base_os = [ + "Huawei Cloud EulerOS 2.0", ]`)):
				t.Fatalf("the scanned image was stopped: %v\n%s", err, out)
			case c.want != "" && (err == nil || !strings.Contains(flat, "Resource postcondition failed") || !strings.Contains(flat, c.want)):
				t.Fatalf("want the plan stopped with %q: %v\n%s", c.want, err, out)
			}
		})
	}
}
