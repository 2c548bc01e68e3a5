//go:build unix

package safefile_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/safefile"
)

// Only regular files, symbolic links to them included, are read, up to the cap: a device is
// not read without end and a named pipe does not block the read.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "token")
	if err := os.WriteFile(regular, []byte(strings.Repeat("x", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{regular, link} {
		if b, err := safefile.Read(context.Background(), ok, 100); err != nil || len(b) != 100 {
			t.Errorf("%s: %d bytes, %v", ok, len(b), err)
		}
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	type fileCase struct {
		path  string
		limit int64
		ctx   context.Context
		want  string
	}
	cases := map[string]fileCase{
		"over the cap": {regular, 99, context.Background(), "it is 100 bytes, more than the 99 allowed"},
		"directory":    {dir, 100, context.Background(), "it is a directory, not a regular file"},
		"named pipe":   {fifo, 100, context.Background(), "it is a named pipe, not a regular file"},
		"device":       {"/dev/zero", 1 << 20, context.Background(), "it is a character device, not a regular file"},
		"missing":      {filepath.Join(dir, "none"), 100, context.Background(), "no such file or directory"},
		"cancelled":    {regular, 100, cancelled, "context canceled"},
	}
	// A file may hold more than its size said when it was opened: /proc files report 0.
	if _, err := os.Stat("/proc/self/status"); err == nil {
		cases["larger than its size"] = fileCase{"/proc/self/status", 100, context.Background(), "it is more than the 100 bytes allowed"}
	}
	for name, c := range cases {
		b, err := safefile.Read(c.ctx, c.path, c.limit)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) || b != nil {
			t.Errorf("%s: %d bytes, err %v", name, len(b), err)
		}
	}
}

// A value given where a file name belongs is shown only when it plausibly is one: a secret
// there (a PEM key, a JWT, a long base64 run, a path longer than paths are) never is.
func TestShownPath(t *testing.T) {
	for _, p := range []string{"/etc/hss/token", "token", `C:\Users\ci\token.jwt`, "/var/run/secrets/tokens/oidc-token",
		"/home/user/.hcloud/config.json", "./certs/client key.pem", "/tmp/" + strings.Repeat("a", 64)} {
		if !safefile.PlausiblePath(p) || safefile.ShownPath(p) != strconv.Quote(p) {
			t.Errorf("%q is not shown: %s", p, safefile.ShownPath(p))
		}
	}
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSIsImF1ZCI6Imhzcy1lbXVsYXRvciJ9.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dA"
	for name, v := range map[string]string{
		"pem":            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----",
		"pem one line":   "Bag Attributes -----BEGIN PRIVATE KEY----- MIGHAgEAMBMGByqGSM49",
		"jwt":            jwt,
		"base64 run":     "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4",
		"base64 slashes": "ab/" + strings.Repeat("Zm9vYmFy", 9) + "/cd",
		"long":           "/" + strings.Repeat("a/", 600),
		"component":      "/" + strings.Repeat("a.", 130),
		"newline":        "/etc/token\nmore",
		"control":        "/etc/tok\x1ben",
		"empty":          "",
	} {
		if safefile.PlausiblePath(v) {
			t.Errorf("%s: %q is shown as a path", name, v)
		}
		if shown := safefile.ShownPath(v); len(v) >= 8 && strings.Contains(shown, v[:8]) {
			t.Errorf("%s: %q", name, shown)
		}
	}
	// Reading a secret given as a path names no part of it.
	_, err := safefile.Read(context.Background(), jwt, 1<<10)
	if err == nil || strings.Contains(err.Error(), jwt[:12]) || !strings.Contains(err.Error(), "does not look like a file name") {
		t.Fatalf("err %v", err)
	}
}
