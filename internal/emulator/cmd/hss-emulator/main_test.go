package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// A port that is taken says what to do, not only what the system said.
func TestListenErrorOfAPortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	_, err = net.Listen("tcp", addr)
	if err == nil {
		t.Fatal("the port was not taken")
	}
	msg := listenError(addr, err)
	for _, want := range []string{addr + " is already in use", "-listen 127.0.0.1:0", "prints the address it got"} {
		if !strings.Contains(msg, want) {
			t.Fatalf("want %q in %q", want, msg)
		}
	}
}

// A command run under the emulator uses the provider built beside it, unless the caller's own
// CLI configuration names a file.
func TestDevConfig(t *testing.T) {
	bin := t.TempDir()
	exe := filepath.Join(bin, "hss-emulator")
	if path, _, err := devConfig(exe, ""); err != nil || path != "" {
		t.Fatalf("no provider beside the emulator: %q %v", path, err)
	}
	if err := os.WriteFile(filepath.Join(bin, "terraform-provider-hss"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, current := range []string{"", filepath.Join(bin, "missing.tfrc")} {
		path, cleanup, err := devConfig(exe, current)
		if err != nil || path == "" {
			t.Fatalf("%q: %q %v", current, path, err)
		}
		b, err := os.ReadFile(path)
		if err != nil || !strings.Contains(string(b), `"hsslabs/hss" = `+strconv.Quote(bin)) {
			t.Fatalf("%s %v", b, err)
		}
		cleanup()
		if fileExists(path) {
			t.Fatal("the configuration outlived the command")
		}
	}
	own := filepath.Join(bin, "own.tfrc")
	if err := os.WriteFile(own, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if path, _, err := devConfig(exe, own); err != nil || path != "" {
		t.Fatalf("the caller's configuration was replaced: %q %v", path, err)
	}
}

// Every example the usage names is in the repository, so its command runs as printed.
func TestUsageNamesExamplesThatExist(t *testing.T) {
	var out strings.Builder
	printUsage(&out, "http://127.0.0.1:1", emulator.New(nil))
	named := regexp.MustCompile(`examples/[A-Za-z0-9_./-]*[A-Za-z0-9_-]`).FindAllString(out.String(), -1)
	if len(named) == 0 {
		t.Fatalf("the usage names no example:\n%s", out.String())
	}
	for _, dir := range named {
		if _, err := os.Stat(filepath.Join("..", "..", "..", "..", dir, "main.tf")); err != nil {
			t.Errorf("the usage names %s: %v", dir, err)
		}
	}
}

// The configuration quotes a directory of any name as HCL reads it, is the caller's alone, and
// goes with its directory; a directory where a file is expected is no file, and no emulator
// executable means no provider beside it.
func TestDevConfigHostileNames(t *testing.T) {
	bin := filepath.Join(t.TempDir(), `a "b" \c`)
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(bin, "hss-emulator")
	if err := os.Mkdir(filepath.Join(bin, "terraform-provider-hss"), 0o700); err != nil {
		t.Fatal(err)
	}
	if path, _, err := devConfig(exe, ""); err != nil || path != "" {
		t.Fatalf("a directory taken for the provider: %q %v", path, err)
	}
	if err := os.Remove(filepath.Join(bin, "terraform-provider-hss")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "terraform-provider-hss"), nil, 0o700); err != nil {
		t.Fatal(err)
	}
	// Not even a provider in the working directory stands for one beside an executable.
	t.Chdir(bin)
	if path, _, err := devConfig("", ""); err != nil || path != "" {
		t.Fatalf("no executable: %q %v", path, err)
	}
	// A directory named by TF_CLI_CONFIG_FILE is not a configuration the caller has.
	path, cleanup, err := devConfig(exe, bin)
	if err != nil || path == "" {
		t.Fatalf("%q %v", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), `"hsslabs/hss" = "`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(bin)+`"`) {
		t.Fatalf("%s %v", b, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v %v", st.Mode(), err)
	}
	dir := filepath.Dir(path)
	cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the configuration's directory outlived the command: %v", err)
	}
}
